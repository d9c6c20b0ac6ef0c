"""What every feature's service (matching, dates, casework) works with in one update or job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Self
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n

from domain.clock import Clock
from handlers.services.notifier import Notifier
from handlers.services.settings import Settings
from storage.unit_of_work import UnitOfWork


@dataclass
class FeatureService:
    """The unit of work of the update or job, the settings, the clock and the catalogs; the agency's time zone
    and day, and a `Notifier` for messages to other people (through the outbox, in their language)."""

    uow: UnitOfWork
    settings: Settings
    clock: Clock
    i18n: I18n

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    @property
    def notifier(self) -> Notifier:
        return Notifier(self.uow, self.i18n, self.settings)

    @classmethod
    def beside(cls, service: FeatureService) -> Self:
        """This service in another feature's unit of work (a complaint that opens a handoff, a report that opens
        a case), with the same settings, clock and catalogs."""
        return cls(uow=service.uow, settings=service.settings, clock=service.clock, i18n=service.i18n)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """The agency's calendar day."""
        return self.now().astimezone(self.zone).date()
