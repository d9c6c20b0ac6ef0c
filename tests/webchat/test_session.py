"""WebChatSession: the bot's Bot API calls, answered like Telegram and refused where Telegram refuses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonDefault,
    URLInputFile,
)

from bot.webchat import WebChatHub, create_webchat_bot
from domain.clock import FakeClock
from tests.webchat.images_for_tests import tiny_png

CHAT = 424242


@pytest.fixture
def hub(tmp_path: Path) -> WebChatHub:
    return WebChatHub(tmp_path / "webchat", bytes(32), history_limit=3)


@pytest.fixture
async def bot(hub: WebChatHub) -> AsyncIterator[Bot]:
    bot = create_webchat_bot(hub, FakeClock())
    yield bot
    await bot.session.close()


async def _remembered(hub: WebChatHub, message_id: int) -> dict[str, object] | None:
    message = (await hub.chat(CHAT)).get(message_id)
    return None if message is None else message.model_dump()


def _keyboard(data: str = "ok") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="OK", callback_data=data)]])


async def test_a_message_telegram_would_reject_for_its_length_raises(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="4097 characters exceeds 4096"):
        await bot.send_message(CHAT, "x" * 4097)
    await bot.send_message(CHAT, "x" * 4096)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<div>hi</div>", 'Unsupported start tag "div"'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b></b>", "message text is empty"),
    ],
)
async def test_html_telegram_would_not_parse_raises_like_telegram(bot: Bot, text: str, reason: str) -> None:
    with pytest.raises(TelegramBadRequest, match=reason):
        await bot.send_message(CHAT, text)


async def test_only_html_or_plain_text_is_rendered(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="parse_mode HTML or none"):
        await bot.send_message(CHAT, "*bold*", parse_mode="MarkdownV2")
    plain = await bot.send_message(CHAT, "1 < 2 <b>", parse_mode=None)
    assert plain.text == "1 < 2 <b>" and plain.entities is None


async def test_a_sent_message_is_what_telegram_would_echo(bot: Bot, hub: WebChatHub) -> None:
    sent = await bot.send_message(
        CHAT, "<b>你好</b> 😀 <a href='https://example.org'>site</a>", reply_markup=_keyboard()
    )
    assert sent.text == "你好 😀 site"
    assert [entity.model_dump(exclude_none=True) for entity in sent.entities or []] == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "text_link", "offset": 6, "length": 4, "url": "https://example.org"},
    ]
    assert sent.chat.id == CHAT and sent.from_user is not None and sent.from_user.is_bot
    assert sent.html_text == '<b>你好</b> 😀 <a href="https://example.org">site</a>'
    assert await _remembered(hub, sent.message_id) == sent.model_dump()


async def test_message_ids_increase_per_chat(bot: Bot) -> None:
    first = await bot.send_message(CHAT, "one")
    second = await bot.send_message(CHAT, "two")
    elsewhere = await bot.send_message(CHAT + 1, "one")
    assert (first.message_id, second.message_id, elsewhere.message_id) == (1, 2, 1)


async def test_only_private_web_chats_exist(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(-100123, "to a group")


async def test_edits_apply_in_place_and_refuse_like_telegram(bot: Bot, hub: WebChatHub) -> None:
    sent = await bot.send_message(CHAT, "Pick one", reply_markup=_keyboard())
    edited = await bot.edit_message_text("Picked <i>one</i>", chat_id=CHAT, message_id=sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.text == "Picked one" and edited.reply_markup is None and edited.edit_date is not None
    assert await _remembered(hub, sent.message_id) == edited.model_dump()

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Picked <i>one</i>", chat_id=CHAT, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="there is no caption in the message to edit"):
        await bot.edit_message_caption(chat_id=CHAT, message_id=sent.message_id, caption="x")
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=CHAT, message_id=999)

    marked = await bot.edit_message_reply_markup(chat_id=CHAT, message_id=sent.message_id, reply_markup=_keyboard())
    assert not isinstance(marked, bool)
    assert marked.text == "Picked one" and marked.reply_markup is not None
    assert marked.reply_markup.model_dump() == _keyboard().model_dump()


async def test_only_the_last_messages_are_remembered(bot: Bot) -> None:
    sent = [await bot.send_message(CHAT, f"message {n}") for n in range(4)]
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("too late", chat_id=CHAT, message_id=sent[0].message_id)
    await bot.edit_message_text("still here", chat_id=CHAT, message_id=sent[1].message_id)


async def test_a_deleted_message_is_gone(bot: Bot, hub: WebChatHub) -> None:
    sent = await bot.send_message(CHAT, "bye")
    assert await sent.delete() is True
    assert (await hub.chat(CHAT)).get(sent.message_id) is None
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)


async def test_a_callback_query_is_answered_once(bot: Bot, hub: WebChatHub) -> None:
    sent = await bot.send_message(CHAT, "Pick", reply_markup=_keyboard())
    query_id = hub.open_callback(CHAT, sent.message_id)
    assert await bot.answer_callback_query(query_id, text="Noted") is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)


async def test_setup_calls_are_accepted_and_anything_else_is_refused_by_name(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.id == bot.id
    assert await bot.send_chat_action(CHAT, "typing") is True
    assert await bot.set_my_commands([BotCommand(command="start", description="Start")]) is True
    assert await bot.delete_my_commands() is True
    assert await bot.delete_webhook() is True
    assert await bot.set_chat_menu_button(menu_button=MenuButtonDefault()) is True
    with pytest.raises(TelegramBadRequest, match="does not support SendLocation"):
        await bot.send_location(CHAT, latitude=31.23, longitude=121.47)


async def test_a_photo_upload_is_stored_and_can_be_sent_again_by_file_id(bot: Bot, hub: WebChatHub) -> None:
    png = tiny_png(width=5, height=4)
    sent = await bot.send_photo(CHAT, BufferedInputFile(png, "me.png"), caption="<b>Me</b>")
    assert sent.photo is not None and sent.caption == "Me"
    (size,) = sent.photo
    assert (size.width, size.height, size.file_size) == (5, 4, len(png))

    again = await bot.send_photo(CHAT + 1, size.file_id)
    assert again.photo is not None and again.photo[-1].file_id == size.file_id
    assert hub.may_read(CHAT + 1, size.file_id) and not hub.may_read(CHAT + 2, size.file_id)

    downloaded = await bot.download(size.file_id)
    assert downloaded is not None and downloaded.read() == png


async def test_photos_and_documents_are_checked_like_telegram_checks_them(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(CHAT, BufferedInputFile(b"not an image", "x.png"))
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(CHAT, "AgACAgIAAxkBAAIBY2Zz")
    document = await bot.send_document(CHAT, BufferedInputFile(b"a,b\n1,2\n", "table.csv"))
    assert document.document is not None and document.document.file_name == "table.csv"
    assert document.document.mime_type == "text/csv"
    with pytest.raises(TelegramBadRequest, match="type of file mismatch"):
        await bot.send_photo(CHAT, document.document.file_id)


async def test_a_photo_by_url_is_shown_from_its_url(bot: Bot) -> None:
    by_string = await bot.send_photo(CHAT, "https://example.org/cat.jpg")
    by_input_file = await bot.send_photo(CHAT, URLInputFile("https://example.org/dog.jpg"))
    assert by_string.photo is not None and by_string.photo[-1].file_id == "https://example.org/cat.jpg"
    assert by_input_file.photo is not None and by_input_file.photo[-1].file_id == "https://example.org/dog.jpg"
