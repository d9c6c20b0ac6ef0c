"""A client's /complain through the real Dispatcher, handled on /complaints, resolved, and the client's
"satisfied?" answer; a complaint about a counselor goes to a manager; one about another client names someone
they were introduced to, in English and Chinese; bad input is asked again."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from aiogram import Dispatcher
from sqlalchemy import select

from domain.clock import FakeClock
from domain.matching.decisions import ReportReason
from domain.quality import Category
from handlers.services.quality import ComplaintDesk
from handlers.views.quality import CaseAct, CaseButton, ComplainButton
from storage.database import Database
from storage.models.audit import AuditLogRow
from storage.models.quality import ComplaintEventRow
from storage.privacy_ops import export_account, shred_account
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.matching.chat import deliver
from tests.quality.conftest import CLIENT_ID, COUNSELOR_ID, DESK_ID, MANAGER_ID, SECOND_MANAGER_ID, cases, set_locale
from tests.staff.conftest import add_member

WORDS = "Nobody answered my messages for a week"
WANG, ZHAO, STRANGER = 9_111, 9_112, 9_113  # other clients


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


async def test_a_complaint_about_someone_the_client_was_introduced_to(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    await add_member(app_database, clock, DESK_ID, "customer_service", name="Lily")
    li = await make_client(app_database, clock, CLIENT_ID, "Li Wei")
    wang = await make_client(app_database, clock, WANG, "Wang Fang", gender="female")
    zhao = await make_client(app_database, clock, ZHAO, "Zhao Min", gender="female")
    stranger = await make_client(app_database, clock, STRANGER, "Sun Li", gender="female")
    client = make_user(user_id=CLIENT_ID)
    await client.send("/complain")
    await client.click("🧑 Another client")
    assert client.last_text() == (
        "You can only complain about people you were introduced to, and you have not been introduced to anyone "
        "yet. You can tell us about our service instead: send /complain again."
    )
    assert client.last_buttons() == []

    async with app_database.unit_of_work() as uow:
        await uow.introductions.create(li, wang, now=clock.now())
        await uow.introductions.create(li, zhao, now=clock.advance(timedelta(minutes=1)))  # listed in this order
    await client.send("/complain")
    await client.click("🧑 Another client")
    assert client.last_text() == (
        "Whom is your complaint about? You can complain about the people you were introduced to."
    )
    assert client.last_buttons() == ["🧑 Wang Fang", "🧑 Zhao Min", "✖️ Cancel"]
    await client.press(ComplainButton(about=Category.CLIENT, who=stranger.hex).pack())  # never introduced
    assert client.view.toasts[-1] == "You can only complain about people you were introduced to, or about our service."
    await client.click("🧑 Wang Fang")
    assert client.last_text() == (
        "Your complaint will be about Wang Fang.\n"
        "Please tell us what happened in a few words (up to 1000 characters), or send /cancel."
    )
    await client.send("She asked me to lend her money for a plane ticket")
    (row,) = await cases(app_database)
    reference = f"#{row.id.hex[:8]}"
    assert client.last_text().startswith(f"Thank you. Your complaint is recorded as case {reference};")
    assert (row.category, row.about_id, row.owner, row.severity) == ("client", wang, "customer_service", "normal")

    # It can be moderated like a report, and it counts towards Wang's priority.
    lily = make_user(user_id=DESK_ID)
    await lily.send("/complaints")
    await lily.click(reference)
    assert f"About: Wang Fang ({wang.hex[:8]})" in lily.last_text()
    await lily.click("✋ Take it")
    await lily.click("⚠️ Warn the client")
    assert lily.view.toasts[-1] == "Done. Both clients were told what concerns them."
    async with app_database.unit_of_work() as uow:
        report = await uow.reports.add(zhao, wang, ReportReason.FAKE, comment=None, now=clock.now())
        desk = ComplaintDesk(uow=uow, settings=dp["settings"], clock=clock, i18n=dp["i18n"])
        assert (await desk.from_report(report)).severity == "high"

    # Someone whose account is gone (their introduction with it) by the time the words come: refused.
    await client.send("/complain")
    await client.click("🧑 Another client")
    await client.click("🧑 Zhao Min")
    async with app_database.unit_of_work() as uow:
        await shred_account(uow, zhao, clock.now())
    await client.send("She never came to our date")
    assert client.last_text() == "You can only complain about people you were introduced to, or about our service."
    assert len(await cases(app_database)) == 2


async def test_a_chinese_client_complains_about_someone_they_were_introduced_to(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    fang = await make_client(app_database, clock, CLIENT_ID, "王芳", gender="female")
    await set_locale(app_database, fang, "zh")
    client = make_user(user_id=CLIENT_ID, language_code="zh")
    await client.send("/complain")
    await client.click("🧑 其他会员")
    assert client.last_text() == (
        "您只能投诉与您牵线过的会员，而您还没有与任何人牵线。您可以改为反映我们服务方面的问题：请再次发送 /complain。"
    )

    lei = await make_client(app_database, clock, WANG, "李雷")
    async with app_database.unit_of_work() as uow:
        await uow.introductions.create(fang, lei, now=clock.now())
    await client.send("/complain")
    await client.click("🧑 其他会员")
    assert client.last_text() == "您要投诉谁？您可以投诉与您牵线过的会员。"
    assert client.last_buttons() == ["🧑 李雷", "✖️ 取消"]
    await client.click("🧑 李雷")
    assert client.last_text() == "您的投诉对象是李雷。\n请简要描述发生了什么（最多1000个字），或发送 /cancel 取消。"
    await client.send("他在约会时态度很差")
    (row,) = await cases(app_database)
    assert client.last_text() == f"谢谢。您的投诉已登记，编号#{row.id.hex[:8]}；我们会在24小时内回复您。"
    assert (row.category, row.about_id) == ("client", lei)


async def test_two_managers_handling_one_case_at_once(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    """Both press Take at the same moment: one wins, the other is told (in Chinese, her language) that it was
    taken; then both press Resolve at once: one outcome is recorded, the other is told it is resolved; the
    client is asked once whether they are satisfied."""
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    zhou = await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    sun = await add_member(app_database, clock, SECOND_MANAGER_ID, "manager", name="孙经理")
    await set_locale(app_database, sun.account_id, "zh")
    await make_client(app_database, clock, CLIENT_ID, "Li Wei", counselor=anna.account_id)
    client = make_user(user_id=CLIENT_ID)
    await client.send("/complain")
    await client.click("👤 My counselor")
    await client.send("She promised me a wife within a month")
    (row,) = await cases(app_database)
    reference = f"#{row.id.hex[:8]}"
    managers = {zhou.account_id: make_user(user_id=MANAGER_ID), sun.account_id: make_user(user_id=SECOND_MANAGER_ID)}
    en, zh = managers[zhou.account_id], managers[sun.account_id]
    await en.send("/complaints")
    await en.click(reference)
    await zh.send("/complaints")
    await zh.click(reference)
    assert en.last_buttons()[0] == "✋ Take it" and zh.last_buttons()[0] == "✋ 受理"

    await asyncio.gather(en.click("✋ Take it"), zh.click("✋ 受理"))
    (row,) = await cases(app_database)
    assert row.state == "in_progress" and row.handler_id in managers
    winner = managers[row.handler_id]
    loser = zh if winner is en else en
    took = {
        en: "The case is yours. The client was told someone is looking into it.",
        zh: "您已受理该投诉。已告知会员有人正在处理。",
    }
    taken = {en: "Someone took this case already.", zh: "该投诉已由他人受理。"}
    assert winner.view.toasts[-1] == took[winner]
    assert loser.view.toasts[-1] == taken[loser]
    assert en.last_buttons()[0] == "✅ Resolve: upheld" and zh.last_buttons()[0] == "✅ 结案：投诉成立"

    await asyncio.gather(en.click("✅ Resolve: upheld"), zh.click("✅ 结案：投诉不成立"))
    (row,) = await cases(app_database)
    assert row.state == "resolved" and row.outcome in ("upheld", "not_upheld")
    resolver = en if row.outcome == "upheld" else zh
    late = zh if resolver is en else en
    resolved = {en: "Resolved. The client was asked whether they are satisfied.", zh: "已结案。已询问会员是否满意。"}
    already = {en: "This case was resolved already.", zh: "该投诉已经结案。"}
    assert resolver.view.toasts[-1] == resolved[resolver]
    assert late.view.toasts[-1] == already[late]
    async with app_database.unit_of_work(read_only=True) as uow:
        kinds = (
            await uow.session.scalars(select(ComplaintEventRow.kind).where(ComplaintEventRow.complaint_id == row.id))
        ).all()
    assert sorted(kinds) == ["opened", "resolved", "responded"]

    notices = [message.text for message in await deliver(app_database, client)]
    outcome = "upheld" if resolver is en else "not upheld"
    assert notices == [
        f"A member of our team is now looking into your case {reference}.",
        f"Your case {reference} is closed: {outcome}.\n\nAre you satisfied with how we handled it?",
    ]
    assert client.last_buttons() == ["👍 Yes", "👎 No"]
