"""Staff roles, areas and permissions as people read them, the polite refusal that names what is missing,
and the staff office's screens: the service standard, invitations, the name clients see, what each role can
do (/help), the team list and a member's card."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from uuid import UUID

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.staff import (
    STAFF_NAME_LIMIT,
    Area,
    NameProblem,
    Permission,
    PermissionDenied,
    Refusal,
    Role,
    service_standard,
)
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.punctuation import labelled, listed, with_aside
from handlers.views.texts import current_locale, quote, quote_clipped
from storage.records import StaffMember

MAX_LISTED = 50
NAME_BUDGET = 32


class StaffAction(StrEnum):
    LIST = "list"
    OPEN = "open"
    ROLE = "role"
    DEACTIVATE = "off"
    REACTIVATE = "on"


class StaffButton(CallbackData, prefix="staff"):
    action: StaffAction
    member: UUID | None = None
    role: str = ""


class NameChoice(StrEnum):
    KEEP = "keep"  # the name the member has (a former member invited again)
    CHANNEL = "channel"  # the member's Telegram name, read from the press itself (never carried in the button)


class StaffNameButton(CallbackData, prefix="myname"):
    """A one-tap answer to "What name should clients see?"."""

    choice: NameChoice


def role_label(role: Role) -> str:
    labels = {
        Role.OWNER: _("owner"),
        Role.MANAGER: _("manager"),
        Role.COUNSELOR: _("counselor"),
        Role.TEAM_LEAD: _("team lead"),
        Role.CUSTOMER_SERVICE: _("customer service"),
        Role.FINANCE: _("finance"),
    }
    return labels[role]


def area_label(area: Area) -> str:
    labels = {
        Area.PERSONNEL: _("personnel"),
        Area.BUSINESS: _("business"),
        Area.FINANCE: _("finance"),
    }
    return labels[area]


def permission_label(permission: Permission) -> str:
    labels = {
        Permission.VIEW_STAFF: _("see the staff list"),
        Permission.INVITE_STAFF: _("invite staff"),
        Permission.CHANGE_ROLES: _("change staff roles"),
        Permission.DEACTIVATE_STAFF: _("deactivate or reactivate staff"),
        Permission.VIEW_KPIS: _("see staff KPIs"),
        Permission.MANAGE_HIRING: _("manage hiring"),
        Permission.MANAGE_TEAMS: _("manage teams"),
        Permission.APPROVE_COMMISSIONS: _("approve commission statements"),
        Permission.SET_COMMISSIONS: _("set the commission rules"),
        Permission.VIEW_CLIENTS: _("see client records"),
        Permission.ASSIGN_CLIENTS: _("assign clients"),
        Permission.SUPERVISE_QUALITY: _("supervise service quality"),
        Permission.HANDLE_COMPLAINTS: _("handle complaints"),
        Permission.SERVE_CLIENTS: _("serve clients (handoffs, relay chat, notes)"),
        Permission.RECOMMEND: _("recommend candidates to clients"),
        Permission.VIEW_CONTACTS: _("see clients' phone numbers and usernames"),
        Permission.LEAD_TEAM: _("lead a team"),
        Permission.VIEW_REPORTS: _("see management reports and set service-flow targets"),
        Permission.MANAGE_FEES: _("manage fees"),
        Permission.RECORD_PAYMENTS: _("record payments"),
        Permission.VIEW_LEDGER: _("see the ledger"),
    }
    return labels[permission]


def refusal_text(denied: PermissionDenied, role: Role | None) -> str:
    """A polite refusal that says what is missing (short enough for a button's alert: 200 characters)."""
    if denied.refusal is Refusal.NOT_STAFF:
        return _("Sorry, this is only for the agency's staff.")
    if denied.refusal is Refusal.MISSING_PERMISSION and denied.permission is not None and role is not None:
        return _(
            "Sorry, this needs the permission “{permission}” ({area} area), which the role {role} does not have. "
            "Please ask the agency's owner."
        ).format(
            permission=permission_label(denied.permission),
            area=area_label(denied.permission.area),
            role=role_label(role),
        )
    if denied.refusal is Refusal.TRAINING_PENDING:
        return _("Please pass your training first (/training); client records open after that.")
    if denied.refusal is Refusal.ROLE_NOT_GRANTABLE and denied.role is not None:
        return _("Sorry, giving the role {role} is beyond your authority. Please ask the agency's owner.").format(
            role=role_label(denied.role)
        )
    if denied.refusal is Refusal.MEMBER_OUTRANKS and denied.role is not None:
        return _(
            "Sorry, members with the role {role} are beyond your authority. Please ask the agency's owner."
        ).format(role=role_label(denied.role))
    if denied.refusal is Refusal.SELF:
        return _("You cannot change your own role or access. Please ask another owner or manager.")
    return _("Sorry, you cannot do this.")


# --- The service standard ----------------------------------------------------------------------------------


def standard_text() -> str:
    """The agency's text, escaped; its `# ` lines become bold headings."""
    lines = []
    for line in service_standard(current_locale()).splitlines():
        if line.startswith("# "):
            lines.append(f"<b>{quote(line[2:].strip())}</b>")
        else:
            lines.append(quote(line))
    return "\n".join(lines)


def standard_view() -> str:
    """The service standard, and where its quiz is (the first training module, docs/training.md)."""
    return standard_text() + "\n\n" + _("The quiz on it and the rest of your training: /training")


# --- The name clients see ----------------------------------------------------------------------------------


def name_question(current: str | None, suggestion: str | None) -> tuple[str, InlineKeyboardMarkup | None]:
    """Ask for the name clients see; one-tap buttons for the `current` name and the channel's `suggestion`."""
    text = _(
        "What name should clients see when you talk with them? Send it here (up to {limit} character), "
        "for example “Anna” or “李老师”.",
        "What name should clients see when you talk with them? Send it here (up to {limit} characters), "
        "for example “Anna” or “李老师”.",
        STAFF_NAME_LIMIT,
    ).format(limit=STAFF_NAME_LIMIT)
    options = []
    if current:
        options.append((_("Keep “{name}”").format(name=clipped(current)), NameChoice.KEEP))
    if suggestion and suggestion != current:
        options.append((_("Use “{name}”").format(name=clipped(suggestion)), NameChoice.CHANNEL))
    if not options:
        return text, None
    builder = InlineKeyboardBuilder()
    for label, choice in options:
        builder.button(text=label, callback_data=StaffNameButton(choice=choice))
    return text, builder.as_markup()


def name_problem_text(problem: NameProblem, typed: str) -> str:
    if problem is NameProblem.TOO_LONG:
        count = len(" ".join(typed.split()))
        return _(
            "That is {count} character; please keep it to {limit} or fewer.",
            "That is {count} characters; please keep it to {limit} or fewer.",
            count,
        ).format(count=count, limit=STAFF_NAME_LIMIT)
    if problem is NameProblem.NOT_A_NAME:
        return _("Please use only letters (in any language), spaces and . ' - · (no links, emoji or formatting).")
    return _("Please send the name as text.")


def name_saved_text(name: str) -> str:
    """The answer to the joining question (what the member can do follows)."""
    return _("Clients will see you as “{name}”. You can change it at any time with /myname.").format(name=quote(name))


def name_changed_text(name: str) -> str:
    return _("Clients will now see you as “{name}”.").format(name=quote(name))


def current_name_text(name: str | None) -> str:
    """/myname alone: the name clients see (or that there is none yet), and how to change it."""
    if name:
        return _("Clients see you as “{name}”.").format(name=quote(name)) + "\n" + myname_usage(name)
    return _("You have not chosen the name clients see yet.") + "\n" + myname_usage(name)


def myname_usage(name: str | None) -> str:
    """How to set the name (for someone who has `name`)."""
    example = "<code>/myname Anna</code>"
    if name:
        return _("To change it, send /myname and the new name, for example: {example}").format(example=example)
    return _("To choose it, send /myname and the name, for example: {example}").format(example=example)


# --- What each role can do (/help and the welcome) -------------------------------------------------------------


def command_line(command: str) -> str:
    """One staff command and what it is for (`handlers.staff.commands.STAFF_COMMANDS` names them all)."""
    lines = {
        "clients": _("/clients: your clients; /clients NAME or REF finds one"),
        "audit": _("/audit: who opened which client's data, and when"),
        "queue": _("/queue: clients waiting for a counselor"),
        "end": _("/end: end your conversation with a client"),
        "outbox": _("/outbox: what the bot is sending, and what failed"),
        "pilots": _("/pilots: pilots of service-flow changes, their comparison, roll-out or stop"),
        "report": _("/report: the funnel, stage times, the bottleneck and targets, with charts and an export"),
        "target": _("/target INTERVAL TIME PERCENT: set a service-flow target"),
        "events": _("/events: offline events, their seats, check-ins and picks"),
        "newevent": _("/newevent: publish an offline event"),
        "checkin": _("/checkin CODE: let a guest in at the door"),
        "cancelevent": _("/cancelevent REF: cancel an upcoming event and tell everyone signed up"),
        "editevent": _("/editevent REF: change an upcoming event and tell those it concerns"),
        "complaints": _("/complaints: open complaint cases, the oldest first"),
        "survey": _("/survey: the monthly satisfaction survey's results"),
        "transcript": _("/transcript REF: a client's conversations with counselors (audited)"),
        "penalty": _("/penalty: record a staff penalty"),
        "penalties": _("/penalties: penalties recorded against you, and your appeal"),
        "fees": _("/fees: every membership price now, and where it comes from"),
        "setprice": _("/setprice TIER TERM AMOUNT: a new price from now on"),
        "promo": _("/promo CODE 20% [days] [uses]: a new promo code"),
        "delivered": _("/delivered REF: a client's private custom engagement was delivered"),
        "refunds": _("/refunds: refund requests waiting for a decision"),
        "expense": _("/expense: enter an expense (amount, category, day, note, receipt)"),
        "close": _("/close YYYY-MM: close a month's books"),
        "reverse": _("/reverse NUMBER: correct an expense with a reversing entry"),
        "newchannel": _("/newchannel CODE Name: a new acquisition channel and its links"),
        "plan": _("/plan YEAR CATEGORY AMOUNT [threshold%]: a yearly budget"),
        "channels": _("/channels: acquisition channels, their links and this month's spend"),
        "budget": _("/budget [YYYY-MM]: budget against actual, and cost per client by channel"),
        "ledger": _("/ledger [YYYY-MM]: the month's ledger as XLSX and CSV, and a chart"),
        "staff": _("/staff: the team, their roles and access"),
        "invite": _("/invite ROLE: invite a new staff member"),
        "hiring": _("/hiring: open positions, candidates and hiring"),
        "standard": _("/standard: the agency's service standard"),
        "training": _("/training: your training modules and quizzes (managers: who is due)"),
        "myname": _("/myname: the name clients see"),
        "kpi": _("/kpi: appraisal KPIs for the month or quarter (yours, or the team ranked)"),
        "team": _("/team: your team, its clients and KPIs; hand a client to a team member"),
        "teams": _("/teams: the teams, who is in which, promotions to team lead"),
        "commissions": _("/commissions: the commission rules and their history"),
        "statements": _("/statements [YYYY-MM]: a month's commission statements, to approve"),
        "mycommission": _("/mycommission: your commission statements"),
    }
    return lines[command]


def staff_help(role: Role, commands: Sequence[str], *, training_due: bool, name: str | None) -> str:
    """What a staff member of `role` can do: their `commands` (the ones their permissions open), the
    commands everyone has, and the name clients see."""
    lines = [_("<b>What you can do as {role}</b>").format(role=role_label(role))]
    if training_due:
        lines.append(_("First pass your training: /training. Client records open after that."))
    lines += [command_line(command) for command in commands]
    lines += [
        _("/language: choose your language"),
        _("/cancel: stop what we are doing"),
        _("/help: this list"),
        "",
    ]
    if name:
        lines.append(_("Clients see you as “{name}”. To change it: /myname").format(name=quote(name)))
    else:
        lines.append(_("You have not chosen the name clients see yet: /myname"))
    return "\n".join(lines)


# --- Invitations ---------------------------------------------------------------------------------------------


def invite_usage(roles: Sequence[Role]) -> str:
    """How to use /invite, with the `roles` the sender may give."""
    choices = "\n".join(f"<code>/invite {role.value}</code>: {role_label(role)}" for role in roles)
    return _("Send /invite followed by the role of the new member:\n{choices}").format(choices=choices)


def unknown_role(typed: str, roles: Sequence[Role]) -> str:
    return _("I don't know the role “{role}”.").format(role=quote_clipped(typed, 40)) + "\n" + invite_usage(roles)


def invitation_text(role: Role, *, hours: int, payload: str, bot_username: str | None) -> str:
    """The invitation to pass on: the Telegram link (when the bot has a username) and the web chat command."""
    lines = [
        _(
            "An invitation for a new {role}, valid for {hours} hour and for one person only.",
            "An invitation for a new {role}, valid for {hours} hours and for one person only.",
            hours,
        ).format(role=role_label(role), hours=hours)
    ]
    if bot_username:
        lines.append(
            _("On Telegram, they open this link:\n{link}").format(link=f"https://t.me/{bot_username}?start={payload}")
        )
    lines.append(_("In the web chat, they send:\n{command}").format(command=f"<code>/start {payload}</code>"))
    lines.append(_("Send it to that person privately: whoever opens it first joins the staff."))
    return "\n\n".join(lines)


# --- The team ------------------------------------------------------------------------------------------------


def member_name(member: StaffMember) -> str:
    """The member's name for HTML text."""
    return quote_clipped(member.display_name or "", NAME_BUDGET) or _("(no name)")


def clipped(name: str) -> str:
    """A name for a button or a toast (plain text), cut to `NAME_BUDGET` characters."""
    return name[:NAME_BUDGET] + "…" if len(name) > NAME_BUDGET else name


def button_name(member: StaffMember) -> str:
    """The member's name for a button or a toast (plain text)."""
    return clipped(member.display_name or "") or _("(no name)")


def member_status(member: StaffMember) -> str:
    role = Role(member.role)
    notes = [role_label(role)]
    if not member.active:
        notes.append(_("deactivated"))
    return listed(notes)


def team_view(members: Sequence[StaffMember]) -> tuple[str, InlineKeyboardMarkup | None]:
    """The staff list (the first `MAX_LISTED`), a button for each member."""
    if not members:
        return _("There is nobody on the staff yet. Invite someone with /invite."), None
    builder = InlineKeyboardBuilder()
    lines = [_("<b>The agency's staff</b> ({count})").format(count=len(members))]
    for member in members[:MAX_LISTED]:
        lines.append("• " + labelled(member_name(member), member_status(member)))
        builder.button(
            text=with_aside(button_name(member), role_label(Role(member.role))),
            callback_data=StaffButton(action=StaffAction.OPEN, member=member.account_id),
        )
    if len(members) > MAX_LISTED:
        lines.append(_("…and {count} more.").format(count=len(members) - MAX_LISTED))
    lines.append(_("Choose a member to change their role or access."))
    return "\n".join(lines), builder.as_markup()


def member_card(member: StaffMember, *, manageable: bool, roles: Sequence[Role]) -> tuple[str, InlineKeyboardMarkup]:
    """A member's card; when the viewer may manage them, a button for each of `roles` they do not have
    and one for their access."""
    text = _("<b>{name}</b>\nRole: {role}\nStatus: {status}").format(
        name=member_name(member),
        role=role_label(Role(member.role)),
        status=_("active") if member.active else _("deactivated"),
    )
    builder = InlineKeyboardBuilder()
    if manageable:
        for role in roles:
            if role.value != member.role:
                builder.button(
                    text=_("Make {role}").format(role=role_label(role)),
                    callback_data=StaffButton(action=StaffAction.ROLE, member=member.account_id, role=role.value),
                )
        if member.active:
            builder.button(
                text=_("Deactivate"), callback_data=StaffButton(action=StaffAction.DEACTIVATE, member=member.account_id)
            )
        else:
            builder.button(
                text=_("Reactivate"), callback_data=StaffButton(action=StaffAction.REACTIVATE, member=member.account_id)
            )
    builder.button(text=_("« Back to the list"), callback_data=StaffButton(action=StaffAction.LIST))
    return text, builder.as_markup()


def handover_text(member: StaffMember, *, handed: int, waiting: int) -> str:
    """What became of a deactivated counselor's clients: `handed` to others, `waiting` for a counselor."""
    text = _(
        "{count} client of {name} was handed to other counselors.",
        "{count} clients of {name} were handed to other counselors.",
        handed,
    ).format(count=handed, name=member_name(member))
    if waiting:
        text += "\n" + _(
            "{count} is waiting for a counselor: nobody else is available.",
            "{count} are waiting for a counselor: nobody else is available.",
            waiting,
        ).format(count=waiting)
    return text
