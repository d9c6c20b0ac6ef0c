"""Commissions in the chat: the owner sets a rule through /commissions (and sees its history), a manager draws
up and approves a month's statement once (/statements), the counselor reads theirs (/mycommission); every
command and button by every role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from domain.clock import FakeClock
from domain.personnel.commissions import Outcome
from domain.staff import PERMISSIONS, Permission
from handlers.services.settings import Settings
from handlers.views.commissions import CommissionAct, CommissionButton
from storage.database import Database
from storage.models.commissions import CommissionRuleRow, CommissionStatementRow
from storage.models.membership import LedgerEntryRow
from storage.repositories.commissions import CommissionsRepository
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.staff.conftest import OWNER_ID, add_member
from tests.staff.test_permission_matrix import ACTOR_ID, ACTORS, NOT_STAFF, actor_role, said

IN_NOVEMBER = datetime(2026, 11, 10, 4, 0, tzinfo=UTC)
AFTER_NOVEMBER = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 10, 20, 2, 0, tzinfo=UTC))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID])


async def november_with_a_paid_premium(database: Database, clock: FakeClock) -> tuple[int, object]:
    """Anna (counselor, Telegram user 9_500) whose client Li Wei paid for premium in November; the rule pays
    ¥100.00 for it."""
    anna = await add_member(database, clock, 9_500, "counselor", name="Anna")
    li = await make_client(database, clock, 9_501, "Li Wei", counselor=anna.account_id)
    async with database.unit_of_work() as uow:
        await CommissionsRepository.of(uow).add_rule(
            Outcome.PAID_MEMBERSHIP, "premium", currency="CNY", amount_minor=10_000, valid_from=clock.now(), set_by=None
        )
        order = await uow.payments.open_order(
            li, tier="premium", term="1", currency="CNY", list_minor=29_900, discount_minor=0, credit_minor=0,
            total_minor=29_900, price_id=None, promo_id=None, now=IN_NOVEMBER,
        )  # fmt: skip
        await uow.payments.record(
            order, provider="telegram", charge_id="charge-1", provider_charge_id=None, period_start=IN_NOVEMBER,
            period_end=IN_NOVEMBER + timedelta(days=30), now=IN_NOVEMBER,
        )  # fmt: skip
    return anna.user_id, li


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
    assert f"client <code>{li.hex[:8]}</code>" in shown  # type: ignore[attr-defined]
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


ENTRIES: list[tuple[str, Permission | None]] = [
    ("/commissions", Permission.SET_COMMISSIONS),
    ("/statements 2026-11", Permission.APPROVE_COMMISSIONS),
    ("/mycommission", None),
    ("button:edit", Permission.SET_COMMISSIONS),
    ("button:month", Permission.APPROVE_COMMISSIONS),
]
ALLOWED_SAYS = {
    "/commissions": "💰 <b>Commission rules</b>",
    "/statements 2026-11": "🧾 <b>Commission statements",
    "/mycommission": "You have no commission statement yet.",
    "button:edit": "New commission for",
    "button:month": "🧾 <b>Commission statements",
}


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
    role = actor_role(actor)
    user = make_user(user_id=OWNER_ID if actor == "admin" else ACTOR_ID)
    if actor == "client":
        await user.send("/start")
        await user.click("I agree, let's begin")
    elif role is not None and actor != "admin":
        await add_member(app_database, clock, ACTOR_ID, actor, name="Actor")

    if name.startswith("/"):
        calls = await user.send(name)
    elif name == "button:edit":
        calls = await user.press(CommissionButton(act=CommissionAct.EDIT, outcome="dating", tier="basic").pack())
    else:
        calls = await user.press(CommissionButton(act=CommissionAct.MONTH, ref="2026-11").pack())
    texts = said(calls)

    allowed = role is not None and (needs is None or needs in PERMISSIONS[role])
    if allowed:
        assert any(text.startswith(ALLOWED_SAYS[name]) for text in texts), texts
    elif role is None:
        assert texts == [NOT_STAFF]
    else:
        assert len(texts) == 1 and texts[0].startswith("Sorry, this needs the permission"), texts
