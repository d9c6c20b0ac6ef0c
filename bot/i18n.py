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
    missing = [
        str(mo_path)
        for mo_path in (path / locale / "LC_MESSAGES" / f"{DOMAIN}.mo" for locale in SUPPORTED_LOCALES)
        if not mo_path.is_file()
    ]
    if missing:
        raise CatalogsNotCompiledError(
            f"compiled catalogs missing: {', '.join(missing)}; in a source checkout run `make catalogs`"
        )
    return I18n(path=path, default_locale=default_locale, domain=DOMAIN)


def locale_from_language_code(language_code: str | None, default: str) -> str:
    """Telegram's `language_code` ("zh-hans", "en-US") to one of ours."""
    if language_code:
        primary = language_code.replace("_", "-").split("-")[0].lower()
        if primary in SUPPORTED_LOCALES:
            return primary
    return default
