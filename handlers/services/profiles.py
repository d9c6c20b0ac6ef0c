"""A client's own record, as the journey reads and writes it: consent, the answers saved as they are given,
photos, the end of registration, pausing suggestions and the language.

Where answers live: each answer is written to the draft profile (or the partner preferences) the moment it is
accepted, in the same update as `intake_step`, the question the client is on. That column is the one source of
truth for the position in the first pass, so /cancel, a restart or even a lost FSM row lose nothing but
unconfirmed ticks, the export shows every answer given, and deletion shreds them with the rest of the account.
Every personal field is sealed under the client's own key in its own column, which one JSON blob in the FSM
could not be. It is also the cheaper path: most answers cost one UPDATE and no FSM write.

The service is made once per update (`Services.profiles`) and keeps the records it read or wrote for the rest
of the update, so the journey reads each of them at most once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from uuid import UUID

from aiogram.utils.i18n import gettext as _

from domain.consent import NOTICE_VERSION
from domain.intake import AnswerRules
from domain.phones import normalise_phone
from domain.profile import PreferencesData, ProfileData, Status, from_fields
from domain.regions import region_book
from domain.reports.pilots import FOLLOW_UP_AFTER_DAYS, Flag
from handlers.services.alerts import new_client_registered
from handlers.services.feature import FeatureService
from handlers.services.reports.pilots import Pilots
from handlers.views.texts import quote, region_label
from storage.records import ClientProfile, PartnerPreferences
from storage.repositories.profiles import ProfileChanges


@dataclass(frozen=True)
class Consented:
    """The account that consented (made now for a visitor), and whether its profile was started just now."""

    account_id: UUID
    new_profile: bool


class PauseChange(StrEnum):
    PAUSED = "paused"
    RESUMED = "resumed"
    UNCHANGED = "unchanged"


@dataclass
class Profiles(FeatureService):
    """The journey's reads and writes of a client's profile, preferences, photos, consent and account."""

    _profiles: dict[UUID, ClientProfile | None] = field(default_factory=dict, init=False, repr=False)
    _outdated: dict[UUID, bool] = field(default_factory=dict, init=False, repr=False)  # asked once per update
    _preferences: dict[UUID, PartnerPreferences | None] = field(default_factory=dict, init=False, repr=False)

    def rules(self) -> AnswerRules:
        """What answers are checked against: today, the minimum age, the currency, the places, phone numbers."""
        return AnswerRules(
            today=self.today(),
            min_age=self.settings.min_client_age,
            currency=self.settings.currency,
            regions=region_book(),
            phone=normalise_phone,
        )

    # --- consent ----------------------------------------------------------------------------------------------
    async def has_consented(self, account_id: UUID | None) -> bool:
        """Whether the account accepted the current privacy notice (a visitor without one has not)."""
        return account_id is not None and await self.uow.consents.has_consented(account_id, NOTICE_VERSION)

    async def consent_outdated(self, account_id: UUID | None) -> bool:
        """The client accepted an earlier version of the privacy notice, not the current one: no client feature
        works until they accept it (docs/quality.md)."""
        if account_id is None:
            return False
        if account_id not in self._outdated:
            latest = await self.uow.consents.latest(account_id)
            self._outdated[account_id] = latest is not None and not await self.uow.consents.has_consented(
                account_id, NOTICE_VERSION
            )
        return self._outdated[account_id]

    async def consent(self, account_id: UUID | None, *, channel: str, external_id: str, locale: str) -> Consented:
        """Record the consent to the current notice, creating the account (in the visitor's language) and an
        empty profile where missing."""
        now = self.now()
        if account_id is None:
            account, _created = await self.uow.accounts.get_or_create(channel, external_id, locale=locale, now=now)
            account_id = self.uow.principal_id = account.id
        if not await self.has_consented(account_id):
            await self.uow.consents.record(account_id, NOTICE_VERSION, now=now)
            self._outdated[account_id] = False
        if await self.profile(account_id) is not None:
            return Consented(account_id, new_profile=False)
        self._profiles[account_id] = await self.uow.profiles.create(account_id, now=now)
        return Consented(account_id, new_profile=True)

    # --- answers ----------------------------------------------------------------------------------------------
    async def profile(self, account_id: UUID) -> ProfileData | None:
        if account_id not in self._profiles:
            self._profiles[account_id] = await self.uow.profiles.get(account_id)
        record = self._profiles[account_id]
        return None if record is None else from_fields(ProfileData, record)

    async def preferences(self, account_id: UUID) -> PreferencesData:
        if account_id not in self._preferences:
            self._preferences[account_id] = await self.uow.preferences.get(account_id)
        return from_fields(PreferencesData, self._preferences[account_id])

    async def update_profile(self, account_id: UUID, changes: ProfileChanges) -> None:
        self._profiles[account_id] = await self.uow.profiles.update(account_id, now=self.now(), **changes)

    async def save_preferences(self, account_id: UUID, prefs: PreferencesData) -> None:
        record = PartnerPreferences(account_id=account_id, **dataclasses.asdict(prefs))
        self._preferences[account_id] = await self.uow.preferences.save(record, now=self.now())

    # --- photos -----------------------------------------------------------------------------------------------
    async def photo_ids(self, account_id: UUID) -> list[str]:
        """The file ids of the client's photos, in their order."""
        return [photo.file_id for photo in await self.uow.photos.list_for(account_id)]

    async def photo_count(self, account_id: UUID) -> int:
        return await self.uow.photos.count_for(account_id)

    async def add_photo(self, account_id: UUID, file_id: str) -> None:
        await self.uow.photos.add(account_id, file_id, now=self.now())

    async def remove_photos(self, account_id: UUID) -> None:
        for photo in await self.uow.photos.list_for(account_id):
            await self.uow.photos.remove(photo.id)

    # --- after the interview ----------------------------------------------------------------------------------
    async def complete_registration(self, account_id: UUID, profile: ProfileData) -> None:
        """The client confirmed their profile: active now, and the counselors are told (through the outbox)."""
        await self.update_profile(account_id, {"status": Status.ACTIVE.value, "intake_step": None})
        flags = await Pilots.beside(self).enroll(account_id)  # the client's group in each running pilot
        call = self.today() + timedelta(days=FOLLOW_UP_AFTER_DAYS) if Flag.FOLLOW_UP_CALL in flags else None
        await new_client_registered(
            self.uow,
            account_id,
            self.now(),
            counselor_chat_id=self.settings.counselor_chat_id,
            alert_text=self.new_client_alert(account_id, profile),
            follow_up_on=call,
        )

    def new_client_alert(self, account_id: UUID, profile: ProfileData) -> str:
        """The counselors' alert, in the agency's language: the public facts and the account reference."""
        with self.i18n.use_locale(self.settings.default_locale):
            region = region_label(profile.region_code) if profile.region_code else "—"
            return _(
                "🆕 New client registered: <b>{name}</b>, {age}, {city}. Reference: <code>{reference}</code>."
            ).format(
                name=quote(profile.display_name or "?"),
                age=profile.age(self.today()) or "?",
                city=quote(region),
                reference=str(account_id)[:8],
            )

    async def set_paused(self, account_id: UUID, paused: bool) -> PauseChange:
        """Pause or resume suggestions of a registered client."""
        profile = await self.profile(account_id)
        assert profile is not None
        if paused and profile.status == Status.ACTIVE:
            await self.update_profile(account_id, {"status": Status.PAUSED.value})
            return PauseChange.PAUSED
        if not paused and profile.status == Status.PAUSED:
            await self.update_profile(account_id, {"status": Status.ACTIVE.value})
            return PauseChange.RESUMED
        return PauseChange.UNCHANGED

    async def set_locale(self, account_id: UUID, locale: str) -> None:
        await self.uow.accounts.set_locale(account_id, locale)
