"""Catalogs: compiled from `locales/*/LC_MESSAGES/messages.po` at start, picked per user."""

from __future__ import annotations

from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from handlers.services.settings import SUPPORTED_LOCALES

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def compile_catalogs(path: Path = LOCALES_DIR) -> list[Path]:
    """Write `messages.mo` next to every `messages.po` that is newer than it; return what was written."""
    written: list[Path] = []
    for po_path in sorted(path.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    return written


def create_i18n(default_locale: str = "en", path: Path = LOCALES_DIR) -> I18n:
    compile_catalogs(path)
    return I18n(path=path, default_locale=default_locale, domain=DOMAIN)


def locale_from_language_code(language_code: str | None, default: str) -> str:
    """Telegram's `language_code` ("zh-hans", "en-US") to one of ours."""
    if language_code:
        primary = language_code.replace("_", "-").split("-")[0].lower()
        if primary in SUPPORTED_LOCALES:
            return primary
    return default
