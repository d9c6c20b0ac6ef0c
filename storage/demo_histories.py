"""Bulk seeding of clients' histories for reports, KPIs and benchmarks (not the web chat's demo pool).

    from storage.demo_histories import seed_histories
    summary = await seed_histories(database, clients=100_000, end=now, seed=7)

`seed_histories(database, *, clients, end, days=365, seed=0, counselors=12, batch=5000, events_per_batch=3)`
writes, deterministically for a given seed, `clients` synthetic clients (accounts marked `demo`, arrivals spread
over the `days` before `end`) and what happened to them, with realistic drop-off at each step:

- an account (a visitor), a consent (about 85 %), a profile (a draft, or active with `activated_at`: about 70 %
  of those who consented), its tier (basic/premium/private), region, gender, birth year and height;
- an acquisition channel (about 60 %; the channels `wechat`, `douyin`, `xiaohongshu`, `referral`, `event` are
  created when missing) and, for most registered clients, a counselor (`counselors` demo counselors, staff
  accounts `demo-counselor-<n>` created once and reused);
- the case stages (`case_stages`: new, profile complete, recommending, introduced, met, dating, meeting
  families, engaged, some closed), suggestions with decisions, introductions (mutual interest, contact shared),
  confirmed dates with both sides' feedback, handoffs with their claim and the counselor's first reply;
- offline events (`events_per_batch` for each `batch` of clients, at random times): sign-ups of that batch's
  registered clients, check-ins at the door, picks afterwards; two who picked each other are introduced (no
  invitations: the outbox is not seeded, a sign-up counts as invited).

Nothing happens after `end`. Every client gets a data key (sealed fields stay empty except the relay lines,
sealed like the bot's own), so the bot can open them like any other client. Rows go in with bulk INSERTs, one
transaction per `batch` clients; roughly 20 to 40 s per 100,000 clients on SQLite (bench/bench_reports.py prints
it). Call it on a database that holds no earlier seeding with the same seed (the ids would collide).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Table, insert

from domain.consent import NOTICE_VERSION
from domain.regions import POPULAR_CITIES
from storage.crypto.aead import DataKey
from storage.crypto.codecs import TEXT
from storage.database import Database
from storage.models.accounts import AccountRow, ConsentRow, DataKeyRow
from storage.models.base import Base
from storage.models.casework import ClientAssignmentRow, HandoffRow, RelayMessageRow
from storage.models.clients import ClientProfileRow
from storage.models.dates import DateFeedbackRow, DateRow
from storage.models.events import EventPickRow, EventRow, EventSignupRow
from storage.models.finance import ClientChannelRow
from storage.models.matching import CaseStageRow, IntroductionRow, SuggestionRow
from storage.repositories.channels import ChannelsRepository
from storage.sealing import CipherLocation, row_id_text
from storage.unit_of_work import UnitOfWork

DEMO_CHANNELS = (
    ("wechat", "WeChat"),
    ("douyin", "Douyin"),
    ("xiaohongshu", "Xiaohongshu"),
    ("referral", "Referral"),
    ("event", "Offline events"),
)
COUNSELOR_NAMES = ("王芳", "李娜", "张敏", "刘洋", "陈静", "杨丽", "赵倩", "黄磊", "周婷", "吴昊", "徐慧", "孙悦")
REPLY_TEXT = "您好，我是您的红娘，很高兴为您服务。"

# The chance of each step given the one before (the drop-off), and the typical wait before it.
P_CONSENT = 0.85
P_REGISTER = 0.70
P_SUGGESTED = 0.90
P_MUTUAL = 0.45
P_CONNECTED = 0.80
P_DATE = 0.55
P_DATING = 0.40
P_LONG_TERM = 0.25
P_CLOSED = 0.10
P_HANDOFF = 0.20
P_CLAIMED = 0.92
P_REPLIED = 0.95
TIERS = (("basic", 0.70), ("premium", 0.22), ("private", 0.08))
# Offline events: a few per batch of clients, spread over the days; who signs up, comes and picks whom.
EVENTS_PER_BATCH = 3
EVENT_SIGNUPS = (12, 40)
P_CHECK_IN = 0.85
P_EVENT_PICK = 0.6  # an attendee picks someone of the other side (one or two)
CHANNEL_SHARE = 0.60


@dataclass(frozen=True)
class SeededHistories:
    """What a seeding wrote: counts per table, the counselors, the channel ids and the seconds it took."""

    clients: int
    counselor_ids: tuple[UUID, ...]
    channel_ids: dict[str, int]
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class _Rows:
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: str, **values: Any) -> None:
        self.tables.setdefault(table, []).append(values)


class _Writer:
    """Writes one batch of clients' rows; the order of tables follows the foreign keys."""

    ORDER: tuple[type[Base], ...] = (
        AccountRow,
        DataKeyRow,
        ConsentRow,
        ClientProfileRow,
        ClientChannelRow,
        ClientAssignmentRow,
        CaseStageRow,
        SuggestionRow,
        IntroductionRow,
        DateRow,
        DateFeedbackRow,
        HandoffRow,
        RelayMessageRow,
        EventRow,
        EventSignupRow,
        EventPickRow,
    )

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    async def write(self, uow: UnitOfWork, rows: _Rows) -> None:
        for model in self.ORDER:
            table = cast(Table, model.__table__)
            values = rows.tables.get(table.name)
            if not values:
                continue
            for start in range(0, len(values), 2000):
                await uow.session.execute(insert(table), values[start : start + 2000])
            self.counts[table.name] = self.counts.get(table.name, 0) + len(values)


async def seed_histories(
    database: Database,
    *,
    clients: int,
    end: datetime,
    days: int = 365,
    seed: int = 0,
    counselors: int = 12,
    batch: int = 5000,
    events_per_batch: int = EVENTS_PER_BATCH,
) -> SeededHistories:
    """Seed `clients` clients' histories over the `days` before `end` (see the module's notes)."""
    if clients < 0 or days < 1 or counselors < 1 or batch < 1 or events_per_batch < 0:
        raise ValueError("clients >= 0, days >= 1, counselors >= 1, batch >= 1 and events_per_batch >= 0")
    started = time.perf_counter()
    rng = random.Random(seed)
    async with database.unit_of_work() as uow:
        counselor_ids = await _counselors(uow, counselors, end - timedelta(days=days + 30))
        channel_ids = await _channels(uow, end - timedelta(days=days + 30))
    writer = _Writer()
    context = database.context
    registered: list[tuple[UUID, datetime]] = []  # earlier registered clients, candidates for suggestions
    for first in range(0, clients, batch):
        rows = _Rows()
        story = _Story(rng, rows, end=end, days=days, counselors=counselor_ids, channels=channel_ids)
        for _ in range(first, min(first + batch, clients)):
            story.client(registered)
        story.pair_introductions()
        story.events(events_per_batch)
        for account_id, key in story.keys:
            master_key_id, wrapped = context.master.wrap(key.key_id, key.secret)
            rows.add(
                "data_keys", id=key.key_id, account_id=account_id, system_name=None,
                master_key_id=master_key_id, wrapped_key=wrapped, created_at=story.arrived[account_id],
                destroyed_at=None,
            )  # fmt: skip
        for values in rows.tables.get("relay_messages", []):
            key = story.key_of[values["client_id"]]
            location = CipherLocation("relay_messages", "text", row_id_text(values["id"]))
            values["text"] = context.crypto.seal(key, TEXT, location, REPLY_TEXT)
        async with database.unit_of_work() as uow:
            await writer.write(uow, rows)
    return SeededHistories(
        clients=clients,
        counselor_ids=tuple(counselor_ids),
        channel_ids=channel_ids,
        rows=dict(writer.counts),
        seconds=time.perf_counter() - started,
    )


async def _counselors(uow: UnitOfWork, count: int, now: datetime) -> list[UUID]:
    ids: list[UUID] = []
    for number in range(1, count + 1):
        external = f"demo-counselor-{number}"
        account_id = await uow.accounts.id_of_external("web", external)
        if account_id is None:
            account = await uow.accounts.create("web", external, locale="zh", now=now, demo=True)
            name = COUNSELOR_NAMES[(number - 1) % len(COUNSELOR_NAMES)]
            await uow.staff.add(account.id, role="counselor", display_name=name, now=now)
            account_id = account.id
        ids.append(account_id)
    return ids


async def _channels(uow: UnitOfWork, now: datetime) -> dict[str, int]:
    channels = ChannelsRepository.of(uow)
    ids: dict[str, int] = {}
    for code, name in DEMO_CHANNELS:
        found = await channels.by_code(code)
        if found is None:
            found = await channels.create(code, name, created_by=None, now=now)
        ids[code] = found.id
    return ids


def _hours(rng: random.Random, mean: float) -> timedelta:
    return timedelta(hours=rng.expovariate(1 / mean))


class _Story:
    """Draws one client's history after another into `rows`."""

    def __init__(
        self,
        rng: random.Random,
        rows: _Rows,
        *,
        end: datetime,
        days: int,
        counselors: Sequence[UUID],
        channels: dict[str, int],
    ) -> None:
        self.rng = rng
        self.rows = rows
        self.end = end
        self.days = days
        self.counselors = counselors
        self.channels = list(channels.values())
        self.keys: list[tuple[UUID, DataKey]] = []
        self.key_of: dict[UUID, DataKey] = {}
        self.arrived: dict[UUID, datetime] = {}
        self.waiting: list[tuple[UUID, datetime, UUID | None]] = []  # (client, when ready to be introduced)
        self.gender: dict[UUID, str] = {}
        self.members: list[tuple[UUID, datetime, str]] = []  # this batch's registered clients, tier
        self.pairs: set[frozenset[UUID]] = set()  # introduced already

    def _id(self) -> UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _stage(self, client: UUID, stage: str, cause: str, at: datetime) -> None:
        self.rows.add("case_stages", id=self._id(), account_id=client, stage=stage, cause=cause, changed_at=at)

    def client(self, registered: list[tuple[UUID, datetime]]) -> None:
        rng = self.rng
        client = self._id()
        arrived = self.end - timedelta(seconds=rng.uniform(0, self.days * 86400))
        key = DataKey(self._id(), rng.randbytes(32))
        self.keys.append((client, key))
        self.key_of[client] = key
        self.arrived[client] = arrived
        self.rows.add(
            "accounts", id=client, channel=rng.choice(("telegram", "telegram", "web")),
            external_id_index=None, external_id=None, locale=rng.choice(("zh", "zh", "zh", "en", "zh_Hant", "ru")),
            created_at=arrived, last_seen_at=arrived, unreachable=False, unreachable_since=None, deleted_at=None,
            demo=True,
        )  # fmt: skip
        if rng.random() < CHANNEL_SHARE:
            channel = rng.choice(self.channels)
            self.rows.add("client_channels", client_id=client, channel_id=channel, recorded_on=arrived.date())
        consent = arrived + timedelta(minutes=rng.expovariate(1 / 5))
        if rng.random() >= P_CONSENT or consent > self.end:
            return
        self.rows.add("consents", id=self._id(), account_id=client, notice_version=NOTICE_VERSION, given_at=consent)
        activated = consent + _hours(rng, 20)
        active = rng.random() < P_REGISTER and activated <= self.end
        tier = rng.choices([t for t, _ in TIERS], [w for _, w in TIERS])[0]
        gender = rng.choice(("male", "female"))
        self.gender[client] = gender
        self.rows.add(
            "client_profiles", account_id=client, phone_index=None, created_at=consent,
            updated_at=activated if active else consent, status="active" if active else "draft",
            intake_step=None if active else "education", display_name=None, preferred_name=None, gender=gender,
            birth_date=None, height_cm=rng.randint(150, 190), education=rng.choice(("bachelor", "master", "associate")),
            occupation=None, income_band=None, region_code=rng.choice(POPULAR_CITIES), city_text=None,
            marital_history="never", has_children=False, wants_children="yes", personality={}, hobbies=[],
            hobbies_text=None, about_me=None, relationship_history=None, phone=None,
            birth_year=rng.randint(1975, 2002), tier=tier, activated_at=activated if active else None,
            last_active_at=activated if active else consent,
        )  # fmt: skip
        if not active:
            return
        counselor: UUID | None = None
        if tier != "basic" or rng.random() < 0.5:
            counselor = rng.choice(self.counselors)
            self.rows.add(
                "client_assignments", client_id=client, counselor_id=counselor, assigned_at=activated,
                assigned_by=None, follow_up_on=None,
            )  # fmt: skip
        self._stage(client, "new", "registration", consent)
        self._stage(client, "profile_complete", "registration", activated)
        self._handoff(client, activated, counselor)
        # private clients move faster, basic ones slower
        pace = {"basic": 1.3, "premium": 0.9, "private": 0.6}[tier]
        suggested = activated + _hours(rng, 40 * pace)
        if rng.random() < P_SUGGESTED and suggested <= self.end:
            self._suggestions(client, suggested, registered)
            self._stage(client, "recommending", "suggestions", suggested)
            mutual = suggested + _hours(rng, 24 * 6 * pace)
            if rng.random() < P_MUTUAL and mutual <= self.end:
                self.waiting.append((client, mutual, counselor))
        registered.append((client, activated))
        self.members.append((client, activated, tier))
        if len(registered) > 4000:
            del registered[: len(registered) - 4000]

    def _suggestions(self, client: UUID, at: datetime, registered: list[tuple[UUID, datetime]]) -> None:
        rng = self.rng
        picks = {candidate for candidate, _ in rng.sample(registered, min(len(registered), rng.randint(1, 5)))}
        for position, candidate in enumerate(sorted(picks, key=str)):
            decision = rng.choices(("interested", "passed", None), (0.3, 0.55, 0.15))[0]
            decided = at + _hours(rng, 12) if decision else None
            if decided is not None and decided > self.end:
                decision, decided = None, None
            self.rows.add(
                "suggestions", id=self._id(), asker_id=client, candidate_id=candidate, source="matcher",
                offered_on=at.date(), position=position, score=round(rng.random(), 3), reasons=[], note=None,
                decision=decision, decided_at=decided, created_at=at,
            )  # fmt: skip

    def _handoff(self, client: UUID, activated: datetime, counselor: UUID | None) -> None:
        rng = self.rng
        if rng.random() >= P_HANDOFF:
            return
        opened = activated + _hours(rng, 24 * 10)
        if opened > self.end:
            return
        handoff = self._id()
        claimed = opened + timedelta(minutes=rng.expovariate(1 / 25))
        claimer = counselor or rng.choice(self.counselors)
        is_claimed = rng.random() < P_CLAIMED and claimed <= self.end
        replied = claimed + timedelta(minutes=rng.expovariate(1 / 8))
        is_replied = is_claimed and rng.random() < P_REPLIED and replied <= self.end
        closed = replied + _hours(rng, 1) if is_replied else None
        if closed is not None and closed > self.end:
            closed = None
        self.rows.add(
            "handoffs", id=handoff, client_id=client, reason=rng.choice(("asked", "asked", "not_understood")),
            state="closed" if closed else ("claimed" if is_claimed else "open"),
            counselor_id=claimer if is_claimed else None, created_at=opened, claimed_at=claimed if is_claimed else None,
            widened_at=None, managers_told_at=None, closed_at=closed, rating=None, rated_at=None,
        )  # fmt: skip
        if is_replied:
            self.rows.add(
                "relay_messages", id=self._id(), handoff_id=handoff, client_id=client, from_client=False,
                author_id=claimer, text=b"", created_at=replied,
            )  # fmt: skip

    def pair_introductions(self) -> None:
        """Clients who reached mutual interest are introduced to each other two by two."""
        rng = self.rng
        waiting = self.waiting
        rng.shuffle(waiting)
        for (first, first_ready, first_counselor), (second, second_ready, _second_counselor) in zip(
            waiting[0::2], waiting[1::2], strict=False
        ):
            mutual = max(first_ready, second_ready)
            self._couple(first, second, mutual, first_counselor)
        self.waiting = []

    def _couple(self, first: UUID, second: UUID, mutual: datetime, counselor: UUID | None) -> None:
        rng = self.rng
        self.pairs.add(frozenset((first, second)))
        introduction = self._id()
        connected = mutual + _hours(rng, 20)
        is_connected = rng.random() < P_CONNECTED and connected <= self.end
        first, second = sorted((first, second), key=str)  # the pair's fixed order (storage/models/matching.py)
        self.rows.add(
            "introductions", id=introduction, first_id=first, second_id=second,
            state="connected" if is_connected else "awaiting", first_shares_at=connected if is_connected else None,
            second_shares_at=connected if is_connected else None, created_at=mutual,
            connected_at=connected if is_connected else None, closed_at=None,
        )  # fmt: skip
        for person in (first, second):
            self._stage(person, "introduced", "introduction", mutual)
        if not is_connected:
            return
        starts = connected + _hours(rng, 24 * 6)
        if rng.random() >= P_DATE or starts + timedelta(hours=3) > self.end:
            return
        date_id = self._id()
        proposed = connected + (starts - connected) / 3
        self.rows.add(
            "dates", id=date_id, introduction_id=introduction, first_id=first, second_id=second, state="confirmed",
            round=1, proposed_by=counselor or first, slots=[starts.isoformat()], venue_code=None, venue_text=None,
            starts_at=starts, confirmed_at=proposed + _hours(rng, 6), reminded_at=None, cancelled_by=None, reason=None,
            late_cancellation=False, closed_at=None, created_at=proposed, updated_at=proposed,
        )  # fmt: skip
        met = starts + timedelta(hours=3)
        dating = rng.random() < P_DATING
        for author, about in ((first, second), (second, first)):
            self.rows.add(
                "date_feedback", id=self._id(), date_id=date_id, author_id=author, about_id=about,
                rating=rng.randint(3, 5) if dating else rng.randint(1, 4), no_show=False, meet_again=dating,
                comment=None, complaint=False, asked_at=met, nudged_at=None, completed_at=met + _hours(rng, 5),
            )  # fmt: skip
            self._stage(author, "met", "date", met)
        if not dating:
            if rng.random() < P_CLOSED:
                closed = met + _hours(rng, 24 * 20)
                if closed <= self.end:
                    for person in (first, second):
                        self._stage(person, "closed", "counselor:other", closed)
            return
        dating_at = met + _hours(rng, 24 * 4)
        if dating_at > self.end:
            return
        for person in (first, second):
            self._stage(person, "dating", "date_feedback", dating_at)
        families = dating_at + _hours(rng, 24 * 45)
        if rng.random() < P_LONG_TERM and families <= self.end:
            for person in (first, second):
                self._stage(person, "meeting_families", "counselor", families)
            engaged = families + _hours(rng, 24 * 60)
            if rng.random() < 0.5 and engaged <= self.end:
                for person in (first, second):
                    self._stage(person, "engaged_or_married", "counselor", engaged)

    def events(self, count: int) -> None:
        """`count` salons at random times, each with some of this batch's registered clients: sign-ups, the door,
        picks afterwards; two who picked each other are introduced (and may date) as any other pair."""
        rng = self.rng
        for _ in range(count):
            starts = self.end - timedelta(seconds=rng.uniform(0, self.days * 86400))
            published = starts - timedelta(days=14)
            ready = [(client, tier) for client, activated, tier in self.members if activated < published]
            if len(ready) < EVENT_SIGNUPS[0] or starts + timedelta(days=1) > self.end:
                continue
            event = self._id()
            self.rows.add(
                "events", id=event, created_by=rng.choice(self.counselors), state="published",
                title_en="Speed dating evening", title_zh="速配活动", about_en="Meet ten people in one evening.",
                about_zh="一晚认识十位新朋友。", venue_code=None, venue_text="Demo venue", region_code=None,
                starts_at=starts, deadline=starts - timedelta(days=1), capacity_men=40, capacity_women=40,
                capacity_total=None, age_min=22, age_max=45, tiers=["basic", "premium", "private"], prices={},
                currency="CNY", created_at=published, updated_at=published, terms_changed_at=None,
            )  # fmt: skip
            came: dict[str, list[UUID]] = {"male": [], "female": []}
            for client, tier in rng.sample(ready, min(len(ready), rng.randint(*EVENT_SIGNUPS))):
                signed = published + timedelta(seconds=rng.uniform(0, 12 * 86400))
                side = self.gender[client]
                checked_in = starts + timedelta(minutes=rng.uniform(-20, 30)) if rng.random() < P_CHECK_IN else None
                self.rows.add(
                    "event_signups", id=self._id(), event_id=event, client_id=client, side=side, state="confirmed",
                    tier=tier, late_cancellation=False, checkin_code=None, checkin_index=None,
                    checked_in_at=checked_in, no_show=checked_in is None, rating=None, promoted_at=None,
                    cancelled_at=None, created_at=signed, updated_at=signed,
                )  # fmt: skip
                if checked_in is not None:
                    came[side].append(client)
            self._event_picks(event, starts, came)

    def _event_picks(self, event: UUID, starts: datetime, came: dict[str, list[UUID]]) -> None:
        rng = self.rng
        picked: set[tuple[UUID, UUID]] = set()
        for side, other in (("male", "female"), ("female", "male")):
            for picker in came[side]:
                if not came[other] or rng.random() >= P_EVENT_PICK:
                    continue
                for chosen in rng.sample(came[other], min(len(came[other]), rng.randint(1, 2))):
                    picked.add((picker, chosen))
                    self.rows.add(
                        "event_picks", id=self._id(), event_id=event, picker_id=picker, picked_id=chosen,
                        created_at=starts + _hours(self.rng, 6),
                    )  # fmt: skip
        for picker, chosen in sorted(picked, key=str):
            pair = frozenset((picker, chosen))
            if (chosen, picker) in picked and pair not in self.pairs:
                self._couple(picker, chosen, starts + timedelta(days=1), None)
