"""Client profiles, partner preferences and photos.

What the matcher compares is kept in clear, coarse form; whatever names or describes the person is sealed.
The columns of the declared fields (their types, widths, nullability, sealing) come from the declarations in
`domain.profile` (`ProfileFields`, `PreferencesData`; see storage/models/declared.py); each model adds the
row's own columns: the account it belongs to, blind indexes and timestamps.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from domain.profile import PreferencesData, ProfileFields
from storage.choices import (
    EDUCATION_LEVELS,
    GENDERS,
    MARITAL_HISTORIES,
    PROFILE_STATUSES,
    TIERS,
    WANTS_CHILDREN,
)
from storage.crypto.blind_index import CLIENT_PHONE
from storage.crypto.codecs import TEXT
from storage.models.base import Base, account_reference, blind_index_of, choice_checks, sealed
from storage.models.declared import declared_columns

# The codes each code column may hold (CHECK constraints here, validation in the repositories).
PROFILE_CHOICES: Mapping[str, tuple[str, ...]] = {
    "status": PROFILE_STATUSES,
    "gender": GENDERS,
    "education": EDUCATION_LEVELS,
    "marital_history": MARITAL_HISTORIES,
    "wants_children": WANTS_CHILDREN,
    "tier": TIERS,
}
PREFERENCE_CHOICES: Mapping[str, tuple[str, ...]] = {
    "gender_sought": GENDERS,
    "min_education": EDUCATION_LEVELS,
    "children": WANTS_CHILDREN,
}


class ClientProfileRow(Base):
    """A client's profile: the columns of `ProfileFields`, and the phone's blind index."""

    __tablename__ = "client_profiles"
    __table_args__ = (*choice_checks(PROFILE_CHOICES), *declared_columns(ProfileFields, indexed=("status",)))

    account_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    phone_index: Mapped[bytes | None] = blind_index_of("phone", CLIENT_PHONE)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    if TYPE_CHECKING:  # for type checkers only: declared columns that queries elsewhere name through the class
        status: Mapped[str]
        activated_at: Mapped[datetime | None]


class PartnerPreferencesRow(Base):
    """What a client looks for: the columns of `PreferencesData`. All clear and coarse."""

    __tablename__ = "partner_preferences"
    __table_args__ = (*choice_checks(PREFERENCE_CHOICES), *declared_columns(PreferencesData))

    account_id: Mapped[UUID] = account_reference(
        shred_with_account=True, primary_key=True, target="client_profiles.account_id"
    )
    updated_at: Mapped[datetime]


class PhotoRow(Base):
    __tablename__ = "photos"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    account_id: Mapped[UUID] = account_reference(shred_with_account=True)
    position: Mapped[int] = mapped_column(Integer)
    file_id: Mapped[bytes] = sealed(TEXT, nullable=False)
    created_at: Mapped[datetime]
