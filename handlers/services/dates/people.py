"""Who a date is between, as the dates services see them: each person's time zone and name, and whether an
introduction or a date is theirs (every button naming one is checked against the presser)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from uuid import UUID

from domain.dates import zone_for
from domain.matching.decisions import IntroductionState
from handlers.services.feature import FeatureService
from handlers.views.cards import short_name
from handlers.views.texts import quote
from storage.records import Introduction
from storage.repositories.dates import DateRecord
from storage.repositories.quality_moderation import ModerationRepository


@dataclass
class DatePeople(FeatureService):
    async def zone_of(self, account_id: UUID) -> tzinfo:
        profile = await self.uow.profiles.get(account_id)
        return zone_for(None if profile is None else profile.region_code, self.settings.timezone)

    async def name_of(self, account_id: UUID) -> str:
        profile = await self.uow.profiles.get(account_id)
        return quote(short_name(profile))

    async def is_demo(self, account_id: UUID) -> bool:
        account = await self.uow.accounts.get(account_id)
        return account is not None and account.demo

    async def own_introduction(self, account_id: UUID, introduction_id: UUID | None) -> Introduction | None:
        if introduction_id is None:
            return None
        introduction = await self.uow.introductions.get(introduction_id)
        return introduction if introduction is not None and introduction.includes(account_id) else None

    async def own_date(self, account_id: UUID, date_id: UUID | None) -> DateRecord | None:
        if date_id is None:
            return None
        record = await self.uow.dates.get(date_id)
        return record if record is not None and record.includes(account_id) else None

    async def blocked(self, introduction: Introduction) -> bool:
        """Whether either of the introduction's two blocked the other."""
        return await ModerationRepository.of(self.uow).blocked_between(introduction.first_id, introduction.second_id)

    async def connected_partners(self, account_id: UUID) -> list[Introduction]:
        """The connected introductions a date can be proposed on: none with someone either of the two blocked."""
        connected = [
            i for i in await self.uow.introductions.list_for(account_id) if i.state == IntroductionState.CONNECTED.value
        ]
        blocked = await ModerationRepository.of(self.uow).blocked_among(
            account_id, [i.other(account_id) for i in connected]
        )
        return [i for i in connected if i.other(account_id) not in blocked]
