"""Every message in the code exists in both catalogs, translated, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")


def _code_messages() -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "handlers", "domain"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords={"_": None, "__": None}
        ):
            if isinstance(message, str):
                found.add(message)
    return found


def _catalog(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


CODE_MESSAGES = _code_messages()


def test_the_code_has_messages_to_check() -> None:
    assert "This button is no longer active." in CODE_MESSAGES


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_every_message_is_translated_with_its_placeholders(locale: str) -> None:
    catalog = _catalog(locale)
    problems: list[str] = []
    for msgid in sorted(CODE_MESSAGES):
        entry = catalog.get(msgid)
        if entry is None or not entry.string:
            problems.append(f"missing: {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(str(entry.string))):
            problems.append(f"placeholders differ: {msgid!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_catalogs_hold_no_message_the_code_no_longer_uses(locale: str) -> None:
    stale = sorted(m.id for m in _catalog(locale) if m.id and m.id not in CODE_MESSAGES)
    assert not stale, f"remove from {locale}: {stale}"


def test_chinese_catalog_is_really_chinese() -> None:
    catalog = _catalog("zh")
    untranslated = [m.id for m in catalog if m.id and m.string == m.id and re.search("[A-Za-z]{4}", str(m.id))]
    assert not untranslated, untranslated
