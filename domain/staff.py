"""The agency's staff: roles, the areas of authority, who may do what, and the service standard.

The agency works in three areas of authority (docs/staff.md): personnel, business and finance. Each
permission belongs to one area, and `PERMISSIONS` says which role holds which. Checks raise
`PermissionDenied` naming what is missing, so the bot can say so politely; they never look at anything but
codes, so the exception carries no personal data.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from importlib import resources

from domain.languages import SIMPLIFIED, TRADITIONAL, to_traditional


class Role(StrEnum):
    OWNER = "owner"  # the agency's owner or administrator (ADMIN_IDS are owners)
    MANAGER = "manager"
    COUNSELOR = "counselor"
    CUSTOMER_SERVICE = "customer_service"
    FINANCE = "finance"
    TEAM_LEAD = "team_lead"  # a counselor who also leads a team (docs/teams.md); last: the stored order


class Area(StrEnum):
    PERSONNEL = "personnel"
    BUSINESS = "business"
    FINANCE = "finance"


class Permission(StrEnum):
    # Personnel
    VIEW_STAFF = "view_staff"
    INVITE_STAFF = "invite_staff"
    CHANGE_ROLES = "change_roles"
    DEACTIVATE_STAFF = "deactivate_staff"
    VIEW_KPIS = "view_kpis"
    MANAGE_HIRING = "manage_hiring"  # positions, candidates, hiring (docs/hiring.md)
    MANAGE_TEAMS = "manage_teams"  # teams, their members, promotion to team lead (docs/teams.md)
    APPROVE_COMMISSIONS = "approve_commissions"  # draw up and approve commission statements
    SET_COMMISSIONS = "set_commissions"  # the commission rules (owners: docs/commissions.md)
    # Business
    VIEW_CLIENTS = "view_clients"
    ASSIGN_CLIENTS = "assign_clients"
    SUPERVISE_QUALITY = "supervise_quality"
    HANDLE_COMPLAINTS = "handle_complaints"
    SERVE_CLIENTS = "serve_clients"  # claim handoffs, talk with clients through the relay, notes, follow-ups
    RECOMMEND = "recommend"  # propose a candidate to a client (a counselor's pick)
    VIEW_CONTACTS = "view_contacts"  # see a client's phone number and Telegram username
    LEAD_TEAM = "lead_team"  # see and reassign the clients of one's team, see its KPIs (docs/teams.md)
    VIEW_REPORTS = "view_reports"  # management reports, service-flow targets, the weekly digest (docs/reports.md)
    # Finance
    MANAGE_FEES = "manage_fees"
    RECORD_PAYMENTS = "record_payments"
    VIEW_LEDGER = "view_ledger"

    @property
    def area(self) -> Area:
        return AREAS[self]


AREAS: dict[Permission, Area] = {
    Permission.VIEW_STAFF: Area.PERSONNEL,
    Permission.INVITE_STAFF: Area.PERSONNEL,
    Permission.CHANGE_ROLES: Area.PERSONNEL,
    Permission.DEACTIVATE_STAFF: Area.PERSONNEL,
    Permission.VIEW_KPIS: Area.PERSONNEL,
    Permission.MANAGE_HIRING: Area.PERSONNEL,
    Permission.MANAGE_TEAMS: Area.PERSONNEL,
    Permission.APPROVE_COMMISSIONS: Area.PERSONNEL,
    Permission.SET_COMMISSIONS: Area.PERSONNEL,
    Permission.VIEW_CLIENTS: Area.BUSINESS,
    Permission.ASSIGN_CLIENTS: Area.BUSINESS,
    Permission.SUPERVISE_QUALITY: Area.BUSINESS,
    Permission.HANDLE_COMPLAINTS: Area.BUSINESS,
    Permission.SERVE_CLIENTS: Area.BUSINESS,
    Permission.RECOMMEND: Area.BUSINESS,
    Permission.VIEW_CONTACTS: Area.BUSINESS,
    Permission.LEAD_TEAM: Area.BUSINESS,
    Permission.VIEW_REPORTS: Area.BUSINESS,
    Permission.MANAGE_FEES: Area.FINANCE,
    Permission.RECORD_PAYMENTS: Area.FINANCE,
    Permission.VIEW_LEDGER: Area.FINANCE,
}

_PERSONNEL = frozenset(p for p, area in AREAS.items() if area is Area.PERSONNEL)
_BUSINESS = frozenset(p for p, area in AREAS.items() if area is Area.BUSINESS)
_FINANCE = frozenset(p for p, area in AREAS.items() if area is Area.FINANCE)
_COUNSELOR = frozenset({Permission.VIEW_CLIENTS, Permission.SERVE_CLIENTS, Permission.RECOMMEND})

# The permission table: what each role may do.
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    # Managers see money figures (budget, channels); the commission rules are the owner's, and a team is led by
    # its team lead (managers reassign any client anyway).
    Role.MANAGER: (_PERSONNEL - {Permission.SET_COMMISSIONS})
    | (_BUSINESS - {Permission.LEAD_TEAM})
    | {Permission.VIEW_LEDGER},
    Role.COUNSELOR: _COUNSELOR,
    Role.TEAM_LEAD: _COUNSELOR | {Permission.LEAD_TEAM},
    Role.CUSTOMER_SERVICE: frozenset(
        {Permission.VIEW_CLIENTS, Permission.HANDLE_COMPLAINTS, Permission.SERVE_CLIENTS}
    ),
    Role.FINANCE: _FINANCE,
}

# Permissions that show client data: only after the member has passed the required training (docs/training.md).
CLIENT_DATA: frozenset[Permission] = frozenset(
    {
        Permission.VIEW_CLIENTS,
        Permission.ASSIGN_CLIENTS,
        Permission.SUPERVISE_QUALITY,
        Permission.HANDLE_COMPLAINTS,
        Permission.SERVE_CLIENTS,
        Permission.RECOMMEND,
        Permission.VIEW_CONTACTS,
        Permission.LEAD_TEAM,
    }
)

# Which roles a role may give (by invite or role change), and so which members it may manage.
GRANTABLE: dict[Role, frozenset[Role]] = {
    Role.OWNER: frozenset(Role),
    Role.MANAGER: frozenset({Role.COUNSELOR, Role.TEAM_LEAD, Role.CUSTOMER_SERVICE}),
    Role.COUNSELOR: frozenset(),
    Role.TEAM_LEAD: frozenset(),
    Role.CUSTOMER_SERVICE: frozenset(),
    Role.FINANCE: frozenset(),
}


class Refusal(StrEnum):
    NOT_STAFF = "not_staff"  # a client or visitor
    MISSING_PERMISSION = "missing_permission"  # the role does not hold `permission`
    TRAINING_PENDING = "training_pending"  # client data before the required training is passed (/training)
    ROLE_NOT_GRANTABLE = "role_not_grantable"  # giving `role` is above the actor's authority
    MEMBER_OUTRANKS = "member_outranks"  # the member's role `role` is above the actor's authority
    SELF = "self"  # one's own role or access cannot be changed by oneself


class PermissionDenied(Exception):  # noqa: N818 (the name the design uses; it is a refusal, not an error)
    """A refusal: why, and what is missing (`permission`, or the `role` that is out of reach)."""

    def __init__(self, refusal: Refusal, *, permission: Permission | None = None, role: Role | None = None) -> None:
        self.refusal = refusal
        self.permission = permission
        self.role = role
        super().__init__(refusal, permission, role)

    def __str__(self) -> str:
        missing = self.permission or self.role
        return self.refusal.value if missing is None else f"{self.refusal.value}: {missing.value}"

    @property
    def area(self) -> Area | None:
        return None if self.permission is None else self.permission.area


def parse_role(value: str) -> Role | None:
    """A role from its code (as typed after /invite or carried by a button); None if there is no such role."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        return None


def needs_training(role: Role) -> bool:
    """Everyone but the owner passes the training on the service standard before client data opens (the owner
    is the one who sets it; docs/training.md)."""
    return role is not Role.OWNER


def allows(role: Role | None, permission: Permission) -> bool:
    return role is not None and permission in PERMISSIONS[role]


def ensure_staff(role: Role | None) -> Role:
    if role is None:
        raise PermissionDenied(Refusal.NOT_STAFF)
    return role


def ensure(role: Role | None, permission: Permission, *, trained: bool = True) -> Role:
    """The role holds `permission`; for client data, the required training is passed too
    (`domain.personnel.training.cleared`)."""
    role = ensure_staff(role)
    if permission not in PERMISSIONS[role]:
        raise PermissionDenied(Refusal.MISSING_PERMISSION, permission=permission)
    if permission in CLIENT_DATA and needs_training(role) and not trained:
        raise PermissionDenied(Refusal.TRAINING_PENDING, permission=permission)
    return role


def ensure_personnel(role: Role | None, permission: Permission) -> Role:
    """A personnel check (`permission` must be one of the personnel area)."""
    if permission.area is not Area.PERSONNEL:
        raise ValueError(f"{permission.value} is not a personnel permission")
    return ensure(role, permission)


def ensure_can_grant(actor: Role | None, role: Role) -> None:
    """The actor may give `role` to someone (an invite, a role change)."""
    if role not in GRANTABLE[ensure_staff(actor)]:
        raise PermissionDenied(Refusal.ROLE_NOT_GRANTABLE, role=role)


def ensure_can_manage(actor: Role | None, member_role: Role, *, is_self: bool) -> None:
    """The actor may change the role or the access of a member whose role is `member_role`."""
    actor = ensure_staff(actor)
    if is_self:
        raise PermissionDenied(Refusal.SELF)
    if member_role not in GRANTABLE[actor]:
        raise PermissionDenied(Refusal.MEMBER_OUTRANKS, role=member_role)


# --- The name clients see -------------------------------------------------------------------------------

STAFF_NAME_LIMIT = 32  # characters: fits a relay line and an alert without clipping
# Besides letters (any script), combining marks, digits and spaces, what a name may hold: the dots and dashes
# of initials and double names, apostrophes, and the middle dots of Chinese and Japanese transliterations.
NAME_PUNCTUATION = frozenset(".'’-·・")


class NameProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"  # more than STAFF_NAME_LIMIT characters
    NOT_A_NAME = "not_a_name"  # markup, links, emoji, line breaks, or no letter at all


def staff_name(typed: str) -> str | NameProblem:
    """The name a staff member chose for clients to see, tidied (NFKC, spaces collapsed), or what is wrong.

    Only letters, marks, digits, spaces and `NAME_PUNCTUATION`, with at least one letter: nothing that would
    read as formatting, a link, a mention or a command where the name is shown.
    """
    text = unicodedata.normalize("NFKC", typed).strip()
    if "\n" in text or "\r" in text:  # one line: a name, not a message
        return NameProblem.NOT_A_NAME
    name = " ".join(text.split())
    if not name:
        return NameProblem.EMPTY
    if len(name) > STAFF_NAME_LIMIT:
        return NameProblem.TOO_LONG
    allowed = all(char == " " or char in NAME_PUNCTUATION or unicodedata.category(char)[0] in "LMN" for char in name)
    if not allowed or not any(unicodedata.category(char)[0] == "L" for char in name):
        return NameProblem.NOT_A_NAME
    return name


# --- The service standard -------------------------------------------------------------------------------


def service_standard(locale: str) -> str:
    """The agency's service standard in `locale`: Traditional Chinese is made from the Simplified text, and a
    language without a text of its own (Russian until the agency writes one) reads the English.

    The agency edits `domain/data/training/standard.<locale>.md` (the first training module, with its quiz in
    `standard.json`: docs/training.md); it is read on every call, so an edit shows without a restart.
    """
    data = resources.files("domain.data").joinpath("training")
    if locale == TRADITIONAL:
        return to_traditional(data.joinpath(f"standard.{SIMPLIFIED}.md").read_text(encoding="utf-8").strip())
    standard = data.joinpath(f"standard.{locale}.md")
    if not standard.is_file():
        standard = data.joinpath("standard.en.md")
    return standard.read_text(encoding="utf-8").strip()
