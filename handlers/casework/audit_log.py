"""/audit for managers: who opened or changed which client's data, and when; newest first, a page at a time,
filtered by a staff member or a client (buttons, or `/audit REFERENCE`)."""

from __future__ import annotations

from uuid import UUID

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.delivery import MAX_TEXT
from handlers.services.casework.casework import Casework
from handlers.views.casework import screens as views
from handlers.views.casework.buttons import AuditButton, AuditFilter
from handlers.views.keyboards import InlineKeyboardBuilder
from storage.records import ClientProfile, StaffMember

AUDIT_PAGE = 15


async def resolve_reference(work: Casework, reference: str) -> tuple[AuditFilter, UUID] | None:
    """A staff member or a client whose id starts with `reference` (exactly one)."""
    text = reference.lower().replace("-", "")
    if len(text) < 4:
        return None
    members = [m for m in await work.uow.staff.list(active_only=False) if m.account_id.hex.startswith(text)]
    if len(members) == 1:
        return AuditFilter.ACTOR, members[0].account_id
    clients = await work.uow.assignments.clients(reference=text, limit=2)
    if len(clients) == 1 and not members:
        return AuditFilter.SUBJECT, clients[0]
    return None


async def audit_view(
    work: Casework, chosen: AuditFilter, who: UUID | None, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    uow = work.uow
    members = {m.account_id: m for m in await uow.staff.list(active_only=False)}
    builder = InlineKeyboardBuilder()
    if chosen is AuditFilter.STAFF:
        for member in members.values():
            builder.button(
                text=(member.display_name or "?")[:32],
                callback_data=AuditButton(kind=AuditFilter.ACTOR, who=member.account_id),
            )
        builder.button(text=_("« Everything"), callback_data=AuditButton(kind=AuditFilter.ALL))
        builder.adjust(2)
        return _("Whose actions would you like to see?"), builder.as_markup()
    if chosen in (AuditFilter.ACTOR, AuditFilter.SUBJECT) and who is None:
        chosen = AuditFilter.ALL
    entries = await uow.audit.list_page(
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
        profile = await uow.profiles.get(person)
        if profile is not None:
            clients[person] = profile
    if chosen is AuditFilter.ACTOR and who is not None:
        title = _("<b>Audit log</b>: actions of {name}").format(name=_who(who, members, clients))
    elif chosen is AuditFilter.SUBJECT and who is not None:
        title = _("<b>Audit log</b>: about {client}").format(client=_who(who, members, clients))
    else:
        title = _("<b>Audit log</b>: everything")
    lines = [title, ""]
    for entry in entries:
        subject = entry.subject_account_id
        lines.append(
            views.audit_line(
                entry,
                actor=views.actor_text(entry, members, clients),
                subject=None
                if subject is None or subject == entry.actor_account_id
                else _who(subject, members, clients),
                zone=work.zone,
            )
        )
    if not entries:
        lines.append(_("Nothing recorded."))
    navigation = 0
    if page > 0:
        builder.button(text=_("« Newer"), callback_data=AuditButton(kind=chosen, who=who, page=page - 1))
        navigation += 1
    if more:
        builder.button(text=_("Older »"), callback_data=AuditButton(kind=chosen, who=who, page=page + 1))
        navigation += 1
    builder.button(text=_("By staff member"), callback_data=AuditButton(kind=AuditFilter.STAFF))
    sizes = [navigation] if navigation else []
    if chosen is not AuditFilter.ALL:
        builder.button(text=_("« Everything"), callback_data=AuditButton(kind=AuditFilter.ALL))
        sizes.append(2)
    else:
        sizes.append(1)
    builder.adjust(*sizes)
    text = "\n".join(lines)
    return text[:MAX_TEXT], builder.as_markup()


def _who(account_id: UUID, members: dict[UUID, StaffMember], clients: dict[UUID, ClientProfile]) -> str:
    member = members.get(account_id)
    if member is not None:
        return views.staff_name(member)
    return views.client_reference(account_id, clients.get(account_id))
