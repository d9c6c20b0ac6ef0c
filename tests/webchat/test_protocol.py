"""The browser's frames and who a browser is."""

from __future__ import annotations

import base64
import json

import pytest

from bot.webchat.identity import UserIds, language_code, parse_browser_id
from bot.webchat.protocol import (
    MAX_PHOTO_BYTES,
    CallbackFrame,
    ContactFrame,
    FrameError,
    Hello,
    PhotoFrame,
    TextFrame,
    parse_client_frame,
)

BROWSER = "3f2b8c1e-9d4a-4b6e-8f1a-2c3d4e5f6a7b"


def _parse(**frame: object) -> object:
    return parse_client_frame(json.dumps(frame))


def test_the_five_browser_frames() -> None:
    assert _parse(type="hello", user=BROWSER.upper(), language="zh-CN") == Hello(BROWSER, "zh")
    assert _parse(type="text", text="你好") == TextFrame("你好")
    assert _parse(type="callback", message_id=7, data="yes") == CallbackFrame(7, "yes")
    assert _parse(type="contact", phone_number=" +86 (138) 0013-8000 ") == ContactFrame("+86 (138) 0013-8000")
    photo = _parse(type="photo", data=base64.b64encode(b"bytes").decode(), caption="me")
    assert photo == PhotoFrame(b"bytes", "me")


def test_a_photo_over_the_limit_is_too_large() -> None:
    data = base64.b64encode(bytes(MAX_PHOTO_BYTES + 1)).decode()
    with pytest.raises(FrameError) as refused:
        _parse(type="photo", data=data)
    assert (refused.value.reason, refused.value.field) == ("too_large", "data")


@pytest.mark.parametrize(
    "browser_id",
    [None, 42, "", "not-a-uuid", "3f2b8c1e-9d4a-1b6e-8f1a-2c3d4e5f6a7b", "3f2b8c1e9d4a4b6e8f1a2c3d4e5f6a7b0000"],
)
def test_a_browser_id_must_be_a_random_uuid(browser_id: object) -> None:
    with pytest.raises(FrameError) as refused:
        _parse(type="hello", user=browser_id)
    assert refused.value.reason == "bad_user"


@pytest.mark.parametrize(
    ("tag", "code"),
    [("zh-CN", "zh"), ("zh_Hans_CN", "zh"), ("EN-us", "en"), ("en", "en"), ("", None), ("1x", None), (7, None)],
)
def test_the_language_is_the_primary_subtag(tag: object, code: str | None) -> None:
    assert language_code(tag) == code


def test_user_ids_are_stable_positive_48_bit_and_depend_on_the_key() -> None:
    ids = UserIds(b"k" * 32)
    other = parse_browser_id("0f2b8c1e-9d4a-4b6e-8f1a-2c3d4e5f6a7b")
    assert ids.user_id(BROWSER) == UserIds(b"k" * 32).user_id(BROWSER)
    assert 0 < ids.user_id(BROWSER) < 2**48
    assert ids.user_id(BROWSER) != ids.user_id(other)
    assert ids.user_id(BROWSER) != UserIds(b"j" * 32).user_id(BROWSER)
