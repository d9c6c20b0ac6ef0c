"""What casework shows staff: stage and reason labels, the client list, a client's card, audit lines.

Names and free text are escaped and clipped; a card that would pass Telegram's 4096 characters loses its
optional sections from the end (notes first).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from domain.casework import ClosingReason
from domain.delivery import MAX_TEXT
from domain.matching.decisions import IntroductionState
from domain.pipeline import Stage
from domain.profile import PreferencesData, ProfileData, from_fields
from domain.quality import AUDIT_REFERENCE_PREFIX
from domain.staff import Role
from handlers.views.cards import preferences_section, public_facts, short_name
from handlers.views.casework.buttons import short
from handlers.views.punctuation import labelled, listed, with_aside
from handlers.views.staff import role_label
from handlers.views.texts import (
    hobby_label,
    income_label,
    marital_label,
    option_label,
    personality_label,
    quote,
    quote_clipped,
)
from storage.records import Account, AuditEntry, ClientProfile, PartnerPreferences, StaffMember

NAME_BUDGET = 40
NOTE_PREVIEW = 300
HISTORY_BUDGET = 300
ABOUT_BUDGET = 400
SHOWN_NOTES = 3
SHOWN_EVENTS = 5


def stage_label(stage: Stage | None) -> str:
    if stage is None:
        return _("new")
    return {
        Stage.NEW: _("new"),
        Stage.PROFILE_COMPLETE: _("profile complete"),
        Stage.RECOMMENDING: _("recommending"),
        Stage.INTRODUCED: _("introduced"),
        Stage.MET: _("met"),
        Stage.DATING: _("dating"),
        Stage.MEETING_FAMILIES: _("meeting families"),
        Stage.ENGAGED_OR_MARRIED: _("engaged or married"),
        Stage.CLOSED: _("closed"),
    }[stage]


def closing_reason_label(reason: ClosingReason) -> str:
    return {
        ClosingReason.MARRIED: _("married"),
        ClosingReason.FOUND_ELSEWHERE: _("found a partner elsewhere"),
        ClosingReason.PAUSED_SEARCH: _("paused the search"),
        ClosingReason.UNRESPONSIVE: _("no longer responds"),
        ClosingReason.OTHER: _("other reason"),
    }[reason]


def staff_name(member: StaffMember | None) -> str:
    """A staff member's name for HTML text."""
    if member is None:
        return _("(unknown)")
    return quote_clipped(member.display_name or "", NAME_BUDGET) or _("(no name)")


def client_name(profile: ClientProfile | None) -> str:
    """A client's full name, for staff (HTML)."""
    return quote_clipped((profile.display_name if profile else None) or "?", NAME_BUDGET)


def button_name(profile: ClientProfile | None) -> str:
    name = (profile.display_name if profile else None) or "?"
    return name if len(name) <= 24 else name[:24] + "…"


def client_reference(client_id: UUID, profile: ClientProfile | None) -> str:
    """Short id and the name the client is called by: how staff lists name a client (HTML)."""
    name = quote_clipped(short_name(profile), 24)
    return f"{name} <code>{short(client_id)}</code>"


def local_time(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def follow_up_text(day: date | None, today: date) -> str:
    if day is None:
        return _("none")
    if day < today:
        return _("{date} (overdue)").format(date=day.isoformat())
    if day == today:
        return _("{date} (today)").format(date=day.isoformat())
    return day.isoformat()


def list_line(client_id: UUID, profile: ClientProfile | None, follow_up: date | None, today: date) -> str:
    line = "• " + client_reference(client_id, profile)
    if follow_up is not None:
        line += " · " + _("follow-up {date}").format(date=follow_up_text(follow_up, today))
    return line


# --- the card --------------------------------------------------------------------------------------------
def _yes_no(value: bool | None) -> str | None:
    if value is None:
        return None
    return _("Yes") if value else _("No")  # capitalised like every other answer on the card


def _hobbies(profile: ClientProfile) -> str | None:
    named = [hobby_label(code) for code in profile.hobbies]
    if profile.hobbies_text:
        named.append(quote_clipped(profile.hobbies_text, HISTORY_BUDGET))
    return listed(named) or None


def private_lines(profile: ClientProfile, *, contacts: bool, account: Account | None) -> list[str]:
    rows = [
        (_("Gender"), option_label("gender", profile.gender) if profile.gender else None),
        (_("Date of birth"), profile.birth_date.isoformat() if profile.birth_date else None),
        (_("Yearly income"), income_label(profile.income_band) if profile.income_band else None),
        (_("Marital history"), marital_label(profile.marital_history) if profile.marital_history else None),
        (_("Has children"), _yes_no(profile.has_children)),
        (
            _("Wants children"),
            option_label("wants_children", profile.wants_children) if profile.wants_children else None,
        ),
        (_("Personality"), listed(personality_label(code) for code in profile.personality) or None),
        (_("Hobbies"), _hobbies(profile)),
        (
            _("Relationship history"),
            quote_clipped(profile.relationship_history, HISTORY_BUDGET) if profile.relationship_history else None,
        ),
    ]
    lines = [labelled(title, value) for title, value in rows if value is not None]
    if contacts:
        lines.append(_("Phone: {phone}").format(phone=quote(profile.phone) if profile.phone else "—"))
        if account is not None and account.channel == "telegram" and account.external_id:
            lines.append(
                _('Telegram: <a href="tg://user?id={id}">open the chat</a>').format(id=quote(account.external_id))
            )
    return lines


def fit(sections: Sequence[str], optional: Sequence[str]) -> str:
    """The sections joined by blank lines, with as many optional ones (in order) as fit in one message."""
    chosen = [s for s in sections if s]
    for section in optional:
        if section and len("\n\n".join([*chosen, section])) <= MAX_TEXT:
            chosen.append(section)
    return "\n\n".join(chosen)[:MAX_TEXT]


def card_header(
    client_id: UUID,
    profile: ClientProfile,
    *,
    stage: Stage | None,
    since: datetime | None,
    counselor: StaffMember | None,
    follow_up: date | None,
    today: date,
    zone: ZoneInfo,
) -> str:
    status = {"active": _("in service"), "paused": _("paused")}.get(profile.status, profile.status)
    stage_text = stage_label(stage)
    if since is not None:
        stage_text = _("{stage} (since {date})").format(stage=stage_text, date=local_time(since, zone)[:10])
    lines = [
        _("🗂 <b>{name}</b> · <code>{reference}</code>").format(name=client_name(profile), reference=short(client_id)),
        _("Stage: {stage}").format(stage=stage_text),
        _("Counselor: {name}").format(name=staff_name(counselor) if counselor else _("not assigned")),
        _("Next follow-up: {date}").format(date=follow_up_text(follow_up, today)),
        _("Status: {status}").format(status=status),
    ]
    return "\n".join(lines)


def profile_section(profile: ClientProfile, today: date, *, contacts: bool, account: Account | None) -> str:
    data = from_fields(ProfileData, profile)
    lines = public_facts(data, today, name=profile.display_name or "?")
    lines += private_lines(profile, contacts=contacts, account=account)
    if profile.about_me:
        lines += ["", quote_clipped(profile.about_me, ABOUT_BUDGET)]
    return "\n".join(lines)


def preferences_lines(prefs: PartnerPreferences | None) -> str:
    body = preferences_section(from_fields(PreferencesData, prefs)).split("\n")[1:]
    return "\n".join([_("💞 <b>Partner preferences</b>"), *body])


def events_section(title: str, lines: Sequence[str], total: int) -> str:
    if not lines:
        return labelled(title, "—")
    more = [_("…and {count} more.").format(count=total - len(lines))] if total > len(lines) else []
    return "\n".join([with_aside(title, total), *lines, *more])


def introduction_state_label(state: str) -> str:
    return {
        IntroductionState.AWAITING.value: _("waiting for both to share contacts"),
        IntroductionState.CONNECTED.value: _("contacts exchanged"),
        IntroductionState.DECLINED.value: _("declined"),
    }.get(state, state)


def date_state_label(state: str) -> str:
    return {
        "proposed": _("proposed"),
        "confirmed": _("confirmed"),
        "withdrawn": _("withdrawn"),
        "cancelled": _("cancelled"),
    }.get(state, state)


def note_line(at: datetime, author: StaffMember | None, text: str, zone: ZoneInfo) -> str:
    return "• " + labelled(f"{local_time(at, zone)} {staff_name(author)}", quote_clipped(text, NOTE_PREVIEW))


# --- the audit log -----------------------------------------------------------------------------------------
def action_label(action: str) -> str:
    labels = {
        "client.card_opened": _("opened the client's card"),
        "client.note_added": _("added a note"),
        "client.stage_changed": _("changed the case stage"),
        "client.follow_up_set": _("set the follow-up date"),
        "client.curated": _("proposed a candidate"),
        "client.assigned": _("assigned the client"),
        "client.reassigned": _("reassigned the client"),
        "client.unassigned": _("left the client unassigned"),
        "client.registered": _("completed registration"),
        "client.contacts_viewed": _("saw the client's contacts"),
        "client.deleted_own_data": _("deleted their data"),
        "handoff.opened": _("asked for a counselor"),
        "handoff.claimed": _("took the client's request"),
        "handoff.closed": _("ended the conversation"),
        "handoff.listed": _("looked at the queue"),
        "match.introduced": _("introduced (both interested)"),
        "match.contacts_shared": _("exchanged contacts"),
        "match.reported": _("reported a profile"),
        "date.confirmed": _("confirmed a date"),
        "date.cancelled": _("cancelled a date"),
        "date.late_cancelled": _("cancelled a date late"),
        "staff.invited": _("invited a staff member"),
        "staff.joined": _("joined the staff"),
        "staff.owner_added": _("was made an owner"),
        "staff.role_changed": _("changed a staff role"),
        "staff.deactivated": _("deactivated a staff member"),
        "staff.reactivated": _("reactivated a staff member"),
        "staff.standard_accepted": _("accepted the service standard"),
        "staff.training_passed": _("passed a training module"),
        "staff.name_changed": _("changed the name clients see"),
    }
    return labels.get(action, f"<code>{quote(action)}</code>")


def audit_line(
    entry: AuditEntry,
    *,
    actor: str,
    subject: str | None,
    zone: ZoneInfo,
) -> str:
    line = f"• {local_time(entry.at, zone)} · {actor} · {action_label(entry.action)}"
    if subject is not None:
        line += f" · {subject}"
    return f"{line} · {audit_reference(entry.id)}"


def audit_reference(entry_id: UUID) -> str:
    """How an entry is named as evidence (a staff penalty's): audit#1a2b3c4d."""
    return f"<code>{AUDIT_REFERENCE_PREFIX}{entry_id.hex[:8]}</code>"


def actor_text(entry: AuditEntry, members: dict[UUID, StaffMember], clients: dict[UUID, ClientProfile]) -> str:
    actor = entry.actor_account_id
    if actor is None:
        return _("the system")
    member = members.get(actor)
    if member is not None:
        return with_aside(staff_name(member), role_label(Role(member.role)))
    return client_reference(actor, clients.get(actor))
