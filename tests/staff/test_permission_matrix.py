"""Every staff command and button, used by every role, by a client and by a visitor, is allowed or refused
exactly as the domain's permission table says (and a refusal names what is missing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, TelegramMethod
from sqlalchemy import func, select

from domain.clock import FakeClock
from domain.staff import PERMISSIONS, Permission, Role
from handlers.staff.permissions import ACTION_PERMISSIONS, COMMAND_PERMISSIONS, NAME_PERMISSION
from handlers.views.staff import NameChoice, StaffAction, StaffButton, StaffNameButton
from storage.database import Database
from storage.models.staff_invites import StaffInviteRow
from tests.botclient import BotClient
from tests.staff.conftest import OWNER_ID, Member, add_member, staff_row

ACTOR_ID = 600_000_100
TARGET_ID = 600_000_200
NOT_STAFF = "Sorry, this is only for the agency's staff."
LABELS = {
    Permission.VIEW_STAFF: ("see the staff list", "personnel"),
    Permission.INVITE_STAFF: ("invite staff", "personnel"),
    Permission.CHANGE_ROLES: ("change staff roles", "personnel"),
    Permission.DEACTIVATE_STAFF: ("deactivate or reactivate staff", "personnel"),
}

# Who presses: a visitor (no account), a client, an owner from ADMIN_IDS (no staff row), each role.
ACTORS = ["visitor", "client", "admin", *[role.value for role in Role]]
# What they press or send: (name, permission); None means any active staff member.
COMMANDS = {"/staff": "staff", "/invite counselor": "invite", "/standard": "standard", "/myname Anna": "myname"}
ENTRIES: list[tuple[str, Permission | None]] = [
    *[(text, COMMAND_PERMISSIONS[command]) for text, command in COMMANDS.items()],
    *[(f"button:{action.value}", ACTION_PERMISSIONS[action]) for action in StaffAction],
    ("button:myname", NAME_PERMISSION),
]


def test_the_matrix_covers_every_command_and_button() -> None:
    assert set(COMMANDS.values()) == set(COMMAND_PERMISSIONS)
    assert {name for name, _ in ENTRIES if name.startswith("button:")} == {
        *(f"button:{action.value}" for action in StaffAction),
        "button:myname",
    }


def actor_role(actor: str) -> Role | None:
    if actor in ("visitor", "client"):
        return None
    return Role.OWNER if actor == "admin" else Role(actor)


def expected_allowed(actor: str, permission: Permission | None) -> bool:
    role = actor_role(actor)
    return role is not None and (permission is None or permission in PERMISSIONS[role])


async def make_actor(
    actor: str, make_user: Callable[..., BotClient], database: Database, clock: FakeClock
) -> BotClient:
    if actor == "admin":
        return make_user(user_id=OWNER_ID)
    user = make_user(user_id=ACTOR_ID)
    if actor == "client":
        await user.send("/start")
        await user.click("I agree, let's begin")
    elif actor != "visitor":
        await add_member(database, clock, ACTOR_ID, actor, name="Actor")
    return user


async def act(user: BotClient, name: str, target: Member) -> list[TelegramMethod[Any]]:
    if not name.startswith("button:"):
        return await user.send(name)
    what = name.removeprefix("button:")
    if what == "myname":  # "Use “<Telegram name>”"
        return await user.press(StaffNameButton(choice=NameChoice.CHANNEL).pack())
    action = StaffAction(what)
    role = "customer_service" if action is StaffAction.ROLE else ""
    member = None if action is StaffAction.LIST else target.account_id
    return await user.press(StaffButton(action=action, member=member, role=role).pack())


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
    permission: Permission | None,
    make_user: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
) -> None:
    reactivating = name == f"button:{StaffAction.REACTIVATE.value}"
    target = await add_member(app_database, clock, TARGET_ID, "counselor", name="Tess", active=not reactivating)
    user = await make_actor(actor, make_user, app_database, clock)

    texts = said(await act(user, name, target))

    refusals = [t for t in texts if t == NOT_STAFF or t.startswith("Sorry, this needs the permission")]
    if expected_allowed(actor, permission):
        assert texts and not refusals, texts
    else:
        assert len(texts) == 1 and refusals == texts, texts
        if actor_role(actor) is None:
            assert texts == [NOT_STAFF]
        else:
            assert permission is not None
            label, area = LABELS[permission]
            role = actor_role(actor)
            assert role is not None
            assert texts[0] == (
                f"Sorry, this needs the permission “{label}” ({area} area), which the role "
                f"{role.value.replace('_', ' ')} does not have. Please ask the agency's owner."
            )

    # What the action changed, exactly when it was allowed.
    allowed = expected_allowed(actor, permission)
    member = await staff_row(app_database, target.account_id)
    assert member is not None
    if name == f"button:{StaffAction.ROLE.value}":
        assert member.role == ("customer_service" if allowed else "counselor")
    if name == f"button:{StaffAction.DEACTIVATE.value}":
        assert member.active is not allowed
    if reactivating:
        assert member.active is allowed
    if name == "/myname Anna" and actor_role(actor) is not None:
        async with app_database.unit_of_work(read_only=True) as uow:
            account = await uow.accounts.find_by_external("telegram", str(user.user.id))
            mine = None if account is None else await uow.staff.get(account.id)
        assert mine is not None and mine.display_name == "Anna"
    if name == "/invite counselor":
        async with app_database.unit_of_work(read_only=True) as uow:
            count = await uow.session.scalar(select(func.count()).select_from(StaffInviteRow))
        assert count == (1 if allowed else 0)
