"""Offline events (`services.events`): the organiser publishes one from a filled-in form and sees its room;
a client sees the events that fit them, signs up (a seat of their side, else the waitlist; a seat they pay for
is held for `HOLD` while they pay, `handlers.services.event_payments`) and cancels (a late cancellation is
recorded, a paid seat given up in time is refunded, the longest waiting of that side is promoted and told
through the outbox)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING
from uuid import UUID

from domain.dates import find_venue, zone_for
from domain.event_changes import late_cancellation
from domain.event_payments import refund_on_cancellation
from domain.events import (
    CLOSE,
    CODE_LENGTH,
    DOOR_CLOSES,
    HOLD,
    HOLD_EXPIRY,
    PICKS_OPEN,
    REMINDER,
    REMINDER_HOURS,
    Attendee,
    CheckInProblem,
    EventState,
    FormError,
    PickProblem,
    Present,
    RoomFigures,
    Side,
    SignupProblem,
    SignupState,
    age_from_birth_year,
    checkin_code,
    door_open,
    fit_problem,
    hold_ref,
    invitation_key,
    invitation_times,
    is_late_cancellation,
    mutual_pairs,
    normalize_code,
    other_side,
    parse_event_form,
    pick_problem,
    reminder_ref,
    reminder_times,
    signup_problem,
)
from domain.membership.pricing import RefundRule
from domain.membership.schedule import schedule
from domain.membership.states import Provider, RefundState
from handlers.services.feature import FeatureService
from handlers.services.membership.desk import MembershipDesk
from handlers.services.notifier import chat_of, recipient
from handlers.views.event_payments import held_notice, hold_ended_notice
from handlers.views.events import afterwards, called_off_notice, invitation, promoted_notice, rating_question, reminder
from storage.records import ClientProfile, Introduction, MatchFacts
from storage.repositories.delivery import cancel as cancel_job
from storage.repositories.delivery import enqueue
from storage.repositories.delivery import schedule as schedule_job
from storage.repositories.events import EventRecord, EventsRepository, SignupRecord

if TYPE_CHECKING:
    from handlers.services.matching.matchmaker import Matchmaker

LISTED = 10  # events shown at once

log = logging.getLogger(__name__)


def venue_region(code: str) -> str | None:
    """The region of a catalogue venue ("" for the generic list's); None for a code the catalogue lacks."""
    venue = find_venue(code)
    if venue is None:
        return None
    prefix = code.partition(".")[0]
    return prefix if prefix.isdigit() else ""


def attendee(profile: ClientProfile, today_year: int, age: int | None) -> Attendee:
    if age is None and profile.birth_year is not None:
        age = today_year - profile.birth_year
    return Attendee(
        status=profile.status,
        tier=schedule().tier(profile.tier).code,
        gender=profile.gender,
        age=age,
        region_code=profile.region_code,
    )


def facts_attendee(facts: MatchFacts, today_year: int) -> Attendee:
    """What an invitation checks, from the clear facts alone (the age from the year of birth)."""
    return Attendee(
        status=facts.status,
        tier=schedule().tier(facts.tier).code,
        gender=facts.gender,
        age=age_from_birth_year(facts.birth_year, today_year),
        region_code=facts.region_code,
    )


@dataclass(frozen=True)
class Published:
    event: EventRecord
    invited: int  # invitations queued


@dataclass(frozen=True)
class RoomSummary:
    event: EventRecord
    figures: RoomFigures


@dataclass(frozen=True)
class ClientEvent:
    event: EventRecord
    signup: SignupRecord | None  # the client's place, unless cancelled
    price: Decimal | None  # what the client pays (None: free for them)


@dataclass(frozen=True)
class ClientEvents:
    zone: tzinfo
    events: list[ClientEvent]


@dataclass(frozen=True)
class SignupOutcome:
    problem: SignupProblem | None
    event: EventRecord | None
    signup: SignupRecord | None = None
    waiting_ahead: int = 0  # on the waitlist: how many of the same side wait before them
    zone: tzinfo | None = None


@dataclass(frozen=True)
class CancelOutcome:
    event: EventRecord | None
    signup: SignupRecord | None  # None: no place to give up (or it changed meanwhile)
    late: bool = False
    refund_minor: int = 0  # a paid seat: what finance is asked to give back
    kept_minor: int = 0  # a paid seat given up late: the fee kept


@dataclass(frozen=True)
class CheckIn:
    problem: CheckInProblem | None
    event: EventRecord | None = None
    signup: SignupRecord | None = None
    checked_in: int = 0  # of the event's seats, let in so far
    seated: int = 0
    at: datetime | None = None  # when a used code was let in


@dataclass(frozen=True)
class Seat:
    """A client's confirmed seat with what they need at the door."""

    event: EventRecord
    signup: SignupRecord
    code: str
    zone: tzinfo


@dataclass(frozen=True)
class PickOutcome:
    problem: PickProblem | None
    name: str | None = None  # whom they picked (what they like to be called)
    introduction: Introduction | None = None  # both picked each other: the introduction made
    again: bool = False  # they had picked them already


def present(signup: SignupRecord) -> Present:
    return Present(signup.client_id, signup.event_id, signup.side, signup.checked_in_at is not None)


@dataclass
class EventDesk(FeatureService):
    """Events for organisers and clients (`docs/events.md`). `matchmaker` makes an introduction of two
    attendees who picked each other (given where picks are taken)."""

    matchmaker: Matchmaker | None = None

    @property
    def _events(self) -> EventsRepository:
        return EventsRepository.of(self.uow)

    # --- the organiser ---------------------------------------------------------------------------------------
    async def publish(self, organiser: UUID, form: str) -> Published | list[FormError]:
        """The event the form describes, published and its invitations queued; or what is wrong with the form."""
        parsed = parse_event_form(
            form,
            zone=self.zone,
            now=self.now(),
            currency=self.settings.currency,
            tiers=[tier.code for tier in schedule().tiers],
            venue_region=venue_region,
        )
        if isinstance(parsed, list):
            return parsed
        event = await self._events.create(parsed, created_by=organiser, currency=self.settings.currency, now=self.now())
        await self.arm_timers(event)
        return Published(event, await self._invite(event))

    async def arm_timers(self, event: EventRecord) -> None:
        """The reminders still ahead and the close after the door, for the event's start (earlier ones replaced)."""
        for hours in REMINDER_HOURS:
            await cancel_job(self.uow, REMINDER, reminder_ref(event.id.hex, hours))
        for hours, due in reminder_times(event.spec.starts_at, self.now()):
            await schedule_job(self.uow, REMINDER, reminder_ref(event.id.hex, hours), due)
        await schedule_job(self.uow, CLOSE, event.id.hex, event.spec.starts_at + DOOR_CLOSES)

    async def _invite(self, event: EventRecord) -> int:
        """Queue an invitation for every active client the event fits, spread out in time (`not_before`), so
        the outbox sends them a few at a time beside everything else."""
        year = self.today().year
        fitting = [
            facts
            for facts in await self.uow.profiles.match_facts()
            if fit_problem(event.spec, facts_attendee(facts, year)) is None
        ]
        queued = 0
        for facts, at in zip(fitting, invitation_times(self.now(), len(fitting)), strict=True):
            account = await recipient(self.uow, facts.account_id)
            if account is None:
                continue
            zone = zone_for(facts.region_code, self.settings.timezone)
            price = event.spec.price_for(schedule().tier(facts.tier).code)
            with self.i18n.context(), self.i18n.use_locale(account.locale):
                message = invitation(event, price, zone)
            key = invitation_key(event.id, facts.account_id)
            if await enqueue(self.uow, chat_of(account), message, not_before=at, account_id=account.id, dedupe_key=key):
                queued += 1
        return queued

    async def rooms(self) -> list[RoomSummary]:
        """Events of the last week and upcoming ones: seats and waitlists, and after the door opened who came,
        who did not, late cancellations, picks and mutual picks."""
        summaries = []
        for event in await self._events.since(self.now() - PICKS_OPEN):
            signups = await self._events.signups(event.id)
            picks = await self._events.picks(event.id)
            figures = RoomFigures(
                await self._events.balance(event.id),
                checked_in=sum(1 for s in signups if s.checked_in_at is not None),
                no_shows=sum(1 for s in signups if s.no_show),
                late_cancellations=sum(1 for s in signups if s.late_cancellation),
                picks=len(picks),
                mutual=mutual_pairs(picks),
                paid=sum(1 for s in signups if s.state is SignupState.CONFIRMED and s.payment_id is not None),
            )
            summaries.append(RoomSummary(event, figures))
        return summaries

    async def call_off(self, reference: str) -> tuple[EventRecord | None, int]:
        """Cancel an upcoming event by its reference: its timers stop, every fee paid is refunded (finance is
        asked) and everyone signed up (seat or waitlist) is told through the outbox. (None, 0) for no such
        event; (event, -1) when it was off already."""
        event = await self._events.by_reference(reference)
        if event is None or self.now() >= event.spec.starts_at:
            return None, 0
        if not await self._events.call_off(event, now=self.now()):
            return event, -1
        for hours in (hours for hours, _due in reminder_times(event.spec.starts_at, self.now())):
            await cancel_job(self.uow, REMINDER, reminder_ref(event.id.hex, hours))
        await cancel_job(self.uow, CLOSE, event.id.hex)
        told = 0
        for signup in await self._events.signups(event.id):
            # A seat given up late kept its fee for an event that now does not take place: it is given back too.
            kept_fee = signup.late_cancellation and signup.payment_id is not None
            if signup.state is SignupState.CANCELLED and not kept_fee:
                continue
            await self.uow.payments.cancel_event_orders(event.id, signup.client_id, self.now())
            refund = await self._refund_seat(event, signup, late=False)
            profile = await self.uow.profiles.get(signup.client_id)
            zone = zone_for(None if profile is None else profile.region_code, self.settings.timezone)
            if await self.notifier.to_client(
                signup.client_id,
                partial(called_off_notice, event, zone, refund, event.currency),
                dedupe_key=f"event.off:{signup.id.hex}",
            ):
                told += 1
        return event, told

    # --- the client ------------------------------------------------------------------------------------------
    async def _client(self, client_id: UUID) -> tuple[ClientProfile | None, Attendee | None, tzinfo]:
        profile = await self.uow.profiles.get(client_id)
        if profile is None:
            return None, None, self.zone
        today = self.today()
        return (
            profile,
            attendee(profile, today.year, profile.age(today)),
            zone_for(profile.region_code, self.settings.timezone),
        )

    async def for_client(self, client_id: UUID) -> ClientEvents:
        """Upcoming events the client has a place at, and those that fit them and are still open."""
        _profile, facts, zone = await self._client(client_id)
        shown: list[ClientEvent] = []
        for event in await self._events.upcoming(self.now()):
            signup = await self._events.signup_of(event.id, client_id)
            if signup is not None and signup.state is SignupState.CANCELLED:
                signup = None
            open_to_them = facts is not None and fit_problem(event.spec, facts) is None
            if signup is None and (not open_to_them or self.now() >= event.spec.closes_at()):
                continue
            price = None if facts is None else event.spec.price_for(facts.tier)
            shown.append(ClientEvent(event, signup, price))
        return ClientEvents(zone, shown[:LISTED])

    async def sign_up(self, client_id: UUID, event_id: UUID, provider: Provider | None = None) -> SignupOutcome:
        """A seat, a held seat (the client pays for it through `provider`, their chat's way to pay) or a place on
        the waitlist; or why not."""
        profile, facts, zone = await self._client(client_id)
        event = await self._events.get(event_id)
        if event is None:
            return SignupOutcome(SignupProblem.CANCELLED, event)
        if profile is None or facts is None:  # not a client (a staff member, or no profile yet)
            return SignupOutcome(SignupProblem.PAUSED, event)
        existing = await self._events.signup_of(event_id, client_id)
        already = existing is not None and existing.state is not SignupState.CANCELLED
        problem = signup_problem(event.spec, event.state, facts, now=self.now(), already=already)
        if problem is not None:
            return SignupOutcome(problem, event, existing if already else None, zone=zone)
        priced = event.spec.price_for(facts.tier) is not None
        if priced and provider is None:
            return SignupOutcome(SignupProblem.UNPAID, event, zone=zone)
        side = event.spec.capacity.side_of(facts.gender)
        assert side is not None  # fit_problem said so
        signup = await self._events.sign_up(
            event,
            client_id,
            side=side,
            tier=facts.tier,
            now=self.now(),
            hold_until=self._hold_until() if priced else None,
        )
        if signup is None:  # signed up in the meantime (another instance)
            return SignupOutcome(SignupProblem.ALREADY, event, await self._events.signup_of(event_id, client_id))
        ahead = 0
        if signup.state is SignupState.CONFIRMED:
            await self._issue_code(signup)
        if signup.state is SignupState.HELD:
            await self._arm_hold(signup)
        if signup.state is SignupState.WAITLISTED:
            waiting = [s for s in await self._events.signups(event_id) if s.state is SignupState.WAITLISTED]
            ahead = sum(
                1
                for s in waiting
                if s.side is signup.side and (s.created_at, s.id.hex) < (signup.created_at, signup.id.hex)
            )
        return SignupOutcome(None, event, signup, waiting_ahead=ahead, zone=zone)

    async def cancel(self, client_id: UUID, event_id: UUID) -> CancelOutcome:
        """Give up the client's place; a freed seat goes to the longest waiting of that side, who is told."""
        event = await self._events.get(event_id)
        signup = None if event is None else await self._events.signup_of(event_id, client_id)
        if event is None or signup is None or signup.state is SignupState.CANCELLED:
            return CancelOutcome(event, None)
        if event.state is EventState.CANCELLED or self.now() >= event.spec.starts_at:
            return CancelOutcome(event, None)
        late = signup.state is SignupState.CONFIRMED and late_cancellation(
            late_by_time=is_late_cancellation(event.spec.starts_at, self.now()),
            signed_up_at=signup.created_at,
            terms_changed_at=event.terms_changed_at,
        )
        cancelled = await self._events.cancel(signup, late=late, now=self.now())
        if cancelled is None:
            return CancelOutcome(event, None)
        await self.uow.payments.cancel_event_orders(event_id, client_id, self.now())
        refund = await self._refund_seat(event, signup, late=late)
        paid = await self._paid_minor(signup)
        if signup.state in (SignupState.CONFIRMED, SignupState.HELD):
            await self.promote(event, signup.side)
        return CancelOutcome(event, cancelled, late, refund_minor=refund, kept_minor=paid - refund)

    async def _paid_minor(self, signup: SignupRecord) -> int:
        payment = None if signup.payment_id is None else await self.uow.payments.get(signup.payment_id)
        return 0 if payment is None else payment.amount_minor - payment.refunded_minor

    async def _refund_seat(self, event: EventRecord, signup: SignupRecord, *, late: bool) -> int:
        """A paid seat given up (or an event called off): finance is asked to give back what the policy says
        (`domain.event_payments`), through the membership's refund requests (`/refunds`); what is asked."""
        payment = None if signup.payment_id is None else await self.uow.payments.get(signup.payment_id)
        if payment is None:
            return 0
        asked = await self.uow.payments.refunds_of(payment.id)
        if any(refund.state != RefundState.DECLINED.value for refund in asked):
            return 0  # asked for already (a place given up, then the event called off)
        amount = refund_on_cancellation(payment.amount_minor - payment.refunded_minor, late=late)
        if amount > 0:
            reason = f"{event.spec.title_en} / {event.spec.title_zh} ({event.id.hex[:8]})"
            await MembershipDesk.beside(self).file_refund(
                payment, reason=reason, amount_minor=amount, rule=RefundRule.FULL
            )
        return amount

    async def promote(self, event: EventRecord, side: Side) -> int:
        """Give the free seats of `side` to those waiting longest, each told; one who pays for the event gets
        the seat held for `HOLD` and a button to pay; how many."""
        promoted = 0
        hold_until = self._hold_until()
        while (
            seated := await self._events.promote_next(event, side, now=self.now(), hold_until=hold_until)
        ) is not None:
            if seated.state is SignupState.HELD:
                await self._arm_hold(seated)
                await self._tell_held(event, seated)
            else:
                await self._issue_code(seated)
                await self._tell_promoted(event, seated)
            promoted += 1
        return promoted

    def _hold_until(self) -> datetime:
        """The end of a hold starting now, in whole seconds (the hold job's reference names it)."""
        return (self.now() + HOLD).replace(microsecond=0)

    async def _arm_hold(self, signup: SignupRecord) -> None:
        assert signup.hold_until is not None
        await schedule_job(self.uow, HOLD_EXPIRY, hold_ref(signup.id.hex, signup.hold_until), signup.hold_until)

    async def _tell_held(self, event: EventRecord, held: SignupRecord) -> None:
        assert held.hold_until is not None
        zone = await self._zone_of(held.client_id)
        until: datetime = held.hold_until
        await self.notifier.to_client(
            held.client_id,
            lambda: held_notice(event, until, zone),
            dedupe_key=f"event.held:{held.id.hex}:{int(until.timestamp())}",
        )

    async def _zone_of(self, client_id: UUID) -> tzinfo:
        profile = await self.uow.profiles.get(client_id)
        return zone_for(None if profile is None else profile.region_code, self.settings.timezone)

    async def expire_hold(self, signup_id: UUID, hold_until: datetime) -> bool:
        """A held seat not paid for by `hold_until`: it is freed (the client told, their invoice stale) and goes
        to the next in line. False when it was paid, given up or held again meanwhile."""
        released = await self._events.release_hold(signup_id, hold_until, now=self.now())
        if released is None:
            return False
        event = await self._events.get(released.event_id)
        if event is None:
            return False
        await self.uow.payments.cancel_event_orders(event.id, released.client_id, self.now())
        zone = await self._zone_of(released.client_id)
        await self.notifier.to_client(
            released.client_id,
            lambda: hold_ended_notice(event, zone),
            dedupe_key=f"event.hold_ended:{released.id.hex}:{int(hold_until.timestamp())}",
        )
        if event.state is EventState.PUBLISHED and self.now() < event.spec.starts_at:
            await self.promote(event, released.side)
        return True

    async def seat_paid(self, signup: SignupRecord, payment_id: UUID) -> SignupRecord | None:
        """The held seat is paid for: confirmed, with its check-in code; None when it was not held any more."""
        confirmed = await self._events.confirm_paid(signup.id, payment_id, now=self.now())
        if confirmed is not None:
            await self._issue_code(confirmed)
        return confirmed

    async def _tell_promoted(self, event: EventRecord, promoted: SignupRecord) -> None:
        profile = await self.uow.profiles.get(promoted.client_id)
        zone = zone_for(None if profile is None else profile.region_code, self.settings.timezone)
        starts: datetime = event.spec.starts_at
        await self.notifier.to_client(
            promoted.client_id,
            lambda: promoted_notice(event, starts, zone),
            dedupe_key=f"event.promoted:{promoted.id.hex}:{promoted.promoted_at}",
        )

    async def _issue_code(self, signup: SignupRecord) -> str:
        code = checkin_code(secrets.token_bytes(CODE_LENGTH))
        await self._events.issue_code(signup, code, now=self.now())
        return code

    async def _code(self, signup: SignupRecord) -> str:
        return await self._events.code_of(signup) or await self._issue_code(signup)

    async def seat(self, client_id: UUID, event_id: UUID) -> Seat | None:
        """The client's confirmed seat at an event that is still on (for the calendar file and the QR code)."""
        event = await self._events.get(event_id)
        signup = None if event is None else await self._events.signup_of(event_id, client_id)
        if event is None or event.state is not EventState.PUBLISHED or signup is None:
            return None
        if signup.state is not SignupState.CONFIRMED or self.now() > event.spec.starts_at + DOOR_CLOSES:
            return None
        profile = await self.uow.profiles.get(client_id)
        zone = zone_for(None if profile is None else profile.region_code, self.settings.timezone)
        return Seat(event, signup, await self._code(signup), zone)

    # --- jobs ------------------------------------------------------------------------------------------------
    async def remind(self, event_id: UUID, hours: int) -> int:
        """The reminder `hours` before the start to every seated client, with their check-in code; how many."""
        event = await self._events.get(event_id)
        if event is None or event.state is not EventState.PUBLISHED or self.now() >= event.spec.starts_at:
            return 0
        sent = 0
        for signup in await self._events.signups(event_id):
            if signup.state is not SignupState.CONFIRMED:
                continue
            seat = await self.seat(signup.client_id, event_id)
            if seat is None:
                continue
            if await self.notifier.to_client(
                signup.client_id,
                partial(reminder, seat.event, seat.code, seat.zone),
                # the start in the key: an event moved later is reminded of again
                dedupe_key=f"event.reminder:{signup.id.hex}:{hours}:{event.spec.starts_at:%Y%m%d%H%M}",
            ):
                sent += 1
        return sent

    async def close(self, event_id: UUID) -> int:
        """After the door closes: seated clients who were not let in are recorded as no-shows; how many."""
        event = await self._events.get(event_id)
        if event is None or event.state is not EventState.PUBLISHED or self.now() < event.spec.starts_at:
            return 0
        count = await self._events.record_no_shows(event_id, now=self.now())
        log.info("event %s closed: %d no-shows recorded", event_id.hex[:8], count)
        await self._ask_afterwards(event)
        return count

    async def _ask_afterwards(self, event: EventRecord) -> None:
        """Each checked-in attendee: whom they would like to see again (a button per attendee of the other
        side), and how the event was."""
        everyone = [present(s) for s in await self._events.signups(event.id) if s.state is SignupState.CONFIRMED]
        ids = {s.client_id: s.id for s in await self._events.signups(event.id)}
        names: dict[UUID, str] = {}
        for person in everyone:
            if person.checked_in:
                profile = await self.uow.profiles.get(person.client_id)
                names[person.client_id] = (None if profile is None else profile.short_name()) or "—"
        for person in everyone:
            if not person.checked_in:
                continue
            choices = [(ids[other.client_id], names[other.client_id]) for other in other_side(person, everyone)]
            client = person.client_id
            if choices:
                await self.notifier.to_client(
                    client, partial(afterwards, event, choices), dedupe_key=f"event.picks:{event.id.hex}:{client.hex}"
                )
            await self.notifier.to_client(
                client, partial(rating_question, event), dedupe_key=f"event.rating:{event.id.hex}:{client.hex}"
            )

    # --- afterwards ------------------------------------------------------------------------------------------
    async def pick(self, client_id: UUID, picked_signup_id: UUID) -> PickOutcome:
        """`client_id` would like to see again the attendee of `picked_signup_id`; when that one picked them too,
        an introduction (through the matching's consent flow)."""
        picked = await self._events.get_signup(picked_signup_id)
        event = None if picked is None else await self._events.get(picked.event_id)
        if picked is None or event is None:
            return PickOutcome(PickProblem.DID_NOT_ATTEND)
        mine = await self._events.signup_of(event.id, client_id)
        problem = pick_problem(
            None if mine is None else present(mine),
            present(picked),
            starts_at=event.spec.starts_at,
            now=self.now(),
        )
        if problem is not None:
            return PickOutcome(problem)
        profile = await self.uow.profiles.get(picked.client_id)
        name = None if profile is None else profile.short_name()
        if not await self._events.pick(event.id, client_id, picked.client_id, now=self.now()):
            return PickOutcome(None, name, again=True)
        if not await self._events.picked(event.id, picked.client_id, client_id):
            return PickOutcome(None, name)
        if self.matchmaker is None or await self.uow.introductions.for_pair(client_id, picked.client_id) is not None:
            return PickOutcome(None, name)
        return PickOutcome(None, name, await self.matchmaker.introduce(client_id, picked.client_id))

    async def rate(self, client_id: UUID, event_id: UUID, rating: int) -> bool | None:
        """The attendee's rating of the event: True recorded, False answered before, None not theirs to give."""
        event = await self._events.get(event_id)
        signup = None if event is None else await self._events.signup_of(event_id, client_id)
        if event is None or signup is None or signup.checked_in_at is None or rating not in range(1, 6):
            return None
        return await self._events.rate(signup, rating, now=self.now())

    # --- the door --------------------------------------------------------------------------------------------
    async def check_in(self, typed: str) -> CheckIn:
        """Let in the client whose code staff typed or scanned: once, at a published event, around its start."""
        code = normalize_code(typed)
        signup = None if code is None else await self._events.by_code(code)
        if signup is None:
            return CheckIn(CheckInProblem.UNKNOWN)
        event = await self._events.get(signup.event_id)
        if event is None or event.state is EventState.CANCELLED:
            return CheckIn(CheckInProblem.CANCELLED, event)
        if signup.state is not SignupState.CONFIRMED:
            return CheckIn(CheckInProblem.NOT_SEATED, event, signup)
        if not door_open(event.spec.starts_at, self.now()):
            return CheckIn(CheckInProblem.NOT_TODAY, event, signup)
        if signup.checked_in_at is not None or not await self._events.check_in(signup, now=self.now()):
            again = await self._events.get_signup(signup.id)
            return CheckIn(CheckInProblem.USED, event, signup, at=None if again is None else again.checked_in_at)
        everyone = await self._events.signups(event.id)
        seated = [s for s in everyone if s.state is SignupState.CONFIRMED]
        return CheckIn(None, event, signup, sum(1 for s in seated if s.checked_in_at is not None), len(seated))
