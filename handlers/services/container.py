"""`Services`: everything a handler works with in one update, handed to it as the keyword `services`.

This is the one way a handler gets its dependencies. `bot.middlewares.handler_context` builds a `Services` per
update over the update's unit of work; a handler declares `services: Services` and calls one feature service
(`services.dates.propose(...)`). Each feature service is made on first use and kept for the update, so an
update pays only for the services its handler touches. Jobs build the same object over their own unit of work.

Besides `services`, a handler may take what aiogram itself hands over (`state`, `callback_data`, `command`,
`bot`) and what our middlewares and filters add, listed in `HandlerData`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TypedDict

from aiogram.utils.i18n import I18n

from domain.clock import Clock
from domain.identity import Principal
from handlers.services.casework.casework import Casework
from handlers.services.dates.keeper import DateKeeper
from handlers.services.matching.matchmaker import Matchmaker
from handlers.services.notifier import Notifier
from handlers.services.operations import Operations
from handlers.services.settings import Settings
from handlers.services.staff_access import Actor
from storage.matching_source import MatchPool
from storage.unit_of_work import UnitOfWork


@dataclass
class Services:
    """The update's unit of work and the feature services over it (each made on first use)."""

    uow: UnitOfWork
    settings: Settings
    clock: Clock
    i18n: I18n
    match_pool: MatchPool
    principal: Principal | None = None

    @cached_property
    def notifier(self) -> Notifier:
        """Messages to people other than the one pressing, through the outbox."""
        return Notifier(self.uow, self.i18n, self.settings)

    @cached_property
    def matchmaker(self) -> Matchmaker:
        return Matchmaker(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n, pool=self.match_pool)

    @cached_property
    def dates(self) -> DateKeeper:
        return DateKeeper(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    @cached_property
    def casework(self) -> Casework:
        return Casework(
            uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n, principal=self.principal
        )

    @cached_property
    def operations(self) -> Operations:
        return Operations(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    # New feature services go above this line: one cached property each, named after the feature.


class HandlerData(TypedDict, total=False):
    """The keywords our middlewares and filters add to what a handler may declare (aiogram adds `bot`,
    `state`, `raw_state`, `event_from_user`, `event_chat`, and per filter `command` or `callback_data`)."""

    services: Services  # bot.middlewares.handler_context, every update
    principal: Principal  # bot.middlewares.principal: the person behind the update
    actor: Actor  # handlers.staff_access.Allowed: the staff member, on staff handlers
