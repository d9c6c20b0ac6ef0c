"""Contact exchange when one side uses the web chat: there is no Telegram contact to give, so both are told
that a counselor will put them in touch, and a button asks one to (a handoff, and an alert saying why)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher

from handlers.services.settings import Settings
from handlers.views.matching.buttons import IntroAction, IntroButton
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import paced, register
from tests.matching.chat import account_of, deliver, staff_chat_messages

LI, WANG = 5_101, 5_102
STAFF_CHAT = -100_5100
ASK = "🙋 Ask a counselor to connect us"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[], counselor_chat_id=STAFF_CHAT)


async def test_a_web_chat_client_and_a_telegram_client_are_put_in_touch_by_a_counselor(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    li = paced(dp, bot, session, error_log, user_id=LI, language_code="en")  # on Telegram, gave a phone
    wang = paced(dp, bot, session, error_log, user_id=WANG, language_code="zh", channel="web")  # no phone
    await register(li, "en")
    await register(wang, "zh")
    await li.send("/matches")
    await li.click("💚 Interested")
    await deliver(app_database, wang)
    await wang.click("💘 查看我的推荐")
    await wang.click("💚 感兴趣")
    (li_intro,) = await deliver(app_database, li)
    assert li_intro.text.startswith("🎉 <b>It's a match!</b> You and 王芳 are both interested.")
    # Asked to share, each is told first how they will be put in touch.
    assert "uses the agency's web chat, so a counselor will put you in touch" in li_intro.text
    assert "您使用的是网页聊天，双方都同意后，红娘会帮您和对方联系" in wang.last_text()

    await wang.click("🤝 分享我的联系方式")
    await li.click("🤝 Share my contact")
    contact = li.last_text()
    assert contact.startswith("🤝 <b>王芳 agreed to share contacts.</b>")
    assert "💬 王芳 uses the agency's web chat: your counselor will pass your messages on." in contact
    assert "Tap the button below and a counselor will write to you here to put you in touch." in contact
    assert "tg://" not in contact
    assert li.last_buttons() == [ASK, "📅 Propose a date"]

    (wang_contact,) = await deliver(app_database, wang)
    assert "📞 电话：+8613800138000" in wang_contact.text  # Li gave a phone number
    assert "tg://" not in wang_contact.text  # a Telegram link does not reach her in the web chat
    assert "💬 您使用的是机构的网页聊天，收不到 Telegram 联系方式：红娘会为您和对方传话。" in wang_contact.text
    assert [b.text for row in wang_contact.keyboard for b in row] == ["🙋 请红娘帮我们联系", "📅 提议约会"]

    shown = li.last_message()
    await li.click(ASK)
    assert li.last_text() == "🙋 I have asked a counselor to put you in touch with 王芳. They will write to you here."
    assert shown.inline is not None  # asked once: the button goes, the date stays
    assert [b.text for row in shown.inline.inline_keyboard for b in row] == ["📅 Propose a date"]

    li_id, wang_id = await account_of(app_database, li), await account_of(app_database, wang)
    async with app_database.unit_of_work(read_only=True) as uow:
        (handoff,) = await uow.handoffs.for_client(li_id)
        assert handoff.state == "open"
        assert await uow.handoffs.for_client(wang_id) == []
    alerts = [m.text for m in await staff_chat_messages(app_database) if "put them in touch" in m.text]
    assert alerts == [
        f"🤝 Client <code>{str(li_id)[:8]}</code> asked a counselor to put them in touch with client "
        f"<code>{str(wang_id)[:8]}</code>: they agreed to share contacts, but one of them uses the web chat. "
        "Please claim the request and pass their messages on."
    ]


async def test_two_telegram_clients_get_each_others_link_and_no_counselor_button(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, app_database: Database
) -> None:
    li = paced(dp, bot, session, error_log, user_id=LI, language_code="en")
    wang = paced(dp, bot, session, error_log, user_id=WANG, language_code="zh")
    await register(li, "en")
    await register(wang, "zh")
    await li.send("/matches")
    await li.click("💚 Interested")
    await deliver(app_database, wang)
    await wang.click("💘 查看我的推荐")
    await wang.click("💚 感兴趣")
    assert "You will receive theirs when both of you agree" in (await deliver(app_database, li))[0].text
    await wang.click("🤝 分享我的联系方式")
    await li.click("🤝 Share my contact")
    assert f'href="tg://user?id={WANG}"' in li.last_text()
    assert "web chat" not in li.last_text()
    assert li.last_buttons() == ["📅 Propose a date"]

    # A forged "ask a counselor" on their introduction: they have each other's link, nothing happens.
    li_id, wang_id = await account_of(app_database, li), await account_of(app_database, wang)
    async with app_database.unit_of_work(read_only=True) as uow:
        introduction = await uow.introductions.for_pair(li_id, wang_id)
        assert introduction is not None
    await li.press(IntroButton(action=IntroAction.RELAY, introduction=introduction.id.hex).pack())
    assert li.view.toasts[-1] == "This button is no longer active."
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.handoffs.for_client(li_id) == []
