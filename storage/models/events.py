"""Offline events (线下活动) and the clients signed up for them.

An event is the agency's own announcement (titles, descriptions, a catalogue or typed venue, seats, ages,
tiers, prices in minor units): nothing in it describes a client, so it is kept in the clear. A sign-up names a
client and goes with their account; its check-in code is sealed under the client's key, with a blind index
(keyed HMAC) to find it when staff type or scan it at the door.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.events import EVENT_STATES, SIDES, SIGNUP_STATES
from storage.crypto.codecs import TEXT
from storage.models.base import Base, account_reference, blind_index_of, choice_check, sealed
from storage.types import json_column_type

CHECKIN_INDEX = "event_checkin_code"


class EventRow(Base):
    """One event as the organiser published it. `prices` maps a tier to its price in `currency`'s minor units
    (a tier not listed is free); capacity is `capacity_men`/`capacity_women`, or `capacity_total` for an open
    room."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(choice_check("state", EVENT_STATES), name="state"),
        CheckConstraint("age_min <= age_max", name="ages"),
        CheckConstraint(
            "(capacity_total IS NULL AND capacity_men IS NOT NULL AND capacity_women IS NOT NULL)"
            " OR (capacity_total IS NOT NULL AND capacity_men IS NULL AND capacity_women IS NULL)",
            name="capacity",
        ),
        Index("ix_events_state_starts_at", "state", "starts_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    created_by: Mapped[UUID] = account_reference(shred_with_account=False)
    state: Mapped[str] = mapped_column(String(16))
    title_en: Mapped[str] = mapped_column(String(80))
    title_zh: Mapped[str] = mapped_column(String(80))
    about_en: Mapped[str] = mapped_column(Text)
    about_zh: Mapped[str] = mapped_column(Text)
    venue_code: Mapped[str | None] = mapped_column(String(48))
    venue_text: Mapped[str | None] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(String(16))
    starts_at: Mapped[datetime]
    deadline: Mapped[datetime | None]
    capacity_men: Mapped[int | None] = mapped_column(Integer)
    capacity_women: Mapped[int | None] = mapped_column(Integer)
    capacity_total: Mapped[int | None] = mapped_column(Integer)
    age_min: Mapped[int] = mapped_column(Integer)
    age_max: Mapped[int] = mapped_column(Integer)
    tiers: Mapped[list[str]] = mapped_column(json_column_type())
    prices: Mapped[dict[str, int]] = mapped_column(json_column_type())
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The last edit of the time, the venue or the prices (domain/event_changes.py): a place given up after it is
    # never a late cancellation for those who signed up before it.
    terms_changed_at: Mapped[datetime | None]


class EventSignupRow(Base):
    """One client's place at one event: a seat (`confirmed`, or `held` while they pay), a place on the
    waitlist, or given up."""

    __tablename__ = "event_signups"
    __table_args__ = (
        UniqueConstraint("event_id", "client_id"),
        CheckConstraint(choice_check("state", SIGNUP_STATES), name="state"),
        CheckConstraint(choice_check("side", SIDES), name="side"),
        Index("ix_event_signups_event_state", "event_id", "state", "side"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    event_id: Mapped[UUID] = mapped_column(ForeignKey("events.id"), index=True)
    client_id: Mapped[UUID] = account_reference(shred_with_account=True)
    side: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(16))
    late_cancellation: Mapped[bool] = mapped_column(Boolean, default=False)
    checkin_code: Mapped[bytes | None] = sealed(TEXT)
    checkin_index: Mapped[bytes | None] = blind_index_of("checkin_code", CHECKIN_INDEX, unique=True)
    checked_in_at: Mapped[datetime | None]
    no_show: Mapped[bool] = mapped_column(Boolean, default=False)
    rating: Mapped[int | None] = mapped_column(Integer)  # the answer to the feedback question afterwards
    promoted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Paying for a seat (0024): a `held` seat is kept until `hold_until`; the payment that confirmed it.
    hold_until: Mapped[datetime | None]
    payment_id: Mapped[UUID | None] = mapped_column(ForeignKey("payments.id"))


class EventPickRow(Base):
    """After an event: one checked-in attendee would like to see another (of the other side) again. Two picks of
    each other become an introduction."""

    __tablename__ = "event_picks"
    __table_args__ = (
        UniqueConstraint("event_id", "picker_id", "picked_id"),
        CheckConstraint("picker_id <> picked_id", name="two_people"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    event_id: Mapped[UUID] = mapped_column(ForeignKey("events.id"), index=True)
    picker_id: Mapped[UUID] = account_reference(shred_with_account=True)
    picked_id: Mapped[UUID] = account_reference(shred_with_account=True)
    created_at: Mapped[datetime]
