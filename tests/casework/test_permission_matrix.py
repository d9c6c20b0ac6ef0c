"""Every casework command and button, used by every role, by an ADMIN_IDS owner, by a client and by a visitor,
is allowed or refused exactly as the domain's permission table says; a refusal names what is missing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, TelegramMethod

from domain.clock import FakeClock
from domain.staff import PERMISSIONS, Permission, Role
from handlers.views.casework.buttons import (
    AUDIT_PERMISSION,
    CASE_PERMISSIONS,
    COMMAND_PERMISSIONS,
    AuditButton,
    AuditFilter,
    CaseAction,
    CaseButton,
    Scope,
)
from storage.database import Database
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.staff.conftest import OWNER_ID, add_member

ACTOR_ID = 600_000_100
NOT_STAFF = "Sorry, this is only for the agency's staff."
LABELS = {
    Permission.VIEW_CLIENTS: "see client records",
    Permission.SERVE_CLIENTS: "serve clients (handoffs, relay chat, notes)",
    Permission.RECOMMEND: "recommend candidates to clients",
    Permission.ASSIGN_CLIENTS: "assign clients",
    Permission.SUPERVISE_QUALITY: "supervise service quality",
}
ACTORS = ["visitor", "client", "admin", *[role.value for role in Role]]
COMMANDS = {"/clients": "clients", "/audit": "audit"}
ENTRIES: list[tuple[str, Permission]] = [
    *[(text, COMMAND_PERMISSIONS[command]) for text, command in COMMANDS.items()],
    *[(f"button:{action.value}", CASE_PERMISSIONS[action]) for action in CaseAction],
    ("button:audit", AUDIT_PERMISSION),
]


def test_the_matrix_covers_every_command_and_button() -> None:
    assert set(COMMANDS.values()) == set(COMMAND_PERMISSIONS)
    assert {name for name, _ in ENTRIES} >= {f"button:{action.value}" for action in CaseAction}


def actor_role(actor: str) -> Role | None:
    if actor in ("visitor", "client"):
        return None
    return Role.OWNER if actor == "admin" else Role(actor)


def said(calls: list[TelegramMethod[Any]]) -> list[str]:
    texts = []
    for call in calls:
        if isinstance(call, SendMessage | EditMessageText):
            texts.append(call.text or "")
        elif isinstance(call, AnswerCallbackQuery) and call.text:
            texts.append(call.text)
    return texts


@pytest.mark.parametrize(("name", "permission"), ENTRIES, ids=[name for name, _ in ENTRIES])
@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str,
    name: str,
    permission: Permission,
    make_user: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
) -> None:
    tess = await add_member(app_database, clock, 600_000_200, "counselor", name="Tess")
    clock.advance(timedelta(seconds=1))
    user = make_user(user_id=OWNER_ID if actor == "admin" else ACTOR_ID)
    owner = tess.account_id
    if actor == "client":
        await user.send("/start")
        await user.click("I agree, let's begin")
    elif actor not in ("visitor", "admin"):
        owner = (await add_member(app_database, clock, ACTOR_ID, actor, name="Actor")).account_id
    client = await make_client(app_database, clock, 9_001, "Li Wei", counselor=owner)
    candidate = await make_client(app_database, clock, 9_002, "Wang Fang", gender="female")

    if name.startswith("/"):
        calls = await user.send(name)
    elif name == "button:audit":
        calls = await user.press(AuditButton(kind=AuditFilter.ALL).pack())
    else:
        action = CaseAction(name.removeprefix("button:"))
        arg = {
            CaseAction.STAGE: "met",
            CaseAction.CLOSE: "married",
            CaseAction.FOLLOW_UP_SET: "7",
            CaseAction.CANDIDATE: candidate.hex[:8],
            CaseAction.ASSIGN_TO: tess.account_id.hex[:8],
        }.get(action, "")
        target = None if action is CaseAction.LIST else client
        calls = await user.press(CaseButton(action=action, client=target, arg=arg, scope=Scope.MINE).pack())
    texts = said(calls)

    role = actor_role(actor)
    allowed = role is not None and permission in PERMISSIONS[role]
    refusals = [t for t in texts if t == NOT_STAFF or t.startswith("Sorry, this needs the permission")]
    if allowed:
        assert texts and not refusals, texts
    elif role is None:
        assert texts == [NOT_STAFF]
    else:
        assert texts == [
            f"Sorry, this needs the permission “{LABELS[permission]}” (business area), which the role "
            f"{role.value.replace('_', ' ')} does not have. Please ask the agency's owner."
        ]

    async with app_database.unit_of_work(read_only=True) as uow:
        stage = await uow.case_stages.current(client)
        assignment = await uow.assignments.get(client)
        opened = [e for e in await uow.audit.list_for_subject(client) if e.action == "client.card_opened"]
    if name == "button:st":
        assert (stage == "met") is allowed
    if name == "button:close":
        assert (stage == "closed") is allowed
    if name == "button:fuset":
        assert assignment is not None and (assignment.follow_up_on is not None) is allowed
    if name == "button:open":
        assert bool(opened) is allowed
        if allowed:
            assert opened[0].actor_account_id is not None
    if name == "button:to" and not allowed:
        assert assignment is not None and assignment.counselor_id == owner


async def test_client_data_waits_for_the_training(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, ACTOR_ID, "counselor", name="New", trained=False)
    user = make_user(user_id=ACTOR_ID)
    await user.send("/clients")
    assert user.last_text().startswith("Please pass your training first (/training)")
