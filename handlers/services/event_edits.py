"""Editing a published event (`/editevent REF`): the organiser gets the form as the event stands, changes it
and sends it back. The same checks as a new event, and the room must still hold those already seated; the
timers follow a new start; more seats go to those waiting; when the time, the venue or the prices changed,
everyone signed up is told what changed, with a button to give up their place, which then never counts as
late (domain/event_changes.py, docs/events.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from functools import partial
from uuid import UUID

from domain.dates import zone_for
from domain.event_changes import TOLD, Change, changes, concerns, form_of, room_problem
from domain.events import EventSpec, EventState, FormError, FormProblem, Side, SignupState, parse_event_form
from domain.membership.schedule import schedule
from handlers.services.events import EventDesk, venue_region
from handlers.services.feature import FeatureService
from handlers.views.event_changes import change_notice
from storage.repositories.events import EventRecord, EventsRepository


@dataclass(frozen=True)
class EditForm:
    event: EventRecord
    form: str  # the form as the event stands, in the agency's time
    zone: tzinfo


@dataclass(frozen=True)
class Edited:
    event: EventRecord
    changes: list[Change]  # empty: the form said what the event said already
    told: int = 0  # people signed up who were told
    promoted: int = 0  # people waiting who got one of the new seats


@dataclass
class EventEditor(FeatureService):
    @property
    def _events(self) -> EventsRepository:
        return EventsRepository.of(self.uow)

    async def _editable(self, event: EventRecord | None) -> EventRecord | None:
        if event is None or event.state is not EventState.PUBLISHED or self.now() >= event.spec.starts_at:
            return None
        return event

    async def form_for(self, reference: str) -> EditForm | None:
        """The form of the upcoming, published event with that reference (None: no such event)."""
        event = await self._editable(await self._events.by_reference(reference))
        return None if event is None else EditForm(event, form_of(event.spec, self.zone), self.zone)

    async def edit(self, event_id: UUID, form: str) -> Edited | list[FormError] | None:
        """Apply the edited form (None: the event was called off or has started meanwhile)."""
        event = await self._editable(await self._events.get(event_id, lock=True))
        if event is None:
            return None
        parsed = parse_event_form(
            form,
            zone=self.zone,
            now=self.now(),
            currency=event.currency,
            tiers=[tier.code for tier in schedule().tiers],
            venue_region=venue_region,
            kept_deadline=event.spec.deadline,
        )
        if isinstance(parsed, list):
            return parsed
        balance = await self._events.balance(event.id)
        seated = {side: balance.taken(side) for side in Side}  # a seat held for someone paying is taken too
        if room_problem(event.spec.capacity, parsed.capacity, seated):
            return [FormError(FormProblem.ROOM_TOO_SMALL, "capacity")]
        found = changes(event.spec, parsed)
        if not found:
            return Edited(event, [])
        terms_changed = bool(TOLD.intersection(found))
        if not await self._events.edit(event, parsed, terms_changed=terms_changed, now=self.now()):
            return None
        edited = await self._events.get(event.id)
        assert edited is not None
        desk = EventDesk.beside(self)
        if Change.TIME in found:
            await desk.arm_timers(edited)
        promoted = 0
        if Change.CAPACITY in found:
            sides = (Side.OPEN,) if not parsed.capacity.per_gender else (Side.MALE, Side.FEMALE)
            for side in sides:
                promoted += await desk.promote(edited, side)
        told = await self._tell(event.spec, edited, found) if terms_changed else 0
        return Edited(edited, found, told, promoted)

    async def _tell(self, before: EventSpec, event: EventRecord, found: list[Change]) -> int:
        """Everyone with a seat or a place on the waitlist: what changed (their own price), and the button to
        give up their place (refunded in full when they paid)."""
        told = 0
        for signup in await self._events.signups(event.id):
            if signup.state is SignupState.CANCELLED:
                continue
            profile = await self.uow.profiles.get(signup.client_id)
            zone = zone_for(None if profile is None else profile.region_code, self.settings.timezone)
            tier = signup.tier if profile is None or profile.tier is None else profile.tier
            if not concerns(before, event.spec, found, tier):
                continue
            paid = None if signup.payment_id is None else await self.uow.payments.get(signup.payment_id)
            paid_minor = 0 if paid is None else paid.amount_minor - paid.refunded_minor
            notice = partial(change_notice, event, before, found, tier, zone, paid_minor)
            key = f"event.changed:{signup.id.hex}:{self.now():%Y%m%d%H%M%S}"
            if await self.notifier.to_client(signup.client_id, notice, dedupe_key=key):
                told += 1
        return told
