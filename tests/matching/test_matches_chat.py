"""/matches in the chat: two people who fit each other find each other, say Interested, agree to share
contacts and receive each other's contact; in English and Chinese, through the real Dispatcher."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.methods import EditMessageReplyMarkup, SendPhoto

from domain.clock import FakeClock
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import PacedClient, paced, register
from tests.matching.chat import account_of, deliver, outbox_for

LI, WANG = 5_001, 5_002


async def two_clients(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture
) -> tuple[PacedClient, PacedClient]:
    """Li Wei (English, a man looking for a woman) and Wang Fang (Chinese, a woman looking for a man): each
    fits the other's must-haves (see tests/journey_walk.py)."""
    li = paced(dp, bot, session, error_log, user_id=LI, language_code="en")
    wang = paced(dp, bot, session, error_log, user_id=WANG, language_code="zh")
    await register(li, "en")
    await register(wang, "zh")
    return li, wang


async def test_two_people_who_fit_find_each_other_and_exchange_contacts(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li, wang = await two_clients(dp, bot, session, error_log)

    calls = await li.send("/matches")
    card = li.last_message()
    assert isinstance(calls[-1], SendPhoto) and card.photo == "photo-wang-1"
    assert card.text.startswith("<b>王芳</b>, 29")
    assert "Why we suggest them" in card.text
    assert "1996" not in card.text  # never the exact birth date
    assert li.last_buttons() == ["💚 Interested", "Pass", "⚠️ Report"]

    calls = await li.click("💚 Interested")
    assert li.view.toasts[-1] == "💚 Noted!"
    assert any(isinstance(c, EditMessageReplyMarkup) for c in calls)  # the answered card loses its buttons
    assert card.inline is None
    assert "I will let you know if 王芳 is interested too." in li.texts()
    assert li.last_text().startswith("That's all for today.")

    # Wang is told someone is interested, without a name, in Chinese.
    (notice,) = await deliver(app_database, wang)
    assert notice.text == "💌 有人对您感兴趣！对方已排在您推荐列表的最前面。"
    assert "Li" not in notice.text

    await wang.click("💘 查看我的推荐")
    card = wang.last_message()
    assert card.photo == "photo-li-1"
    assert "💌 <b>这位会员对您感兴趣。</b>" in card.text
    assert "<b>Li</b>，31岁" in card.text  # first name only: never "Li Wei"
    assert "Wei" not in card.text and "138" not in card.text

    await wang.click("💚 感兴趣")
    intro = wang.last_message()
    assert intro.text.startswith("🎉 <b>牵线成功！</b>您和Li互相感兴趣。")
    assert intro.photo == "photo-li-1"
    assert wang.last_buttons() == ["🤝 分享我的联系方式", "这次先不了"]

    (li_intro,) = await deliver(app_database, li)
    assert li_intro.text.startswith("🎉 <b>It's a match!</b> You and 王芳 are both interested.")
    assert li_intro.attachment is not None and li_intro.attachment.file == "photo-wang-1"

    await wang.click("🤝 分享我的联系方式")
    assert wang.last_text() == "谢谢。Li同意后，我会立即把对方的联系方式发给您。"
    assert await deliver(app_database, li) == []  # nothing is shared before both agree

    await li.click("🤝 Share my contact")
    contact = li.last_text()
    assert contact.startswith("🤝 <b>王芳 agreed to share contacts.</b>")
    assert li.last_buttons() == ["📅 Propose a date"]
    assert f'href="tg://user?id={WANG}"' in contact

    (wang_contact,) = await deliver(app_database, wang)
    assert f'href="tg://user?id={LI}"' in wang_contact.text
    assert "📞 电话：+8613800138000" in wang_contact.text

    li_id, wang_id = await account_of(app_database, li), await account_of(app_database, wang)
    async with app_database.unit_of_work(read_only=True) as uow:
        introduction = await uow.introductions.for_pair(li_id, wang_id)
        assert introduction is not None and introduction.state == "connected"
        assert await uow.case_stages.current(li_id) == "introduced"
        assert await uow.case_stages.current(wang_id) == "introduced"
        actions = [entry.action for entry in await uow.audit.list_for_subject(wang_id, limit=None)]
        assert "match.introduced" in actions or "match.contacts_shared" in actions


async def test_pass_report_and_stale_buttons(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
) -> None:
    li, wang = await two_clients(dp, bot, session, error_log)
    await li.send("/matches")
    forged = li.last_message().inline
    assert forged is not None

    await li.click("⚠️ Report")
    assert li.last_buttons() == ["Fake profile", "Offensive", "Scam or asks for money", "Something else…", "« Back"]
    await li.click("« Back")
    assert li.last_buttons() == ["💚 Interested", "Pass", "⚠️ Report"]
    await li.click("⚠️ Report")
    await li.click("Something else…")
    assert li.last_text().startswith("Please tell us in a few words what is wrong")
    await li.send("x" * 1001)
    assert li.last_text().startswith("That is 1001 characters; please keep it under 1000.")
    await li.send_sticker()
    assert li.last_text().startswith("Please describe the problem in words.")
    await li.send("She asked me for money in her first message.")
    assert "This profile is hidden from you" in li.texts()[-2]

    li_id, wang_id = await account_of(app_database, li), await account_of(app_database, wang)
    async with app_database.unit_of_work(read_only=True) as uow:
        (report,) = await uow.reports.list_open()
        assert (report.reporter_id, report.reported_id, report.reason) == (li_id, wang_id, "other")
        assert report.comment == "She asked me for money in her first message."
        assert wang_id in await uow.suggestions.excluded_for(li_id)
        assert li_id in await uow.suggestions.excluded_for(wang_id)
        assert [h.reason for h in await uow.handoffs.for_client(li_id)] == ["complaint"]  # a counselor follows up

    # The old card's buttons, pressed again, and data naming someone else's suggestion: nothing happens.
    await li.press(forged.inline_keyboard[0][0].callback_data or "")
    assert li.view.toasts[-1] == "You have already answered this one."
    await wang.press(forged.inline_keyboard[0][0].callback_data or "")
    assert wang.view.toasts[-1] == "这个按钮已失效。"
    await li.press("match:yes:not-a-uuid")
    assert li.view.toasts[-1] == "This button is no longer active."
    assert await outbox_for(app_database, wang) == []  # Wang was never told anything
