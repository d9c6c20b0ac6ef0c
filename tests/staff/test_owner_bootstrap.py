"""The first owner: in the web chat demo a one-time owner invitation is offered while nobody is on the staff;
`run_bot.py admin invite ROLE` prints one on any channel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.demo import owner_invite_for_webchat
from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.database import Database
from tests.botclient import BotClient
from tests.e2e.test_cli import run_cli
from tests.staff.conftest import staff_row_of

TOKEN = "123456789:AAHabcdefghijklmnopqrstuvwxyz0123456"


async def test_the_web_chat_offers_an_owner_invitation_until_someone_is_on_the_staff(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, settings: Settings
) -> None:
    web = settings.model_copy(update={"admin_ids": []})
    assert await owner_invite_for_webchat(web.model_copy(update={"bot_token": TOKEN}), app_database, clock) is None
    payload = await owner_invite_for_webchat(web, app_database, clock)
    assert payload is not None and payload.startswith("staff-")

    boss = make_user(user_id=42, channel="web", first_name="Olivia")
    await boss.send(f"/start {payload}")
    assert boss.texts()[0] == "Welcome to the agency's team! You are now on the staff as owner."
    member = await staff_row_of(app_database, boss)
    assert member is not None and member.role == "owner"
    assert await owner_invite_for_webchat(web, app_database, clock) is None  # the agency has its owner now


def test_admin_invite_prints_a_one_time_invitation(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "admin", "invite", "counselor")
    assert result.returncode == 0, result.stderr
    assert "a one-time invitation for a new counselor, valid 24 h:" in result.stdout
    assert "send /start staff-" in result.stdout
