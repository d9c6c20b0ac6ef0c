"""What staff see of teams: a team lead's team, its clients and the handing over of one (/team), the team's
KPIs, and the managers' list of teams with the promotion suggestions (/teams)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.personnel.kpis import Period, StaffKpis, TeamAverage
from domain.personnel.teams import TeamProblem
from handlers.views.cards import short_name
from handlers.views.casework.screens import client_reference
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.kpis import period_buttons, period_label
from handlers.views.punctuation import labelled, listed, with_aside
from handlers.views.texts import quote_clipped
from storage.records import ClientProfile, StaffMember

NAME_BUDGET = 24


class TeamAct(StrEnum):
    TEAM = "team"  # the lead's team
    CLIENT = "client"  # choose whom to hand a client to
    HAND = "hand"  # hand the client to the member
    KPIS = "kpis"  # the team's KPIs: this month, or the period in `period`
    PROMOTE = "promote"  # a manager makes a counselor team lead


class TeamButton(CallbackData, prefix="tm"):
    act: TeamAct
    client: str = ""  # an account id in 22 URL-safe base64 characters (fits two ids in 64 bytes)
    member: str = ""
    period: str = ""  # KPIS: a Period.code ("" for this month)


def pack_id(value: UUID) -> str:
    return base64.urlsafe_b64encode(value.bytes).decode().rstrip("=")


def unpack_id(value: str) -> UUID | None:
    if len(value) != 22:
        return None
    try:
        return UUID(bytes=base64.urlsafe_b64decode(value + "=="))
    except ValueError:
        return None


def member_label(member: StaffMember) -> str:
    name = quote_clipped(member.display_name, NAME_BUDGET) if member.display_name else _("a member without a name")
    return f"{name} <code>{member.account_id.hex[:8]}</code>"


def _plain_name(member: StaffMember) -> str:
    return (member.display_name or member.account_id.hex[:8])[:NAME_BUDGET]


# --- the lead's view -----------------------------------------------------------------------------------------


def team_view(
    lead: StaffMember,
    members: Sequence[StaffMember],
    clients: Sequence[tuple[UUID, ClientProfile | None, UUID]],
    shown: int,
) -> tuple[str, InlineKeyboardMarkup]:
    """`clients`: (client, profile, counselor) of the whole team; the first `shown` get a button."""
    counts = {lead.account_id: 0, **{m.account_id: 0 for m in members}}
    for _client, _profile, counselor in clients:
        counts[counselor] = counts.get(counselor, 0) + 1
    names = {m.account_id: member_label(m) for m in (lead, *members)}
    lines = [_("👥 <b>Your team</b>")]
    if not members:
        lines.append(_("Nobody is in your team yet: a manager adds counselors with /teams."))
    for member in (lead, *members):
        count = counts.get(member.account_id, 0)
        lines.append(
            with_aside(names[member.account_id], _("{count} client", "{count} clients", count).format(count=count))
        )
    lines += ["", _("<b>The team's clients</b> ({count})").format(count=len(clients))]
    builder = InlineKeyboardBuilder()
    for client_id, profile, counselor in clients[:shown]:
        lines.append(labelled(client_reference(client_id, profile), names.get(counselor, "—")))
        builder.button(
            text=f"↪️ {short_name(profile)[:NAME_BUDGET]} {client_id.hex[:8]}",
            callback_data=TeamButton(act=TeamAct.CLIENT, client=pack_id(client_id)),
        )
    hidden = len(clients) - shown
    if hidden > 0:
        lines.append(_("… and {count} more client", "… and {count} more clients", hidden).format(count=hidden))
    if clients:
        lines.append(_("Press a client to hand them to another member of the team."))
    builder.button(text=_("📊 The team's KPIs this month"), callback_data=TeamButton(act=TeamAct.KPIS))
    return "\n".join(lines), builder.as_markup()


def choose_member(
    client_id: UUID, profile: ClientProfile | None, choices: Sequence[StaffMember]
) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for member in choices:
        builder.button(
            text=f"👤 {_plain_name(member)}",
            callback_data=TeamButton(act=TeamAct.HAND, client=pack_id(client_id), member=pack_id(member.account_id)),
        )
    builder.button(text=_("⬅️ Back to the team"), callback_data=TeamButton(act=TeamAct.TEAM))
    if not choices:
        return _("There is nobody else in your team to hand {client} to.").format(
            client=client_reference(client_id, profile)
        ), builder.as_markup()
    return _("Whom should {client} be handed to?").format(client=client_reference(client_id, profile)), (
        builder.as_markup()
    )


def handed_over(member: StaffMember) -> str:
    return _("Done: the client is now looked after by {name}.").format(name=member_label(member))


def not_in_team() -> str:
    return _("This client or member is not in your team (any more).")


def same_counselor() -> str:
    return _("The client is with that counselor already.")


def no_team() -> str:
    return _("You lead no team (any more). Ask a manager.")


def _figure(value: Decimal | int | None) -> str:
    return "—" if value is None else str(value)


def kpi_view(
    period: Period,
    today_period: Period,
    figures: Sequence[StaffKpis],
    average: TeamAverage,
    names: dict[UUID, str],
) -> tuple[str, InlineKeyboardMarkup]:
    """The team's figures for `period`, with /kpi's period keyboard (never past `today_period`)."""
    lines = [_("📊 <b>The team's KPIs, {period}</b>").format(period=period_label(period))]
    for figure in figures:
        lines.append(
            _(
                "{name}: clients {clients}, introductions {introductions}, dating {dating}, "
                "satisfaction {satisfaction}, complaints upheld {complaints}"
            ).format(
                name=names.get(figure.staff_id, figure.staff_id.hex[:8]),
                clients=figure.clients_served,
                introductions=figure.introductions,
                dating=figure.reached_dating,
                satisfaction=_figure(figure.satisfaction),
                complaints=figure.complaints_upheld,
            )
        )
    lines.append(
        _(
            "Team average: clients {clients}, introductions {introductions}, dating {dating}, "
            "satisfaction {satisfaction}"
        ).format(
            clients=average.clients_served,
            introductions=average.introductions,
            dating=average.reached_dating,
            satisfaction=_figure(average.satisfaction),
        )
    )
    builder = InlineKeyboardBuilder()
    count = period_buttons(builder, period, today_period, lambda shown: TeamButton(act=TeamAct.KPIS, period=shown.code))
    builder.button(text=_("⬅️ Back to the team"), callback_data=TeamButton(act=TeamAct.TEAM))
    builder.adjust(count, 1)
    return "\n".join(lines), builder.as_markup()


# --- managers ------------------------------------------------------------------------------------------------


def teams_view(
    teams: Sequence[tuple[StaffMember, Sequence[StaffMember]]],
    loose: Sequence[StaffMember],
    suggested: Sequence[StaffMember],
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("👥 <b>Teams</b>")]
    if not teams:
        lines.append(_("No team yet: make a counselor team lead (/staff), then add counselors to their team."))
    for lead, members in teams:
        team = listed(member_label(m) for m in members) if members else _("nobody yet")
        lines.append(labelled(f"👤 {member_label(lead)}", team))
    if loose:
        lines.append(labelled(_("Not in a team"), listed(member_label(m) for m in loose)))
    lines += ["", teams_usage()]
    builder = InlineKeyboardBuilder()
    if suggested:
        lines += [
            "",
            _(
                "⭐ <b>Suggested for promotion</b> (top quarter on satisfaction and dating couples for two months, "
                "no upheld complaint):"
            ),
        ]
        for member in suggested:
            lines.append(member_label(member))
            builder.button(
                text=_("⭐ Make {name} team lead").format(name=_plain_name(member)),
                callback_data=TeamButton(act=TeamAct.PROMOTE, member=pack_id(member.account_id)),
            )
    return "\n".join(lines), builder.as_markup()


def teams_usage() -> str:
    return _(
        "<code>/teams add MEMBER LEAD</code>: put a counselor in a team lead's team\n"
        "<code>/teams remove MEMBER</code>: take a counselor out of their team\n"
        "(MEMBER and LEAD: the first characters of their reference)"
    )


def placed(member: StaffMember) -> str:
    return _("Done: {name} is in the team now.").format(name=member_label(member))


def removed(member: StaffMember) -> str:
    return _("Done: {name} is in no team now.").format(name=member_label(member))


def no_member() -> str:
    return _("I found no single active staff member with that reference.")


def no_lead() -> str:
    return _("I found no single active team lead with that reference.")


def not_in_a_team(member: StaffMember) -> str:
    return _("{name} is not in a team.").format(name=member_label(member))


def team_problem(problem: TeamProblem) -> str:
    return {
        TeamProblem.NOT_A_LEAD: _("That member is not a team lead. Make them one first (/staff)."),
        TeamProblem.NOT_A_COUNSELOR: _("Only counselors join a team."),
        TeamProblem.ALREADY_THERE: _("That counselor is in that team already."),
        TeamProblem.NOT_IN_TEAM: _("That counselor is not in the team."),
    }[problem]


def promoted(member: StaffMember) -> str:
    return _("⭐ {name} is a team lead now.").format(name=member_label(member))


def not_promotable() -> str:
    return _("That member is not an active counselor (any more).")
