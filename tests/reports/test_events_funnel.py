"""Offline events as a channel of the funnel (issue 22 in the reports): each step's places on a hand-built history
with known answers, in memory and as the reports read it from the tables (SQLite and PostgreSQL), the invitations
the events desk queues, and the funnel report's text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy import insert

from bot.app import create_dispatcher
from domain.clock import FakeClock
from domain.delivery import ChatAddress, OutboundMessage
from domain.events import invitation_key
from domain.reports.events import EventFunnel, EventHistory, EventStep, event_funnel
from handlers.services.settings import Settings
from handlers.views import reports as views
from storage.database import Database
from storage.models.dates import DateRow
from storage.models.events import EventPickRow, EventRow, EventSignupRow
from storage.models.matching import IntroductionRow
from storage.repositories.delivery import OutboxRepository
from storage.repositories.reports import FlowReportsRepository
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.events.chat import events, make_client, make_organiser, publish
from tests.reports.test_reports_figures import ROOT

STARTS = datetime(2026, 10, 10, 19, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
AS_OF = STARTS + 30 * DAY

A, B, C, D, E, F, G = "abcdefg"  # clients


def salon() -> EventHistory:
    """Seven clients invited; five signed up (one never came), four checked in; A and B picked each other, were
    introduced and went on a date; C picked D, who picked nobody; E picked F, who was not there."""
    return EventHistory(
        "salon",
        STARTS,
        invited=frozenset({A, B, C, D, E, F, G}),
        signed_up=frozenset({A, B, C, D, E}),
        checked_in={A: STARTS, B: STARTS, C: STARTS, D: STARTS},
        picks={(A, B): STARTS + HOUR, (B, A): STARTS + 2 * HOUR, (C, D): STARTS + HOUR},
        introduced={frozenset((A, B)): STARTS + DAY},
        first_dates={frozenset((A, B)): STARTS + 7 * DAY},
    )


def test_each_place_counts_at_its_furthest_step_and_every_step_before() -> None:
    result = event_funnel([salon()], as_of=AS_OF)
    assert result.events == 1
    assert result.counts == (7, 5, 4, 3, 2, 2, 2)  # invited .. first date
    assert result.conversion(EventStep.INVITED) is None
    assert result.conversion(EventStep.SIGNED_UP) == pytest.approx(5 / 7)
    assert result.conversion(EventStep.MUTUAL_PICK) == pytest.approx(2 / 3)


def test_steps_after_as_of_do_not_count_yet() -> None:
    # the evening itself: everyone at the door, A has picked B but B has not answered yet
    assert event_funnel([salon()], as_of=STARTS + HOUR).counts == (7, 5, 4, 2, 0, 0, 0)
    # the day after: introduced, no date yet
    assert event_funnel([salon()], as_of=STARTS + 2 * DAY).counts == (7, 5, 4, 3, 2, 2, 0)


def test_a_sign_up_without_an_invitation_still_counts_as_invited_and_events_add_up() -> None:
    walk_in = EventHistory("walk-in", STARTS, signed_up=frozenset({A}), checked_in={A: STARTS})
    result = event_funnel([salon(), walk_in], as_of=AS_OF)
    assert result.events == 2
    assert result.counts == (8, 6, 5, 3, 2, 2, 2)
    assert event_funnel([], as_of=AS_OF) == EventFunnel(0, (0,) * 7)


def test_the_funnel_report_lists_the_events_steps() -> None:
    i18n = I18n(path=ROOT / "locales", default_locale="en", domain="messages")
    current = event_funnel([salon()], as_of=AS_OF)
    previous = EventFunnel(2, (20, 8, 5, 3, 0, 0, 0))
    with i18n.context(), i18n.use_locale("en"):
        lines = views.event_lines(current, previous)
        nothing = views.event_lines(EventFunnel(0, (0,) * 7), previous)
    assert lines == [
        "🎪 <b>Offline events</b>: 1 event held (before: 2)",
        "invited: 7 (before: 20)",
        "signed up: 5 (71%) (before: 8)",
        "checked in: 4 (80%) (before: 5)",
        "picked someone: 3 (75%) (before: 3)",
        "mutual pick: 2 (67%) (before: 0)",
        "introduced: 2 (100%) (before: 0)",
        "first date: 2 (100%) (before: 0)",
    ]
    assert nothing == ["🎪 <b>Offline events</b>: 0 events held (before: 2)"]
    with i18n.context(), i18n.use_locale("zh"):
        assert views.event_lines(current, previous)[0] == "🎪 <b>线下活动</b>：举办1场（此前：2场）"


# --- as the reports read it -----------------------------------------------------------------------------------
def _event(event_id: UUID, organiser: UUID, starts_at: datetime, *, state: str = "published") -> dict[str, Any]:
    published = starts_at - 10 * DAY
    return {"id": event_id, "created_by": organiser, "state": state, "title_en": "Salon", "title_zh": "交友沙龙",
            "about_en": "", "about_zh": "", "venue_code": None, "venue_text": "The Bund", "region_code": "310000",
            "starts_at": starts_at, "deadline": None, "capacity_men": None, "capacity_women": None,
            "capacity_total": 20, "age_min": 20, "age_max": 50, "tiers": ["basic"], "prices": {}, "currency": "CNY",
            "created_at": published, "updated_at": published, "terms_changed_at": None}  # fmt: skip


def _signup(event_id: UUID, client: UUID, *, checked_in: datetime | None = None) -> dict[str, Any]:
    at = STARTS - 5 * DAY
    return {"id": uuid4(), "event_id": event_id, "client_id": client, "side": "open", "state": "confirmed",
            "tier": "basic", "late_cancellation": False, "checked_in_at": checked_in, "no_show": checked_in is None,
            "created_at": at, "updated_at": at}  # fmt: skip


def _pick(event_id: UUID, picker: UUID, picked: UUID, at: datetime) -> dict[str, Any]:
    return {"id": uuid4(), "event_id": event_id, "picker_id": picker, "picked_id": picked, "created_at": at}


async def salon_in_tables(database: Database) -> tuple[UUID, dict[str, UUID]]:
    """The salon above in the tables, plus an older introduction of C and D (before the event: not the event's)
    and an event that was called off (its sign-ups are not counted)."""
    published = STARTS - 10 * DAY
    async with database.unit_of_work() as uow:
        names = (A, B, C, D, E, F, G, "organiser")
        people = {name: (await uow.accounts.create("telegram", f"9{n}", locale="zh", now=published - DAY)).id
                  for n, name in enumerate(names)}  # fmt: skip
    a, b, c, d, e = (people[name] for name in (A, B, C, D, E))
    salon_id, called_off = uuid4(), uuid4()
    organiser = people["organiser"]
    async with database.unit_of_work() as uow:
        run = uow.session.execute
        await run(insert(EventRow), [_event(salon_id, organiser, STARTS),
                                     _event(called_off, organiser, STARTS + DAY, state="cancelled")])  # fmt: skip
        await run(insert(EventSignupRow), [
            _signup(salon_id, a, checked_in=STARTS), _signup(salon_id, b, checked_in=STARTS),
            _signup(salon_id, c, checked_in=STARTS), _signup(salon_id, d, checked_in=STARTS), _signup(salon_id, e),
            _signup(called_off, a),
        ])  # fmt: skip
        await run(insert(EventPickRow), [
            _pick(salon_id, a, b, STARTS + HOUR), _pick(salon_id, b, a, STARTS + 2 * HOUR),
            _pick(salon_id, c, d, STARTS + HOUR), _pick(salon_id, d, c, STARTS + HOUR),
        ])  # fmt: skip
        ab, cd = uuid4(), uuid4()
        first, second = sorted((a, b), key=str)
        await run(insert(IntroductionRow), [
            {"id": ab, "first_id": first, "second_id": second, "state": "connected",
             "created_at": STARTS + 2 * HOUR, "connected_at": STARTS + DAY},
            {"id": cd, "first_id": min(c, d, key=str), "second_id": max(c, d, key=str), "state": "connected",
             "created_at": STARTS - 30 * DAY, "connected_at": STARTS - 29 * DAY},
        ])  # fmt: skip
        await run(insert(DateRow), [
            {"id": uuid4(), "introduction_id": ab, "first_id": first, "second_id": second, "state": "confirmed",
             "round": 1, "proposed_by": first, "slots": [], "starts_at": STARTS + 7 * DAY,
             "late_cancellation": False, "created_at": STARTS + 2 * DAY, "updated_at": STARTS + 2 * DAY},
        ])  # fmt: skip
    # the invitations, queued when the salon was published; another message to G is not an invitation
    async with database.unit_of_work() as uow:
        outbox = OutboxRepository.of(uow)
        for number, name in enumerate((A, B, C, D, E, F)):
            await outbox.add(ChatAddress.telegram(900 + number), OutboundMessage("invited"), now=published,
                             account_id=people[name], dedupe_key=invitation_key(salon_id, people[name]))  # fmt: skip
        await outbox.add(ChatAddress.telegram(999), OutboundMessage("hello"), now=published, account_id=people[G],
                         dedupe_key=f"something.else:{people[G].hex}")  # fmt: skip
    return salon_id, people


async def test_the_reports_read_each_events_history_from_the_tables(database: Database) -> None:
    salon_id, people = await salon_in_tables(database)
    async with database.unit_of_work(read_only=True) as uow:
        store = FlowReportsRepository.of(uow)
        (held,) = await store.event_histories(STARTS - DAY, STARTS + 10 * DAY)  # not the one called off
        assert await store.event_histories(STARTS + DAY, STARTS + 10 * DAY) == []
    a, b = people[A], people[B]
    assert held.event_id == salon_id and held.starts_at == STARTS
    assert held.invited == {people[name] for name in (A, B, C, D, E, F)}
    assert held.signed_up == {people[name] for name in (A, B, C, D, E)}
    assert set(held.checked_in) == {people[name] for name in (A, B, C, D)}
    assert held.introduced == {frozenset((a, b)): STARTS + DAY}  # C and D met before: not through the salon
    assert held.first_dates == {frozenset((a, b)): STARTS + 7 * DAY}
    # A and B: first date; C and D picked each other (already introduced before); E came not; F was invited
    assert event_funnel([held], as_of=AS_OF).counts == (6, 5, 4, 4, 4, 2, 2)


async def test_each_event_counts_its_own_invitations(database: Database) -> None:
    salon_id, people = await salon_in_tables(database)
    outing = uuid4()
    published = STARTS - 8 * DAY  # two days after the salon's invitations
    async with database.unit_of_work() as uow:
        await uow.session.execute(insert(EventRow), [_event(outing, people["organiser"], STARTS + 2 * DAY)])
        outbox = OutboxRepository.of(uow)
        for number, name in enumerate((F, G)):
            await outbox.add(ChatAddress.telegram(800 + number), OutboundMessage("invited"), now=published,
                             account_id=people[name], dedupe_key=invitation_key(outing, people[name]))  # fmt: skip
    async with database.unit_of_work(read_only=True) as uow:
        held = await FlowReportsRepository.of(uow).event_histories(STARTS - DAY, STARTS + 10 * DAY)
    invited = {event.event_id: event.invited for event in held}
    assert invited == {
        salon_id: {people[name] for name in (A, B, C, D, E, F)},
        outing: {people[F], people[G]},
    }
    assert event_funnel(held, as_of=AS_OF) == EventFunnel(2, (8, 5, 4, 4, 4, 2, 2))


# --- with the events desk's own invitations -------------------------------------------------------------------
@pytest.fixture
def bot_on_database(settings: Settings, database: Database, clock: FakeClock) -> Dispatcher:
    """The bot over `database`, whose clock is the test's: the outbox stamps the invitations with the same time
    as the event, as in production (the app's own test database keeps the system clock)."""
    return create_dispatcher(settings, database=database, clock=clock)


async def test_the_invitations_the_events_desk_queues_count_as_invited(
    bot_on_database: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, database: Database
) -> None:
    dp = bot_on_database
    organiser = await make_organiser(dp, bot, session, error_log, database, 610_000_001)
    fitting = {(await make_client(dp, bot, session, error_log, database, 610_000_010 + n, gender=gender))[1]
               for n, gender in enumerate(("male", "female"))}  # fmt: skip
    await make_client(dp, bot, session, error_log, database, 610_000_020, birth_year=1970)  # outside the ages
    await publish(organiser)  # the salon of tests/events/chat.py: ages 25-35, basic and premium, Shanghai
    (event,) = await events(database)
    async with database.unit_of_work(read_only=True) as uow:
        (held,) = await FlowReportsRepository.of(uow).event_histories(event.starts_at - DAY, event.starts_at + DAY)
    assert held.event_id == event.id and held.invited == fitting
    assert event_funnel([held], as_of=event.starts_at).counts == (2, 0, 0, 0, 0, 0, 0)
    error_log.assert_clean()
