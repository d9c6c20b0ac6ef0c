"""Penalised staff through the real Dispatcher: a member a suspension or dismissal made inactive still sees their
own penalties and appeals once (and nothing else opens to them); lifting it, on appeal or by a manager, gives their
access back and tells them. An audit entry (its reference as /audit shows it) is kept as a penalty's evidence."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from uuid import UUID

from aiogram import Dispatcher
from sqlalchemy import select

from domain.clock import FakeClock
from domain.quality import Category
from handlers.services.quality import ComplaintDesk
from handlers.views.quality_penalties import PenaltyAct, PenaltyButton
from storage.database import Database
from storage.models.quality import StaffPenaltyRow
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.matching.chat import deliver
from tests.quality.conftest import CLIENT_ID, COUNSELOR_ID, DESK_ID, MANAGER_ID, SECOND_MANAGER_ID, set_locale
from tests.staff.conftest import add_member, staff_row
from tests.staff.test_permission_matrix import NOT_STAFF

ACCESS_BACK = "Your access is back: send /help to see your commands."
AUDIT_REFERENCE = re.compile(r"<code>audit#([0-9a-f]{8})</code>")


async def penalties(database: Database) -> list[StaffPenaltyRow]:
    async with database.unit_of_work(read_only=True) as uow:
        return list((await uow.session.scalars(select(StaffPenaltyRow).order_by(StaffPenaltyRow.created_at))).all())


async def is_active(database: Database, account_id: UUID) -> bool:
    row = await staff_row(database, account_id)
    assert row is not None
    return row.active


async def test_a_suspended_member_appeals_and_is_reactivated_when_it_is_lifted(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    await add_member(app_database, clock, SECOND_MANAGER_ID, "manager", name="Ms Sun")
    zhou = make_user(user_id=MANAGER_ID)
    await zhou.send(f"/penalty {anna.account_id.hex[:8]} suspension Rude to a client")
    assert zhou.last_text().startswith("Recorded: suspension for Anna.")
    assert not await is_active(app_database, anna.account_id)

    anna_chat = make_user(user_id=COUNSELOR_ID)
    (notice,) = await deliver(app_database, anna_chat)
    assert notice.text.endswith("You may appeal once: send /penalties.")
    for command in ("/clients", "/queue", "/penalties ffffffff"):  # nothing else opens to them
        await anna_chat.send(command)
        assert anna_chat.last_text() in (NOT_STAFF, "Sorry, this needs the permission “supervise service quality”."), (
            command,
            anna_chat.last_text(),
        )
    await anna_chat.send("/penalties")
    assert anna_chat.last_text().startswith("<b>Penalties</b>\n1. suspension · ")
    assert anna_chat.last_buttons() == ["Appeal 1"]
    await anna_chat.click("Appeal 1")
    assert anna_chat.last_text().startswith("Write your appeal in one message")
    await anna_chat.send("The client insulted me first")
    assert anna_chat.last_text() == "Your appeal was sent to the managers."
    (row,) = await penalties(app_database)
    await anna_chat.press(PenaltyButton(act=PenaltyAct.APPEAL, penalty=row.id.hex).pack())  # a second appeal
    assert anna_chat.view.toasts[-1] == "This penalty cannot be appealed (again)."
    await anna_chat.send("/penalties")
    assert "(appealed)" in anna_chat.last_text() and anna_chat.last_buttons() == []
    assert not await is_active(app_database, anna.account_id)

    sun = make_user(user_id=SECOND_MANAGER_ID)
    alert = (await deliver(app_database, sun))[-1]
    assert alert.text.startswith("⚖️ Anna appeals a penalty (suspension).")
    await sun.click("Lift it")
    assert sun.last_text().endswith("The penalty is lifted.")
    assert await is_active(app_database, anna.account_id)
    (decision,) = await deliver(app_database, anna_chat)
    assert decision.text == "⚖️ Your appeal was accepted: the penalty is lifted.\n" + ACCESS_BACK
    await anna_chat.send("/penalties")
    assert "(lifted on appeal)" in anna_chat.last_text()
    await anna_chat.send("/queue")
    assert anna_chat.last_text() != NOT_STAFF


async def test_a_manager_lifts_a_dismissal_and_only_the_last_ban_gives_access_back(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    zhou = make_user(user_id=MANAGER_ID)
    member = anna.account_id.hex[:8]
    await zhou.send(f"/penalty {member} suspension Late for a week")
    clock.advance(timedelta(minutes=1))
    await zhou.send(f"/penalty {member} dismissal Sold client data")
    clock.advance(timedelta(minutes=1))
    await zhou.send(f"/penalty {member} warning Rude")
    await zhou.send(f"/penalties {member}")
    assert zhou.last_text().startswith("<b>Penalties</b>\n1. warning · ")
    assert zhou.last_buttons() == ["Lift 2", "Lift 3"]  # the dismissal and the suspension; never a warning

    anna_chat = make_user(user_id=COUNSELOR_ID)
    await deliver(app_database, anna_chat)
    await zhou.click("Lift 3")  # the suspension: the dismissal still stands
    assert zhou.last_text().endswith("The penalty is lifted.")
    assert not await is_active(app_database, anna.account_id)
    (told,) = await deliver(app_database, anna_chat)
    assert told.text == "⚖️ A manager lifted a penalty recorded against you."
    await anna_chat.send("/penalties")
    assert "suspension" in anna_chat.last_text() and "(lifted)" in anna_chat.last_text()

    await zhou.send(f"/penalties {member}")
    assert zhou.last_buttons() == ["Lift 2"]
    await zhou.click("Lift 2")
    assert await is_active(app_database, anna.account_id)
    (told,) = await deliver(app_database, anna_chat)
    assert told.text == "⚖️ A manager lifted a penalty recorded against you.\n" + ACCESS_BACK
    dismissal = next(row for row in await penalties(app_database) if row.kind == "dismissal")
    await zhou.press(PenaltyButton(act=PenaltyAct.LIFT, penalty=dismissal.id.hex).pack())  # pressed again
    assert zhou.view.toasts[-1] == "This appeal was decided already."


async def test_an_inactive_member_without_a_ban_gets_nothing(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna", active=False)
    anna_chat = make_user(user_id=COUNSELOR_ID)
    await anna_chat.send("/penalties")
    assert anna_chat.last_text() == NOT_STAFF


async def test_an_audit_entry_as_evidence(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    client = await make_client(app_database, clock, CLIENT_ID, "Li Wei", counselor=anna.account_id)
    anna_chat = make_user(user_id=COUNSELOR_ID)
    await anna_chat.send(f"/clients {client.hex[:8]}")  # opening a card is audited
    async with app_database.unit_of_work() as uow:
        desk = ComplaintDesk(uow=uow, settings=dp["settings"], clock=clock, i18n=dp["i18n"])
        case = await desk.complain(client, Category.STAFF, "She shared my profile")
    assert not isinstance(case, str)

    zhou = make_user(user_id=MANAGER_ID)
    await zhou.send("/penalty")
    assert "audit#1a2b3c4d" in zhou.last_text()
    await zhou.send(f"/audit {anna.account_id.hex[:8]}")
    opened = next(line for line in zhou.last_text().split("\n") if "opened the client's card" in line)
    found = AUDIT_REFERENCE.search(opened)
    assert found is not None, opened
    entry = found.group(1)
    await zhou.send(
        f"/penalty {anna.account_id.hex[:8]} warning Opened a card for no reason (audit#{entry}), "
        f"case #{case.id.hex[:8]}"
    )
    assert zhou.last_text().startswith("Recorded: warning for Anna.")
    (row,) = await penalties(app_database)
    assert row.audit_id is not None and row.audit_id.hex.startswith(entry) and row.complaint_id == case.id
    evidence = f"Evidence: #{case.id.hex[:8]}, <code>audit#{entry}</code>"
    await zhou.send(f"/penalties {anna.account_id.hex[:8]}")
    assert evidence in zhou.last_text()
    await anna_chat.send("/penalties")
    assert evidence in anna_chat.last_text()

    await zhou.send(f"/penalty {anna.account_id.hex[:8]} warning Again, audit#ffffffff")  # no such entry
    assert (await penalties(app_database))[-1].audit_id is None


async def test_evidence_and_lifting_in_chinese(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    lily = await add_member(app_database, clock, DESK_ID, "customer_service", name="丽丽")
    zhou = await add_member(app_database, clock, MANAGER_ID, "manager", name="周经理")
    for account in (lily.account_id, zhou.account_id):
        await set_locale(app_database, account, "zh")
    async with app_database.unit_of_work() as uow:
        await uow.audit.record(action="client.contacts_viewed", now=clock.now(), actor_account_id=lily.account_id)
    manager = make_user(user_id=MANAGER_ID, language_code="zh")
    await manager.send("/audit")
    entry = AUDIT_REFERENCE.search(manager.last_text())
    assert entry is not None
    await manager.send(f"/penalty {lily.account_id.hex[:8]} suspension 泄露会员隐私 audit#{entry.group(1)}")
    lily_chat = make_user(user_id=DESK_ID, language_code="zh")
    await deliver(app_database, lily_chat)
    await lily_chat.send("/penalties")
    assert f"证据：<code>audit#{entry.group(1)}</code>" in lily_chat.last_text()
    assert lily_chat.last_buttons() == ["申诉第1项"]
    await manager.send(f"/penalties {lily.account_id.hex[:8]}")
    assert manager.last_buttons() == ["撤销第1项"]
    await manager.click("撤销第1项")
    (told,) = await deliver(app_database, lily_chat)
    assert told.text == "⚖️ 主管已撤销您的一项处罚。\n您的权限已恢复：发送 /help 查看可用命令。"
