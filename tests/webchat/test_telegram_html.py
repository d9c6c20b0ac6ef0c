"""Telegram's HTML subset: parsed as strictly as Telegram parses it, rendered back safely for the page."""

from __future__ import annotations

import pytest
from aiogram.types import MessageEntity

from bot.webchat.telegram_html import HtmlParseError, parse_html, to_safe_html


def _entities(source: str) -> list[tuple[str, int, int]]:
    return [(entity.type, entity.offset, entity.length) for entity in parse_html(source).entities]


def test_tags_become_plain_text_and_entities() -> None:
    parsed = parse_html("<b>bold</b>, <strong>strong</strong>, <i>i</i> <em>em</em> <u>u</u> <s>s</s> <del>d</del>")
    assert parsed.text == "bold, strong, i em u s d"
    assert _entities("<b>a</b><ins>b</ins><strike>c</strike><tg-spoiler>d</tg-spoiler><code>e</code>") == [
        ("bold", 0, 1),
        ("underline", 1, 1),
        ("strikethrough", 2, 1),
        ("spoiler", 3, 1),
        ("code", 4, 1),
    ]


def test_offsets_count_utf16_code_units() -> None:
    assert parse_html("😀 <b>你好</b>").text == "😀 你好"
    assert _entities("😀 <b>你好</b>") == [("bold", 3, 2)]


def test_entities_and_attributes_are_decoded() -> None:
    parsed = parse_html(
        '&lt;tag&gt; &amp; &quot;q&quot; &#20320;&#x597D; &unknown; <a href="https://x.org/?a=1&amp;b=2">x</a>'
    )
    assert parsed.text == '<tag> & "q" 你好 &unknown; x'
    assert parsed.entities[-1].url == "https://x.org/?a=1&b=2"


def test_pre_with_a_language_and_blockquotes() -> None:
    parsed = parse_html('<pre><code class="language-python">print(1)</code></pre><blockquote expandable>q</blockquote>')
    assert [(e.type, e.language) for e in parsed.entities] == [("pre", "python"), ("expandable_blockquote", None)]


def test_links_other_than_http_https_and_tg_are_dropped() -> None:
    assert _entities('<a href="javascript:alert(1)">x</a><a href="tg://user?id=1">y</a>') == [("text_link", 1, 1)]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("你<div>", 'Unsupported start tag "div" at byte offset 3'),
        ("<br/>", 'Unsupported start tag "br/"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ('<a href="x>', "Unclosed start tag at byte offset 0"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
    ],
)
def test_what_telegram_refuses_is_refused_with_its_words(source: str, reason: str) -> None:
    with pytest.raises(HtmlParseError) as refused:
        parse_html(source)
    assert str(refused.value).startswith(reason)


def test_safe_html_escapes_everything_but_the_subset() -> None:
    entities = [
        MessageEntity(type="bold", offset=0, length=8),
        MessageEntity(type="text_link", offset=9, length=4, url='https://a.org/"><script>'),
        MessageEntity(type="text_link", offset=14, length=3, url="javascript:alert(1)"),
    ]
    html = to_safe_html("<i>&amp; link bad", entities)
    assert html == '<b>&lt;i&gt;&amp;amp;</b> <a href="https://a.org/&quot;&gt;&lt;script&gt;">link</a> bad'


def test_parsed_text_renders_back_to_the_same_markup() -> None:
    source = '<b>Hi <i>there</i></b> <a href="https://example.org/">site</a> <tg-spoiler>s</tg-spoiler>'
    parsed = parse_html(source)
    assert to_safe_html(parsed.text, parsed.entities) == source
