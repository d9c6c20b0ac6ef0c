"""Catalogs: the compiled `locales/*/LC_MESSAGES/messages.mo` of the installed `locales` package, picked per user.

The bot never compiles them: the wheel build does (`setup.py`), and `make catalogs` in a source checkout.
"""

from __future__ import annotations

from pathlib import Path

from aiogram.utils.i18n import I18n

import locales
from handlers.services.settings import SUPPORTED_LOCALES

LOCALES_DIR = Path(locales.__file__).resolve().parent
DOMAIN = "messages"


class CatalogsNotCompiledError(RuntimeError):
    """A supported locale has no compiled catalog (`messages.mo`) where the bot reads them."""


def create_i18n(default_locale: str = "en", path: Path = LOCALES_DIR) -> I18n:
    """The catalogs of every supported locale that ships one; a catalog (`.po`) without its compiled `.mo` is
    an error, and so is a missing English one (every other language falls back to it)."""
    missing = [
        str(catalog.with_suffix(".mo"))
        for catalog in (path / locale / "LC_MESSAGES" / f"{DOMAIN}.po" for locale in SUPPORTED_LOCALES)
        if (catalog.is_file() or catalog.parent.parent.name == "en") and not catalog.with_suffix(".mo").is_file()
    ]
    if missing:
        raise CatalogsNotCompiledError(
            f"compiled catalogs missing: {', '.join(missing)}; in a source checkout run `make catalogs`"
        )
    return I18n(path=path, default_locale=default_locale, domain=DOMAIN)


# Telegram's `language_code` and a browser's `navigator.language` are IETF tags: "zh-hans", "zh-TW", "ru".
# Chinese is Traditional when the tag names the script (Hant) or a place that writes it.
_TRADITIONAL_SUBTAGS = frozenset({"hant", "tw", "hk", "mo"})
_SIMPLIFIED_SUBTAGS = frozenset({"hans"})


def locale_from_language_code(language_code: str | None, default: str) -> str:
    """A language tag ("zh-hans", "zh-TW", "en-US", "ru") to one of ours, else `default`."""
    if not language_code:
        return default
    primary, *subtags = language_code.replace("_", "-").lower().split("-")
    if primary == "zh":
        if _SIMPLIFIED_SUBTAGS.intersection(subtags):
            return "zh"
        return "zh_Hant" if _TRADITIONAL_SUBTAGS.intersection(subtags) else "zh"
    if primary in SUPPORTED_LOCALES:
        return primary
    return default
