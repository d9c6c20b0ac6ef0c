"""Matching in the conversation: the day's list, answers, introductions, contact sharing, reports.

One `Matchmaker` per update or per job, over its unit of work (`services.matchmaker`); the handlers
(`handlers/matching/`) and the jobs (`handlers/services/matching/jobs.py`) only call it and render.
Everything it changes commits with the update or job, the messages to the other side included (they go
through the outbox).

The list of a day: suggestions still waiting for an answer come first; when there are none and the day has
no list yet, a new one is made of the queued candidates (counselor's picks, people already interested in
the asker) and then the matcher's best, up to the tier's daily number. A suggestion row exists once per
pair, whatever the answer, which is what keeps a pair from being suggested twice.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.delivery import OutboundMessage
from domain.handoff import HandoffReason
from domain.matching.decisions import (
    ContactRoute,
    Decision,
    IntroductionState,
    ReportReason,
    Source,
    compose_list,
    contact_route,
)
from domain.matching.explain import reasons as explain_reasons
from domain.matching.filters import would_accept
from domain.matching.learning import AnswerKind, RankingChoices
from domain.matching.model import MatchPreferences, Suggestion
from domain.membership.schedule import entitlements
from domain.pipeline import Stage
from domain.reports.pilots import Flag, suggestions_per_day
from handlers.services.feature import FeatureService
from handlers.services.handoff.requests import HandoffRequests
from handlers.services.matching.hidden import hidden_from_suggestions
from handlers.services.matching.learning import head, learn, rerank
from handlers.services.notifier import can_receive
from handlers.services.quality import ComplaintDesk
from handlers.services.reports.pilots import Pilots
from handlers.views.matching import messages
from storage.matching_source import MatchPool, load_match_profile, unreachable_among
from storage.records import ClientProfile, Introduction, SuggestionRecord
from storage.repositories.delivery import schedule

DEMO_ANSWER = "matching.demo_answer"
DAILY_OFFER = "matching.daily_offer"
MAX_SKIPPED = 20
ACTIVE = "active"


class RelayAsked(StrEnum):
    """A client asked a counselor to put them in touch with the one they were introduced to."""

    ASKED = "asked"  # a handoff is open (or was already) and the counselors were told why
    DEMO = "demo"  # the other is a demo client: there is nobody to connect
    NOT_NEEDED = "not_needed"  # not connected, or both are on Telegram and have each other's link


class Answer(StrEnum):
    RECORDED = "recorded"  # a pass, or interest the other side has not answered yet
    INTRODUCED = "introduced"  # the other side was interested too
    ALREADY = "already"  # answered before (a second tap, another device)


@dataclass(frozen=True)
class Shown:
    """Another client as a card shows them: their profile, their first photo, demo or not, and their channel."""

    profile: ClientProfile
    photo: str | None
    demo: bool
    channel: str


@dataclass(frozen=True)
class Card:
    """A suggestion ready to show."""

    record: SuggestionRecord
    person: Shown


@dataclass
class Matchmaker(FeatureService):
    pool: MatchPool
    # Today's exposure counts, read once per update or job and kept current as lists are made (the daily job
    # makes hundreds of lists in one run).
    _exposure: dict[UUID, int] | None = field(default=None, init=False, repr=False)
    _exposure_day: date | None = field(default=None, init=False, repr=False)

    async def exposure(self, day: date) -> dict[UUID, int]:
        if self._exposure is None or self._exposure_day != day:
            self._exposure, self._exposure_day = await self.uow.suggestions.exposure_on(day), day
        return self._exposure

    # --- the day's list ------------------------------------------------------------------------------------
    async def touch(self, account_id: UUID) -> None:
        """Record that the client was active today (the matcher favours recently active people)."""
        profile = await self.uow.profiles.get(account_id)
        if profile is None:
            return
        zone = ZoneInfo(self.settings.timezone)
        last = profile.last_active_at
        if last is None or last.astimezone(zone).date() < self.today():
            await self.uow.profiles.update(account_id, now=self.now(), last_active_at=self.now())

    async def next_card(self, asker_id: UUID) -> Card | None:
        """The next suggestion to show the asker, making the day's list when it is due; None when there is
        nothing more today."""
        for _attempt in range(MAX_SKIPPED):
            record = await self.uow.suggestions.next_undecided(asker_id)
            if record is None:
                day = self.today()
                if await self.uow.suggestions.offered_on(asker_id, day) or not await self.make_list(asker_id, day):
                    return None
                continue
            card = await self._card(record)
            if card is not None:
                return card
            await self.uow.suggestions.withdraw(record.id)  # paused, unreachable or deleted since: not today
        return None

    async def next_offer(self, asker_id: UUID) -> OutboundMessage | None:
        """The asker's next suggestion as a card to send now (the asker counts as active today); None when
        there is nothing more today."""
        await self.touch(asker_id)
        card = await self.next_card(asker_id)
        if card is None:
            return None
        person = card.person
        return messages.suggestion_card(card.record, person.profile, self.today(), photo=person.photo, demo=person.demo)

    async def profile(self, account_id: UUID) -> ClientProfile | None:
        """Another client's profile as cards and notices name them (None when it is gone)."""
        return await self.uow.profiles.get(account_id)

    async def _card(self, record: SuggestionRecord) -> Card | None:
        """The card of a suggestion, or None when the candidate is paused, unreachable or gone."""
        profile = await self.uow.profiles.get(record.candidate_id)
        account = await self.uow.accounts.get(record.candidate_id)
        if profile is None or profile.status != ACTIVE or account is None or account.is_deleted or account.unreachable:
            return None
        photos = await self.uow.photos.list_for(record.candidate_id)
        return Card(record, Shown(profile, photos[0].file_id if photos else None, account.demo, account.channel))

    async def make_list(self, asker_id: UUID, day: date) -> int:
        """Make the asker's list for `day`; returns its length."""
        profile = await self.uow.profiles.get(asker_id)
        if profile is None or profile.status != ACTIVE:
            return 0
        more = await Pilots.beside(self).variant(asker_id, Flag.MORE_SUGGESTIONS, registered_at=profile.activated_at)
        # the entitlements table, never the tier's name; a pilot of more suggestions may add a few (docs/pilots.md)
        quota = suggestions_per_day(entitlements(profile.tier).suggestions_per_day, more)
        queued = await self.uow.suggestions.queued(asker_id)
        fresh = await self._fresh(asker_id, day, quota) if len(queued) < quota else []
        waiting = [(q.candidate_id, Source(q.source)) for q in queued]
        chosen = compose_list(waiting, [s.candidate_id for s in fresh], quota)
        by_candidate = {q.candidate_id: q for q in queued}
        scored = {s.candidate_id: s for s in fresh}
        now = self.now()
        for position, (candidate_id, source) in enumerate(chosen):
            if candidate_id in by_candidate:
                await self.uow.suggestions.offer([by_candidate[candidate_id].id], day, position)
                continue
            suggestion = scored[candidate_id]
            await self.uow.suggestions.add(
                asker_id,
                candidate_id,
                source=source,
                now=now,
                offered_on=day,
                position=position,
                score=suggestion.score,
                reasons=[{"code": r.code, "params": dict(r.params)} for r in suggestion.reasons],
            )
        exposure = await self.exposure(day)
        for candidate_id, _source in chosen:
            exposure[candidate_id] = exposure.get(candidate_id, 0) + 1
        if chosen:
            await self.uow.case_stages.advance(asker_id, Stage.RECOMMENDING, cause="suggestions", now=now)
        return len(chosen)

    async def _fresh(self, asker_id: UUID, day: date, quota: int) -> list[Suggestion[UUID]]:
        index = await self.pool.current(self.uow)
        if asker_id not in index:
            return []
        excluded = await self.uow.suggestions.excluded_for(asker_id)
        exposure = await self.exposure(day)
        inactive: set[UUID] = await hidden_from_suggestions(self.uow, self.now())
        found: list[Suggestion[UUID]] = []
        for _attempt in range(3):
            found = await head(  # the index's best few dozen, scored again below (learning.py)
                self.uow,
                index,
                asker_id,
                k=quota,
                excluded=excluded,
                inactive=inactive,
                exposure=exposure,
                max_exposure=self.settings.max_daily_exposure,
                day=day,
            )
            gone = await unreachable_among(self.uow, [s.candidate_id for s in found])
            if not gone:
                break
            inactive |= gone
        kept = [s for s in found if s.candidate_id not in inactive]
        return await rerank(self.uow, index, asker_id, kept, k=quota, day=day)

    # --- answers ---------------------------------------------------------------------------------------------
    async def own_suggestion(self, asker_id: UUID, suggestion_id: UUID | None) -> SuggestionRecord | None:
        """The suggestion a button names, only if it is the asker's own (callback data is never trusted)."""
        if suggestion_id is None:
            return None
        record = await self.uow.suggestions.get(suggestion_id)
        return record if record is not None and record.asker_id == asker_id else None

    async def pass_on(self, record: SuggestionRecord) -> Answer:
        done = await self.uow.suggestions.decide(record.id, Decision.PASSED, self.now())
        if done:
            await self._learn(record, yes=False)
        return Answer.RECORDED if done else Answer.ALREADY

    async def _learn(self, record: SuggestionRecord, *, yes: bool) -> None:
        """Take the answer in: the matcher learns from it at once (handlers/services/matching/learning.py)."""
        kind = AnswerKind.PICK if record.source == Source.COUNSELOR else AnswerKind.SUGGESTION
        now, day = self.now(), self.today()
        await learn(self.uow, record.asker_id, record.candidate_id, yes=yes, kind=kind, now=now, day=day)

    async def interested(self, record: SuggestionRecord) -> tuple[Answer, Introduction | None]:
        """A's Interested in B: an introduction when B said Interested in A too; otherwise A goes to the front
        of B's next list and B is told someone is interested (without saying who)."""
        if not await self.uow.suggestions.decide(record.id, Decision.INTERESTED, self.now()):
            return Answer.ALREADY, None
        await self._learn(record, yes=True)
        asker, candidate = record.asker_id, record.candidate_id
        theirs = await self.uow.suggestions.for_pair(candidate, asker)
        if theirs is not None and theirs.decision == Decision.INTERESTED:
            return Answer.INTRODUCED, await self.introduce(asker, candidate)
        if theirs is None:
            await self._queue_interest(candidate, asker)
        elif theirs.decision is not None:
            return Answer.RECORDED, None  # they passed on or reported the asker: nothing more happens
        account = await self.uow.accounts.get(candidate)
        if account is not None and account.demo:
            due = self.now() + timedelta(seconds=self.settings.demo_answer_seconds)
            await schedule(self.uow, DEMO_ANSWER, f"{candidate.hex}:{asker.hex}", due)
        else:
            key = f"interest:{asker}:{candidate}"
            await self.notifier.to_client(candidate, messages.interest_notice, dedupe_key=key)
        return Answer.RECORDED, None

    async def _queue_interest(self, asker_id: UUID, interested_id: UUID) -> None:
        """Put `interested_id` in `asker_id`'s queue, with the reasons as `asker_id` will read them."""
        mine = await load_match_profile(self.uow, asker_id)
        theirs = await load_match_profile(self.uow, interested_id)
        why = [] if mine is None or theirs is None else explain_reasons(mine, theirs, self.today())
        await self.uow.suggestions.add(
            asker_id,
            interested_id,
            source=Source.INTEREST,
            now=self.now(),
            reasons=[{"code": r.code, "params": dict(r.params)} for r in why],
        )

    async def report(self, record: SuggestionRecord, reason: ReportReason, comment: str | None = None) -> Answer:
        """Hide the reported profile from the reporter at once and queue a complaint for staff."""
        if not await self.uow.suggestions.decide(record.id, Decision.REPORTED, self.now()):
            return Answer.ALREADY
        await self._learn(record, yes=False)
        report = await self.uow.reports.add(
            record.asker_id, record.candidate_id, reason, comment=comment, now=self.now()
        )
        await self.uow.audit.record(
            action="match.reported",
            now=self.now(),
            actor_account_id=record.asker_id,
            subject_account_id=record.candidate_id,
        )
        await self.notifier.to_assigned_counselor(
            record.asker_id,
            lambda: messages.complaint_alert(record.asker_id, record.candidate_id, reason),
            dedupe_key=f"report:{report.id}",
        )
        await ComplaintDesk.beside(self).from_report(report)  # a case customer service owns and resolves
        # A complaint deserves a person: the reporter joins the counselors' queue (once, if already waiting).
        await HandoffRequests.beside(self).open(record.asker_id, HandoffReason.COMPLAINT)
        return Answer.RECORDED

    # --- introductions --------------------------------------------------------------------------------------
    async def introduce(self, actor_id: UUID, other_id: UUID) -> Introduction:
        """Both said Interested. `actor_id` answered last and is shown the introduction directly by the
        caller; the other side is told through the outbox. A demo client agrees to share at once."""
        now = self.now()
        introduction = await self.uow.introductions.create(actor_id, other_id, now=now)
        for person in (actor_id, other_id):
            await self.uow.case_stages.advance(person, Stage.INTRODUCED, cause="introduction", now=now)
        await self.uow.audit.record(
            action="match.introduced", now=now, actor_account_id=actor_id, subject_account_id=other_id
        )
        for person in (actor_id, other_id):
            await self.notifier.to_assigned_counselor(
                person, lambda: messages.introduction_alert(introduction), dedupe_key=f"introduced:{introduction.id}"
            )
        for demo in [p for p in (actor_id, other_id) if await self._is_demo(p)]:
            introduction = await self.uow.introductions.agree_to_share(introduction, demo, now)
        await self._tell_introduced(introduction, other_id)
        return introduction

    async def _tell_introduced(self, introduction: Introduction, recipient: UUID) -> None:
        build = await self._introduction_card(introduction, recipient)
        if build is not None:
            await self.notifier.to_client(recipient, build, dedupe_key=f"introduction:{introduction.id}:{recipient}")

    async def introduction_message(self, introduction: Introduction, recipient: UUID) -> OutboundMessage | None:
        """The introduction as `recipient` sees it (in the current language), or None without the other."""
        build = await self._introduction_card(introduction, recipient)
        return None if build is None else build()

    async def _shown(self, account_id: UUID) -> Shown | None:
        profile, account = await self.uow.profiles.get(account_id), await self.uow.accounts.get(account_id)
        if profile is None or account is None:
            return None
        photos = await self.uow.photos.list_for(account_id)
        return Shown(profile, photos[0].file_id if photos else None, account.demo, account.channel)

    async def _introduction_card(
        self, introduction: Introduction, recipient: UUID
    ) -> Callable[[], OutboundMessage] | None:
        """What renders the introduction for `recipient` (None when either of the two is gone)."""
        other, mine = await self._shown(introduction.other(recipient)), await self.uow.accounts.get(recipient)
        if other is None or mine is None:
            return None
        today, channels = self.today(), (mine.channel, other.channel)
        return lambda: messages.introduction_card(
            introduction, other.profile, today, photo=other.photo, demo=other.demo, channels=channels
        )

    async def own_introduction(self, account_id: UUID, introduction_id: UUID | None) -> Introduction | None:
        if introduction_id is None:
            return None
        introduction = await self.uow.introductions.get(introduction_id)
        return introduction if introduction is not None and introduction.includes(account_id) else None

    async def share(self, introduction: Introduction, account_id: UUID) -> Introduction:
        """The client agrees to share their contact; when the other agreed too, each receives the other's
        (this client directly from the caller, the other through the outbox)."""
        was = introduction.state
        first_answer = was == IntroductionState.AWAITING and not introduction.shares(account_id)
        introduction = await self.uow.introductions.agree_to_share(introduction, account_id, self.now())
        if first_answer:
            other_id, kind = introduction.other(account_id), AnswerKind.INTRODUCTION
            await learn(self.uow, account_id, other_id, yes=True, kind=kind, now=self.now(), day=self.today())
        if was != IntroductionState.CONNECTED and introduction.state == IntroductionState.CONNECTED:
            other = introduction.other(account_id)
            me, my_account = await self.uow.profiles.get(account_id), await self.uow.accounts.get(account_id)
            their_account = await self.uow.accounts.get(other)
            if me is not None and can_receive(my_account) and my_account is not None and their_account is not None:
                channel = their_account.channel
                await self.notifier.to_client(
                    other,
                    lambda: messages.contact_message(introduction, me, my_account, recipient_channel=channel),
                    dedupe_key=f"contact:{introduction.id}:{other}",
                )
            await self.uow.audit.record(
                action="match.contacts_shared", now=self.now(), actor_account_id=account_id, subject_account_id=other
            )
            await self.notifier.to_counselors(
                lambda: messages.connected_alert(introduction), dedupe_key=f"connected:{introduction.id}"
            )
        return introduction

    async def decline(self, introduction: Introduction, account_id: UUID) -> Introduction:
        was = introduction.state
        introduction = await self.uow.introductions.decline(introduction, self.now())
        if was == IntroductionState.AWAITING and introduction.state == IntroductionState.DECLINED:
            other = introduction.other(account_id)
            kind = AnswerKind.INTRODUCTION
            await learn(self.uow, account_id, other, yes=False, kind=kind, now=self.now(), day=self.today())
            me = await self.uow.profiles.get(account_id)
            await self.notifier.to_client(
                other, lambda: messages.declined_notice(me), dedupe_key=f"declined:{introduction.id}"
            )
        return introduction

    async def contact_message(self, introduction: Introduction, other_id: UUID) -> OutboundMessage | None:
        """The other side's contact, as the client who completed the exchange receives it now (None when the
        other's account is gone)."""
        profile, account = await self.uow.profiles.get(other_id), await self.uow.accounts.get(other_id)
        mine = await self.uow.accounts.get(introduction.other(other_id))
        if profile is None or account is None or account.is_deleted or mine is None:
            return None
        return messages.contact_message(introduction, profile, account, recipient_channel=mine.channel)

    async def ask_relay(self, introduction: Introduction, account_id: UUID) -> RelayAsked:
        """The client asks a counselor to put them in touch with the other of a connected introduction where
        one of them uses the web chat: their handoff opens (or stays open), and the counselors who follow
        the two are told why."""
        other = introduction.other(account_id)
        mine, theirs = await self.uow.accounts.get(account_id), await self.uow.accounts.get(other)
        if (
            introduction.state != IntroductionState.CONNECTED
            or mine is None
            or theirs is None
            or contact_route(mine.channel, theirs.channel) is not ContactRoute.COUNSELOR
        ):
            return RelayAsked.NOT_NEEDED
        if theirs.demo:
            return RelayAsked.DEMO
        await HandoffRequests.beside(self).open(account_id, HandoffReason.ASKED)
        for person in (account_id, other):
            await self.notifier.to_assigned_counselor(
                person,
                lambda: messages.relay_alert(account_id, other),
                dedupe_key=f"relay:{introduction.id}:{account_id}",
            )
        return RelayAsked.ASKED

    async def _is_demo(self, account_id: UUID) -> bool:
        account = await self.uow.accounts.get(account_id)
        return account is not None and account.demo

    # --- ranking choices -----------------------------------------------------------------------------------
    async def ranking_choices(self, account_id: UUID) -> RankingChoices:
        return await self.uow.match_learning.choices(account_id)

    async def ranking(self, account_id: UUID) -> tuple[RankingChoices, MatchPreferences]:
        """The client's ranking choices and the preferences they apply to (what /ranking shows)."""
        profile = await load_match_profile(self.uow, account_id)
        wishes = MatchPreferences() if profile is None else profile.preferences
        return await self.ranking_choices(account_id), wishes

    async def set_behaviour_ranking(self, account_id: UUID, on: bool) -> RankingChoices:
        """Switch behaviour-based ranking on or off; off also deletes what was learned about the client."""
        choices = await self.uow.match_learning.set_choices(account_id, self.now(), behaviour=on)
        if not on:
            await self.uow.match_learning.forget(account_id)
        return choices

    async def set_importance(self, account_id: UUID, criterion: str, level: str) -> RankingChoices:
        """How much a stated criterion matters to the client (`fit.Importance`: important, nice, ignore)."""
        importance = dict((await self.ranking_choices(account_id)).importance)
        importance[criterion] = level
        return await self.uow.match_learning.set_choices(account_id, self.now(), importance=importance)

    # --- jobs ----------------------------------------------------------------------------------------------
    async def demo_answers(self, demo_id: UUID, asker_id: UUID) -> None:
        """A demo client answers a real client's interest as a person would: Interested when the real client
        meets their must-haves, otherwise a quiet pass."""
        record = await self.uow.suggestions.for_pair(demo_id, asker_id)
        if record is None or record.decision is not None or not await self._is_demo(demo_id):
            return
        demo, asker = await load_match_profile(self.uow, demo_id), await load_match_profile(self.uow, asker_id)
        if demo is None or asker is None or not would_accept(asker, demo, day=self.today()):
            await self.pass_on(record)
            return
        await self.interested(record)

    async def offer_daily(self, *, after: UUID | None, limit: int) -> UUID | None:
        """Make today's list for up to `limit` clients with nothing pending (after `after` in id order) and
        tell them; returns the last client looked at when there may be more, else None."""
        day = self.today()
        askers = await self.uow.suggestions.askers_due_a_list(day, after=after, limit=limit)
        for asker in askers:
            count = await self.make_list(asker, day)
            if count:
                await self.notifier.to_client(
                    asker, functools.partial(messages.daily_offer, count), dedupe_key=f"daily:{day}:{asker}"
                )
        return askers[-1] if len(askers) == limit else None
