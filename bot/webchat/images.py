"""Recognising a photo by its bytes (JPEG, PNG, WebP, GIF) and reading its size, without decoding it.

Only bytes that are recognisably one of these formats are stored and served as photos; anything else is
refused, so an upload can never be served back with a type the browser would execute.
"""

from __future__ import annotations

from dataclasses import dataclass

_JPEG_SIZE_MARKERS = frozenset({*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), *range(0xCD, 0xD0)})
_MAX_SIDE = 20_000


@dataclass(frozen=True)
class ImageInfo:
    content_type: str
    width: int
    height: int


def sniff_image(data: bytes) -> ImageInfo | None:
    """The photo's type and size, or None when the bytes are not a photo we accept."""
    for reader in (_png, _jpeg, _webp, _gif):
        info = reader(data)
        if info is not None:
            if 0 < info.width <= _MAX_SIDE and 0 < info.height <= _MAX_SIDE:
                return info
            return None
    return None


def _png(data: bytes) -> ImageInfo | None:
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return ImageInfo("image/png", int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))


def _gif(data: bytes) -> ImageInfo | None:
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 10:
        return None
    return ImageInfo("image/gif", int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little"))


def _webp(data: bytes) -> ImageInfo | None:
    if len(data) < 30 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
    elif chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        width = (bits & 0x3FFF) + 1
        height = ((bits >> 14) & 0x3FFF) + 1
    elif chunk == b"VP8 ":
        width = int.from_bytes(data[26:28], "little") & 0x3FFF
        height = int.from_bytes(data[28:30], "little") & 0x3FFF
    else:
        return None
    return ImageInfo("image/webp", width, height)


def _jpeg(data: bytes) -> ImageInfo | None:
    if not data.startswith(b"\xff\xd8"):
        return None
    index = 2
    while index + 9 <= len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:
            index += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):
            index += 2
            continue
        segment = int.from_bytes(data[index + 2 : index + 4], "big")
        if marker in _JPEG_SIZE_MARKERS:
            height = int.from_bytes(data[index + 5 : index + 7], "big")
            width = int.from_bytes(data[index + 7 : index + 9], "big")
            return ImageInfo("image/jpeg", width, height)
        if segment < 2:
            return None
        index += 2 + segment
    return None
