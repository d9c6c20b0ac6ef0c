"""Every finance command and button, used by every role, by an ADMIN_IDS owner, by a client and by a visitor, is
allowed or refused exactly as the domain's permission table says: money is shown only to finance, managers and
owners, and only finance (and owners) enter it. A refusal names what is missing and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, SendDocument, SendMessage, TelegramMethod

from domain.clock import FakeClock
from domain.staff import PERMISSIONS, Permission, Role
from handlers.finance import COMMAND_PERMISSIONS, RECORD
from handlers.views.finance import ExpenseAct, ExpenseButton
from storage.database import Database
from storage.repositories.budgets import BudgetsRepository
from storage.repositories.channels import ChannelsRepository
from storage.repositories.finance import FinanceRepository
from tests.botclient import BotClient
from tests.staff.conftest import OWNER_ID, add_member

ACTOR_ID = 610_000_100
NOT_STAFF = "Sorry, this is only for the agency's staff."
LABELS = {
    Permission.MANAGE_FEES: "manage fees",
    Permission.RECORD_PAYMENTS: "record payments",
    Permission.VIEW_LEDGER: "see the ledger",
}
ACTORS = ["visitor", "client", "admin", *[role.value for role in Role]]
COMMANDS = {
    "/expense": ("expense", "How much was the expense?"),
    "/close 2025-12": ("close", "🔒 December 2025 is closed"),
    "/reverse 1": ("reverse", "There is no expense #1."),
    "/newchannel tv TV ads": ("newchannel", "Channel TV ads created."),
    "/plan 2026 rent 1200": ("plan", "Budget of Rent for 2026"),
    "/channels": ("channels", "📣 <b>Acquisition channels</b>"),
    "/budget": ("budget", "📊 <b>Budget against actual, January 2026</b>"),
    "/ledger": ("ledger", None),
}
ENTRIES: list[tuple[str, Permission | None]] = [
    *[(text, COMMAND_PERMISSIONS[name]) for text, (name, _) in COMMANDS.items()],
    ("button:category", RECORD),
]


def test_the_matrix_covers_every_command() -> None:
    assert {name for name, _ in COMMANDS.values()} == set(COMMAND_PERMISSIONS)
    # Managers see money; counselors and customer service do not.
    assert Permission.VIEW_LEDGER in PERMISSIONS[Role.MANAGER]
    assert Permission.VIEW_LEDGER not in PERMISSIONS[Role.COUNSELOR] | PERMISSIONS[Role.CUSTOMER_SERVICE]


def actor_role(actor: str) -> Role | None:
    if actor in ("visitor", "client"):
        return None
    return Role.OWNER if actor == "admin" else Role(actor)


def said(calls: list[TelegramMethod[Any]]) -> list[str]:
    texts = []
    for call in calls:
        if isinstance(call, SendMessage):
            texts.append(call.text or "")
        elif isinstance(call, AnswerCallbackQuery) and call.text:
            texts.append(call.text)
    return texts


@pytest.mark.parametrize(("name", "permission"), ENTRIES, ids=[name for name, _ in ENTRIES])
@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str,
    name: str,
    permission: Permission | None,
    make_person: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
) -> None:
    user = make_person(user_id=OWNER_ID if actor == "admin" else ACTOR_ID)
    if actor == "client":
        async with app_database.unit_of_work() as uow:
            account = await uow.accounts.create("telegram", str(ACTOR_ID), locale="en", now=clock.now())
            await uow.profiles.create(account.id, now=clock.now(), status="active")
    elif actor not in ("visitor", "admin"):
        await add_member(app_database, clock, ACTOR_ID, actor, name="Actor")
    async with app_database.unit_of_work() as uow:
        await ChannelsRepository.of(uow).create("wechat", "WeChat", created_by=None, now=clock.now())

    if name.startswith("/"):
        calls = await user.send(name)
    else:
        calls = await user.press(ExpenseButton(act=ExpenseAct.CATEGORY, value="rent").pack())
    texts = said(calls)

    role = actor_role(actor)
    assert permission is not None  # every finance command needs a permission
    allowed = role is not None and permission in PERMISSIONS[role]
    if allowed:
        _command, expected = COMMANDS.get(name, ("", "Nothing was recorded"))
        if expected is None:
            assert [type(call) for call in calls].count(SendDocument) == 2
        else:
            assert texts and texts[0].startswith(expected), texts
    elif role is None:
        assert texts == [NOT_STAFF]
    else:
        assert texts == [
            f"Sorry, this needs the permission “{LABELS[permission]}” (finance area), which the role "
            f"{role.value.replace('_', ' ')} does not have. Please ask the agency's owner."
        ]

    async with app_database.unit_of_work(read_only=True) as uow:
        channels = [channel.code for channel in await ChannelsRepository.of(uow).all()]
        lines = await BudgetsRepository.of(uow).month(date(2026, 1, 1), "CNY")
        closed = await FinanceRepository.of(uow).last_closed("CNY")
    assert ("tv" in channels) is (allowed and name.startswith("/newchannel"))
    assert bool(lines) is (allowed and name.startswith("/plan"))
    assert (closed is not None) is (allowed and name.startswith("/close"))
