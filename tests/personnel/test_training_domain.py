"""Training rules (domain/personnel/training.py): the catalog the agency ships, where a member stands on each
module (passed, due, overdue, new), when client data opens, and the quiz's pass mark."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from domain.personnel.training import (
    EMPTY,
    CatalogError,
    Passed,
    Record,
    Status,
    cleared,
    correct_count,
    current_catalog,
    load_catalog,
    packaged_catalog_dir,
    standing,
    standings,
)
from domain.staff import Role, needs_training, service_standard

CATALOG = current_catalog()
DEPLOYED = date(2026, 12, 7)  # the day the three new modules were introduced


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def passed_all(day: date, **versions: int) -> Record:
    return Record(
        {module.code: Passed(versions.get(module.code, module.version), at(day)) for module in CATALOG.modules}
    )


def test_the_agency_trains_on_four_required_modules_in_order() -> None:
    assert [module.code for module in CATALOG.modules] == [
        "standard",
        "first_conversation",
        "privacy",
        "fees_and_honesty",
    ]
    assert all(module.required for module in CATALOG.modules)
    assert [module.title.en for module in CATALOG.modules] == [
        "The service standard",
        "The first conversation with a client",
        "Privacy",
        "Fees and honesty",
    ]


@pytest.mark.parametrize("locale", ["en", "zh", "zh_Hant"])
def test_every_passage_to_re_read_is_in_the_module_text(locale: str) -> None:
    for module in CATALOG.modules:
        text = " ".join(module.text.text(locale).split())
        for question in module.questions:
            assert " ".join(question.passage.text(locale).split()) in text, (module.code, question.prompt.en)


def test_each_question_has_one_right_answer_among_its_answers_in_both_languages() -> None:
    for module in CATALOG.modules:
        assert 1 <= len(module.questions) <= 10
        for question in module.questions:
            assert 0 <= question.correct < len(question.answers)
            assert all(answer.en and answer.zh for answer in question.answers)
            assert len({answer.en for answer in question.answers}) == len(question.answers)


def test_the_standard_module_is_the_service_standard() -> None:
    standard = CATALOG.get("standard")
    assert standard is not None
    assert standard.text.text("en").strip() == service_standard("en")
    assert standard.text.text("zh").strip() == service_standard("zh")


def test_traditional_chinese_is_made_from_simplified_and_russian_reads_english() -> None:
    privacy = CATALOG.get("privacy")
    assert privacy is not None
    assert privacy.title.text("zh") == "隐私保护"
    assert privacy.title.text("zh_Hant") == "隱私保護"
    assert privacy.text.text("ru") == privacy.text.text("en")


def test_the_pass_mark_is_a_share_of_the_questions() -> None:
    module = CATALOG.modules[0]
    assert (len(module.questions), module.pass_mark, module.needed()) == (4, 75, 3)
    assert module.passes(3) and module.passes(4) and not module.passes(2)
    right = [question.correct for question in module.questions]
    assert correct_count(module, right) == 4
    assert correct_count(module, [(choice + 1) % 2 for choice in right[:2]] + right[2:]) == 2


def test_a_new_member_has_every_module_to_take_and_no_client_data() -> None:
    found = standings(CATALOG, EMPTY, DEPLOYED)
    assert {s.status for s in found} == {Status.NEW}
    assert all(s.blocks for s in found)
    assert not cleared(CATALOG, EMPTY, DEPLOYED)


def test_client_data_opens_when_every_required_module_is_passed() -> None:
    all_but_one = Record({code: p for code, p in passed_all(DEPLOYED).passed.items() if code != "privacy"})
    assert not cleared(CATALOG, all_but_one, DEPLOYED)
    assert cleared(CATALOG, passed_all(DEPLOYED), DEPLOYED)


def test_a_new_version_is_due_within_its_grace_then_overdue() -> None:
    privacy = CATALOG.get("privacy")
    assert privacy is not None
    v2 = replace(privacy, version=2, published=date(2027, 3, 1), grace_days=14)
    catalog = replace(CATALOG, modules=tuple(v2 if m.code == "privacy" else m for m in CATALOG.modules))
    record = passed_all(DEPLOYED, privacy=1)

    due = standing(v2, record, date(2027, 3, 15))
    assert (due.status, due.due_by, due.passed_version, due.retake) == (Status.DUE, date(2027, 3, 15), 1, True)
    assert cleared(catalog, record, date(2027, 3, 15))  # open while the grace runs

    overdue = standing(v2, record, date(2027, 3, 16))
    assert overdue.status is Status.OVERDUE and overdue.blocks
    assert not cleared(catalog, record, date(2027, 3, 16))

    # Only the changed module is to re-take; passing it opens client data again.
    assert [s.module.code for s in standings(catalog, record, date(2027, 3, 16)) if s.status is not Status.PASSED] == [
        "privacy"
    ]
    assert cleared(catalog, passed_all(DEPLOYED, privacy=2), date(2027, 3, 16))


def test_a_module_added_later_gives_trained_members_its_grace_but_not_new_ones() -> None:
    trained_before = Record({"standard": Passed(1, at(date(2026, 6, 1)))})
    first_conversation = CATALOG.get("first_conversation")
    assert first_conversation is not None
    found = standing(first_conversation, trained_before, DEPLOYED)
    assert (found.status, found.due_by) == (Status.DUE, date(2026, 12, 21))
    assert standing(first_conversation, trained_before, date(2026, 12, 22)).status is Status.OVERDUE

    joined_after = Record({"standard": Passed(1, at(date(2026, 12, 8)))})
    assert standing(first_conversation, joined_after, date(2026, 12, 8)).status is Status.NEW


def test_the_owner_needs_no_training() -> None:
    assert not needs_training(Role.OWNER)
    assert all(needs_training(role) for role in Role if role is not Role.OWNER)


def copy_catalog(tmp_path: Path) -> Path:
    directory = tmp_path / "training"
    shutil.copytree(packaged_catalog_dir(), directory)
    return directory


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    directory = copy_catalog(tmp_path)
    assert load_catalog(directory).modules[0].version == 1
    path = directory / "standard.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["version"] = 2
    data["changes"] = {"en": "Answer within one working day.", "zh": "一个工作日内答复。"}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    standard = load_catalog(directory).modules[0]
    assert standard.version == 2 and standard.changes is not None
    assert standard.changes.text("zh") == "一个工作日内答复。"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"version": 0}, "`version`"),
        ({"pass_mark": 120}, "`pass_mark`"),
        ({"questions": []}, "questions"),
        ({"title": {"en": "Only English"}}, "title"),
        ({"introduced": "soon"}, "introduced"),
    ],
)
def test_a_broken_file_is_named_with_what_is_wrong(tmp_path: Path, change: dict[str, object], problem: str) -> None:
    directory = copy_catalog(tmp_path)
    path = directory / "privacy.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CatalogError, match=problem) as raised:
        load_catalog(directory)
    assert "privacy.json" in str(raised.value)


def test_a_wrong_answer_index_is_refused(tmp_path: Path) -> None:
    directory = copy_catalog(tmp_path)
    path = directory / "fees_and_honesty.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["questions"][0]["correct"] = 7
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CatalogError, match="correct"):
        load_catalog(directory)
