"""Casework over one unit of work: whether a staff member may act on a client, the card, the list, stage
changes, notes, follow-ups, curation and reassignment. The router only parses and renders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.casework import (
    NAME_SEARCH_LIMIT,
    ClosingReason,
    CurationProblem,
    curation_problem,
    may_open,
    name_matches,
    sees_every_client,
    stage_cause,
)
from domain.delivery import InlineButton, OutboundMessage
from domain.identity import Principal
from domain.matching.decisions import IntroductionState, Source
from domain.matching.filters import mutually_acceptable
from domain.pipeline import Stage
from domain.staff import Permission, allows
from handlers.services.alerts import ASSIGNED_ACTION, REASSIGNED_ACTION, available_counselors
from handlers.services.casework.entitlements import current_tier, tiers_with_curation
from handlers.services.feature import FeatureService
from handlers.services.membership.desk import card_line as membership_card_line
from handlers.services.staff_access import Actor
from handlers.views.cards import short_name
from handlers.views.casework import screens as views
from handlers.views.casework.buttons import CaseAction, CaseButton, Scope
from handlers.views.casework.listing import ClientList, ListedClient, NameSearch, card_keyboard, not_found_text
from handlers.views.dates.buttons import CounselorDate
from handlers.views.matching.buttons import matches_buttons
from handlers.views.membership import tier_name
from handlers.views.punctuation import listed
from handlers.views.texts import quote
from storage.matching_source import MatchPool, load_match_profile
from storage.records import ClientProfile, StaffMember, SuggestionRecord
from storage.repositories.casework import Assignment, ClientCounts, RegisteredClient

CARD_OPENED = "client.card_opened"
NOTE_ADDED = "client.note_added"
STAGE_CHANGED = "client.stage_changed"
FOLLOW_UP_SET = "client.follow_up_set"
CURATED = "client.curated"
PAGE_SIZE = 10
MAX_QUERY = 64  # characters of a search kept
REGISTERED = ("active", "paused")
MAX_DATE_IDEAS = 3
NAME_IN_BUTTON = 24


@dataclass(frozen=True)
class InReach:
    """A client the actor may act on: their profile and assignment, read afresh."""

    client_id: UUID
    profile: ClientProfile
    assignment: Assignment | None


@dataclass
class Casework(FeatureService):
    principal: Principal | None = None

    # --- who may act on whom ----------------------------------------------------------------------------
    async def reach(self, actor: Actor, client_id: UUID | None) -> InReach | str:
        """The client, if the actor may act on them; otherwise the refusal to show (callback data and typed
        references are never trusted: the assignment is read afresh)."""
        profile = None if client_id is None else await self.uow.profiles.get(client_id)
        if client_id is None or profile is None or profile.status not in REGISTERED:
            return _("This client record is not available.")
        assignment = await self.uow.assignments.get(client_id)
        assigned_to = None if assignment is None else assignment.counselor_id
        if not may_open(actor.role, actor.account_id, assigned_to) and not await self._serving(actor, client_id):
            return _("This client is not assigned to you (any more). Ask a manager if you need to help them.")
        return InReach(client_id, profile, assignment)

    async def _serving(self, actor: Actor, client_id: UUID) -> bool:
        """The actor is in a conversation with the client now (a claimed handoff): a client served on request
        has no counselor of their own, and whoever took their request may read and note their card meanwhile."""
        if actor.account_id is None:
            return False
        handoff = await self.uow.handoffs.serving(actor.account_id)
        return handoff is not None and handoff.client_id == client_id

    async def actor_id(self, actor: Actor) -> UUID:
        """The actor's account: an owner from ADMIN_IDS who never wrote to the bot gets one now, so the audit
        log and notes always name who acted."""
        if actor.account_id is not None:
            return actor.account_id
        assert self.principal is not None
        account, _created = await self.uow.accounts.get_or_create(
            self.principal.channel.value, self.principal.external_id, locale=self.principal.locale, now=self.now()
        )
        self.uow.principal_id = account.id
        return account.id

    async def audit(self, actor: Actor, action: str, client_id: UUID) -> None:
        await self.uow.audit.record(
            action=action, now=self.now(), actor_account_id=await self.actor_id(actor), subject_account_id=client_id
        )

    # --- the lists --------------------------------------------------------------------------------------
    async def client_list(self, actor: Actor, scope: Scope, page: int, *, demo: bool = False) -> ClientList:
        """A page of the actor's clients (`Scope.MINE`: in pipeline order, the next follow-up first, then the
        most recently active), of every client or of the unassigned ones (the most recently active first).
        Demo clients only with `demo`."""
        assignments = self.uow.assignments
        if scope is Scope.MINE:
            counselor = actor.account_id
            if counselor is None:
                rows, counts = [], ClientCounts(0, 0)
            else:
                rows = await assignments.registered(counselor=counselor, demo=demo)
                counts = await assignments.count_registered(counselor=counselor)
            rows = await self._in_pipeline_order(rows)
            total = len(rows)
            page, pages = _paged(total, page)
            rows = rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        else:
            unassigned_only = scope is Scope.UNASSIGNED
            counts = await assignments.count_registered(unassigned_only=unassigned_only)
            total = counts.real + (counts.demo if demo else 0)
            page, pages = _paged(total, page)
            rows = await assignments.registered(
                unassigned_only=unassigned_only, demo=demo, offset=page * PAGE_SIZE, limit=PAGE_SIZE
            )
        return ClientList(
            scope,
            total,
            page,
            pages,
            await self._listed(rows),
            self.today(),
            sees_every_client(actor.role),
            demo=demo,
            demo_hidden=0 if demo else counts.demo,
        )

    async def search(self, actor: Actor, typed: str) -> InReach | ClientList | str:
        """`/clients TEXT`: the client a reference names, else the clients whose name matches (one: their card;
        several: a list; none: what to say). Only clients the actor may open, never demo clients by name.

        Names are sealed, so matching by name opens them: the `NAME_SEARCH_LIMIT` most recently active clients
        at most (a reference finds anyone)."""
        query = " ".join(typed.split())[:MAX_QUERY]
        by_reference = await self.uow.assignments.clients(reference=query, limit=2)
        if len(by_reference) == 1:
            return await self.reach(actor, by_reference[0])
        if by_reference:
            return _("No single client has the reference “{reference}”. Send /clients to see your clients.").format(
                reference=quote(query[:32])
            )
        every = sees_every_client(actor.role)
        if not every and actor.account_id is None:
            rows = []
        else:
            counselor = None if every else actor.account_id
            rows = await self.uow.assignments.registered(counselor=counselor, limit=NAME_SEARCH_LIMIT + 1)
        search = NameSearch(query, NAME_SEARCH_LIMIT if len(rows) > NAME_SEARCH_LIMIT else None)
        rows = rows[:NAME_SEARCH_LIMIT]
        names = await self.uow.assignments.names([row.client_id for row in rows])
        found = [row for row in rows if name_matches(query, names.get(row.client_id))]
        if len(found) == 1:
            return await self.reach(actor, found[0].client_id)
        if not found:
            return not_found_text(search)
        shown = await self._listed(found[:PAGE_SIZE])
        return ClientList(
            Scope.MINE, len(found), 0, 1, shown, self.today(), sees_every_client(actor.role), search=search
        )

    async def _in_pipeline_order(self, rows: list[RegisteredClient]) -> list[RegisteredClient]:
        """`rows` (the most recently active first) by stage, then the nearest follow-up (none last)."""
        ids = [row.client_id for row in rows]
        stages = await self.uow.assignments.current_stages(ids)
        follow_ups = {c: a.follow_up_on for c, a in (await self.uow.assignments.of_clients(ids)).items()}
        order = {stage: i for i, stage in enumerate(Stage)}

        def pipeline_key(row: RegisteredClient) -> tuple[int, bool, date]:
            follow = follow_ups.get(row.client_id)
            return (order[stages.get(row.client_id, (Stage.NEW, None))[0]], follow is None, follow or date.max)

        return sorted(rows, key=pipeline_key)  # stable: the most recently active first within a key

    async def _listed(self, rows: list[RegisteredClient]) -> list[ListedClient]:
        """What a list shows of each client: profile, stage, next follow-up, day of last activity."""
        ids = [row.client_id for row in rows]
        stages = await self.uow.assignments.current_stages(ids)
        assignments = await self.uow.assignments.of_clients(ids)
        listed = []
        for row in rows:
            assignment = assignments.get(row.client_id)
            listed.append(
                ListedClient(
                    row.client_id,
                    await self.uow.profiles.get(row.client_id),
                    stages.get(row.client_id, (Stage.NEW, None))[0],
                    None if assignment is None else assignment.follow_up_on,
                    last_active=row.last_active.astimezone(self.zone).date(),
                    demo=row.demo,
                )
            )
        return listed

    # --- the card ---------------------------------------------------------------------------------------
    async def card(self, actor: Actor, found: InReach) -> tuple[str, InlineKeyboardMarkup]:
        """The client's card; every opening is audited."""
        client_id, profile, assignment = found.client_id, found.profile, found.assignment
        await self.audit(actor, CARD_OPENED, client_id)
        today = self.today()
        stages = await self.uow.assignments.current_stages([client_id])
        stage, since = stages.get(client_id, (None, None))
        counselor = None if assignment is None else await self.uow.staff.get(assignment.counselor_id)
        contacts = allows(actor.role, Permission.VIEW_CONTACTS)
        account = await self.uow.accounts.get(client_id) if contacts else None
        header = views.card_header(
            client_id,
            profile,
            stage=stage,
            since=since,
            counselor=counselor,
            follow_up=None if assignment is None else assignment.follow_up_on,
            today=today,
            zone=self.zone,
        )
        header += "\n" + await membership_card_line(self, client_id)
        sections = [
            header,
            views.profile_section(profile, today, contacts=contacts, account=account),
            views.preferences_lines(await self.uow.preferences.get(client_id)),
        ]
        optional = [
            await self._introductions(client_id),
            await self._dates(client_id),
            await self._notes(client_id),
        ]
        dates = await self._date_ideas(client_id) if allows(actor.role, Permission.SERVE_CLIENTS) else []
        return views.fit(sections, optional), card_keyboard(actor.role, client_id, dates)

    async def _date_ideas(self, client_id: UUID) -> list[InlineButton]:
        """For each connected pair of the client's without an open date: a button to propose one for them."""
        ideas = []
        for introduction in await self.uow.introductions.list_for(client_id):
            if introduction.state != IntroductionState.CONNECTED.value:
                continue
            if await self.uow.dates.open_for_introduction(introduction.id) is not None:
                continue
            other = await self.uow.profiles.get(introduction.other(client_id))
            side = 0 if introduction.first_id == client_id else 1
            data = CounselorDate(introduction=introduction.id.hex, side=side).pack()
            name = short_name(other)[:NAME_IN_BUTTON]
            ideas.append(InlineButton(text=_("📅 Date with {name}").format(name=name), callback_data=data))
        return ideas[:MAX_DATE_IDEAS]

    async def _introductions(self, client_id: UUID) -> str:
        introductions = await self.uow.introductions.list_for(client_id)
        recent = list(reversed(introductions))[: views.SHOWN_EVENTS]
        lines = []
        for introduction in recent:
            other = introduction.other(client_id)
            when = views.local_time(introduction.created_at, self.zone)[:10]
            who = views.client_reference(other, await self.uow.profiles.get(other))
            lines.append(f"• {when} · {who} · {views.introduction_state_label(introduction.state)}")
        return views.events_section(_("💞 <b>Introductions</b>"), lines, len(introductions))

    async def _dates(self, client_id: UUID) -> str:
        dates = await self.uow.dates.list_for(client_id)
        recent = list(reversed(dates))[: views.SHOWN_EVENTS]
        lines = []
        for meeting in recent:
            when = meeting.starts_at or (meeting.slots[0] if meeting.slots else meeting.created_at)
            other = meeting.other(client_id)
            who = views.client_reference(other, await self.uow.profiles.get(other))
            lines.append(
                f"• {views.local_time(when, self.zone)} · {who} · {views.date_state_label(str(meeting.state))}"
            )
        return views.events_section(_("📅 <b>Dates</b>"), lines, len(dates))

    async def _notes(self, client_id: UUID) -> str:
        notes = await self.uow.notes.list_for(client_id, limit=views.SHOWN_NOTES)
        total = len(notes) if len(notes) < views.SHOWN_NOTES else await self.uow.notes.count_for(client_id)
        authors: dict[UUID, StaffMember | None] = {}
        lines = []
        for note in notes:
            if note.author_id not in authors:
                authors[note.author_id] = await self.uow.staff.get(note.author_id)
            lines.append(views.note_line(note.created_at, authors[note.author_id], note.text, self.zone))
        return views.events_section(_("📝 <b>Notes</b>"), lines, total)

    # --- changes ----------------------------------------------------------------------------------------
    async def current_stage(self, client_id: UUID) -> Stage | None:
        return await self.uow.case_stages.current(client_id)

    async def change_stage(
        self, actor: Actor, client_id: UUID, stage: Stage, reason: ClosingReason | None = None
    ) -> bool:
        """Move the case (False: it is already there)."""
        current = await self.uow.case_stages.current(client_id)
        if stage is current:
            return False
        cause = stage_cause(stage, current, reason)
        await self.uow.assignments.set_stage(client_id, stage, cause=cause, now=self.now())
        await self.audit(actor, STAGE_CHANGED, client_id)
        return True

    async def add_note(self, actor: Actor, client_id: UUID, text: str) -> None:
        author = await self.actor_id(actor)
        await self.uow.notes.add(client_id, author_id=author, text=text, now=self.now())
        await self.audit(actor, NOTE_ADDED, client_id)

    async def set_follow_up(self, actor: Actor, client_id: UUID, day: date | None) -> bool:
        if not await self.uow.assignments.set_follow_up(client_id, day):
            return False
        await self.audit(actor, FOLLOW_UP_SET, client_id)
        return True

    # --- curation ---------------------------------------------------------------------------------------
    async def candidate_ideas(
        self, pool: MatchPool, client_id: UUID, k: int = 5
    ) -> list[tuple[UUID, ClientProfile | None]]:
        """The matcher's best candidates for the client right now (to help the counselor choose), with their
        profiles."""
        index = await pool.current(self.uow)
        if client_id not in index:
            return []
        excluded = await self.uow.suggestions.excluded_for(client_id)
        found = index.suggest(
            client_id, k=k, excluded=excluded, max_exposure=self.settings.max_daily_exposure, day=self.today()
        )
        return [(s.candidate_id, await self.uow.profiles.get(s.candidate_id)) for s in found]

    async def curation_refusal(self, found: InReach, *, html: bool) -> str | None:
        """Why the client's membership does not include a counselor's pick (None: it does); the entitlements
        table decides. `html`: for a message (the name escaped) rather than a button's alert."""
        tier = await current_tier(self.uow, found.client_id, self.now())
        if tier.entitlements.curation:
            return None
        name = (found.profile.display_name or "?")[:NAME_IN_BUTTON]
        return _("A counselor's pick is not part of {client}'s membership ({tier}). It comes with: {tiers}.").format(
            client=quote(name) if html else name,
            tier=tier_name(tier),
            tiers=listed(tier_name(with_it) for with_it in tiers_with_curation()),
        )

    async def find_candidates(self, reference: str) -> list[UUID]:
        return await self.uow.assignments.clients(reference=reference, limit=3)

    async def candidate_for(self, found: InReach, reference: str) -> tuple[UUID, ClientProfile | None] | str:
        """The candidate a reference names, when they may be proposed to the client; otherwise what to say."""
        candidates = await self.find_candidates(reference)
        if len(candidates) != 1:
            return _("No single client has the reference “{reference}”. Please check it and send it again.").format(
                reference=quote(reference[:32])
            )
        candidate_id = candidates[0]
        problem = await self.curation_check(found.client_id, candidate_id)
        if problem is not None:
            return problem_text(problem) + "\n" + _("Send another reference, or /cancel.")
        return candidate_id, await self.uow.profiles.get(candidate_id)

    async def curation_check(self, client_id: UUID, candidate_id: UUID) -> CurationProblem | None:
        client = await self.uow.profiles.get(client_id)
        candidate = await self.uow.profiles.get(candidate_id)
        account = await self.uow.accounts.get(candidate_id)
        candidate_active = (
            candidate is not None
            and candidate.status == "active"
            and account is not None
            and not account.is_deleted
            and not account.unreachable
        )
        already = (
            candidate_id in await self.uow.suggestions.excluded_for(client_id)
            or await self.uow.suggestions.for_pair(client_id, candidate_id) is not None
        )
        mine = await load_match_profile(self.uow, client_id, timezone=self.zone)
        theirs = await load_match_profile(self.uow, candidate_id, timezone=self.zone)
        acceptable = mine is not None and theirs is not None and mutually_acceptable(mine, theirs, day=self.today())
        return curation_problem(
            client_id,
            candidate_id,
            client_active=client is not None and client.status == "active",
            candidate_active=candidate_active,
            already=already,
            acceptable=acceptable,
        )

    async def propose(self, actor: Actor, found: InReach, candidate_id: UUID, note: str) -> CurationProblem | None:
        """The pick with its note, checked again (things may have changed while the note was written)."""
        problem = await self.curation_check(found.client_id, candidate_id)
        if problem is None:
            await self.curate(actor, found.client_id, candidate_id, note)
        return problem

    async def curate(self, actor: Actor, client_id: UUID, candidate_id: UUID, note: str) -> SuggestionRecord:
        """Queue the pick at the front of the client's next list and tell the client."""
        record = await self.uow.suggestions.add(
            client_id, candidate_id, source=Source.COUNSELOR, note=note, now=self.now()
        )
        await self.audit(actor, CURATED, client_id)
        await self.notifier.to_client(client_id, curation_notice, dedupe_key=f"curated:{record.id}")
        return record

    # --- reassignment -----------------------------------------------------------------------------------
    async def counselors(self) -> list[tuple[StaffMember, int]]:
        ids = await available_counselors(self.uow)
        loads = await self.uow.assignments.loads(ids)
        members = [await self.uow.staff.get(i) for i in ids]
        return [(m, loads.get(m.account_id, 0)) for m in members if m is not None]

    async def counselor_by_reference(self, reference: str) -> StaffMember | None:
        matching = [m for m, _load in await self.counselors() if m.account_id.hex.startswith(reference)]
        return matching[0] if len(matching) == 1 and reference else None

    async def reassign(self, actor: Actor, found: InReach, counselor: StaffMember) -> bool:
        before = None if found.assignment is None else found.assignment.counselor_id
        if before == counselor.account_id:
            return False
        by = await self.actor_id(actor)
        await self.uow.assignments.assign(found.client_id, counselor.account_id, now=self.now(), by=by)
        await self.audit(actor, ASSIGNED_ACTION if before is None else REASSIGNED_ACTION, found.client_id)
        name = views.client_reference(found.client_id, found.profile)
        key = f"assigned:{found.client_id}:{counselor.account_id}:{self.now().isoformat()}"
        await self.notifier.to_client(
            counselor.account_id, lambda: assigned_notice(name, found.client_id), dedupe_key=key
        )
        if before is not None and before != by:
            await self.notifier.to_client(before, lambda: taken_notice(name), dedupe_key=f"{key}:from")
        return True


def _paged(total: int, page: int) -> tuple[int, int]:
    """The page shown (`page` kept within the list) and how many there are (one at least)."""
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return min(max(page, 0), pages - 1), pages


def curation_notice() -> OutboundMessage:
    return OutboundMessage(
        text=_("💌 Your counselor has picked someone for you. They will be first in your next suggestions."),
        keyboard=matches_buttons(),
    )


def assigned_notice(name: str, client_id: UUID) -> OutboundMessage:
    button = InlineButton(
        text=_("Open the card"), callback_data=CaseButton(action=CaseAction.OPEN, client=client_id).pack()
    )
    return OutboundMessage(
        text=_("📋 A client was assigned to you: {client}. Send /clients to see all of yours.").format(client=name),
        keyboard=((button,),),
    )


def taken_notice(name: str) -> OutboundMessage:
    return OutboundMessage(text=_("📋 {client} is now looked after by another counselor.").format(client=name))


def problem_text(problem: CurationProblem) -> str:
    return {
        CurationProblem.CLIENT_INACTIVE: _("This client is not active (paused or gone), so they get no suggestions."),
        CurationProblem.SAME_PERSON: _("That is the client themself."),
        CurationProblem.CANDIDATE_INACTIVE: _("That person is not an active client who can be suggested now."),
        CurationProblem.ALREADY_SUGGESTED: _(
            "These two were already suggested to each other, or one of them passed on or reported the other."
        ),
        CurationProblem.NOT_ACCEPTABLE: _("They do not meet each other's must-haves, so this pick is not possible."),
    }[problem]
