"""/audit for managers: who opened or changed which client's data, and when; newest first, a page at a time,
filtered by a staff member or a client (chosen by button, or by a typed reference)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from handlers.services.feature import FeatureService
from handlers.views.casework.audit import AuditPage
from handlers.views.casework.buttons import AuditFilter
from storage.records import ClientProfile

AUDIT_PAGE = 15
MIN_REFERENCE = 4


@dataclass
class AuditLog(FeatureService):
    async def reference(self, reference: str) -> tuple[AuditFilter, UUID] | None:
        """A staff member or a client whose id starts with `reference` (exactly one)."""
        text = reference.lower().replace("-", "")
        if len(text) < MIN_REFERENCE:
            return None
        members = [m for m in await self.uow.staff.list(active_only=False) if m.account_id.hex.startswith(text)]
        if len(members) == 1:
            return AuditFilter.ACTOR, members[0].account_id
        clients = await self.uow.assignments.clients(reference=text, limit=2)
        if len(clients) == 1 and not members:
            return AuditFilter.SUBJECT, clients[0]
        return None

    async def page(self, chosen: AuditFilter, who: UUID | None, page: int) -> AuditPage:
        """The entries of one page (or, for `AuditFilter.STAFF`, only the staff members to choose from)."""
        members = {m.account_id: m for m in await self.uow.staff.list(active_only=False)}
        if chosen is AuditFilter.STAFF:
            return AuditPage(chosen, None, page, [], False, members, {}, self.zone)
        if chosen in (AuditFilter.ACTOR, AuditFilter.SUBJECT) and who is None:
            chosen = AuditFilter.ALL
        entries = await self.uow.audit.list_page(
            actor_account_id=who if chosen is AuditFilter.ACTOR else None,
            subject_account_id=who if chosen is AuditFilter.SUBJECT else None,
            limit=AUDIT_PAGE + 1,
            offset=page * AUDIT_PAGE,
        )
        more = len(entries) > AUDIT_PAGE
        entries = entries[:AUDIT_PAGE]
        people = {e.subject_account_id for e in entries if e.subject_account_id is not None}
        people |= {e.actor_account_id for e in entries if e.actor_account_id is not None}
        if who is not None:
            people.add(who)
        clients: dict[UUID, ClientProfile] = {}
        for person in people - set(members):
            profile = await self.uow.profiles.get(person)
            if profile is not None:
                clients[person] = profile
        return AuditPage(chosen, who, page, entries, more, members, clients, self.zone)
