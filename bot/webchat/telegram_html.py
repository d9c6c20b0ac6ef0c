"""Telegram's HTML subset: parsed as strictly as Telegram parses it, rendered back as safe HTML for the page.

`parse_html` follows the Bot API's rules (the tags b/strong, i/em, u/ins, s/strike/del, tg-spoiler or
span class="tg-spoiler", a href, code, pre, blockquote [expandable], tg-emoji, tg-time; the entities &lt;
&gt; &amp; &quot; and numeric ones). What Telegram refuses ("can't parse entities: Unsupported start tag ...")
raises `HtmlParseError` with Telegram's wording, so a handler that forgets to escape a client's `<` fails
in the web chat as it would on Telegram. The result is the plain text and its entities, offsets in UTF-16
code units, exactly what Telegram echoes back in a Message.

`to_safe_html` turns text and entities into the page's HTML: text escaped, only the subset's tags, links only
http, https and tg.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from aiogram.enums import MessageEntityType
from aiogram.types import MessageEntity
from aiogram.utils.text_decorations import HtmlDecoration

SAFE_LINK_SCHEMES = frozenset({"http", "https", "tg"})

_SIMPLE_TAGS: dict[str, MessageEntityType] = {
    "b": MessageEntityType.BOLD,
    "strong": MessageEntityType.BOLD,
    "i": MessageEntityType.ITALIC,
    "em": MessageEntityType.ITALIC,
    "u": MessageEntityType.UNDERLINE,
    "ins": MessageEntityType.UNDERLINE,
    "s": MessageEntityType.STRIKETHROUGH,
    "strike": MessageEntityType.STRIKETHROUGH,
    "del": MessageEntityType.STRIKETHROUGH,
    "tg-spoiler": MessageEntityType.SPOILER,
    "span": MessageEntityType.SPOILER,
    "code": MessageEntityType.CODE,
}
_SUPPORTED_TAGS = frozenset({*_SIMPLE_TAGS, "a", "pre", "blockquote", "tg-emoji", "tg-time"})
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\n\r\f\v"


class HtmlParseError(ValueError):
    """Telegram would answer "Bad Request: can't parse entities: <reason>"."""


@dataclass(frozen=True)
class FormattedText:
    """Text as Telegram stores it: plain characters plus entities."""

    text: str
    entities: list[MessageEntity] = field(default_factory=list)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def is_safe_link(url: str) -> bool:
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in SAFE_LINK_SCHEMES


@dataclass
class _OpenTag:
    name: str
    offset: int
    attributes: dict[str, str]
    language: str | None = None


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.out: list[str] = []
        self.length = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[MessageEntity] = []

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def char(self, index: int) -> str:
        return self.source[index] if index < len(self.source) else ""

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.length += utf16_length(text)

    def run(self) -> FormattedText:
        while self.pos < len(self.source):
            current = self.source[self.pos]
            if current == "&":
                self.emit(self.entity())
            elif current != "<":
                self.emit(current)
                self.pos += 1
            elif self.char(self.pos + 1) == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.stack:
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        entities = sorted(self.entities, key=lambda e: (e.offset, -e.length))
        return FormattedText("".join(self.out), entities)

    def entity(self) -> str:
        """Decode an HTML entity at `pos`; an unknown one stays a literal `&`, as Telegram keeps it."""
        end = self.source.find(";", self.pos + 1, self.pos + 12)
        if end != -1:
            name = self.source[self.pos + 1 : end]
            decoded = _NAMED_ENTITIES.get(name) or _numeric_entity(name)
            if decoded is not None:
                self.pos = end + 1
                return decoded
        self.pos += 1
        return "&"

    def start_tag(self) -> None:
        begin = self.pos
        index = begin + 1
        while self.char(index) and self.char(index) not in _SPACES and self.char(index) != ">":
            index += 1
        if not self.char(index):
            raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = self.source[begin + 1 : index].lower()
        if name not in _SUPPORTED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}')
        attributes, index = self.attributes(name, index, begin)
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise HtmlParseError('Tag "span" must have class "tg-spoiler"')
        self.pos = index + 1
        self.stack.append(_OpenTag(name, self.length, attributes))

    def attributes(self, tag: str, index: int, begin: int) -> tuple[dict[str, str], int]:
        found: dict[str, str] = {}
        while True:
            while self.char(index) and self.char(index) in _SPACES:
                index += 1
            if not self.char(index):
                raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            if self.char(index) == ">":
                return found, index
            name_start = index
            while self.char(index) and self.char(index) not in _SPACES and self.char(index) not in "=>":
                index += 1
            name = self.source[name_start:index].lower()
            if not name:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {self.byte_offset(index)}'
                )
            while self.char(index) and self.char(index) in _SPACES:
                index += 1
            if self.char(index) != "=":
                found[name] = ""
                continue
            index += 1
            while self.char(index) and self.char(index) in _SPACES:
                index += 1
            quote = self.char(index)
            if quote in ("'", '"'):
                close = self.source.find(quote, index + 1)
                if close == -1:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
                found[name] = html.unescape(self.source[index + 1 : close])
                index = close + 1
            else:
                value_start = index
                while self.char(index) and (self.char(index).isalnum() or self.char(index) in ".-"):
                    index += 1
                after = self.char(index)
                if not after:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
                if after not in _SPACES and after != ">":
                    raise HtmlParseError(f"Unexpected end of name token at byte offset {self.byte_offset(index)}")
                found[name] = self.source[value_start:index].lower()

    def end_tag(self) -> None:
        begin = self.pos
        close = self.source.find(">", begin)
        if close == -1:
            raise HtmlParseError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        name = self.source[begin + 2 : close].strip(_SPACES).lower()
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        opened = self.stack.pop()
        if opened.name != name:
            raise HtmlParseError(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{opened.name}>", found "</{name}>"'
            )
        self.pos = close + 1
        self.close(opened)

    def close(self, opened: _OpenTag) -> None:
        length = self.length - opened.offset
        parent = self.stack[-1] if self.stack else None
        if opened.name == "code" and parent is not None and parent.name == "pre":
            language = opened.attributes.get("class", "")
            if language.startswith("language-"):
                parent.language = language.removeprefix("language-")
            return
        if length <= 0:
            return
        entity = _entity_for(opened, length)
        if entity is not None:
            self.entities.append(entity)


def _entity_for(opened: _OpenTag, length: int) -> MessageEntity | None:
    offset = opened.offset
    if opened.name in _SIMPLE_TAGS:
        return MessageEntity(type=_SIMPLE_TAGS[opened.name], offset=offset, length=length)
    if opened.name == "pre":
        return MessageEntity(type=MessageEntityType.PRE, offset=offset, length=length, language=opened.language)
    if opened.name == "blockquote":
        kind = (
            MessageEntityType.EXPANDABLE_BLOCKQUOTE
            if "expandable" in opened.attributes
            else MessageEntityType.BLOCKQUOTE
        )
        return MessageEntity(type=kind, offset=offset, length=length)
    if opened.name == "a":
        url = opened.attributes.get("href", "").strip()
        if url and is_safe_link(url):
            return MessageEntity(type=MessageEntityType.TEXT_LINK, offset=offset, length=length, url=url)
    return None


def _numeric_entity(name: str) -> str | None:
    if not name.startswith("#") or len(name) < 2:
        return None
    digits = name[1:]
    try:
        code = int(digits[1:], 16) if digits[0] in "xX" else int(digits, 10)
    except ValueError:
        return None
    if code <= 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def parse_html(source: str) -> FormattedText:
    """Parse Telegram HTML into plain text and entities; raise `HtmlParseError` where Telegram would."""
    return _Parser(source).run()


class _PageHtml(HtmlDecoration):
    """aiogram's HTML unparser, with attribute values escaped and unsafe links dropped."""

    def link(self, value: str, link: str) -> str:
        if not is_safe_link(link):
            return value
        return f'<a href="{html.escape(link, quote=True)}">{value}</a>'

    def pre_language(self, value: str, language: str) -> str:
        return f'<pre><code class="language-{html.escape(language, quote=True)}">{value}</code></pre>'

    def custom_emoji(self, value: str, custom_emoji_id: str) -> str:
        return value

    def date_time(self, value: str, unix_time: int | datetime, date_time_format: str | None = None) -> str:
        return value


_page_html = _PageHtml()


def to_safe_html(text: str, entities: list[MessageEntity] | None = None) -> str:
    """The page's HTML for text and entities: everything escaped but the subset's own tags."""
    ordered = sorted(entities or [], key=lambda e: (e.offset, -e.length))
    return _page_html.unparse(text, ordered)
