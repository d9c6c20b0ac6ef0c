"""The counselor front office end to end, all in the web chat: an owner invites a counselor, who joins and
passes the training (a quiz per module); a client asks for help; the counselor claims it; they talk through the bot;
the conversation ends with a rating; the manager sees the audit trail."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domain.clock import FakeClock
from storage.database import Database
from tests.botclient import CONVERSATION_METHODS, BotClient, RecordingSession
from tests.journey_walk import PacedClient, register
from tests.matching.chat import account_of, deliver
from tests.personnel.training_support import take_training
from tests.staff.conftest import WEB_COMMAND, add_member

OWNER, CORA, LI = 810_001, 810_002, 810_003


@pytest.fixture
def session(clock: FakeClock) -> RecordingSession:
    return RecordingSession(clock, allowed=CONVERSATION_METHODS | {"GetMe"})


async def test_invite_claim_talk_and_audit_in_the_web_chat(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, OWNER, "owner", name="Olivia", channel="web")
    owner = make_user(user_id=OWNER, channel="web")
    cora = make_user(user_id=CORA, channel="web", first_name="Cora")

    await owner.send("/invite counselor")
    found = WEB_COMMAND.search(owner.last_text())
    assert found is not None
    await cora.send(f"/start {found.group(1)}")
    assert cora.texts()[0].startswith("Welcome to the agency's team! You are now on the staff as counselor.")
    assert cora.last_text().startswith("What name should clients see")  # the web chat's own name is "Guest"
    await cora.send("Cora")
    results = await take_training(cora)
    assert results[-1].endswith("Your required training is complete: client records are open to you now.")

    client = PacedClient(make_user(user_id=LI, channel="web").dp, cora.bot, cora.session, user_id=LI, channel="web")
    await register(client, "en")
    await client.send("/human")
    assert client.last_text().startswith("I have asked a counselor to join you.")

    to_cora = [m.text for m in await deliver(app_database, cora)]
    assert not any(text.startswith("🆕 New client registered") for text in to_cora)  # ordinary: nobody's own
    assert any("A client needs a counselor" in text for text in to_cora)
    await cora.click("✋ Claim")
    assert cora.last_text().startswith("✅ <b>You are now talking with Li Wei.</b>")
    (joined,) = await deliver(app_database, client)
    assert joined.text.startswith("🙋 Cora from the agency is here to help you.")

    await client.send("Could you help me with my preferences?")
    (line,) = await deliver(app_database, cora)
    assert line.text == "💬 <b>Li Wei</b>: Could you help me with my preferences?"
    await cora.send("Of course! Open /preferences and tap the answer to change.")
    (answer,) = await deliver(app_database, client)
    assert answer.text == "💬 <b>Cora</b>: Of course! Open /preferences and tap the answer to change."

    await cora.send("/end")
    (question,) = await deliver(app_database, client)
    assert question.text.startswith("The conversation with Cora has ended.")
    await client.click("⭐⭐⭐⭐⭐")

    # The owner (a manager's rights) sees who opened the client's data and when.
    client_id = await account_of(app_database, client)
    await owner.send(f"/audit {client_id.hex[:8]}")
    trail = owner.last_text()
    assert trail.startswith(f"<b>Audit log</b>: about Li <code>{client_id.hex[:8]}</code>")
    assert "Cora (counselor) · took the client's request" in trail
    assert "Cora (counselor) · ended the conversation" in trail
