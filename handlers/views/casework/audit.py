"""/audit as shown to managers: a page of the log (newest first), filtered by a staff member or a client, or the
list of staff members to filter by."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.delivery import MAX_TEXT
from handlers.views.casework import screens as views
from handlers.views.casework.buttons import AuditButton, AuditFilter
from handlers.views.keyboards import InlineKeyboardBuilder
from storage.records import AuditEntry, ClientProfile, StaffMember


@dataclass(frozen=True)
class AuditPage:
    """What one /audit screen shows. `members`: every staff member (by account); `clients`: the profiles of the
    other people named on the page."""

    chosen: AuditFilter
    who: UUID | None
    page: int
    entries: list[AuditEntry]
    more: bool
    members: dict[UUID, StaffMember]
    clients: dict[UUID, ClientProfile]
    zone: ZoneInfo

    def name(self, account_id: UUID) -> str:
        member = self.members.get(account_id)
        if member is not None:
            return views.staff_name(member)
        return views.client_reference(account_id, self.clients.get(account_id))


def audit_view(shown: AuditPage) -> tuple[str, InlineKeyboardMarkup]:
    if shown.chosen is AuditFilter.STAFF:
        return _staff_choice(shown.members.values())
    chosen, who = shown.chosen, shown.who
    builder = InlineKeyboardBuilder()
    if chosen is AuditFilter.ACTOR and who is not None:
        title = _("<b>Audit log</b>: actions of {name}").format(name=shown.name(who))
    elif chosen is AuditFilter.SUBJECT and who is not None:
        title = _("<b>Audit log</b>: about {client}").format(client=shown.name(who))
    else:
        title = _("<b>Audit log</b>: everything")
    lines = [title, ""]
    for entry in shown.entries:
        subject = entry.subject_account_id
        lines.append(
            views.audit_line(
                entry,
                actor=views.actor_text(entry, shown.members, shown.clients),
                subject=None if subject is None or subject == entry.actor_account_id else shown.name(subject),
                zone=shown.zone,
            )
        )
    if not shown.entries:
        lines.append(_("Nothing recorded."))
    navigation = 0
    if shown.page > 0:
        builder.button(text=_("« Newer"), callback_data=AuditButton(kind=chosen, who=who, page=shown.page - 1))
        navigation += 1
    if shown.more:
        builder.button(text=_("Older »"), callback_data=AuditButton(kind=chosen, who=who, page=shown.page + 1))
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


def _staff_choice(members: Iterable[StaffMember]) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for member in members:
        builder.button(
            text=(member.display_name or "?")[:32],
            callback_data=AuditButton(kind=AuditFilter.ACTOR, who=member.account_id),
        )
    builder.button(text=_("« Everything"), callback_data=AuditButton(kind=AuditFilter.ALL))
    builder.adjust(2)
    return _("Whose actions would you like to see?"), builder.as_markup()
