"""Chinese catalogs read as Chinese: full-width punctuation, no English left over, 您 for the person addressed.

Runs on every catalog whose language is Chinese (`zh`, `zh_Hant`, ...). Placeholders, HTML tags, /commands and
the names on the allow-list below are kept as they are; everything else in a message is checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR

ROOT = Path(__file__).resolve().parents[2]

CHINESE_LOCALES = sorted(
    po.parts[-3] for po in LOCALES_DIR.glob("*/LC_MESSAGES/messages.po") if po.parts[-3].split("_")[0] == "zh"
)
CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
# Full-width punctuation also counts as Chinese text: "（{count}）" and "：(" are both wrong.
CHINESE = r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]"
STAND_IN = "某"  # what a placeholder reads as when its neighbours are checked
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")
TAG = re.compile(r"</?[a-z]+(?: [^>]*)?>")
# A /command with the example arguments typed after it ("/setprice premium 3 459.00") is what a person types.
COMMAND = re.compile(r"/[a-z_]+(?: [A-Za-z0-9.%\[\]-]+)*")
ENTITY = re.compile(r"&[a-z]+;")
# What a person types or reads as code: <code>...</code>, a reference such as #ab12cd34.
CODE = re.compile(r"<code>.*?</code>|#[0-9a-f]{8}\b", re.DOTALL)
ASCII_NEXT_TO_CHINESE = re.compile(rf"(?<={CHINESE})[,:;?!()]|[,:;?!()](?={CHINESE})|(?<={CJK})\.(?!\d)")
# Words that stay as they are in Chinese text: a brand, names in examples (a city may be typed in English, a staff
# member may go by a Latin name), the names of a file format and of a time zone. What people type as a command's
# arguments is shown as <code> and not checked.
ALLOWED_WORDS = frozenset({"Telegram", "Anna", "Shanghai", "JSON", "UTC"})
WORD = re.compile(r"[A-Za-z]{2,}")
# Placeholders that stand for a number: written next to the Chinese unit without a space ("3个", "第2页").
NUMBER_PLACEHOLDER = re.compile(
    r"\{(?:count|n|number|total|days|hours|minutes|attempts|length|limit|minimum|max|min|min_age|age|height|low|high"
    r"|page|pages|position|rating|year|day)\}"
)
NUMBER_SPACED = re.compile(rf"{CJK} ({NUMBER_PLACEHOLDER.pattern})|({NUMBER_PLACEHOLDER.pattern}) {CJK}")


def _translations(locale: str) -> Iterator[tuple[str, str]]:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=locale)
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for form in forms:
            yield str(msgid), str(form)


def _text(msgstr: str) -> str:
    """The words of a message without its markup and code: a number placeholder reads as a digit, any other as a
    Chinese character (a name, a label in Chinese text)."""
    text = CODE.sub(" ", msgstr)
    text = TAG.sub("", text)
    text = ENTITY.sub(" ", text)
    text = COMMAND.sub(" ", text)
    text = NUMBER_PLACEHOLDER.sub("0", text)
    return PLACEHOLDER.sub(STAND_IN, text)


def test_the_checks_catch_what_they_should() -> None:
    assert ASCII_NEXT_TO_CHINESE.search(_text("月老,婚介机构"))
    assert ASCII_NEXT_TO_CHINESE.search(_text("您的性别是?"))
    assert ASCII_NEXT_TO_CHINESE.search(_text("<b>员工</b>({count})"))
    assert ASCII_NEXT_TO_CHINESE.search(_text("请稍候."))
    assert not ASCII_NEXT_TO_CHINESE.search(_text("例如 1994-05-17、17.05.1994 或 1994年5月17日。"))
    assert not ASCII_NEXT_TO_CHINESE.search(_text("发送 /start 继续。"))
    assert NUMBER_SPACED.search("共 {count} 步")
    assert not NUMBER_SPACED.search("共{count}步，发送 /start")
    assert [w for w in WORD.findall(_text("请发送 /clients 编号给 Telegram")) if w not in ALLOWED_WORDS] == []
    assert WORD.findall(_text("例如 /promo SPRING26 20% 30 100（优惠码）")) == []
    assert WORD.findall(_text("发送 /start 继续 English")) == ["English"]
    assert WORD.findall(_text("类型（<code>fine</code> 罚款），如 #ab12cd34")) == []
    assert not ASCII_NEXT_TO_CHINESE.search(_text("{number}. {kind}：{reason}"))


@pytest.mark.parametrize("locale", CHINESE_LOCALES)
def test_no_ascii_punctuation_next_to_chinese(locale: str) -> None:
    wrong = [msgstr for _msgid, msgstr in _translations(locale) if ASCII_NEXT_TO_CHINESE.search(_text(msgstr))]
    assert not wrong, "use ，。：；？！（）:\n" + "\n".join(wrong)


@pytest.mark.parametrize("locale", CHINESE_LOCALES)
def test_no_english_left(locale: str) -> None:
    wrong = [
        f"{msgstr!r}: {words}"
        for _msgid, msgstr in _translations(locale)
        if (words := [w for w in WORD.findall(_text(msgstr)) if w not in ALLOWED_WORDS])
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("locale", CHINESE_LOCALES)
def test_people_are_addressed_as_nin(locale: str) -> None:
    wrong = [msgstr for _msgid, msgstr in _translations(locale) if re.search("[你妳]", msgstr)]
    assert not wrong, "use 您:\n" + "\n".join(wrong)


@pytest.mark.parametrize("locale", CHINESE_LOCALES)
def test_numbers_sit_next_to_their_chinese_units(locale: str) -> None:
    wrong = [msgstr for _msgid, msgstr in _translations(locale) if NUMBER_SPACED.search(msgstr)]
    assert not wrong, "no space between a number and Chinese:\n" + "\n".join(wrong)


@pytest.mark.parametrize("locale", CHINESE_LOCALES)
def test_list_items_are_separated_with_the_enumeration_comma(locale: str) -> None:
    # A list the code joins for Chinese takes its separator from the catalog.
    separators = {msgstr for msgid, msgstr in _translations(locale) if msgid == ", "}
    assert separators == {"、"}


# Words the code puts together are joined with the catalog's punctuation (handlers/views/punctuation.py), so a
# Chinese reader gets "开朗、温柔" and "性别：女", not "开朗, 温柔" and "性别: 女".
ASCII_JOIN = re.compile(r"""["'](?:, |; |: )["']\.join\(""")
ASCII_LABEL = re.compile(r"""f["'][^"']*\}: \{""")


def test_the_code_joins_words_with_the_catalogs_punctuation() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "handlers").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ASCII_JOIN.search(line) or ("views" in path.parts and ASCII_LABEL.search(line))
    ]
    assert not wrong, "use listed() / labelled() / with_aside():\n" + "\n".join(wrong)
