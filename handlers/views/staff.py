"""Staff roles, areas and permissions as people read them, and the polite refusal that names what is missing."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from domain.staff import Area, Permission, PermissionDenied, Refusal, Role


def role_label(role: Role) -> str:
    labels = {
        Role.OWNER: _("owner"),
        Role.MANAGER: _("manager"),
        Role.COUNSELOR: _("counselor"),
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
        Permission.VIEW_CLIENTS: _("see client records"),
        Permission.ASSIGN_CLIENTS: _("assign clients"),
        Permission.SUPERVISE_QUALITY: _("supervise service quality"),
        Permission.HANDLE_COMPLAINTS: _("handle complaints"),
        Permission.SERVE_CLIENTS: _("serve clients (handoffs, relay chat, notes)"),
        Permission.RECOMMEND: _("recommend candidates to clients"),
        Permission.VIEW_CONTACTS: _("see clients' phone numbers and usernames"),
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
    if denied.refusal is Refusal.STANDARD_PENDING:
        return _("Please read and accept the service standard first (/standard); client records open after that.")
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
