"""Who is talking to the bot: a visitor, a client or a staff member."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID


class Channel(StrEnum):
    TELEGRAM = "telegram"
    WEB = "web"


@dataclass(frozen=True)
class Principal:
    """The person behind an update, as the bot knows them.

    `account_id` is None for a visitor who has not consented yet: nothing about them is stored but the
    conversation state.
    """

    channel: Channel
    external_id: str
    locale: str
    account_id: UUID | None = None
    is_admin: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_registered(self) -> bool:
        return self.account_id is not None


# The conversation-state key holding the language a visitor (no account yet) chose.
VISITOR_LOCALE_KEY = "locale"
