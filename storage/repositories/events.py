"""Offline events and sign-ups (see storage/models/events.py), reached as `EventsRepository.of(uow)`.

A sign-up locks its event's row first (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite serialises writers), so
two people taking the last seat at the same moment are counted one after the other: one gets it, the other
the waitlist. Every later change of a sign-up is one conditional UPDATE naming the state it expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from domain.events import Balance, Capacity, EventSpec, EventState, Side, SignupState, Waiting, admission, next_in_line
from domain.membership.money import from_minor, to_minor
from storage.models.events import CHECKIN_INDEX, EventPickRow, EventRow, EventSignupRow
from storage.repositories.base import Repository, RepositoryContext
from storage.sealing import RecordSpec
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class EventRecord:
    id: UUID
    state: EventState
    spec: EventSpec
    currency: str
    created_by: UUID
    created_at: datetime
    terms_changed_at: datetime | None = None


@dataclass(frozen=True)
class SignupRecord:
    id: UUID
    event_id: UUID
    client_id: UUID
    side: Side
    state: SignupState
    tier: str
    late_cancellation: bool
    checked_in_at: datetime | None
    no_show: bool
    rating: int | None
    promoted_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime
    hold_until: datetime | None = None  # a held seat: kept for the client until then
    payment_id: UUID | None = None  # the payment that confirmed a priced seat


SIGNUPS: RecordSpec[SignupRecord] = RecordSpec(EventSignupRow, SignupRecord, row_id="id")


def _event(row: EventRow) -> EventRecord:
    spec = EventSpec(
        title_en=row.title_en,
        title_zh=row.title_zh,
        about_en=row.about_en,
        about_zh=row.about_zh,
        venue_code=row.venue_code,
        venue_text=row.venue_text,
        region_code=row.region_code,
        starts_at=row.starts_at,
        capacity=Capacity(men=row.capacity_men, women=row.capacity_women, total=row.capacity_total),
        age_min=row.age_min,
        age_max=row.age_max,
        tiers=frozenset(row.tiers),
        prices={tier: from_minor(minor, row.currency) for tier, minor in row.prices.items()},
        deadline=row.deadline,
    )
    return EventRecord(
        row.id, EventState(row.state), spec, row.currency, row.created_by, row.created_at, row.terms_changed_at
    )


def _spec_columns(spec: EventSpec, currency: str) -> dict[str, object]:
    """The columns that hold what the organiser decided (prices in `currency`'s minor units)."""
    return {
        "title_en": spec.title_en,
        "title_zh": spec.title_zh,
        "about_en": spec.about_en,
        "about_zh": spec.about_zh,
        "venue_code": spec.venue_code,
        "venue_text": spec.venue_text,
        "region_code": spec.region_code,
        "starts_at": spec.starts_at,
        "deadline": spec.deadline,
        "capacity_men": spec.capacity.men,
        "capacity_women": spec.capacity.women,
        "capacity_total": spec.capacity.total,
        "age_min": spec.age_min,
        "age_max": spec.age_max,
        "tiers": sorted(spec.tiers),
        "prices": {tier: to_minor(price, currency) for tier, price in spec.prices.items()},
    }


def _signup(row: EventSignupRow) -> SignupRecord:
    return SignupRecord(
        id=row.id,
        event_id=row.event_id,
        client_id=row.client_id,
        side=Side(row.side),
        state=SignupState(row.state),
        tier=row.tier,
        late_cancellation=row.late_cancellation,
        checked_in_at=row.checked_in_at,
        no_show=row.no_show,
        rating=row.rating,
        promoted_at=row.promoted_at,
        cancelled_at=row.cancelled_at,
        created_at=row.created_at,
        hold_until=row.hold_until,
        payment_id=row.payment_id,
    )


class EventsRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> EventsRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    # --- events ------------------------------------------------------------------------------------------------
    async def create(self, spec: EventSpec, *, created_by: UUID, currency: str, now: datetime) -> EventRecord:
        row = EventRow(
            id=uuid4(),
            created_by=created_by,
            state=EventState.PUBLISHED.value,
            **_spec_columns(spec, currency),
            currency=currency,
            created_at=now,
            updated_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return _event(row)

    async def edit(self, event: EventRecord, spec: EventSpec, *, terms_changed: bool, now: datetime) -> bool:
        """The published event says `spec` from now on (False: it was called off meanwhile). Read the event with
        `get(lock=True)` first, so two edits and a sign-up take their turns."""
        values = _spec_columns(spec, event.currency)
        if terms_changed:
            values["terms_changed_at"] = now
        done = await self._execute_dml(
            update(EventRow)
            .where(EventRow.id == event.id, EventRow.state == EventState.PUBLISHED.value)
            .values(**values, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return done == 1

    async def get(self, event_id: UUID, *, lock: bool = False) -> EventRecord | None:
        query = select(EventRow).where(EventRow.id == event_id).execution_options(populate_existing=True)
        if lock:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        return None if row is None else _event(row)

    async def since(self, since: datetime, *, limit: int = 20) -> list[EventRecord]:
        """Published events starting after `since` (past ones included), the soonest first."""
        rows = (
            await self._session.scalars(
                select(EventRow)
                .where(EventRow.state == EventState.PUBLISHED.value, EventRow.starts_at > since)
                .order_by(EventRow.starts_at)
                .limit(limit)
                .execution_options(populate_existing=True)
            )
        ).all()
        return [_event(row) for row in rows]

    async def by_reference(self, reference: str) -> EventRecord | None:
        """The event whose id starts with `reference` (the short hex staff see and type), if exactly one does."""
        reference = reference.strip().lower()
        if not 4 <= len(reference) <= 32 or any(char not in "0123456789abcdef" for char in reference):
            return None
        rows = (await self._session.scalars(select(EventRow).execution_options(populate_existing=True))).all()
        found = [row for row in rows if row.id.hex.startswith(reference)]
        return _event(found[0]) if len(found) == 1 else None

    async def call_off(self, event: EventRecord, *, now: datetime) -> bool:
        """Cancel a published event, once; False when it was cancelled already."""
        changed = await self._execute_dml(
            update(EventRow)
            .where(EventRow.id == event.id, EventRow.state == EventState.PUBLISHED.value)
            .values(state=EventState.CANCELLED.value, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return changed == 1

    async def upcoming(self, now: datetime, *, limit: int = 20) -> list[EventRecord]:
        """Published events that have not started, the soonest first."""
        rows = (
            await self._session.scalars(
                select(EventRow)
                .where(EventRow.state == EventState.PUBLISHED.value, EventRow.starts_at > now)
                .order_by(EventRow.starts_at)
                .limit(limit)
                .execution_options(populate_existing=True)
            )
        ).all()
        return [_event(row) for row in rows]

    # --- sign-ups ----------------------------------------------------------------------------------------------
    async def balance(self, event_id: UUID) -> Balance:
        rows = (
            await self._session.execute(
                select(EventSignupRow.state, EventSignupRow.side, func.count())
                .where(EventSignupRow.event_id == event_id)
                .group_by(EventSignupRow.state, EventSignupRow.side)
            )
        ).all()

        def count(state: SignupState) -> dict[Side, int]:
            return {Side(side): n for found, side, n in rows if found == state.value}

        return Balance(count(SignupState.CONFIRMED), count(SignupState.WAITLISTED), count(SignupState.HELD))

    async def signup_of(self, event_id: UUID, client_id: UUID) -> SignupRecord | None:
        row = await self._session.scalar(
            select(EventSignupRow)
            .where(EventSignupRow.event_id == event_id, EventSignupRow.client_id == client_id)
            .execution_options(populate_existing=True)
        )
        return None if row is None else _signup(row)

    async def get_signup(self, signup_id: UUID) -> SignupRecord | None:
        row = await self._session.scalar(
            select(EventSignupRow).where(EventSignupRow.id == signup_id).execution_options(populate_existing=True)
        )
        return None if row is None else _signup(row)

    async def sign_up(
        self,
        event: EventRecord,
        client_id: UUID,
        *,
        side: Side,
        tier: str,
        now: datetime,
        hold_until: datetime | None = None,
    ) -> SignupRecord | None:
        """A seat of `side` when one is free (held until `hold_until` when given: the client pays for it),
        else a place on the waitlist; None when the client already has a sign-up for the event (a cancelled
        one comes back, at the end of the line). Locks the event's row, so the seats are counted by one
        sign-up at a time."""
        locked = await self.get(event.id, lock=True)
        if locked is None:
            return None
        existing = await self.signup_of(event.id, client_id)
        if existing is not None and existing.state is not SignupState.CANCELLED:
            return None
        taken = (await self.balance(event.id)).taken(side)
        state = admission(locked.spec.capacity, side, taken, priced=hold_until is not None)
        held = hold_until if state is SignupState.HELD else None
        if existing is not None:
            await self._execute_dml(
                update(EventSignupRow)
                .where(EventSignupRow.id == existing.id, EventSignupRow.state == SignupState.CANCELLED.value)
                .values(
                    state=state.value,
                    side=side.value,
                    tier=tier,
                    late_cancellation=False,
                    cancelled_at=None,
                    promoted_at=None,
                    hold_until=held,
                    payment_id=None,
                    created_at=now,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            return await self.get_signup(existing.id)
        row = EventSignupRow(
            id=uuid4(),
            event_id=event.id,
            client_id=client_id,
            side=side.value,
            state=state.value,
            tier=tier,
            late_cancellation=False,
            no_show=False,
            hold_until=held,
            created_at=now,
            updated_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return _signup(row)

    async def cancel(self, signup: SignupRecord, *, late: bool, now: datetime) -> SignupRecord | None:
        """Give up a seat or a place on the waitlist; None when it changed since it was read. Locks the event
        first, like a sign-up, so a freed seat and a new sign-up are counted in order."""
        await self.get(signup.event_id, lock=True)
        changed = await self._execute_dml(
            update(EventSignupRow)
            .where(EventSignupRow.id == signup.id, EventSignupRow.state == signup.state.value)
            .values(
                state=SignupState.CANCELLED.value,
                late_cancellation=late,
                hold_until=None,
                cancelled_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return await self.get_signup(signup.id) if changed == 1 else None

    async def promote_next(
        self, event: EventRecord, side: Side, *, now: datetime, hold_until: datetime | None = None
    ) -> SignupRecord | None:
        """Give a free seat of `side` to the longest waiting of that side; None when no seat is free or no one
        waits. A client whose tier (at sign-up) pays for the event gets the seat held until `hold_until`; the
        others get it outright. Call it after `cancel` in the same transaction (the event is locked)."""
        if (await self.balance(event.id)).free(event.spec.capacity, side) == 0:
            return None
        rows = (
            await self._session.scalars(
                select(EventSignupRow).where(
                    EventSignupRow.event_id == event.id,
                    EventSignupRow.side == side.value,
                    EventSignupRow.state == SignupState.WAITLISTED.value,
                )
            )
        ).all()
        first = next_in_line([Waiting(row.id, Side(row.side), row.created_at) for row in rows], side)
        if first is None:
            return None
        tier = next(row.tier for row in rows if row.id == first.signup_id)
        held = hold_until if hold_until is not None and event.spec.price_for(tier) is not None else None
        state = SignupState.CONFIRMED if held is None else SignupState.HELD
        await self._execute_dml(
            update(EventSignupRow)
            .where(EventSignupRow.id == first.signup_id, EventSignupRow.state == SignupState.WAITLISTED.value)
            .values(state=state.value, hold_until=held, promoted_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return await self.get_signup(first.signup_id)

    async def release_hold(self, signup_id: UUID, hold_until: datetime, *, now: datetime) -> SignupRecord | None:
        """Free a seat whose hold ran out unpaid (the place is given up, never late); None when it was paid,
        given up or held again meanwhile. Locks the event first, like a cancellation."""
        signup = await self.get_signup(signup_id)
        if signup is None:
            return None
        await self.get(signup.event_id, lock=True)
        changed = await self._execute_dml(
            update(EventSignupRow)
            .where(
                EventSignupRow.id == signup_id,
                EventSignupRow.state == SignupState.HELD.value,
                EventSignupRow.hold_until == hold_until,
            )
            .values(state=SignupState.CANCELLED.value, hold_until=None, cancelled_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return await self.get_signup(signup_id) if changed == 1 else None

    async def confirm_paid(self, signup_id: UUID, payment_id: UUID, *, now: datetime) -> SignupRecord | None:
        """A held seat paid for: confirmed, naming the payment; None when it was not held any more."""
        changed = await self._execute_dml(
            update(EventSignupRow)
            .where(EventSignupRow.id == signup_id, EventSignupRow.state == SignupState.HELD.value)
            .values(state=SignupState.CONFIRMED.value, hold_until=None, payment_id=payment_id, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return await self.get_signup(signup_id) if changed == 1 else None

    async def signups(self, event_id: UUID) -> list[SignupRecord]:
        rows = (
            await self._session.scalars(
                select(EventSignupRow)
                .where(EventSignupRow.event_id == event_id)
                .order_by(EventSignupRow.created_at, EventSignupRow.id)
                .execution_options(populate_existing=True)
            )
        ).all()
        return [_signup(row) for row in rows]

    # --- check-in ----------------------------------------------------------------------------------------------
    async def issue_code(self, signup: SignupRecord, code: str, *, now: datetime) -> None:
        """Give a seat its check-in code (sealed under the client's key, blind-indexed to be found)."""
        key = await self._keys.for_account(signup.client_id)
        await self._execute_dml(
            update(EventSignupRow)
            .where(EventSignupRow.id == signup.id)
            .values(updated_at=now, **SIGNUPS.encode(self._crypto, key, signup.id, {"checkin_code": code}))
            .execution_options(synchronize_session=False)
        )

    async def code_of(self, signup: SignupRecord) -> str | None:
        raw = await self._session.scalar(select(EventSignupRow.checkin_code).where(EventSignupRow.id == signup.id))
        if raw is None:
            return None
        key = await self._keys.usable_key(signup.client_id)
        return None if key is None else str(SIGNUPS.open_column(self._crypto, key, "checkin_code", signup.id, raw))

    async def by_code(self, code: str) -> SignupRecord | None:
        index = self._crypto.blind_index(CHECKIN_INDEX, code)
        row = await self._session.scalar(
            select(EventSignupRow)
            .where(EventSignupRow.checkin_index == index)
            .execution_options(populate_existing=True)
        )
        return None if row is None else _signup(row)

    async def check_in(self, signup: SignupRecord, *, now: datetime) -> bool:
        """Let a seated client in, once; False when they were let in already (or their place changed)."""
        changed = await self._execute_dml(
            update(EventSignupRow)
            .where(
                EventSignupRow.id == signup.id,
                EventSignupRow.state == SignupState.CONFIRMED.value,
                EventSignupRow.checked_in_at.is_(None),
            )
            .values(checked_in_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return changed == 1

    async def record_no_shows(self, event_id: UUID, *, now: datetime) -> int:
        """Seated clients who were not let in are recorded as no-shows; how many."""
        return await self._execute_dml(
            update(EventSignupRow)
            .where(
                EventSignupRow.event_id == event_id,
                EventSignupRow.state == SignupState.CONFIRMED.value,
                EventSignupRow.checked_in_at.is_(None),
                EventSignupRow.no_show.is_(False),
            )
            .values(no_show=True, updated_at=now)
            .execution_options(synchronize_session=False)
        )

    # --- afterwards --------------------------------------------------------------------------------------------
    async def pick(self, event_id: UUID, picker_id: UUID, picked_id: UUID, *, now: datetime) -> bool:
        """Record that `picker_id` would like to see `picked_id` again; False when they had said so already."""
        try:
            async with self._session.begin_nested():
                self._session.add(
                    EventPickRow(
                        id=uuid4(), event_id=event_id, picker_id=picker_id, picked_id=picked_id, created_at=now
                    )
                )
        except IntegrityError:
            return False
        return True

    async def picked(self, event_id: UUID, picker_id: UUID, picked_id: UUID) -> bool:
        found = await self._session.scalar(
            select(EventPickRow.id).where(
                EventPickRow.event_id == event_id,
                EventPickRow.picker_id == picker_id,
                EventPickRow.picked_id == picked_id,
            )
        )
        return found is not None

    async def picks(self, event_id: UUID) -> list[tuple[UUID, UUID]]:
        """(picker, picked) of an event."""
        rows = await self._session.execute(
            select(EventPickRow.picker_id, EventPickRow.picked_id).where(EventPickRow.event_id == event_id)
        )
        return [(picker, picked) for picker, picked in rows]

    async def rate(self, signup: SignupRecord, rating: int, *, now: datetime) -> bool:
        """The attendee's answer to the feedback question, once; False when they had answered."""
        changed = await self._execute_dml(
            update(EventSignupRow)
            .where(EventSignupRow.id == signup.id, EventSignupRow.rating.is_(None))
            .values(rating=rating, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return changed == 1

    # --- the client's export -----------------------------------------------------------------------------------
    async def export(self, client_id: UUID) -> dict[str, list[dict[str, object]]]:
        """A client's sign-ups (with their check-in code opened) and the picks they made, for /mydata."""
        rows = (
            await self._session.scalars(
                select(EventSignupRow).where(EventSignupRow.client_id == client_id).order_by(EventSignupRow.created_at)
            )
        ).all()
        signups: list[dict[str, object]] = []
        for row in rows:
            record = _signup(row)
            event = await self.get(row.event_id)
            signups.append(
                {
                    "event": None if event is None else event.spec.title_en,
                    "event_zh": None if event is None else event.spec.title_zh,
                    "starts_at": None if event is None else event.spec.starts_at.isoformat(),
                    "side": record.side.value,
                    "state": record.state.value,
                    "tier": record.tier,
                    "late_cancellation": record.late_cancellation,
                    "held_until": None if record.hold_until is None else record.hold_until.isoformat(),
                    "paid": record.payment_id is not None,
                    "check_in_code": await self.code_of(record),
                    "checked_in_at": None if record.checked_in_at is None else record.checked_in_at.isoformat(),
                    "no_show": record.no_show,
                    "rating": record.rating,
                    "signed_up_at": record.created_at.isoformat(),
                }
            )
        picks = await self._session.execute(
            select(EventPickRow.event_id, EventPickRow.picked_id, EventPickRow.created_at)
            .where(EventPickRow.picker_id == client_id)
            .order_by(EventPickRow.created_at)
        )
        made: list[dict[str, object]] = [
            {"event_id": str(event_id), "picked_account_id": str(picked), "at": at.isoformat()}
            for event_id, picked, at in picks
        ]
        return {"event_signups": signups, "event_picks_i_made": made}
