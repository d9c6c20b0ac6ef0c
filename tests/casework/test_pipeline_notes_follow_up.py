"""A counselor moves a case through the pipeline (any direction; closing needs a reason), writes notes
(sealed) and plans follow-ups; the daily digest lists whose follow-up is due."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aiogram import Dispatcher
from sqlalchemy import select

from domain.clock import FakeClock
from handlers.services.casework.jobs import FOLLOW_UP_DIGEST, next_digest_at, send_digest
from storage.database import Database
from storage.models.casework import ClientNoteRow
from storage.privacy_ops import export_account
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.matching.chat import deliver
from tests.staff.conftest import add_member

ANNA = 700_001


async def open_card(counselor: BotClient, name: str) -> str:
    await counselor.send("/clients")
    await counselor.click(name)
    return counselor.last_text()


async def test_stage_changes_by_the_counselor_are_timestamped_and_audited(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    li_id = await make_client(app_database, clock, 9_001, "Li Wei", counselor=anna.account_id)
    counselor = make_user(user_id=ANNA)
    await open_card(counselor, f"Li Wei · {li_id.hex[:8]}")

    await counselor.click("📌 Stage")
    assert counselor.last_text().startswith("The case of Li")
    assert "new" not in counselor.last_buttons()
    clock.advance(timedelta(minutes=5))
    await counselor.click("met")
    assert counselor.view.toasts[-1] == "Stage: met."
    assert "Stage: met (since" in counselor.last_text()

    await counselor.click("📌 Stage")
    await counselor.click("closed")
    assert counselor.last_text() == "Why is the case closed?"
    assert counselor.last_buttons() == [
        "married",
        "found a partner elsewhere",
        "paused the search",
        "no longer responds",
        "other reason",
        "« Back",
    ]
    clock.advance(timedelta(minutes=5))
    await counselor.click("found a partner elsewhere")
    assert counselor.view.toasts[-1] == "Case closed: found a partner elsewhere."

    await counselor.click("📌 Stage")  # a counselor may reopen a closed case
    clock.advance(timedelta(minutes=5))
    await counselor.click("dating")

    async with app_database.unit_of_work(read_only=True) as uow:
        history = await uow.case_stages.history(li_id)
        entries = [e for e in await uow.audit.list_for_subject(li_id) if e.action == "client.stage_changed"]
    assert [(stage.value, cause) for stage, cause, _at in history] == [
        ("met", "counselor"),
        ("closed", "counselor:found_elsewhere"),
        ("dating", "counselor"),
    ]
    times = [at for _stage, _cause, at in history]
    assert times == sorted(times) and len(set(times)) == 3
    assert len(entries) == 3 and {e.actor_account_id for e in entries} == {anna.account_id}

    # A forged button with an unknown stage or reason changes nothing.
    await counselor.press(f"cw:st:{li_id.hex}:engaged:m")
    await counselor.press(f"cw:close:{li_id.hex}:bored:m")
    assert counselor.view.toasts[-2:] == ["This button is no longer active."] * 2


async def test_notes_are_sealed_and_shown_on_the_card(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    li_id = await make_client(app_database, clock, 9_001, "Li Wei", counselor=anna.account_id)
    counselor = make_user(user_id=ANNA)
    await open_card(counselor, f"Li Wei · {li_id.hex[:8]}")

    await counselor.click("📝 Add a note")
    assert counselor.last_text().startswith("Write your note about Li")
    await counselor.send_sticker()
    assert counselor.last_text() == "Please send the note as text, or /cancel."
    await counselor.send("x" * 2001)
    assert counselor.last_text() == "That is 2001 characters; please keep it under 2000."
    await counselor.send("Prefers calls after 7 pm; <shy> at first")
    texts = counselor.texts()
    assert texts[-2] == "📝 Note saved."
    assert "Anna: Prefers calls after 7 pm; &lt;shy&gt; at first" in texts[-1]
    assert "📝 <b>Notes</b> (1)" in texts[-1]

    await counselor.send("Another message")  # the note state is over
    assert "Note saved" not in counselor.last_text()

    async with app_database.unit_of_work(read_only=True) as uow:
        (note,) = await uow.notes.list_for(li_id)
        raw = (await uow.session.scalars(select(ClientNoteRow.text))).one()
        actions = [e.action for e in await uow.audit.list_for_subject(li_id)]
        export = await export_account(uow, li_id)
    assert note.text == "Prefers calls after 7 pm; <shy> at first" and note.author_id == anna.account_id
    assert b"Prefers" not in raw
    assert "client.note_added" in actions
    # The client's /mydata holds what the agency wrote about them, and who looks after them.
    assert [n["text"] for n in export["counselor_notes"]] == [note.text]  # type: ignore[attr-defined]
    assert export["counselor"]["counselor_id"] == str(anna.account_id)  # type: ignore[index]


async def test_follow_up_dates_and_the_daily_digest(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    li_id = await make_client(app_database, clock, 9_001, "Li Wei", counselor=anna.account_id)
    wang_id = await make_client(app_database, clock, 9_002, "Wang Fang", counselor=anna.account_id, gender="female")
    await make_client(app_database, clock, 9_003, "Not Due", counselor=anna.account_id)
    counselor = make_user(user_id=ANNA)
    await open_card(counselor, f"Li Wei · {li_id.hex[:8]}")

    await counselor.click("⏰ Follow-up")
    assert counselor.last_text().startswith("When should Li")
    assert counselor.last_buttons()[-2:] == ["No follow-up", "« Back"]
    await counselor.click(counselor.last_buttons()[0])  # in 1 day
    tomorrow = (clock.now() + timedelta(days=1)).date()
    assert counselor.view.toasts[-1] == f"Follow-up: {tomorrow.isoformat()}."
    assert f"Next follow-up: {tomorrow.isoformat()}" in counselor.last_text()

    await counselor.click("« My clients")
    await counselor.click(f"Wang Fang · {wang_id.hex[:8]}")
    await counselor.click("⏰ Follow-up")
    await counselor.click(counselor.last_buttons()[0])
    # The list puts the nearest follow-up first within a stage.
    await counselor.send("/clients")
    listing = counselor.last_text()
    assert listing.index("Li Wei <code>") < listing.index("Not <code>"), listing

    settings = dp["settings"]
    due = next_digest_at(settings, clock.now() + timedelta(days=1))
    clock.set(due)
    async with app_database.unit_of_work() as uow:
        assert await send_digest(uow, due.date(), settings=settings, i18n=dp["i18n"]) == 1
    async with app_database.unit_of_work() as uow:  # a retried run sends nothing twice
        await send_digest(uow, due.date(), settings=settings, i18n=dp["i18n"])
    messages = await deliver(app_database, counselor)
    digest = [m for m in messages if m.text.startswith("⏰")]
    assert len(digest) == 1
    assert digest[0].text.startswith("⏰ <b>Follow-ups due</b> (2)")
    assert "Not <code>" not in digest[0].text
    assert [row[0].text for row in digest[0].keyboard] == [
        f"Li Wei · {li_id.hex[:8]}",
        f"Wang Fang · {wang_id.hex[:8]}",
    ] or [row[0].text for row in digest[0].keyboard] == [
        f"Wang Fang · {wang_id.hex[:8]}",
        f"Li Wei · {li_id.hex[:8]}",
    ]
    await counselor.click(f"Li Wei · {li_id.hex[:8]}")
    assert counselor.last_text().startswith("🗂 <b>Li Wei</b>")
    assert FOLLOW_UP_DIGEST == "casework.follow_up_digest"
