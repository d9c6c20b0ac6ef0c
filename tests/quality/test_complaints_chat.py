"""A client's /complain through the real Dispatcher, handled on /complaints, resolved, and the client's
"satisfied?" answer; a complaint about a counselor goes to a manager; bad input is asked again."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Dispatcher
from sqlalchemy import select

from domain.clock import FakeClock
from handlers.views.quality import CaseAct, CaseButton
from storage.database import Database
from storage.models.audit import AuditLogRow
from storage.models.quality import ComplaintEventRow
from storage.privacy_ops import export_account
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.matching.chat import deliver
from tests.quality.conftest import CLIENT_ID, COUNSELOR_ID, DESK_ID, MANAGER_ID, cases
from tests.staff.conftest import add_member

WORDS = "Nobody answered my messages for a week"


async def test_a_complaint_about_the_service_from_words_to_satisfaction(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    desk = await add_member(app_database, clock, DESK_ID, "customer_service", name="Lily")
    manager = await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    await make_client(app_database, clock, CLIENT_ID, "Li Wei")
    client = make_user(user_id=CLIENT_ID)

    await client.send("/complain")
    assert client.last_text().startswith("What would you like to tell us about?")
    assert client.last_buttons() == [
        "👤 My counselor",
        "🧑 Another client",
        "🏢 Our service",
        "💴 Fees and payments",
        "💡 A suggestion",
        "✖️ Cancel",
    ]
    await client.click("🏢 Our service")
    assert client.last_text() == (
        "Please tell us what happened in a few words (up to 1000 characters), or send /cancel."
    )
    await client.send_sticker()
    assert client.last_text().startswith("Please describe it in words.")
    await client.send("x" * 1001)
    assert client.last_text().startswith("That is 1001 characters; please keep it under 1000.")
    await client.send(WORDS)
    (row,) = await cases(app_database)
    reference = f"#{row.id.hex[:8]}"
    assert client.last_text() == (
        f"Thank you. Your complaint is recorded as case {reference}; we will get back to you within 24 hours."
    )
    assert (row.category, row.severity, row.owner, row.state) == ("service", "normal", "customer_service", "open")
    assert row.text is not None and WORDS.encode() not in bytes(row.text)

    # Customer service is told, and handles it.
    lily = make_user(user_id=DESK_ID)
    (alert,) = await deliver(app_database, lily)
    assert alert.text == f"🆕 New case {reference}: the service (normal). First response due within 24 hours."
    await lily.send("/complaints")
    assert lily.last_text().startswith("📋 <b>1 open complaint</b>, the oldest first:")
    assert f"{reference} · the service · normal · 0 minutes" in lily.last_text()
    await lily.click(reference)
    card = lily.last_text()
    assert card.startswith(f"🗂 <b>Case {reference}</b>")
    assert "Client: Li Wei" in card and WORDS in card and "State: waiting for a first response" in card
    assert lily.last_buttons() == ["✋ Take it", "📝 Add a note", "⬅️ All open complaints"]
    await lily.click("✋ Take it")
    assert lily.view.toasts[-1] == "The case is yours. The client was told someone is looking into it."
    assert "State: being handled" in lily.last_text()
    assert "opened" in lily.last_text() and "taken (Lily)" in lily.last_text()

    # A note on the case: asked again after something that is not words; sealed; on the card's timeline.
    await lily.click("📝 Add a note")
    assert lily.last_text() == (
        f"Write your note on case {reference} in one message (only staff read it; /cancel to stop)."
    )
    await lily.send_sticker()
    assert lily.last_text().startswith("Please describe it in words.")
    ask = f"Write your note on case {reference} in one message (only staff read it; /cancel to stop)."
    assert lily.last_text().endswith(ask)
    await lily.send("Called him back; the <b>counselor</b> was ill that week")
    assert lily.texts()[-2] == "📝 The note was added to the case."
    assert "note: <i>Called him back; the &lt;b&gt;counselor&lt;/b&gt; was ill that week</i> (Lily)" in lily.last_text()
    async with app_database.unit_of_work(read_only=True) as uow:
        notes = await uow.session.scalars(select(ComplaintEventRow.note).where(ComplaintEventRow.kind == "note"))
        (sealed,) = notes.all()
    assert sealed is not None and b"ill that week" not in bytes(sealed)
    (taken,) = await deliver(app_database, client)
    assert taken.text == f"A member of our team is now looking into your case {reference}."

    await lily.click("✅ Resolve: upheld")
    assert lily.view.toasts[-1] == "Resolved. The client was asked whether they are satisfied."
    assert "Outcome: upheld" in lily.last_text()
    assert lily.last_buttons() == ["📝 Add a note", "⬅️ All open complaints"]
    (resolved,) = await deliver(app_database, client)
    assert resolved.text == (f"Your case {reference} is closed: upheld.\n\nAre you satisfied with how we handled it?")
    await client.click("👎 No")
    assert client.last_text().endswith("We are sorry. A manager will read your answer and may contact you.")
    assert client.last_buttons() == []
    (unhappy,) = await deliver(app_database, make_user(user_id=MANAGER_ID))
    assert unhappy.text == f"😞 The client is not satisfied with how case {reference} was handled."

    (row,) = await cases(app_database)
    assert (row.state, row.outcome, row.satisfied, row.handler_id) == ("resolved", "upheld", False, desk.account_id)
    async with app_database.unit_of_work(read_only=True) as uow:
        kinds = (
            await uow.session.scalars(select(ComplaintEventRow.kind).where(ComplaintEventRow.complaint_id == row.id))
        ).all()
        audited = (await uow.session.scalars(select(AuditLogRow.action))).all()
    assert sorted(kinds) == sorted(["opened", "responded", "note", "resolved", "unsatisfied"])
    assert {"complaint.opened", "complaint.read", "complaint.resolved"} <= set(audited)
    assert manager.account_id != desk.account_id
    await lily.send("/complaints")
    assert lily.last_text() == "📋 No open complaints. Well done!"
    async with app_database.unit_of_work(read_only=True) as uow:
        export = await export_account(uow, row.client_id)
    made = export["complaints_i_made"]
    assert isinstance(made, list) and len(made) == 1
    exported = made[0]
    assert exported["text"] == WORDS and exported["outcome"] == "upheld"


async def test_a_complaint_about_a_counselor_goes_to_a_manager(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    await add_member(app_database, clock, DESK_ID, "customer_service", name="Lily")
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    await make_client(app_database, clock, CLIENT_ID, "Li Wei", counselor=anna.account_id)
    client = make_user(user_id=CLIENT_ID)

    await client.send("/complain")
    await client.click("👤 My counselor")
    assert client.last_text().startswith("Your complaint will be about Anna.\nPlease tell us what happened")
    await client.send("She promised me a wife within a month")
    (row,) = await cases(app_database)
    reference = f"#{row.id.hex[:8]}"
    assert (row.category, row.severity, row.owner, row.about_id) == ("staff", "high", "manager", anna.account_id)
    assert client.last_text().endswith("we will get back to you within 4 hours.")

    # Customer service does not see it and may not open it; the manager does.
    lily = make_user(user_id=DESK_ID)
    assert await deliver(app_database, lily) == []
    await lily.send("/complaints")
    assert lily.last_text() == "📋 No open complaints. Well done!"
    zhou = make_user(user_id=MANAGER_ID)
    (alert,) = await deliver(app_database, zhou)
    assert alert.text.startswith(f"🆕 New case {reference}: staff (high).")
    await lily.press(CaseButton(act=CaseAct.OPEN, case=row.id.hex).pack())
    assert lily.view.toasts[-1].startswith("Sorry, this needs the permission")
    await zhou.click(f"Open {reference}")
    assert "About: Anna" in zhou.last_text()
    # The counselor herself cannot read it.
    anna_chat = make_user(user_id=COUNSELOR_ID)
    await anna_chat.send("/complaints")
    assert anna_chat.last_text().startswith("Sorry, this needs the permission")


async def test_a_client_who_never_met_a_counselor_cannot_complain_about_one(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await make_client(app_database, clock, CLIENT_ID, "Li Wei")
    client = make_user(user_id=CLIENT_ID)
    await client.send("/complain")
    await client.click("👤 My counselor")
    assert client.last_text().startswith("You have not been served by a counselor yet")
    assert client.last_buttons() == []
    await client.send("/complain")
    await client.click("✖️ Cancel")
    assert client.last_text() == "All right, nothing was sent."
    assert await cases(app_database) == []


async def test_a_suggestion_is_noted(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, DESK_ID, "customer_service", name="Lily")
    await make_client(app_database, clock, CLIENT_ID, "Li Wei")
    client = make_user(user_id=CLIENT_ID)
    await client.send("/complain")
    await client.click("💡 A suggestion")
    assert client.last_text().startswith("Please write your suggestion")
    await client.send("Offline hiking events, please")
    (row,) = await cases(app_database)
    reference = f"#{row.id.hex[:8]}"
    assert client.last_text() == f"Thank you for your suggestion ({reference}). We read every one."
    assert (row.category, row.severity) == ("suggestion", "low")
    lily = make_user(user_id=DESK_ID)
    await lily.send("/complaints")
    await lily.click(reference)
    await lily.click("✋ Take it")
    assert lily.last_buttons() == ["✅ Resolve: noted", "📝 Add a note", "⬅️ All open complaints"]
    await lily.click("✅ Resolve: noted")
    taken, noted = await deliver(app_database, client)
    assert taken.text.startswith("A member of our team is now looking into")
    assert noted.text.startswith(f"Your suggestion {reference} was read and noted. Thank you!")
    await client.click("👍 Yes")
    assert client.last_text().endswith("Thank you for telling us.")
    await client.press(f"qs:{row.id.hex}:0")
    assert client.view.toasts[-1] == "This question was answered already."
    (row,) = await cases(app_database)
    assert (row.outcome, row.satisfied) == ("noted", True)


async def test_staff_are_sent_to_complaints(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, DESK_ID, "customer_service", name="Lily")
    lily = make_user(user_id=DESK_ID)
    await lily.send("/complain")
    assert lily.last_text() == "This is for clients. To handle complaints, send /complaints."
