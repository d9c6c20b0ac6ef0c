"""Scoring the index's head again: a new client by stated wishes, learned figures once there are answers, the
asker's switch, and reasons naming the most informative hobby first."""

from __future__ import annotations

from domain.matching.fit import HobbyRarity
from domain.matching.index import MatchIndex
from domain.matching.learning import Figures, RankingChoices, Tally
from domain.matching.model import MatchProfile, Reason, Suggestion
from domain.matching.rerank import head_size, rerank
from tests.matching.builders import DAY, person, woman

POPULATION = Tally(300, 1000)


def head(*candidates: MatchProfile[int]) -> list[tuple[Suggestion[int], MatchProfile[int]]]:
    return [(Suggestion(c.id, 0.5, 0.5, 0.5), c) for c in candidates]


def appealing(got_yes: int, got: int) -> Figures:
    figures = Figures()
    figures.got = Tally(got_yes, got)
    return figures


def test_a_new_client_is_ranked_by_stated_wishes() -> None:
    him = person(1, prefs={"gender_sought": "female", "age_min": 25, "age_max": 33})
    middle, edge = woman(2, birth_year=DAY.year - 29), woman(3, birth_year=DAY.year - 33)
    ranked = rerank(him, head(edge, middle), k=2, day=DAY, figures={}, choices={}, population=POPULATION)
    assert [s.candidate_id for s in ranked] == [2, 3]
    assert all(0 < s.score < 1 and s.score == s.score_for_asker * s.score_for_candidate for s in ranked)


def test_learned_figures_reorder_and_the_asker_may_switch_them_off() -> None:
    him = person(1)
    liked, ignored = woman(2), woman(3)
    figures = {2: appealing(40, 50), 3: appealing(2, 50)}
    ranked = rerank(him, head(ignored, liked), k=1, day=DAY, figures=figures, choices={}, population=POPULATION)
    assert [s.candidate_id for s in ranked] == [2]
    off = {1: RankingChoices(behaviour=False)}
    ranked = rerank(him, head(ignored, liked), k=2, day=DAY, figures=figures, choices=off, population=POPULATION)
    assert [s.candidate_id for s in ranked] == [3, 2]  # the same stated fit: the index's order stands
    assert ranked[0].score == ranked[1].score


def test_a_choosy_candidate_counts_on_the_reciprocal_side() -> None:
    him = person(1)
    choosy, open_ = woman(2), woman(3)
    says_no = Figures()
    for _ in range(40):
        says_no.said_answer(False, ())
    ranked = rerank(him, head(choosy, open_), k=2, day=DAY, figures={2: says_no}, choices={}, population=POPULATION)
    assert [s.candidate_id for s in ranked] == [3, 2]
    assert ranked[1].score_for_candidate < ranked[0].score_for_candidate


def test_shared_hobbies_are_named_the_most_informative_first() -> None:
    him = person(1, hobbies={"music", "tea"})
    her = woman(2, hobbies={"music", "tea"})
    rarity = HobbyRarity(people=100, ticked={"music": 80, "tea": 4})
    reason = Reason("shared_hobbies", {"hobbies": ["music", "tea"]})
    ranked = rerank(
        him,
        [(Suggestion(2, 0.5, 0.5, 0.5, (reason,)), her)],
        k=1,
        day=DAY,
        figures={},
        choices={},
        population=POPULATION,
        rarity=rarity,
    )
    assert ranked[0].reasons[0].params["hobbies"] == ["tea", "music"]


def test_the_head_is_larger_than_the_list() -> None:
    assert head_size(3) == 40 and head_size(20) == 80


def test_the_index_counts_hobbies_as_profiles_come_and_go() -> None:
    index = MatchIndex.build([person(1, hobbies={"tea", "music"}), woman(2, hobbies={"tea"})])
    assert index.hobby_rarity().ticked == {"tea": 2, "music": 1} and index.hobby_rarity().people == 2
    index.add(woman(3, hobbies={"hiking"}))
    index.update(person(1, hobbies={"hiking"}))
    index.remove(2)
    rarity = index.hobby_rarity()
    assert (rarity.people, rarity.ticked) == (2, {"hiking": 2})
    assert rarity.weight("hiking") < rarity.weight("tea")
