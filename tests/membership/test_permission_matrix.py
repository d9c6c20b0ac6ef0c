"""Finance's commands and buttons, used by every role, a client and a visitor: allowed exactly as the domain's
permission table says, refused with what is missing otherwise."""

from __future__ import annotations

from uuid import uuid4

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerCallbackQuery, SendMessage

from domain.clock import FakeClock
from domain.staff import PERMISSIONS, Permission, Role
from handlers.views.membership import RefundAction, RefundButton
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import paced
from tests.staff.conftest import add_member

ACTOR_ID = 600_100_100
ENTRIES: list[tuple[str, Permission]] = [
    ("/fees", Permission.MANAGE_FEES),
    ("/setprice premium 1 1", Permission.MANAGE_FEES),
    ("/promo FREEBIE 100%", Permission.MANAGE_FEES),
    ("/refunds", Permission.RECORD_PAYMENTS),
    ("/delivered 0000abcd", Permission.RECORD_PAYMENTS),
    ("button:approve", Permission.RECORD_PAYMENTS),
    ("button:decline", Permission.RECORD_PAYMENTS),
]
ACTORS = ["visitor", "client", *[role.value for role in Role]]


@pytest.mark.parametrize(("name", "permission"), ENTRIES, ids=[name for name, _ in ENTRIES])
@pytest.mark.parametrize("actor", ACTORS)
async def test_finance_permission_matrix(
    actor: str,
    name: str,
    permission: Permission,
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    user = paced(dp, bot, session, error_log, user_id=ACTOR_ID)
    if actor == "client":
        async with app_database.unit_of_work() as uow:
            account = await uow.accounts.create("telegram", str(ACTOR_ID), locale="en", now=clock.now())
            await uow.profiles.create(account.id, now=clock.now(), status="active")
    elif actor != "visitor":
        await add_member(app_database, clock, ACTOR_ID, actor, name="Actor")
    if name.startswith("button:"):
        calls = await user.press(RefundButton(action=RefundAction(name.removeprefix("button:")), refund=uuid4()).pack())
    else:
        calls = await user.send(name)
    texts = [c.text or "" for c in calls if isinstance(c, SendMessage | AnswerCallbackQuery)]
    refused = any(
        t == "Sorry, this is only for the agency's staff." or t.startswith("Sorry, this needs") for t in texts
    )
    role = None if actor in ("visitor", "client") else Role(actor)
    allowed = role is not None and permission in PERMISSIONS[role]
    assert refused != allowed, texts
    if allowed and name.startswith("button:"):
        assert texts == ["This request was already decided."]  # no such request: nothing happens
