"""Learning in the database as the Matchmaker uses it (SQLite and PostgreSQL): answers taken in as they are
given, learned appeal reordering a list without breaking the exposure cap, switching behaviour ranking off,
and the learned figures in the export and gone with the account."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

from domain.clock import FakeClock
from domain.matching.decisions import Source
from domain.matching.learning import Answer, Figures
from domain.quality import ModerationState
from handlers.services.matching.learning import learn_from_dates
from storage.database import Database
from storage.matching_source import MatchPool
from storage.models.match_learning import MatchLearningRow, MatchSettingsRow
from storage.privacy_ops import shred_account
from storage.repositories.quality_moderation import ModerationRepository
from storage.unit_of_work import UnitOfWork
from tests.matching.test_matching_source import client
from tests.matching.test_matchmaker import matchmaker

HIM = {"gender_sought": "female", "must_have": []}
HER = {"gender_sought": "male", "must_have": []}


async def people(uow: UnitOfWork, clock: FakeClock, men: int, women: int) -> tuple[list[UUID], list[UUID]]:
    now = clock.now()
    him = [await client(uow, now, n, gender="male", birth_date=date(1993, 1, 1), wishes=HIM) for n in range(men)]
    her = [await client(uow, now, 100 + n, wishes=HER) for n in range(women)]
    return him, her


async def test_answers_are_learned_as_they_are_given(database: Database, clock: FakeClock, tmp_path: Path) -> None:
    pool = MatchPool()
    async with database.unit_of_work() as uow:
        (man,), _women = await people(uow, clock, 1, 3)
    async with database.unit_of_work() as uow:
        maker = matchmaker(uow, tmp_path, clock, pool)
        assert await maker.make_list(man, clock.now().date()) == 3
        assert await uow.match_learning.figures([man]) == {}  # nothing answered yet
        first = await uow.suggestions.next_undecided(man)
        assert first is not None
        await maker.pass_on(first)
        second = await uow.suggestions.next_undecided(man)
        assert second is not None
        await maker.interested(second)
        await maker.pass_on(second)  # a second tap changes nothing
    async with database.unit_of_work() as uow:
        figures = await uow.match_learning.figures([man, first.candidate_id, second.candidate_id])
        assert (figures[man].said.yes, figures[man].said.seen) == (1, 2)
        assert figures[man].taste["hobby:tea"].seen == 2  # what he was shown, counted per feature
        assert (figures[first.candidate_id].got.yes, figures[first.candidate_id].got.seen) == (0, 1)
        assert (figures[second.candidate_id].got.yes, figures[second.candidate_id].got.seen) == (1, 1)
        population = await uow.match_learning.population()
        assert (population.yes, population.seen) == (1, 2)
        # The woman he was interested in has him queued; her answer is learned too.
        queued = await uow.suggestions.queued(second.candidate_id)
        assert [q.candidate_id for q in queued] == [man]
        her_maker = matchmaker(uow, tmp_path, clock, pool)
        await her_maker.pass_on(queued[0])
        figures = await uow.match_learning.figures([man, second.candidate_id])
        assert (figures[second.candidate_id].said.yes, figures[second.candidate_id].said.seen) == (0, 1)
        assert (figures[man].got.yes, figures[man].got.seen) == (0, 1)


async def test_learned_appeal_orders_the_list_and_the_exposure_cap_still_holds(
    database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    pool = MatchPool()
    async with database.unit_of_work() as uow:
        men, women = await people(uow, clock, 3, 4)
        star = women[3]
        # Others said yes to the star many times (before today): her appeal is learned.
        for n in range(30):
            yes = Answer(men[2], star, True, clock.now() - timedelta(days=3, minutes=n))
            await uow.match_learning.record(yes, (), clock.now())
            no = Answer(men[2], women[0], False, clock.now() - timedelta(days=3, minutes=n))
            await uow.match_learning.record(no, (), clock.now())
    async with database.unit_of_work() as uow:
        maker = matchmaker(uow, tmp_path, clock, pool, max_daily_exposure=1)
        day = clock.now().date()
        assert await maker.make_list(men[0], day) == 3
        shown = await uow.suggestions.list_for_asker(men[0])
        by_position = sorted(shown, key=lambda s: s.position)
        assert by_position[0].candidate_id == star
        assert women[0] not in {s.candidate_id for s in shown}  # the one everybody passed on comes last
        # Each woman may be shown once a day: the next man does not get the star again today.
        assert await maker.make_list(men[1], day) == 1
        (theirs,) = await uow.suggestions.list_for_asker(men[1])
        assert theirs.candidate_id == women[0]


async def test_behaviour_ranking_switched_off_forgets_and_ranks_by_stated_wishes(
    database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    pool = MatchPool()
    async with database.unit_of_work() as uow:
        (man,), women = await people(uow, clock, 1, 3)
        await uow.match_learning.record(Answer(man, women[0], False, clock.now()), ("hobby:tea",), clock.now())
        for _ in range(30):
            await uow.match_learning.record(Answer(women[1], women[2], True, clock.now()), (), clock.now())
    async with database.unit_of_work() as uow:
        maker = matchmaker(uow, tmp_path, clock, pool)
        assert (await maker.ranking_choices(man)).behaviour is True
        choices = await maker.set_behaviour_ranking(man, False)
        assert choices.behaviour is False
        assert await uow.match_learning.figures([man]) == {}  # what was learned about him is gone
        await maker.set_importance(man, "age", "important")
    async with database.unit_of_work() as uow:
        maker = matchmaker(uow, tmp_path, clock, pool)
        assert (await maker.ranking_choices(man)).importance == {"age": "important"}
        assert await maker.make_list(man, clock.now().date()) == 3
        shown = {s.candidate_id: s for s in await uow.suggestions.list_for_asker(man)}
        # Without behaviour, the three women (the same stated facts) score alike: appeal learned about the
        # third does not lift her.
        assert len({round(s.score or 0, 9) for s in shown.values()}) == 1
        first = await uow.suggestions.next_undecided(man)
        assert first is not None
        before = await uow.match_learning.figures([man, *women])
        await maker.interested(first)
        # Nothing new is learned: not about him, and not from his answer.
        assert await uow.match_learning.figures([man, *women]) == before
        assert man not in before


async def test_learned_figures_are_exported_and_shredded_with_the_account(
    database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    async with database.unit_of_work() as uow:
        (man,), (woman,) = await people(uow, clock, 1, 1)
        await uow.suggestions.add(man, woman, source=Source.MATCHER, now=clock.now(), offered_on=clock.now().date())
        await uow.match_learning.record(Answer(man, woman, True, clock.now()), ("hobby:tea",), clock.now())
        await uow.match_learning.set_choices(man, clock.now(), importance={"regions": "ignore"})
    async with database.unit_of_work() as uow:
        exported = await uow.match_learning.export(man)
        assert exported == {
            "behaviour_ranking": True,
            "importance": {"regions": "ignore"},
            "learned": Figures.from_data({"said_yes": 1, "answered": 1, "taste": {"hobby:tea": [1, 1]}}).as_data(),
        }
        await shred_account(uow, man, clock.now())
    async with database.unit_of_work() as uow:
        rows = (await uow.session.scalars(uow.session.sync_session.query(MatchLearningRow).statement)).all()
        assert [row.account_id for row in rows] == [woman]  # her appeal stays; his figures are gone
        settings = (await uow.session.scalars(uow.session.sync_session.query(MatchSettingsRow).statement)).all()
        assert settings == []


async def test_meet_again_after_a_date_is_learned_once(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        (man,), (woman,) = await people(uow, clock, 1, 1)
        introduction = await uow.introductions.create(man, woman, now=clock.now())
        date_ = await uow.dates.propose(
            introduction_id=introduction.id,
            first_id=man,
            second_id=woman,
            proposer=man,
            slots=[clock.now() + timedelta(days=1)],
            venue_code=None,
            venue_text=None,
            now=clock.now(),
        )
        his = await uow.dates.ask_feedback(date_, man, clock.now())
        hers = await uow.dates.ask_feedback(date_, woman, clock.now())
        await uow.dates.answer(his, meet_again=True, completed_at=clock.now())
        await uow.dates.answer(hers, meet_again=False)  # not completed yet: not taken in
    clock.advance(timedelta(hours=1))
    async with database.unit_of_work() as uow:
        assert await learn_from_dates(uow, clock.now()) == 1
        figures = await uow.match_learning.figures([man, woman])
        assert (figures[man].said.yes, figures[man].said.seen) == (1, 1)
        assert (figures[woman].got.yes, figures[woman].got.seen) == (1, 1)
        assert figures[man].taste  # what he saw in her, counted
    async with database.unit_of_work() as uow:
        assert await learn_from_dates(uow, clock.now()) == 0  # never twice
        await uow.dates.answer(hers, meet_again=False, completed_at=clock.now())
    clock.advance(timedelta(hours=1))
    async with database.unit_of_work() as uow:
        assert await learn_from_dates(uow, clock.now()) == 1
        figures = await uow.match_learning.figures([woman])
        assert (figures[woman].said.yes, figures[woman].said.seen) == (0, 1)


async def test_a_wish_that_does_not_matter_does_not_decide_the_list(
    database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    pool = MatchPool()
    shanghai_only = {"gender_sought": "female", "regions": ["310000"], "must_have": []}
    async with database.unit_of_work() as uow:
        man = await client(uow, clock.now(), 1, gender="male", birth_date=date(1993, 1, 1), wishes=shanghai_only)
        # Two women alike but for the city; the one in Suzhou shares his hobbies.
        here = await client(uow, clock.now(), 2, region_code="310000", hobbies=["music"], wishes=HER)
        there = await client(uow, clock.now(), 3, region_code="320500", hobbies=["tea", "hiking"], wishes=HER)
        await uow.profiles.update(man, now=clock.now(), hobbies=["tea", "hiking"])
    async with database.unit_of_work() as uow:
        maker = matchmaker(uow, tmp_path, clock, pool)
        await maker.set_importance(man, "regions", "ignore")
        assert await maker.make_list(man, clock.now().date()) == 2
        first = await uow.suggestions.next_undecided(man)
        assert first is not None and first.candidate_id == there  # by default the one in Shanghai comes first
        assert {s.candidate_id for s in await uow.suggestions.list_for_asker(man)} == {here, there}


async def test_a_profile_hidden_by_moderation_is_suggested_to_nobody_until_then(
    database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    pool = MatchPool()
    async with database.unit_of_work() as uow:
        men, (hidden, shown) = await people(uow, clock, 2, 2)
        until = clock.now() + timedelta(days=3)
        await ModerationRepository.of(uow).apply(
            hidden, ModerationState.HIDDEN, hidden_until=until, by=None, now=clock.now()
        )
    async with database.unit_of_work() as uow:
        maker = matchmaker(uow, tmp_path, clock, pool)
        assert await maker.make_list(men[0], clock.now().date()) == 1
        assert [s.candidate_id for s in await uow.suggestions.list_for_asker(men[0])] == [shown]
    clock.advance(timedelta(days=3, minutes=1))
    async with database.unit_of_work() as uow:
        maker = matchmaker(uow, tmp_path, clock, pool)
        assert await maker.make_list(men[1], clock.now().date()) == 2
