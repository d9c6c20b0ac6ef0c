"""The plain, decrypted values repositories return. Frozen: change them through the repositories.

Field names are the column names of the matching table, so one generic mapper seals and opens them. The
profile's records take their fields from the declarations in `domain.profile`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from domain.profile import PreferencesData, ProfileFields


@dataclass(frozen=True)
class Account:
    id: UUID
    channel: str
    external_id: str | None  # None once the account was deleted (a tombstone is all that is left)
    locale: str
    created_at: datetime
    last_seen_at: datetime | None
    unreachable: bool
    unreachable_since: datetime | None
    deleted_at: datetime | None
    demo: bool = False  # a synthetic client of the demo pool: never sent messages, answers by itself

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class Consent:
    id: UUID
    account_id: UUID
    notice_version: str
    given_at: datetime


@dataclass(frozen=True, kw_only=True)
class ClientProfile(ProfileFields):
    """A client's stored profile: the declared fields (domain/profile.py) and the row's identity and timestamps."""

    account_id: UUID
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class MatchFacts:
    """The clear, coarse facts of a profile the matcher compares; reading them decrypts nothing."""

    account_id: UUID
    status: str
    tier: str
    gender: str | None
    birth_year: int | None
    height_cm: int | None
    education: str | None
    region_code: str | None
    marital_history: str | None
    has_children: bool | None
    wants_children: str | None
    personality: list[str]
    hobbies: list[str]
    last_active_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class PartnerPreferences(PreferencesData):
    """A client's stored partner preferences: the declared fields (domain/profile.py) and whose they are."""

    account_id: UUID
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Photo:
    id: UUID
    account_id: UUID
    position: int
    file_id: str
    created_at: datetime


@dataclass(frozen=True)
class StaffMember:
    account_id: UUID
    role: str
    active: bool
    display_name: str | None
    created_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    id: UUID
    at: datetime
    actor_account_id: UUID | None
    subject_account_id: UUID | None
    action: str
    reason: str | None
    reason_erased: bool = False  # the subject was deleted, so the sealed reason can no longer be read


@dataclass(frozen=True)
class ConversationState:
    """One aiogram FSM row, as the export shows it to its owner."""

    state: str | None
    data: dict[str, object] | None
    updated_at: datetime


@dataclass(frozen=True)
class SuggestionRecord:
    """One candidate in one asker's list (see storage/models/matching.py)."""

    id: UUID
    asker_id: UUID
    candidate_id: UUID
    source: str
    offered_on: date | None
    position: int
    score: float | None
    reasons: list[dict[str, object]]
    note: str | None
    decision: str | None
    decided_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class Introduction:
    id: UUID
    first_id: UUID
    second_id: UUID
    state: str
    first_shares_at: datetime | None
    second_shares_at: datetime | None
    created_at: datetime
    connected_at: datetime | None
    closed_at: datetime | None

    def other(self, account_id: UUID) -> UUID:
        """The other person of the pair."""
        return self.second_id if account_id == self.first_id else self.first_id

    def includes(self, account_id: UUID) -> bool:
        return account_id in (self.first_id, self.second_id)

    def shares(self, account_id: UUID) -> bool:
        """Whether `account_id` agreed to share their contact."""
        shared = self.first_shares_at if account_id == self.first_id else self.second_shares_at
        return shared is not None


@dataclass(frozen=True)
class Report:
    id: UUID
    reporter_id: UUID
    reported_id: UUID
    reason: str
    comment: str | None
    state: str
    created_at: datetime
