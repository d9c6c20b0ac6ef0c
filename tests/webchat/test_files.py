"""Files at rest: encrypted, bound to their token, and recognised photos only."""

from __future__ import annotations

import stat
import struct
from pathlib import Path

import pytest

from bot.webchat import WebChatHub
from bot.webchat.files import EncryptedFileStore
from bot.webchat.images import ImageInfo, sniff_image
from tests.webchat.images_for_tests import tiny_png

SECRET = b"Zhang Wei, born 1990, phone 13800138000"


def _the_only_file(directory: Path) -> tuple[bytes, int]:
    (path,) = directory.iterdir()
    return path.read_bytes(), stat.S_IMODE(path.stat().st_mode)


def _copy(source: Path, target: Path) -> None:
    target.write_bytes(source.read_bytes())


async def test_a_file_round_trips_and_is_not_readable_on_disk(tmp_path: Path) -> None:
    store = EncryptedFileStore(tmp_path, bytes(range(32)))
    token = await store.put(SECRET, kind="document", content_type="text/plain", name="张伟 profile.txt")

    stored = await store.get(token)
    assert stored is not None
    assert (stored.data, stored.name, stored.kind, stored.content_type) == (
        SECRET,
        "张伟 profile.txt",
        "document",
        "text/plain",
    )
    raw, file_mode = _the_only_file(tmp_path)
    assert SECRET not in raw and b"13800138000" not in raw and "张伟".encode() not in raw and b"profile" not in raw
    assert file_mode == 0o600


async def test_a_file_does_not_open_with_another_key_or_under_another_name(tmp_path: Path) -> None:
    store = EncryptedFileStore(tmp_path, bytes(range(32)))
    first = await store.put(b"first", kind="document", content_type="text/plain")
    second = await store.put(b"second", kind="document", content_type="text/plain")
    assert await EncryptedFileStore(tmp_path, bytes(32)).get(first) is None

    _copy(tmp_path / f"{first}.bin", tmp_path / f"{second}.bin")
    assert await store.get(second) is None
    assert await store.get("../../etc/passwd") is None
    assert await store.get("A" * 32) is None


def test_the_hub_needs_a_32_byte_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        WebChatHub(tmp_path, b"short")


def _jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def _webp(width: int, height: int) -> bytes:
    body = b"WEBPVP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
    body += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_photos_are_recognised_with_their_size() -> None:
    assert sniff_image(tiny_png(7, 5)) == ImageInfo("image/png", 7, 5)
    assert sniff_image(_jpeg(640, 480)) == ImageInfo("image/jpeg", 640, 480)
    assert sniff_image(_webp(300, 200)) == ImageInfo("image/webp", 300, 200)
    assert sniff_image(b"GIF89a" + struct.pack("<HH", 10, 20) + b"\x00" * 8) == ImageInfo("image/gif", 10, 20)


@pytest.mark.parametrize("data", [b"", b"<svg onload=alert(1)>", b"%PDF-1.7", b"\xff\xd8\xff", _jpeg(0, 10)])
def test_anything_else_is_not_a_photo(data: bytes) -> None:
    assert sniff_image(data) is None
