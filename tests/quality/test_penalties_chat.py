"""Staff penalties through the real Dispatcher: a manager fines a counselor with a case as evidence (exact
money), the counselor sees it and appeals once, another manager keeps or lifts it; a dismissal takes access
away; who may penalise whom (and in Chinese)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import pytest
from aiogram import Dispatcher
from aiogram.types import Message, User
from sqlalchemy import select

from domain.clock import FakeClock
from domain.quality import Category, PenaltyKind
from domain.staff import PERMISSIONS, Permission
from handlers.services.quality import ComplaintDesk
from handlers.views.quality_penalties import PenaltyAct, PenaltyButton
from storage.database import Database
from storage.models.membership import LedgerEntryRow
from storage.models.quality import StaffPenaltyRow
from storage.repositories.quality_penalties import PenaltiesRepository
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.matching.chat import deliver
from tests.quality.conftest import CLIENT_ID, COUNSELOR_ID, DESK_ID, MANAGER_ID, SECOND_MANAGER_ID, set_locale
from tests.staff.conftest import OWNER_ID, add_member, staff_row
from tests.staff.test_permission_matrix import ACTOR_ID, ACTORS, NOT_STAFF, actor_role, said


async def penalties(database: Database) -> list[StaffPenaltyRow]:
    async with database.unit_of_work(read_only=True) as uow:
        return list((await uow.session.scalars(select(StaffPenaltyRow).order_by(StaffPenaltyRow.created_at))).all())


async def ledger(database: Database) -> list[LedgerEntryRow]:
    async with database.unit_of_work(read_only=True) as uow:
        return list((await uow.session.scalars(select(LedgerEntryRow).order_by(LedgerEntryRow.id))).all())


async def test_a_fine_with_evidence_appealed_once_and_kept(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    manager = await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    await add_member(app_database, clock, SECOND_MANAGER_ID, "manager", name="Ms Sun")
    client = await make_client(app_database, clock, CLIENT_ID, "Li Wei", counselor=anna.account_id)
    async with app_database.unit_of_work() as uow:
        desk = ComplaintDesk(uow=uow, settings=dp["settings"], clock=clock, i18n=dp["i18n"])
        case = await desk.complain(client, Category.STAFF, "She gave my number to a stranger")
    assert not isinstance(case, str)
    reference = case.id.hex[:8]
    zhou = make_user(user_id=MANAGER_ID)
    member = anna.account_id.hex[:8]

    await zhou.send("/penalty")
    assert zhou.last_text().startswith("Send /penalty, the member's reference")
    await zhou.send(f"/penalty {member} fine twenty Leaked a number")
    assert zhou.last_text().startswith("A fine needs an amount.")
    await zhou.send(f"/penalty {member} fine 200.005 Leaked a number")
    assert zhou.last_text() == "That is not an amount in CNY, for example 200 or 199.50."
    await zhou.send(f"/penalty {member} fine 200.50 Leaked a client's phone number, case #{reference}")
    assert zhou.last_text() == "Recorded: fine 200.50 CNY for Anna. They were told and may appeal once."
    (row,) = await penalties(app_database)
    assert (row.kind, row.amount_minor, row.currency, row.complaint_id) == ("fine", 20050, "CNY", case.id)
    assert b"phone number" not in bytes(row.reason)
    (entry,) = await ledger(app_database)
    assert (entry.id, entry.kind) == (row.ledger_entry_id, "expense")
    assert (entry.category, entry.source) == ("salaries", "penalty")
    assert (entry.amount_minor, entry.currency, entry.made_by) == (20050, "CNY", manager.account_id)

    anna_chat = make_user(user_id=COUNSELOR_ID)
    (notice,) = await deliver(app_database, anna_chat)
    assert notice.text.startswith("⚖️ A penalty was recorded against you: fine 200.50 CNY.\nReason: Leaked")
    await anna_chat.send("/penalties")
    assert anna_chat.last_text().startswith("<b>Penalties</b>\n1. fine 200.50 CNY · ")
    await anna_chat.click("Appeal 1")
    assert anna_chat.last_text().startswith("Write your appeal in one message")
    await anna_chat.send("The client asked me to pass it on")
    assert anna_chat.last_text() == "Your appeal was sent to the managers."
    await anna_chat.press(PenaltyButton(act=PenaltyAct.APPEAL, penalty=row.id.hex).pack())
    assert anna_chat.view.toasts[-1] == "This penalty cannot be appealed (again)."  # refused at the button
    await anna_chat.send("Again!")
    assert anna_chat.last_text() != "Your appeal was sent to the managers."
    await anna_chat.send("/penalties")
    assert "(appealed)" in anna_chat.last_text() and anna_chat.last_buttons() == []

    sun = make_user(user_id=SECOND_MANAGER_ID)
    await sun.press(PenaltyButton(act=PenaltyAct.APPEAL, penalty=row.id.hex).pack())  # not Ms Sun's penalty
    assert sun.view.toasts[-1] == "This penalty cannot be appealed (again)."
    alert = (await deliver(app_database, sun))[-1]  # after the new case's alert
    assert alert.text.startswith("⚖️ Anna appeals a penalty (fine 200.50 CNY).")
    await sun.click("Keep it")
    assert sun.last_text().endswith("The penalty is kept.")
    zhou_copy = (await deliver(app_database, zhou))[-1]
    await zhou.click("Lift it")
    assert zhou.view.toasts[-1] == "This appeal was decided already."
    assert zhou_copy.text.startswith("⚖️ Anna appeals")
    (decision,) = await deliver(app_database, anna_chat)
    assert decision.text == "⚖️ Your appeal was considered: the penalty is kept."
    await zhou.send(f"/penalties {member}")
    assert "(kept on appeal)" in zhou.last_text()
    assert [entry.kind for entry in await ledger(app_database)] == ["expense"]  # a kept fine stays withheld


async def test_a_lifted_fine_is_reversed_in_the_ledger_and_a_warning_writes_nothing(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    await add_member(app_database, clock, SECOND_MANAGER_ID, "manager", name="Ms Sun")
    zhou = make_user(user_id=MANAGER_ID)
    await zhou.send(f"/penalty {anna.account_id.hex[:8]} warning Late twice")
    assert await ledger(app_database) == []
    await zhou.send(f"/penalty {anna.account_id.hex[:8]} fine 50 Late three times")
    fine = (await penalties(app_database))[-1]
    anna_chat = make_user(user_id=COUNSELOR_ID)
    await deliver(app_database, anna_chat)
    await anna_chat.press(PenaltyButton(act=PenaltyAct.APPEAL, penalty=fine.id.hex).pack())
    await anna_chat.send("I was at a client's wedding")
    sun = make_user(user_id=SECOND_MANAGER_ID)
    await deliver(app_database, sun)
    await sun.click("Lift it")
    assert sun.last_text().endswith("The penalty is lifted.")
    withheld, reversal = await ledger(app_database)
    assert (withheld.id, withheld.amount_minor) == (fine.ledger_entry_id, 5000)
    assert (reversal.kind, reversal.reverses_id, reversal.amount_minor) == ("reversal", withheld.id, -5000)
    assert (reversal.category, reversal.source) == ("salaries", "penalty")


async def test_dismissal_takes_access_away_and_who_may_penalise_whom(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Anna")
    zhou = await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    sun = await add_member(app_database, clock, SECOND_MANAGER_ID, "manager", name="Ms Sun")
    manager = make_user(user_id=MANAGER_ID)
    await manager.send(f"/penalty {zhou.account_id.hex[:8]} warning Late")
    assert manager.last_text() == "You cannot penalise yourself."
    await manager.send(f"/penalty {sun.account_id.hex[:8]} warning Late")
    assert manager.last_text() == "A manager can penalise counselors and customer service only."
    await manager.send("/penalty ffffffff warning Late")
    assert manager.last_text() == "No staff member has that reference. /staff shows the team."
    await manager.send(f"/penalty {anna.account_id.hex[:8]} dismissal Sold client data")
    assert manager.last_text().startswith("Recorded: dismissal for Anna.")
    member = await staff_row(app_database, anna.account_id)
    assert member is not None and not member.active
    owner = make_user(user_id=OWNER_ID)
    await owner.send(f"/penalty {sun.account_id.hex[:8]} warning Rude to a client")
    assert owner.last_text().startswith("Recorded: warning for Ms Sun.")


async def test_penalties_in_chinese(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    desk = await add_member(app_database, clock, DESK_ID, "customer_service", name="丽丽")
    zhou = await add_member(app_database, clock, MANAGER_ID, "manager", name="周经理")
    for account in (desk.account_id, zhou.account_id):
        await set_locale(app_database, account, "zh")
    manager = make_user(user_id=MANAGER_ID, language_code="zh")
    await manager.send(f"/penalty {desk.account_id.hex[:8]} warning 对会员态度冷淡")
    assert manager.last_text() == "已记录：对丽丽的警告。已通知本人，本人可申诉一次。"
    lily = make_user(user_id=DESK_ID, language_code="zh")
    (notice,) = await deliver(app_database, lily)
    assert notice.text.startswith("⚖️ 您受到一项处罚：警告。\n原因：对会员态度冷淡")
    await lily.send("/penalties")
    assert lily.last_text().startswith("<b>处罚记录</b>\n1") and "警告 · " in lily.last_text()
    assert lily.last_buttons() == ["申诉第1项"]


SUPERVISE = Permission.SUPERVISE_QUALITY
ENTRIES: list[tuple[str, Permission | None]] = [  # None: any active staff member
    ("/penalty", SUPERVISE),
    ("/penalties", None),  # one's own
    ("/penalties REF", SUPERVISE),
    ("button:appeal", None),  # on one's own penalty
    ("button:keep", SUPERVISE),
    ("button:lift", SUPERVISE),
]
DECISIONS = {"button:keep": "kept", "button:lift": "lifted"}


def penalty_list_message(user: BotClient) -> Message:
    """The /penalties message an appeal button sits on (the question is sent under it)."""
    return Message(
        message_id=1,
        date=user.session.clock.now(),
        chat=user.chat,
        from_user=User(id=user.bot.id, is_bot=True, first_name="Yuelao"),
        text="<b>Penalties</b>",
    )


async def act(user: BotClient, name: str, reference: str, appealed: UUID, own: UUID) -> list[str]:
    if name == "/penalty":
        return said(await user.send(f"/penalty {reference} warning Late again"))
    if name.startswith("/"):
        return said(await user.send(name.replace("REF", reference)))
    if name == "button:appeal":
        data = PenaltyButton(act=PenaltyAct.APPEAL, penalty=own.hex).pack()
        return said(await user.press(data, message=penalty_list_message(user)))
    return said(
        await user.press(PenaltyButton(act=PenaltyAct(name.removeprefix("button:")), penalty=appealed.hex).pack())
    )


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
    role = actor_role(actor)
    user = make_user(user_id=OWNER_ID if actor == "admin" else ACTOR_ID)
    member = None
    if actor == "client":
        await user.send("/start")
        await user.click("I agree, let's begin")
    elif role is not None and actor != "admin":
        member = await add_member(app_database, clock, ACTOR_ID, actor, name="Actor")
    target = await add_member(app_database, clock, 9_700, "counselor", name="Target")
    reference = target.account_id.hex[:8]
    async with app_database.unit_of_work() as uow:
        repo = PenaltiesRepository.of(uow)
        penalty = await repo.add(target.account_id, PenaltyKind.WARNING, "Late", issued_by=None, now=clock.now())
        await repo.appeal(penalty.id, target.account_id, "Traffic", now=clock.now())
        # The actor's own penalty to appeal (the owner from ADMIN_IDS has no staff row: the target's).
        punished = target.account_id if member is None else member.account_id
        own = await repo.add(punished, PenaltyKind.WARNING, "Rude", issued_by=None, now=clock.now())
    texts = await act(user, name, reference, penalty.id, own.id)
    allowed_says = {
        "/penalty": "Recorded: warning for Target.",
        "/penalties": "You have no penalties.",  # the actor's own list (the target's are not theirs)
        "/penalties REF": "<b>Penalties</b>",
        "button:appeal": "Write your appeal in one message",
    }
    if role is not None and (permission is None or permission in PERMISSIONS[role]):
        if name in DECISIONS:
            assert (await penalties(app_database))[0].appeal_decision == DECISIONS[name]
        elif name == "/penalties" and member is not None:
            assert texts[0].startswith("<b>Penalties</b>\n1. warning · "), texts
        elif name == "button:appeal" and member is None:  # the owner from ADMIN_IDS: the target's, not theirs
            assert texts == ["This penalty cannot be appealed (again)."], texts
        else:
            assert any(text.startswith(allowed_says[name]) for text in texts), texts
        if name == "button:appeal" and member is not None:
            assert said(await user.send("I was polite")) == ["Your appeal was sent to the managers."]
            assert (await penalties(app_database))[1].appeal is not None
    elif role is None:
        assert texts == [NOT_STAFF]
    else:
        assert len(texts) == 1 and texts[0].startswith("Sorry, this needs the permission"), texts
        stored = await penalties(app_database)
        assert len(stored) == 2 and stored[0].appeal_decision is None and stored[1].appealed_at is None
