"""Every message in the code exists in each catalog, translated, with the same placeholders; counts use plurals.

The plural rule: a placeholder that holds a count is named for it: `count`, `n`, `number`, `total`, or the unit it
counts (`days`, `hours`, `minutes`, `attempts`, `length`, `limit`, `minimum`, `max`). When such a placeholder is
followed in the English text by a word that agrees with it ("{count} suggestions", "{count} are waiting"), the
message must be a plural one (`_(singular, plural, n)`), so that every language can say "1 suggestion" and "2
suggestions" its own way. A bare count ("({count})", "{count} of {limit}", "up to {max}.", "…and {count} more.")
and a unit that does not change ("{max} cm") may stay singular. Other names are not counts ("{age}", "{height}",
"{position}"). docs/translating.md explains it for translators.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR
from handlers.services.settings import SUPPORTED_LOCALES

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")
# `_("text")` and `_("singular", "plural", n)`, by their number of arguments (Babel reads a trailing comma as one
# more); the Makefile's `messages` target passes the same to pybabel (`-k _:1,2,3t`).
SPECS = {1: (1,), 2: (1,), 3: (1, 2), 4: (1, 2)}
KEYWORDS: dict[str, Any] = {"_": SPECS, "__": SPECS}
COUNT_PLACEHOLDERS = frozenset(
    {"count", "n", "number", "total", "days", "hours", "minutes", "attempts", "length", "limit", "minimum", "max"}
)
# Words after a count that read the same for one and for many.
INVARIANT_AFTER = frozenset({"of", "or", "and", "to", "more", "cm", "d", "min"})
COUNTED = re.compile(r"\{(?P<name>[a-z_][a-z0-9_]*)\}(?P<after> [A-Za-z]+)?")
PLURAL_FORMS = {
    "en": (2, "(n != 1)"),
    "zh": (1, "0"),
    "zh_Hant": (1, "0"),
    "ru": (3, "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"),
}


def _code_messages() -> dict[str, str | None]:
    """Each message id in the code, with its plural form (None for a message without one)."""
    found: dict[str, str | None] = {}
    for folder in ("bot", "handlers", "domain"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            if isinstance(message, str):
                found.setdefault(message, None)
            else:
                found[message[0]] = message[1]
    return found


def _catalog(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def _msgid(message: Message) -> str:
    """The singular message id, which is also the key of a plural entry."""
    return str(message.id[0] if isinstance(message.id, tuple | list) else message.id)


def _forms(message: Message) -> tuple[str, ...]:
    """Every translation of an entry: one, or one per plural form."""
    if isinstance(message.string, tuple | list):
        return tuple(str(form) for form in message.string)
    return (str(message.string),)


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def needs_plural_forms(msgid: str) -> list[str]:
    """The count placeholders of `msgid` that a word agrees with."""
    return [
        match["name"]
        for match in COUNTED.finditer(msgid)
        if match["name"] in COUNT_PLACEHOLDERS
        and match["after"] is not None
        and match["after"].strip() not in INVARIANT_AFTER
    ]


CODE_MESSAGES = _code_messages()


def test_the_code_has_messages_to_check() -> None:
    assert "This button is no longer active." in CODE_MESSAGES
    assert CODE_MESSAGES["{count} minute"] == "{count} minutes"


def test_the_plural_rule() -> None:
    assert needs_plural_forms("I have {count} new suggestions for you.") == ["count"]
    assert needs_plural_forms("{count} are waiting for a counselor.") == ["count"]
    assert needs_plural_forms("valid for {hours} hours") == ["hours"]
    assert needs_plural_forms("<b>Your clients</b> ({count})") == []
    assert needs_plural_forms("Photos received: {count} of {limit}.") == []
    assert needs_plural_forms("between {min} and {max} cm.") == []
    assert needs_plural_forms("{name}, {age} years") == []


def test_every_count_in_words_has_plural_forms() -> None:
    singular_only = [
        f"{msgid!r} counts {names}"
        for msgid, plural in sorted(CODE_MESSAGES.items())
        if plural is None and (names := needs_plural_forms(msgid))
    ]
    assert not singular_only, "use _(singular, plural, n):\n" + "\n".join(singular_only)


def test_plural_messages_count_the_same_thing_in_both_forms() -> None:
    differ = [
        msgid
        for msgid, plural in CODE_MESSAGES.items()
        if plural is not None and _placeholders(msgid) != _placeholders(plural)
    ]
    assert not differ, differ


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_each_catalog_declares_its_plural_forms(locale: str) -> None:
    catalog = _catalog(locale)
    header = dict(catalog.mime_headers)
    expected_count, expected_rule = PLURAL_FORMS[locale]
    assert header["Plural-Forms"] == f"nplurals={expected_count}; plural={expected_rule};"
    assert catalog.num_plurals == expected_count


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_message_is_translated_with_its_placeholders(locale: str) -> None:
    catalog = _catalog(locale)
    forms = PLURAL_FORMS[locale][0]
    problems: list[str] = []
    for msgid, plural in sorted(CODE_MESSAGES.items()):
        entry = catalog.get(msgid)
        if entry is None or not entry.string:
            problems.append(f"missing: {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif plural is None:
            if entry.pluralizable:
                problems.append(f"plural in the catalog, singular in the code: {msgid!r}")
            elif _placeholders(msgid) != _placeholders(str(entry.string)):
                problems.append(f"placeholders differ: {msgid!r}")
        elif not entry.pluralizable:
            problems.append(f"singular in the catalog, plural in the code: {msgid!r}")
        elif entry.id[1] != plural:
            problems.append(f"another plural form in the catalog: {msgid!r}")
        elif len(entry.string) != forms or not all(entry.string):
            problems.append(f"needs {forms} plural forms: {msgid!r}")
        elif any(_placeholders(form) != _placeholders(msgid) for form in entry.string):
            problems.append(f"placeholders differ in a plural form: {msgid!r}")
    assert not problems, "\n".join(problems)


def test_english_plural_forms_are_the_message_ids() -> None:
    catalog = _catalog("en")
    wrong = [m.id for m in catalog if m.id and m.pluralizable and _forms(m) != tuple(m.id or ())]
    assert not wrong, wrong


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_catalogs_hold_no_message_the_code_no_longer_uses(locale: str) -> None:
    stale = sorted(_msgid(m) for m in _catalog(locale) if m.id and _msgid(m) not in CODE_MESSAGES)
    assert not stale, f"remove from {locale}: {stale}"


def test_chinese_catalog_is_really_chinese() -> None:
    catalog = _catalog("zh")
    untranslated = [m.id for m in catalog if m.id and _forms(m)[0] == _msgid(m) and re.search("[A-Za-z]{4}", _msgid(m))]
    assert not untranslated, untranslated
