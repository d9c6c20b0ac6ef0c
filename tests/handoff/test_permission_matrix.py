"""The handoff's staff commands and buttons, used by every role, by a member who has not passed the training
yet, by an ADMIN_IDS owner, a client and a visitor: allowed or refused exactly as the domain's
permission table says, and a refused claim changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage, TelegramMethod

from domain.clock import FakeClock
from domain.handoff import Handoff, HandoffReason, HandoffState
from domain.staff import PERMISSIONS, Role
from handlers.handoff.router import ACTION_PERMISSIONS, COMMAND_PERMISSIONS
from handlers.views.handoff.messages import HandoffAction, HandoffButton
from storage.database import Database
from tests.botclient import BotClient
from tests.handoff.conftest import OWNER_ID, add_member

ACTOR_ID = 610_000_100
NOT_STAFF = "Sorry, this is only for the agency's staff."
STANDARD = "Please pass your training first (/training); client records open after that."
ACTORS = ["visitor", "client", "admin", "pending", *[role.value for role in Role]]
ENTRIES = ["/queue", "/end", "button:claim"]


def test_the_matrix_covers_every_command_and_button() -> None:
    assert {entry.lstrip("/") for entry in ENTRIES if not entry.startswith("button:")} == set(COMMAND_PERMISSIONS)
    assert {f"button:{action.value}" for action in HandoffAction} == {e for e in ENTRIES if e.startswith("button:")}
    assert set(ACTION_PERMISSIONS) == set(HandoffAction)


def role_of(actor: str) -> Role | None:
    if actor in ("visitor", "client"):
        return None
    if actor == "admin":
        return Role.OWNER
    return Role.COUNSELOR if actor == "pending" else Role(actor)


def allowed(actor: str, entry: str) -> bool:
    role = role_of(actor)
    permission = ACTION_PERMISSIONS[HandoffAction.CLAIM] if entry == "button:claim" else COMMAND_PERMISSIONS["queue"]
    return role is not None and permission in PERMISSIONS[role] and actor != "pending"


async def make_actor(
    actor: str, make_user: Callable[..., BotClient], database: Database, clock: FakeClock
) -> BotClient:
    if actor == "admin":
        return make_user(user_id=OWNER_ID)
    user = make_user(user_id=ACTOR_ID)
    if actor == "client":
        await user.send("/start")
        await user.click("I agree, let's begin")
    elif actor == "pending":
        await add_member(database, clock, ACTOR_ID, "counselor", name="Actor", trained=False)
    elif actor != "visitor":
        await add_member(database, clock, ACTOR_ID, actor, name="Actor")
    return user


async def waiting_handoff(database: Database, clock: FakeClock) -> Handoff:
    async with database.unit_of_work() as uow:
        client, _created = await uow.accounts.get_or_create("telegram", "610000999", locale="en", now=clock.now())
        handoff = await uow.handoffs.open(client.id, HandoffReason.ASKED, now=clock.now())
        await uow.handoffs.mark_widened(handoff.id, now=clock.now())
    return handoff


def said(calls: list[TelegramMethod[Any]]) -> list[str]:
    texts = []
    for call in calls:
        if isinstance(call, SendMessage | AnswerCallbackQuery) and call.text:
            texts.append(call.text)
    return texts


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str, entry: str, make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    handoff = await waiting_handoff(app_database, clock)
    user = await make_actor(actor, make_user, app_database, clock)

    if entry == "button:claim":
        calls = await user.press(HandoffButton(action=HandoffAction.CLAIM, handoff=handoff.id.hex).pack())
    else:
        calls = await user.send(entry)
    texts = said(calls)

    refusals = [t for t in texts if t in (NOT_STAFF, STANDARD) or t.startswith("Sorry, this needs the permission")]
    role = role_of(actor)
    # /end is also the client's command: for a client or a visitor it is never a staff refusal.
    if allowed(actor, entry) or (role is None and entry == "/end"):
        assert texts and not refusals, texts
    elif role is None:
        assert texts == [NOT_STAFF]
    elif actor == "pending":
        assert texts == [STANDARD]
    else:
        assert texts == [
            "Sorry, this needs the permission “serve clients (handoffs, relay chat, notes)” (business area), which "
            f"the role {role.value.replace('_', ' ')} does not have. Please ask the agency's owner."
        ]

    async with app_database.unit_of_work(read_only=True) as uow:
        stored = await uow.handoffs.get(handoff.id)
    assert stored is not None
    claimed = entry == "button:claim" and allowed(actor, entry) and actor != "admin"  # admin: no account yet
    assert stored.state is (HandoffState.CLAIMED if claimed else HandoffState.OPEN)
