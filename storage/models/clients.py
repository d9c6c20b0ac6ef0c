"""Client profiles, partner preferences and photos.

What the matcher compares is kept in clear, coarse form; whatever names or describes the person is sealed.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.choices import (
    EDUCATION_LEVELS,
    GENDERS,
    MARITAL_HISTORIES,
    PROFILE_STATUSES,
    TIERS,
    WANTS_CHILDREN,
)
from storage.crypto.blind_index import CLIENT_PHONE
from storage.crypto.codecs import DATE, TEXT
from storage.models.base import Base, account_reference, blind_index_of, choice_check, sealed
from storage.types import json_column_type


class ClientProfileRow(Base):
    __tablename__ = "client_profiles"
    __table_args__ = (
        CheckConstraint(choice_check("status", PROFILE_STATUSES), name="status"),
        CheckConstraint(choice_check("gender", GENDERS), name="gender"),
        CheckConstraint(choice_check("education", EDUCATION_LEVELS), name="education"),
        CheckConstraint(choice_check("marital_history", MARITAL_HISTORIES), name="marital_history"),
        CheckConstraint(choice_check("wants_children", WANTS_CHILDREN), name="wants_children"),
        CheckConstraint(choice_check("tier", TIERS), name="tier"),
    )

    account_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    intake_step: Mapped[str | None] = mapped_column(String(32))
    display_name: Mapped[bytes | None] = sealed(TEXT)
    gender: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[bytes | None] = sealed(DATE)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    height_cm: Mapped[int | None] = mapped_column(Integer)
    education: Mapped[str | None] = mapped_column(String(24))
    occupation: Mapped[bytes | None] = sealed(TEXT)
    income_band: Mapped[bytes | None] = sealed(TEXT)
    region_code: Mapped[str | None] = mapped_column(String(16))
    city_text: Mapped[bytes | None] = sealed(TEXT)
    marital_history: Mapped[str | None] = mapped_column(String(16))
    has_children: Mapped[bool | None] = mapped_column(Boolean)
    wants_children: Mapped[str | None] = mapped_column(String(8))
    personality: Mapped[list[str]] = mapped_column(json_column_type())
    hobbies: Mapped[list[str]] = mapped_column(json_column_type())
    hobbies_text: Mapped[bytes | None] = sealed(TEXT)
    about_me: Mapped[bytes | None] = sealed(TEXT)
    relationship_history: Mapped[bytes | None] = sealed(TEXT)
    phone: Mapped[bytes | None] = sealed(TEXT)
    phone_index: Mapped[bytes | None] = blind_index_of("phone", CLIENT_PHONE)
    tier: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    activated_at: Mapped[datetime | None]
    last_active_at: Mapped[datetime | None]


class PartnerPreferencesRow(Base):
    """What a client looks for. All clear and coarse: the matcher compares these for every candidate."""

    __tablename__ = "partner_preferences"
    __table_args__ = (
        CheckConstraint(choice_check("gender_sought", GENDERS), name="gender_sought"),
        CheckConstraint(choice_check("min_education", EDUCATION_LEVELS), name="min_education"),
        CheckConstraint(choice_check("children", WANTS_CHILDREN), name="children"),
    )

    account_id: Mapped[UUID] = account_reference(
        shred_with_account=True, primary_key=True, target="client_profiles.account_id"
    )
    gender_sought: Mapped[str | None] = mapped_column(String(8))
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    height_min: Mapped[int | None] = mapped_column(Integer)
    height_max: Mapped[int | None] = mapped_column(Integer)
    min_education: Mapped[str | None] = mapped_column(String(24))
    regions: Mapped[list[str]] = mapped_column(json_column_type())
    marital: Mapped[list[str]] = mapped_column(json_column_type())
    children: Mapped[str | None] = mapped_column(String(8))
    must_have: Mapped[list[str]] = mapped_column(json_column_type())
    updated_at: Mapped[datetime]


class PhotoRow(Base):
    __tablename__ = "photos"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    account_id: Mapped[UUID] = account_reference(shred_with_account=True)
    position: Mapped[int] = mapped_column(Integer)
    file_id: Mapped[bytes] = sealed(TEXT, nullable=False)
    created_at: Mapped[datetime]
