"""/training in the chat: a member reads a module and takes its quiz one question at a time; a wrong answer
shows the right one and the passage to re-read; a failed quiz is taken again; old and forged buttons change
nothing; a new version asks to re-take only that module (open during its grace, closed after); managers see
who is due. And the permission matrix over every role for the command and every button."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageText, TelegramMethod
from sqlalchemy import select

import domain.personnel.training as training
from domain.clock import FakeClock
from domain.personnel.training import current_catalog, packaged_catalog_dir
from domain.staff import PERMISSIONS, Permission, Role
from handlers.services.personnel.training_jobs import send_training_notices
from handlers.services.settings import Settings
from handlers.training import ACTION_PERMISSIONS, ANSWER_PERMISSION, COMMAND_PERMISSIONS
from handlers.views.training import QuizAnswer, TrainingAction, TrainingButton
from storage.database import Database
from storage.models.training import TrainingAttemptRow
from tests.botclient import BotClient
from tests.matching.chat import deliver
from tests.staff.conftest import OWNER_ID, add_member
from tests.staff.test_permission_matrix import said

ANNA, BO, MARY = 600_300_001, 600_300_002, 600_300_003
NOT_STAFF = "Sorry, this is only for the agency's staff."
CLOSED = "Please pass your training first (/training); client records open after that."
STANDARD = current_catalog().modules[0]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID])


async def attempts(database: Database) -> list[TrainingAttemptRow]:
    async with database.unit_of_work(read_only=True) as uow:
        return list(
            (await uow.session.scalars(select(TrainingAttemptRow).order_by(TrainingAttemptRow.started_at))).all()
        )


def answer_text(index: int, *, right: bool) -> str:
    question = STANDARD.questions[index]
    choice = question.correct if right else (question.correct + 1) % len(question.answers)
    return question.answers[choice].en


async def paced_click(user: BotClient, clock: FakeClock, text: str) -> list[TelegramMethod[Any]]:
    clock.advance(timedelta(seconds=1))  # a person takes a moment (the flood guard)
    return await user.click(text)


async def test_a_quiz_one_question_at_a_time_with_the_passage_to_re_read_and_a_retake(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, ANNA, "counselor", name="Anna", trained=False)
    anna = make_user(user_id=ANNA)

    await anna.send("/training")

    assert anna.last_text().startswith(
        "<b>Your training</b>\nClient records open once every required module is passed."
    )
    assert "📘 The service standard: not taken yet" in anna.last_text()
    assert anna.last_buttons() == [
        "The service standard",
        "The first conversation with a client",
        "Privacy",
        "Fees and honesty",
    ]  # no "Who is due": that is for managers

    await paced_click(anna, clock, "The service standard")
    assert anna.last_text().startswith("<b>The service standard</b> (version 1)\n\n<b>Our service standard</b>")
    assert anna.last_text().endswith("The quiz: 4 questions; the pass mark is 3 right.")
    assert anna.last_buttons() == ["Take the quiz", "« My training"]

    calls = await paced_click(anna, clock, "Take the quiz")
    assert [type(c) for c in calls] == [AnswerCallbackQuery, EditMessageText]
    assert anna.last_text() == (
        "<b>The service standard</b>: question 1 of 4\n\n"
        "A client asks you to forward another client's photo. What do you do?"
    )
    assert anna.last_buttons() == [answer.en for answer in STANDARD.questions[0].answers]

    await paced_click(anna, clock, answer_text(0, right=False))
    assert anna.view.toasts[-1] == "Not quite."
    assert anna.last_text().startswith(
        "❌ Not quite. The right answer: Refuse, unless that client agreed to the introduction\n"
        "Re-read: <i>Never share a client's name, photo or contact with anyone, another client included, "
        "unless the client agreed to that introduction.</i>\n\n"
        "<b>The service standard</b>: question 2 of 4"
    )
    await paced_click(anna, clock, answer_text(1, right=False))
    await paced_click(anna, clock, answer_text(2, right=True))
    assert anna.last_text().startswith("✅ Right.\n\n<b>The service standard</b>: question 4 of 4")
    await paced_click(anna, clock, answer_text(3, right=True))

    assert "You answered 2 of 4 questions right (50%); the pass mark is 3." in anna.last_text()
    assert anna.last_text().endswith("Not passed yet. Re-read the module and try again.")
    assert anna.last_buttons() == ["Try again", "Read the module", "« My training"]
    (failed,) = await attempts(app_database)
    assert (failed.module, failed.version, failed.answers, failed.correct, failed.passed) == (
        "standard",
        1,
        "".join(
            str(q.correct if right else (q.correct + 1) % len(q.answers))
            for q, right in zip(STANDARD.questions, [False, False, True, True], strict=True)
        ),
        2,
        False,
    )

    await paced_click(anna, clock, "Try again")
    for index in range(4):
        await paced_click(anna, clock, answer_text(index, right=True))
    assert "You answered 4 of 4 questions right (100%)" in anna.last_text()
    assert "🎉 Passed." in anna.last_text()
    assert "client records are open" not in anna.last_text()  # three modules still to pass
    assert anna.last_buttons() == ["« My training"]
    await paced_click(anna, clock, "« My training")
    assert "✅ The service standard: passed" in anna.last_text()
    assert "📘 Privacy: not taken yet" in anna.last_text()
    assert [row.passed for row in await attempts(app_database)] == [False, True]

    clock.advance(timedelta(seconds=1))
    await anna.send("/clients")
    assert anna.last_text() == CLOSED


async def test_old_and_forged_answers_change_nothing(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, ANNA, "counselor", name="Anna", trained=False)
    await add_member(app_database, clock, BO, "counselor", name="Bo", trained=False)
    anna, bo = make_user(user_id=ANNA), make_user(user_id=BO)
    await anna.send("/training")
    await paced_click(anna, clock, "The service standard")
    await paced_click(anna, clock, "Take the quiz")
    first_question = anna.last_message()
    await paced_click(anna, clock, answer_text(0, right=True))
    (attempt,) = await attempts(app_database)

    # The first question's buttons again (an old copy of the message): answered already.
    calls = await anna.press(QuizAnswer(attempt=attempt.id, question=0, choice=0).pack(), message=None)
    assert [type(c) for c in calls] == [AnswerCallbackQuery]
    assert anna.view.toasts[-1] == "This question has been answered already."
    assert first_question.message_id == anna.last_message().message_id
    # Someone else's attempt, or one that does not exist: nothing counts.
    await bo.press(QuizAnswer(attempt=attempt.id, question=1, choice=0).pack())
    assert bo.view.toasts[-1] == "This question has been answered already."
    await bo.press(QuizAnswer(attempt=uuid4(), question=0, choice=0).pack())
    assert bo.view.toasts[-1] == "This question has been answered already."
    (unchanged,) = await attempts(app_database)
    assert unchanged.answers == str(STANDARD.questions[0].correct)


@pytest.fixture
def edited_catalog(tmp_path: Path) -> Iterator[Path]:
    """A copy of the agency's training that a test may edit; the bot reads it while the test runs."""
    directory = tmp_path / "training"
    shutil.copytree(packaged_catalog_dir(), directory)
    previous = training.CATALOG_DIR
    training.CATALOG_DIR = directory
    yield directory
    training.CATALOG_DIR = previous


def publish_version(directory: Path, code: str, *, version: int, published: str, changes: str) -> None:
    path = directory / f"{code}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(
        version=version, introduced="2026-01-01", published=published, changes={"en": changes, "zh": "新增内容。"}
    )
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


async def test_a_new_version_asks_to_re_take_only_that_module_open_during_its_grace(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, edited_catalog: Path
) -> None:
    await add_member(app_database, clock, ANNA, "counselor", name="Anna")  # trained on every module
    await add_member(app_database, clock, MARY, "manager", name="Mary")
    anna, mary = make_user(user_id=ANNA), make_user(user_id=MARY)
    publish_version(
        edited_catalog, "privacy", version=2, published="2026-01-05", changes="Lost phones are reported the same day."
    )

    await anna.send("/clients")
    assert anna.last_text() != CLOSED  # still open during the grace
    clock.advance(timedelta(seconds=1))
    await anna.send("/training")

    text = anna.last_text()
    assert "✅ The service standard: passed" in text and "✅ Fees and honesty: passed" in text
    assert "🕒 Privacy: version 2 to re-take by Mon, Jan 19" in text
    assert "Client records open once" not in text

    await paced_click(anna, clock, "Privacy")
    assert anna.last_text().startswith(
        "<b>Privacy</b> (version 2)\n\n<b>What changed in version 2:</b> Lost phones are reported the same day."
    )

    # The manager sees who is due, by when.
    await mary.send("/training")
    assert mary.last_buttons()[-1] == "Who is due"
    await paced_click(mary, clock, "Who is due")
    assert mary.last_text().startswith("<b>Training: who is due</b>")
    assert "<b>Privacy</b> (version 2)\nPassed: 0\nDue: Anna (Mon, Jan 19), Mary (Mon, Jan 19)" in mary.last_text()
    assert "<b>Fees and honesty</b> (version 1)\nPassed: 2" in mary.last_text()

    # After the grace, client data closes until the new version is passed.
    clock.advance(timedelta(days=15))
    await anna.send("/clients")
    assert anna.last_text() == CLOSED
    clock.advance(timedelta(seconds=1))
    await anna.send("/training")
    assert "⛔ Privacy: was due by Mon, Jan 19: client records are closed until you pass it" in anna.last_text()
    await paced_click(anna, clock, "Privacy")
    await paced_click(anna, clock, "Take the quiz")
    privacy = current_catalog().get("privacy")
    assert privacy is not None and privacy.version == 2
    for question in privacy.questions:
        await paced_click(anna, clock, question.answers[question.correct].en)
    assert anna.last_text().endswith(
        "🎉 Passed.\nYour required training is complete: client records are open to you now."
    )
    clock.advance(timedelta(seconds=1))
    await anna.send("/clients")
    assert anna.last_text() != CLOSED

    clock.advance(timedelta(seconds=1))
    await mary.send("/training")
    await paced_click(mary, clock, "Who is due")
    assert "<b>Privacy</b> (version 2)\nPassed: 1\nOverdue, client records closed: Mary (Mon, Jan 19)" in (
        mary.last_text()
    )


async def test_a_new_member_is_listed_as_not_taken_yet(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MARY, "manager", name="Mary")
    await add_member(app_database, clock, BO, "customer_service", name="Bo", trained=False)
    await add_member(app_database, clock, ANNA, "finance", name="Ann", active=False, trained=False)
    mary = make_user(user_id=MARY)

    await mary.send("/training")
    await paced_click(mary, clock, "Who is due")

    assert "<b>The service standard</b> (version 1)\nPassed: 1\nOverdue, client records closed: Bo (not taken yet)" in (
        mary.last_text()
    )
    assert "Ann" not in mary.last_text()  # deactivated


# --- The permission matrix ---------------------------------------------------------------------------------

ACTOR_ID = 600_300_100
ACTORS = ["visitor", "client", "admin", *[role.value for role in Role]]
ENTRIES: list[tuple[str, Permission | None]] = [
    ("/training", COMMAND_PERMISSIONS["training"]),
    *[(f"button:{action.value}", ACTION_PERMISSIONS[action]) for action in TrainingAction],
    ("button:answer", ANSWER_PERMISSION),
]


def test_the_matrix_covers_every_command_and_button() -> None:
    assert set(COMMAND_PERMISSIONS) == {"training"}
    assert {name for name, _ in ENTRIES} == {
        "/training",
        "button:answer",
        *(f"button:{a.value}" for a in TrainingAction),
    }


def actor_role(actor: str) -> Role | None:
    if actor in ("visitor", "client"):
        return None
    return Role.OWNER if actor == "admin" else Role(actor)


@pytest.mark.parametrize(("name", "permission"), ENTRIES, ids=[name for name, _ in ENTRIES])
@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str,
    name: str,
    permission: Permission | None,
    make_user: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
) -> None:
    if actor == "admin":
        user = make_user(user_id=OWNER_ID)
    else:
        user = make_user(user_id=ACTOR_ID)
        if actor == "client":
            await user.send("/start")
            await user.click("I agree, let's begin")
        elif actor != "visitor":
            await add_member(app_database, clock, ACTOR_ID, actor, name="Actor", trained=False)
    clock.advance(timedelta(seconds=1))

    if name == "/training":
        calls = await user.send(name)
    elif name == "button:answer":
        calls = await user.press(QuizAnswer(attempt=uuid4(), question=0, choice=0).pack())
    else:
        action = TrainingAction(name.removeprefix("button:"))
        calls = await user.press(TrainingButton(action=action, module=STANDARD.code).pack())
    texts = said(calls)

    role = actor_role(actor)
    refusals = [t for t in texts if t == NOT_STAFF or t.startswith("Sorry, this needs the permission")]
    if role is not None and (permission is None or permission in PERMISSIONS[role]):
        assert texts and not refusals, texts
    elif role is None:
        assert texts == [NOT_STAFF]
    else:
        assert texts == [
            f"Sorry, this needs the permission “see the staff list” (personnel area), which the role "
            f"{role.value.replace('_', ' ')} does not have. Please ask the agency's owner."
        ]
    started = [row for row in await attempts(app_database) if row.module == STANDARD.code]
    assert len(started) == (1 if name == "button:start" and role is not None and actor != "admin" else 0)


async def test_members_are_told_once_of_a_new_version_and_its_day(
    make_user: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
    edited_catalog: Path,
    settings: Settings,
    dp: Dispatcher,
) -> None:
    await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    await add_member(app_database, clock, BO, "counselor", name="Bo", trained=False)  # new: told when joining
    anna, bo = make_user(user_id=ANNA), make_user(user_id=BO)
    async with app_database.unit_of_work() as uow:
        assert await send_training_notices(uow, clock.now(), settings=settings, i18n=dp["i18n"]) == 0
    publish_version(
        edited_catalog, "privacy", version=2, published="2026-01-05", changes="Lost phones are reported the same day."
    )

    for _day in range(2):  # the daily run, twice: the notice is sent once
        async with app_database.unit_of_work() as uow:
            await send_training_notices(uow, clock.now(), settings=settings, i18n=dp["i18n"])
        clock.advance(timedelta(days=1))

    (notice,) = await deliver(app_database, anna)
    assert notice.text == (
        "📘 <b>Training</b>: “Privacy” has a new version (2).\n"
        "What changed: Lost phones are reported the same day.\n"
        "Please read it and pass its quiz by Mon, Jan 19; client records stay open to you until then."
    )
    assert await deliver(app_database, bo) == []
    await paced_click(anna, clock, "Open my training")
    assert anna.last_text().startswith("<b>Privacy</b> (version 2)")
