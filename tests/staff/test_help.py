"""/help shows each person their own commands: a client the client's, each staff role the commands its
permissions open (and what comes first while the training waits)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domain.clock import FakeClock
from domain.staff import PERMISSIONS, Role, allows
from handlers.staff.commands import STAFF_COMMANDS
from storage.database import Database
from tests.botclient import BotClient
from tests.staff.conftest import OWNER_ID, add_member

MEMBER_ID = 600_000_201


def listed(text: str) -> set[str]:
    """The commands a help text lists (each line that starts with one)."""
    return {line.split(":")[0].split()[0] for line in text.splitlines() if line.startswith("/")}


async def test_a_client_sees_the_client_commands(make_user: Callable[..., BotClient]) -> None:
    client = make_user(user_id=MEMBER_ID)

    await client.send("/help")

    text = client.last_text()
    assert text.startswith("Here is what I can do:")
    assert {"/matches", "/profile", "/human", "/membership", "/refund", "/ranking"} <= listed(text)
    assert not listed(text) & {"/clients", "/queue", "/staff", "/myname", "/fees", "/refunds"}


@pytest.mark.parametrize("role", [Role.MANAGER, Role.COUNSELOR, Role.CUSTOMER_SERVICE, Role.FINANCE])
async def test_each_role_sees_the_commands_its_permissions_open(
    role: Role, make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MEMBER_ID, role.value, name="Anna")
    member = make_user(user_id=MEMBER_ID)

    await member.send("/help")

    text = member.last_text()
    assert text.startswith(f"<b>What you can do as {role.value.replace('_', ' ')}</b>")
    expected = {f"/{command}" for command, needs in STAFF_COMMANDS.items() if needs is None or allows(role, needs)}
    assert listed(text) == expected | {"/language", "/cancel", "/help"}
    assert "Clients see you as “Anna”." in text
    assert not listed(text) & {"/matches", "/profile", "/human"}


async def test_the_roles_differ_as_the_permission_table_says() -> None:
    def commands(role: Role) -> set[str]:
        return {c for c, needs in STAFF_COMMANDS.items() if needs is None or needs in PERMISSIONS[role]}

    assert {"clients", "queue", "end", "myname", "standard", "training"} <= commands(Role.COUNSELOR)
    assert not commands(Role.COUNSELOR) & {"staff", "invite", "audit", "outbox"}
    assert {"staff", "invite", "audit", "outbox", "clients"} <= commands(Role.MANAGER)
    finance = {"expense", "close", "reverse", "newchannel", "plan", "channels", "budget", "ledger"}
    membership = {"fees", "setprice", "promo", "delivered", "refunds"}
    own = {"myname", "standard", "training", "kpi", "penalties", "mycommission"}  # what every member has
    assert commands(Role.FINANCE) == own | membership | finance
    assert commands(Role.TEAM_LEAD) == commands(Role.COUNSELOR) | {"team"}
    assert {"channels", "budget", "ledger"} <= commands(Role.MANAGER)  # managers see money, finance enters it
    assert not commands(Role.MANAGER) & {"expense", "close", "reverse", "newchannel", "plan"}
    assert not commands(Role.COUNSELOR) & {"fees", "setprice", "promo", "delivered", "refunds", *finance}


async def test_the_owner_sees_every_staff_command(make_user: Callable[..., BotClient]) -> None:
    owner = make_user(user_id=OWNER_ID)

    await owner.send("/help")

    assert owner.last_text().startswith("<b>What you can do as owner</b>")
    assert {f"/{command}" for command in STAFF_COMMANDS} <= listed(owner.last_text())
    assert "You have not chosen the name clients see yet: /myname" in owner.last_text()


async def test_while_the_training_waits_help_says_so_first(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MEMBER_ID, "counselor", name="Anna", trained=False)
    member = make_user(user_id=MEMBER_ID)

    await member.send("/help")

    lines = member.last_text().splitlines()
    assert lines[1] == "First pass your training: /training. Client records open after that."


async def test_help_in_chinese(make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock) -> None:
    anna = await add_member(app_database, clock, MEMBER_ID, "counselor", name="安娜")
    async with app_database.unit_of_work() as uow:
        await uow.accounts.set_locale(anna.account_id, "zh")
    member = make_user(user_id=MEMBER_ID, language_code="zh")

    await member.send("/help")

    text = member.last_text()
    assert text.startswith("<b>您作为红娘可以做的事</b>")
    assert "/clients" in text and "“安娜”" in text and "What you can do" not in text


async def test_finance_help_lists_the_fee_and_refund_commands(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MEMBER_ID, "finance", name="Fang")
    member = make_user(user_id=MEMBER_ID)

    await member.send("/help")

    lines = member.last_text().splitlines()
    assert "/fees: every membership price now, and where it comes from" in lines
    assert "/setprice TIER TERM AMOUNT: a new price from now on" in lines
    assert "/promo CODE 20% [days] [uses]: a new promo code" in lines
    assert "/delivered REF: a client's private custom engagement was delivered" in lines
    assert "/refunds: refund requests waiting for a decision" in lines
