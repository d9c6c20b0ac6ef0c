"""Hiring in the bot: a manager opens a position with /hiring; a visitor applies through its job link and the
short interview (bad answers asked again); the managers are told; the candidate moves through the stages with a
note; the hire sends them the staff invitation, which makes them staff; the filled position closes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.database import Database
from storage.models.hiring import HiringCandidateRow, HiringEventRow
from tests.botclient import CONVERSATION_METHODS, BotClient, RecordingSession
from tests.matching.chat import deliver
from tests.personnel.hiring_support import INVITE_COMMAND, apply, open_position
from tests.staff.conftest import OWNER_ID, add_member, staff_row_of

MANAGER_ID = 610_000_001
CANDIDATE_ID = 610_000_002
LATECOMER_ID = 610_000_003


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # A person typing fast in a test is not flooding.
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID], throttle_burst=1000)


@pytest.fixture
def session(clock: FakeClock) -> RecordingSession:
    return RecordingSession(clock, allowed=CONVERSATION_METHODS | {"GetMe"})


async def test_from_a_new_position_to_a_hired_counselor(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Lin")
    manager = make_user(user_id=MANAGER_ID)

    # The manager opens a position: only the roles a manager may give are offered; bad answers are asked again.
    await manager.send("/hiring")
    assert "No positions yet" in manager.last_text()
    await manager.click("➕ New position")
    assert manager.last_buttons() == ["counselor", "customer service"]
    await manager.click("counselor")
    assert manager.last_text().startswith("A new position for the role counselor.")
    await manager.send_sticker()
    assert manager.last_text() == "Please send it as text."
    await manager.send("Counselor, Shanghai office")
    await manager.send("many")
    assert manager.last_text() == "Please send a whole number from 1 to 99."
    await manager.send("1")
    await manager.send("Warm, patient, two years of work with people.")
    card = manager.last_text()
    assert "<b>Counselor, Shanghai office</b>" in card and "Hired: 0 of 1" in card
    assert "State: accepting applications" in card
    assert "Candidates apply through these links:" in card
    code = card.split("start=apply-")[1][:8]

    # A visitor opens the job link: the position, not the client's greeting and consent.
    candidate = make_user(user_id=CANDIDATE_ID, first_name="Xiaoming")
    await candidate.send(f"/start apply-{code}")
    assert "<b>Counselor, Shanghai office</b> · counselor" in candidate.last_text()
    assert "stored encrypted" in candidate.last_text()
    assert candidate.last_buttons() == ["Start my application"]
    await candidate.click("Start my application")
    assert candidate.last_text() == "What is your full name?"
    await candidate.send("http://example.com")
    assert candidate.last_text().startswith("Please send your name in letters")
    await candidate.send("Wang Xiaoming")
    assert candidate.reply_buttons() == ["📱 Share my phone number"]
    await candidate.send("12")
    assert candidate.last_text().startswith("That does not look like a phone number.")
    await candidate.share_contact("8613800138000")
    assert candidate.last_text().startswith("Tell us briefly about your experience")
    assert candidate.reply_buttons() == []
    await candidate.send("x")
    assert candidate.last_text().startswith("Please write a little more.")
    await candidate.send("Two years in customer service at a bank")
    await candidate.send_photo()
    assert candidate.last_text() == "Please answer in text.\nWhy do you want this job?"
    await candidate.send("I like helping people meet")
    assert candidate.last_text() == (
        "Thank you! Your application for “Counselor, Shanghai office” has been received. The agency will contact you."
    )
    async with app_database.unit_of_work(read_only=True) as uow:
        row = (await uow.session.scalars(select(HiringCandidateRow))).one()
    assert row.stage == "applied" and b"Wang Xiaoming" not in bytes(row.name) and b"8000" not in bytes(row.phone)

    # The managers are told, with a button to the candidate's card.
    alerts = await deliver(app_database, manager)
    assert [a.text for a in alerts] == ["🧑‍💼 A new candidate for “Counselor, Shanghai office”: Wang Xiaoming."]
    await manager.click("Open the candidate")
    card = manager.last_text()
    assert "<b>Wang Xiaoming</b>" in card and "Phone: +8613800138000" in card and "Stage: applied" in card
    assert "Two years in customer service at a bank" in card and "I like helping people meet" in card
    assert manager.last_buttons() == ["➡️ Move to interview", "Decline", "📝 Add a note", "« Back"]

    await manager.click("➡️ Move to interview")
    assert "Stage: interview" in manager.last_text()
    await manager.click("📝 Add a note")
    assert manager.last_text().startswith("Send the note about this candidate")
    await manager.send("Great first conversation; calm and kind")
    assert manager.texts()[-2] == "Note added to the candidate's timeline."
    await manager.click("➡️ Move to offer")
    card = manager.last_text()
    assert "Stage: offer" in card and "note: Great first conversation; calm and kind (Lin)" in card
    assert manager.last_buttons() == ["✅ Hire", "Decline", "📝 Add a note", "« Back"]

    await manager.click("✅ Hire")
    assert manager.last_text() == (
        "Wang Xiaoming is hired. A staff invitation was issued.\nThe invitation was sent to them in the bot.\n"
        "Every seat is filled now: the position is closed."
    )

    # The candidate gets the invitation in the bot and joins the staff with the position's role.
    notices = await deliver(app_database, candidate)
    assert len(notices) == 1 and notices[0].text.startswith("🎉 Congratulations! The agency hires you as counselor")
    found = INVITE_COMMAND.search(notices[0].text)
    assert found is not None and f"https://t.me/yuelao_test_bot?start={found.group(1)}" in notices[0].text
    await candidate.send(f"/start {found.group(1)}")
    welcome = "Welcome to the agency's team! You are now on the staff as counselor."
    assert any(text.startswith(welcome) for text in candidate.texts())
    member = await staff_row_of(app_database, candidate)
    assert member is not None and member.role == "counselor"

    # The position is full and closed: nobody else can apply.
    latecomer = make_user(user_id=LATECOMER_ID)
    await latecomer.send(f"/start apply-{code}")
    assert latecomer.last_text() == "Sorry, this position is no longer open."
    await manager.send("/hiring")
    line = "Counselor, Shanghai office (counselor): 1 of 1 hired, 0 in progress, closed to applications"
    assert line in manager.last_text()

    async with app_database.unit_of_work(read_only=True) as uow:
        kinds = (await uow.session.scalars(select(HiringEventRow.kind).order_by(HiringEventRow.created_at))).all()
    assert sorted(kinds) == sorted(["applied", "moved", "note", "moved", "hired"])


async def test_applying_twice_cancelling_and_a_staff_member_applying(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Lin")
    manager = make_user(user_id=MANAGER_ID)
    code = await open_position(manager, seats="3")

    candidate = make_user(user_id=CANDIDATE_ID)
    await candidate.send(f"/start apply-{code}")
    await candidate.click("Start my application")
    await candidate.send("/cancel")
    assert candidate.last_text() == "Cancelled. Send /help to see what I can do."
    await candidate.send("Wang Xiaoming")  # no longer an answer: the interview was cancelled
    assert (
        candidate.last_text()
        != "What phone number can the agency reach you on? Type it, or share it with the button below."
    )

    await apply(candidate, code)
    await candidate.send(f"/start apply-{code}")
    assert candidate.last_text() == "You have already applied for this position. The agency will contact you."

    await manager.send(f"/start apply-{code}")
    assert manager.last_text() == "You are already on the agency's staff."

    stranger = make_user(user_id=LATECOMER_ID)
    await stranger.send("/start apply-zzzzzzzz")
    assert stranger.last_text() == "Sorry, this job link is not valid. Please ask the agency for a new one."


async def test_declining_and_the_pipeline_counts(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Lin")
    manager = make_user(user_id=MANAGER_ID)
    code = await open_position(manager, role="customer service", title="Front desk", seats="2")
    first = make_user(user_id=CANDIDATE_ID)
    second = make_user(user_id=LATECOMER_ID)
    await apply(first, code, name="Li Na")
    clock.advance(timedelta(minutes=5))
    await apply(second, code, name="Zhang Wei")

    await manager.send("/hiring")
    assert "Front desk (customer service): 0 of 2 hired, 2 in progress, accepting applications" in manager.last_text()
    await manager.click("1. Front desk")
    assert "applied: 2" in manager.last_text()
    await manager.click("applied (2)")
    assert manager.last_buttons() == ["Li Na", "Zhang Wei", "« Back"]
    await manager.click("Zhang Wei")
    await manager.click("Decline")
    assert "Stage: declined" in manager.last_text()
    assert manager.last_buttons() == ["📝 Add a note", "« Back"]
    await manager.click("« Back")
    assert manager.last_buttons() == ["Zhang Wei", "« Back"]
    await manager.click("« Back")
    assert "applied: 1" in manager.last_text() and "declined: 1" in manager.last_text()
    await manager.click("Close the position")
    assert "State: closed to applications" in manager.last_text() and "Close the position" not in manager.last_buttons()


async def test_a_client_in_the_middle_of_the_intake_applies_and_then_continues(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Lin")
    code = await open_position(make_user(user_id=MANAGER_ID), seats="2")
    client = make_user(user_id=CANDIDATE_ID)
    await client.send("/start")
    await client.click("I agree, let's begin")
    question = client.last_text().split("\n\n", 1)[1]  # the first question, after the welcome

    await apply(client, code)
    assert client.last_text().startswith("Thank you! Your application for")

    await client.send("/start")
    assert client.last_text() == "Welcome back! Let's continue where we stopped.\n\n" + question
    async with app_database.unit_of_work(read_only=True) as uow:
        rows = (await uow.session.scalars(select(HiringCandidateRow))).all()
    assert len(rows) == 1


async def test_a_candidate_applies_in_their_own_language(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Lin")
    code = await open_position(make_user(user_id=MANAGER_ID), seats="2")
    candidate = make_user(user_id=CANDIDATE_ID, language_code="zh")
    await candidate.send(f"/start apply-{code}")
    assert "只有机构负责招聘的主管会阅读您的回答" in candidate.last_text()
    await candidate.click("开始申请")
    assert candidate.last_text() == "请问您的姓名？"
    await candidate.send("王小明")
    await candidate.send("138")
    assert candidate.last_text().startswith("这看起来不像电话号码。")
    await candidate.send("13800138000")
    await candidate.send("在银行做过两年客服")
    await candidate.send("我喜欢帮助别人")
    assert candidate.last_text() == "谢谢！您对“Counselor, Shanghai office”的申请已收到，机构会与您联系。"
