"""A counselor proposes a date for their client from the client card: the same picker in the counselor's chat,
the proposal goes out in the client's name, the client is told; others may not."""

from __future__ import annotations

from aiogram import Bot, Dispatcher

from domain.clock import FakeClock
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.dates.chat import connected_pair, only_date, pick
from tests.journey_walk import paced
from tests.matching.chat import deliver
from tests.staff.conftest import add_member

CORA, DAN = 7_301, 7_302
MUSEUM_EN = "Shanghai Museum, People's Square"


async def test_a_counselor_proposes_a_date_for_their_client(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, wang, li_id, wang_id, _intro = await connected_pair(dp, bot, session, error_log, app_database)
    cora_member = await add_member(app_database, clock, CORA, "counselor", name="Cora")
    await add_member(app_database, clock, DAN, "counselor", name="Dan")
    async with app_database.unit_of_work() as uow:
        await uow.assignments.assign(li_id, cora_member.account_id, now=clock.now(), by=None)
    cora = paced(dp, bot, session, error_log, user_id=CORA)
    dan = paced(dp, bot, session, error_log, user_id=DAN)

    await cora.send(f"/clients {li_id.hex[:8]}")
    assert "📅 Date with 王芳" in cora.last_buttons()
    card = cora.last_message().inline
    assert card is not None
    date_button = next(b.callback_data for row in card.inline_keyboard for b in row if b.text == "📅 Date with 王芳")
    await cora.click("📅 Date with 王芳")
    assert cora.last_text() == ("📅 Pick a day for Li's date with 王芳. Times are in Li's time zone (Asia/Shanghai).")
    await pick(cora, ("7", "19:30"))
    await cora.click("Next: the venue ➡️")
    await cora.click(MUSEUM_EN)
    assert cora.last_text().startswith("✉️ Sent to 王芳:\n1. Wed 7 Jan, 19:30 (Asia/Shanghai)")

    (proposal,) = await deliver(app_database, wang)
    assert proposal.text.startswith("📅 <b>Li想和您见面。</b>")
    (told,) = await deliver(app_database, li)
    assert told.text.startswith("💌 Your counselor Cora proposed a date with 王芳 for you:")
    record = await only_date(app_database, li_id)
    assert (record.state, record.proposed_by) == ("proposed", li_id)

    # Dan is not Li's counselor; Li (a client) presses the counselor's button: both refused.
    await dan.press(date_button or "")
    assert dan.view.toasts[-1] == "This client is not assigned to you."
    await li.press(date_button or "")
    assert li.view.toasts[-1] == "Sorry, this is only for the agency's staff."
    del wang_id
