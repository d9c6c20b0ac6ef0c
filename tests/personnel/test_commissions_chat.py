"""Commissions in the chat: the owner sets a rule through /commissions (and sees its history), a manager draws
up and approves a month's statement once (/statements), the counselor reads theirs (/mycommission); every
command and button by every role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import select

from domain.clock import FakeClock
from domain.personnel.commissions import Outcome
from domain.staff import Permission
from handlers.commissions import COMMAND_PERMISSIONS, button_permission
from handlers.services.settings import Settings
from handlers.views.commissions import CommissionAct, CommissionButton
from storage.database import Database
from storage.models.commissions import CommissionRuleRow, CommissionStatementRow
from storage.models.membership import LedgerEntryRow
from storage.repositories.commissions import CommissionsRepository
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.staff.conftest import OWNER_ID, add_member
from tests.staff.test_permission_matrix import ACTORS, NOT_STAFF, actor_role, expected_allowed, make_actor, said

IN_NOVEMBER = datetime(2026, 11, 10, 4, 0, tzinfo=UTC)
AFTER_NOVEMBER = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 10, 20, 2, 0, tzinfo=UTC))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID])


async def november_with_a_paid_premium(database: Database, clock: FakeClock) -> tuple[int, UUID]:
    """Anna (counselor, Telegram user 9_500) whose client Li Wei paid for premium in November; the rule pays
    ¥100.00 for it."""
    anna = await add_member(database, clock, 9_500, "counselor", name="Anna")
    li = await make_client(database, clock, 9_501, "Li Wei", counselor=anna.account_id)
    async with database.unit_of_work() as uow:
        await CommissionsRepository.of(uow).add_rule(
            Outcome.PAID_MEMBERSHIP, "premium", currency="CNY", amount_minor=10_000, valid_from=clock.now(), set_by=None
        )
    await pay_for_premium(database, li, "charge-1")
    return anna.user_id, li


async def pay_for_premium(database: Database, client: UUID, charge_id: str) -> None:
    """The client pays ¥299.00 for a month of premium, in November."""
    async with database.unit_of_work() as uow:
        order = await uow.payments.open_order(
            client, tier="premium", term="1", currency="CNY", list_minor=29_900, discount_minor=0, credit_minor=0,
            total_minor=29_900, price_id=None, promo_id=None, now=IN_NOVEMBER,
        )  # fmt: skip
        await uow.payments.record(
            order, provider="telegram", charge_id=charge_id, provider_charge_id=None, period_start=IN_NOVEMBER,
            period_end=IN_NOVEMBER + timedelta(days=30), now=IN_NOVEMBER,
        )  # fmt: skip


async def test_the_owner_changes_a_rule_and_sees_its_history(
    make_user: Callable[..., BotClient], app_database: Database
) -> None:
    owner = make_user(user_id=OWNER_ID)

    await owner.send("/commissions")
    assert owner.last_text().startswith("💰 <b>Commission rules</b>")
    await owner.click("✏️ paid membership · Premium member")
    assert owner.last_text().startswith("New commission for “paid membership” (Premium member), now none.")
    await owner.send("a lot")
    assert owner.last_text().startswith("That is not an amount I can use.")
    await owner.send("150")
    assert owner.last_text().startswith("Saved: “paid membership” (Premium member) now earns")
    await owner.send("/commissions")
    assert "Premium member: CN¥150.00" in owner.last_text(), owner.last_text()
    await owner.click("🕘 History of changes")
    assert "paid membership (Premium member) → " in owner.last_text()

    async with app_database.unit_of_work(read_only=True) as uow:
        rows = (await uow.session.scalars(select(CommissionRuleRow))).all()
    assert [(r.outcome, r.tier, r.amount_minor, r.currency) for r in rows] == [
        ("paid_membership", "premium", 15_000, "CNY")
    ]


async def test_a_manager_approves_a_statement_once_and_the_counselor_reads_it(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna_id, li = await november_with_a_paid_premium(app_database, clock)
    await add_member(app_database, clock, 9_600, "manager", name="Mia")
    manager = make_user(user_id=9_600)
    clock.set(AFTER_NOVEMBER)

    await manager.send("/statements 2026-11")
    assert manager.last_text().startswith("🧾 <b>Commission statements, November 2026</b>")
    assert "Anna" in manager.last_text() and "draft, waiting for approval" in manager.last_text()
    await manager.click("🧾 Anna")
    shown = manager.last_text()
    assert f"client <code>{li.hex[:8]}</code>" in shown
    assert "Li Wei" not in shown  # the client by reference only
    assert "paid membership (Premium member)" in shown and "<b>Total: CN¥100.00</b>" in shown
    said_on_approval = said(await manager.click("✅ Approve and book"))
    assert said_on_approval[0] == "✅ Approved. CN¥100.00 is booked in the ledger as a commission expense."
    assert "✅ Approve and book" not in manager.last_buttons()
    # An old copy of the button, pressed again: nothing more is booked.
    async with app_database.unit_of_work(read_only=True) as uow:
        (statement,) = (await uow.session.scalars(select(CommissionStatementRow))).all()
    again = said(await manager.press(CommissionButton(act=CommissionAct.APPROVE, ref=statement.id.hex).pack()))
    assert again[0] == "This statement was approved already; nothing more was booked."

    async with app_database.unit_of_work(read_only=True) as uow:
        entries = (await uow.session.scalars(select(LedgerEntryRow))).all()
    assert [(e.kind, e.category, e.source, e.amount_minor) for e in entries] == [
        ("expense", "commissions", "commission", -10_000)
    ]

    anna = make_user(user_id=anna_id)
    await anna.send("/mycommission")
    assert anna.last_text().startswith("🧾 <b>Your commission for November 2026</b>")
    assert "State: approved" in anna.last_text() and "<b>Total: CN¥100.00</b>" in anna.last_text()


# --- The permission matrix -------------------------------------------------------------------------------------

COMMANDS = {"/commissions": "commissions", "/statements 2026-11": "statements", "/mycommission": "mycommission"}
# Each button as pressed in the matrix, given November's statement.
BUTTONS: dict[CommissionAct, Callable[[UUID], CommissionButton]] = {
    CommissionAct.RULES: lambda _statement: CommissionButton(act=CommissionAct.RULES),
    CommissionAct.EDIT: lambda _statement: CommissionButton(act=CommissionAct.EDIT, outcome="dating", tier="basic"),
    CommissionAct.HISTORY: lambda _statement: CommissionButton(act=CommissionAct.HISTORY),
    CommissionAct.MONTH: lambda _statement: CommissionButton(act=CommissionAct.MONTH, ref="2026-11"),
    CommissionAct.DRAW: lambda _statement: CommissionButton(act=CommissionAct.DRAW, ref="2026-11"),
    CommissionAct.OPEN: lambda statement: CommissionButton(act=CommissionAct.OPEN, ref=statement.hex),
    CommissionAct.APPROVE: lambda statement: CommissionButton(act=CommissionAct.APPROVE, ref=statement.hex),
}
ENTRIES: list[tuple[str, Permission | None]] = [
    *[(text, COMMAND_PERMISSIONS[command]) for text, command in COMMANDS.items()],
    *[(f"button:{act.value}", button_permission(CommissionButton(act=act))) for act in CommissionAct],
]
ALLOWED_SAYS = {
    "/commissions": "💰 <b>Commission rules</b>",
    "/statements 2026-11": "🧾 <b>Commission statements, November 2026</b>",
    "/mycommission": "You have no commission statement yet.",
    "button:rules": "💰 <b>Commission rules</b>",
    "button:edit": "New commission for",
    "button:history": "🕘 <b>Commission rule changes</b>",
    "button:month": "🧾 <b>Commission statements, November 2026</b>",
    "button:draw": "Drawn up again: 1 statement.",
    "button:open": "🧾 <b>Commission for November 2026</b>: Anna",
    "button:approve": "✅ Approved. CN¥100.00 is booked in the ledger as a commission expense.",
}
LABELS = {
    Permission.SET_COMMISSIONS: "set the commission rules",
    Permission.APPROVE_COMMISSIONS: "approve commission statements",
}


def test_the_matrix_covers_every_command_and_button() -> None:
    assert set(COMMANDS.values()) == set(COMMAND_PERMISSIONS)
    assert set(BUTTONS) == set(CommissionAct)
    assert {name for name, _ in ENTRIES} == set(ALLOWED_SAYS)


async def november_drawn_up(
    database: Database, clock: FakeClock, make_user: Callable[..., BotClient]
) -> CommissionStatementRow:
    """November's draft statement for Anna (¥100.00), drawn up by a manager; then Li Wei pays once more, so
    drawing it up again would add a line."""
    _anna, li = await november_with_a_paid_premium(database, clock)
    await add_member(database, clock, 9_600, "manager", name="Mia")
    clock.set(AFTER_NOVEMBER)
    await make_user(user_id=9_600).send("/statements 2026-11")
    await pay_for_premium(database, li, "charge-2")
    (statement,) = await statements(database)
    return statement


async def statements(database: Database) -> list[CommissionStatementRow]:
    async with database.unit_of_work(read_only=True) as uow:
        return list((await uow.session.scalars(select(CommissionStatementRow))).all())


@pytest.mark.parametrize(("name", "needs"), ENTRIES, ids=[name for name, _ in ENTRIES])
@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str,
    name: str,
    needs: Permission | None,
    make_user: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
) -> None:
    statement = await november_drawn_up(app_database, clock, make_user)
    user = await make_actor(actor, make_user, app_database, clock)

    if name.startswith("/"):
        calls = await user.send(name)
    else:
        calls = await user.press(BUTTONS[CommissionAct(name.removeprefix("button:"))](statement.id).pack())
    texts = said(calls)

    allowed = expected_allowed(actor, needs)
    if allowed:
        assert any(text.startswith(ALLOWED_SAYS[name]) for text in texts), texts
    elif (role := actor_role(actor)) is None:
        assert texts == [NOT_STAFF]
    else:
        assert needs is not None
        assert texts == [
            f"Sorry, this needs the permission “{LABELS[needs]}” (personnel area), which the role "
            f"{role.value.replace('_', ' ')} does not have. Please ask the agency's owner."
        ]

    # What the press changed, exactly when it was allowed: an approval books the ledger entry, drawing up again
    # adds Li Wei's second payment; anything else leaves the statement as it was.
    approved = allowed and name == "button:approve"
    redrawn = allowed and name == "button:draw"
    (after,) = await statements(app_database)
    assert (after.id, after.state) == (statement.id, "approved" if approved else "draft")
    assert after.total_minor == (20_000 if redrawn else 10_000)
    async with app_database.unit_of_work(read_only=True) as uow:
        entries = (await uow.session.scalars(select(LedgerEntryRow))).all()
        rules = (await uow.session.scalars(select(CommissionRuleRow))).all()
    assert [(e.category, e.amount_minor) for e in entries] == ([("commissions", -10_000)] if approved else [])
    assert [(r.outcome, r.tier, r.amount_minor) for r in rules] == [("paid_membership", "premium", 10_000)]
