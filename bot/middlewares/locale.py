"""Every update is answered in its principal's language."""

from __future__ import annotations

from typing import Any

from aiogram.types import TelegramObject
from aiogram.utils.i18n import I18nMiddleware

from domain.identity import Principal


class LocaleMiddleware(I18nMiddleware):
    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        principal = data.get("principal")
        if isinstance(principal, Principal) and principal.locale in self.i18n.available_locales:
            return principal.locale
        return self.i18n.default_locale
