"""The permission table, the `ensure_*` checks, invite codes and the service standard, without the bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain import invites
from domain.staff import (
    CLIENT_DATA,
    GRANTABLE,
    PERMISSIONS,
    STAFF_NAME_LIMIT,
    Area,
    NameProblem,
    Permission,
    PermissionDenied,
    Refusal,
    Role,
    ensure,
    ensure_can_grant,
    ensure_can_manage,
    ensure_personnel,
    parse_role,
    service_standard,
    staff_name,
)
from storage.choices import STAFF_ROLES

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_the_roles_are_the_stored_roles() -> None:
    assert tuple(role.value for role in Role) == STAFF_ROLES


def test_the_permission_table() -> None:
    def area(name: Area) -> set[Permission]:
        return {p for p in Permission if p.area is name}

    assert PERMISSIONS[Role.OWNER] == set(Permission)
    # The commission rules are the owner's; /team is a team lead's own (docs/teams.md).
    assert PERMISSIONS[Role.MANAGER] == (area(Area.PERSONNEL) - {Permission.SET_COMMISSIONS}) | (
        area(Area.BUSINESS) - {Permission.LEAD_TEAM}
    ) | {Permission.VIEW_LEDGER}
    assert PERMISSIONS[Role.TEAM_LEAD] == PERMISSIONS[Role.COUNSELOR] | {Permission.LEAD_TEAM}
    assert PERMISSIONS[Role.COUNSELOR] == {Permission.VIEW_CLIENTS, Permission.SERVE_CLIENTS, Permission.RECOMMEND}
    assert PERMISSIONS[Role.CUSTOMER_SERVICE] == {
        Permission.VIEW_CLIENTS,
        Permission.HANDLE_COMPLAINTS,
        Permission.SERVE_CLIENTS,
    }
    assert Permission.VIEW_CONTACTS not in PERMISSIONS[Role.COUNSELOR]  # counselors never see phones
    assert PERMISSIONS[Role.FINANCE] == area(Area.FINANCE)
    assert CLIENT_DATA.issubset(area(Area.BUSINESS))


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_ensure_follows_the_table_and_names_what_is_missing(role: Role, permission: Permission) -> None:
    if permission in PERMISSIONS[role]:
        assert ensure(role, permission) is role
        return
    with pytest.raises(PermissionDenied) as refused:
        ensure(role, permission)
    assert (refused.value.refusal, refused.value.permission) == (Refusal.MISSING_PERMISSION, permission)
    assert refused.value.area is permission.area
    assert str(refused.value) == f"missing_permission: {permission.value}"


def test_nobody_outside_the_staff_passes() -> None:
    for permission in Permission:
        with pytest.raises(PermissionDenied) as refused:
            ensure(None, permission)
        assert refused.value.refusal is Refusal.NOT_STAFF


def test_client_data_waits_for_the_training_except_for_the_owner() -> None:
    with pytest.raises(PermissionDenied) as refused:
        ensure(Role.COUNSELOR, Permission.VIEW_CLIENTS, trained=False)
    assert refused.value.refusal is Refusal.TRAINING_PENDING
    assert ensure(Role.COUNSELOR, Permission.VIEW_CLIENTS, trained=True) is Role.COUNSELOR
    assert ensure(Role.OWNER, Permission.VIEW_CLIENTS, trained=False) is Role.OWNER
    # Personnel work is not client data.
    assert ensure(Role.MANAGER, Permission.VIEW_STAFF, trained=False) is Role.MANAGER


def test_ensure_personnel_checks_only_personnel_permissions() -> None:
    assert ensure_personnel(Role.MANAGER, Permission.INVITE_STAFF) is Role.MANAGER
    with pytest.raises(ValueError, match="not a personnel permission"):
        ensure_personnel(Role.OWNER, Permission.VIEW_LEDGER)


def test_who_may_give_which_role_and_manage_whom() -> None:
    for role in Role:
        ensure_can_grant(Role.OWNER, role)
        ensure_can_manage(Role.OWNER, role, is_self=False)
    assert GRANTABLE[Role.MANAGER] == {Role.COUNSELOR, Role.CUSTOMER_SERVICE, Role.TEAM_LEAD}
    for role in (Role.OWNER, Role.MANAGER, Role.FINANCE):
        with pytest.raises(PermissionDenied) as refused:
            ensure_can_grant(Role.MANAGER, role)
        assert (refused.value.refusal, refused.value.role) == (Refusal.ROLE_NOT_GRANTABLE, role)
        with pytest.raises(PermissionDenied) as refused:
            ensure_can_manage(Role.MANAGER, role, is_self=False)
        assert (refused.value.refusal, refused.value.role) == (Refusal.MEMBER_OUTRANKS, role)
    with pytest.raises(PermissionDenied) as refused:
        ensure_can_manage(Role.OWNER, Role.OWNER, is_self=True)
    assert refused.value.refusal is Refusal.SELF
    for role in (Role.COUNSELOR, Role.CUSTOMER_SERVICE, Role.FINANCE, Role.TEAM_LEAD):
        with pytest.raises(PermissionDenied):
            ensure_can_grant(role, Role.COUNSELOR)


def test_parse_role() -> None:
    assert parse_role(" Counselor ") is Role.COUNSELOR
    assert parse_role("customer_service") is Role.CUSTOMER_SERVICE
    assert parse_role("admin") is None
    assert parse_role("") is None


def test_invite_codes_fit_a_telegram_start_payload_and_are_unguessable() -> None:
    codes = {invites.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        payload = invites.payload(code)
        assert len(payload) <= 64
        assert set(payload) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        assert invites.code_from_payload(payload) == code


@pytest.mark.parametrize(
    "value", [None, "", "staff-", "staff-short", "staff-" + "a" * 59, "staff-a b c d e f g h i", "x"]
)
def test_malformed_payloads_carry_no_code(value: str | None) -> None:
    assert invites.code_from_payload(value) is None


def test_invite_status() -> None:
    expires = invites.expires_at(NOW, 24)
    assert expires == NOW + timedelta(hours=24)
    assert invites.status(expires=expires, used=None, now=NOW) is invites.InviteStatus.VALID
    assert invites.status(expires=expires, used=None, now=expires) is invites.InviteStatus.EXPIRED
    assert invites.status(expires=expires, used=NOW, now=NOW) is invites.InviteStatus.USED
    assert invites.status(expires=expires, used=NOW, now=expires) is invites.InviteStatus.USED


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_service_standard_exists_in_each_language_and_fits_a_message(locale: str) -> None:
    text = service_standard(locale)
    assert text.startswith("# ")
    assert len(text) < 3500  # a Telegram message holds 4096 characters, with the lead sentence and markup


def test_the_service_standard_falls_back_to_english() -> None:
    assert service_standard("fr") == service_standard("en")


# --- the name clients see -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Mei", "Mei"),
        ("  Anna   Li ", "Anna Li"),
        ("李老师", "李老师"),
        ("Mary-Jane O'Neil", "Mary-Jane O'Neil"),
        ("Dr. Wang 2", "Dr. Wang 2"),
        ("诸葛·青云", "诸葛·青云"),
        ("Ａｎｎａ", "Anna"),  # full-width letters are folded (NFKC)
    ],
)
def test_a_staff_name_is_tidied(typed: str, kept: str) -> None:
    assert staff_name(typed) == kept


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", NameProblem.EMPTY),
        ("   \n ", NameProblem.EMPTY),
        ("A" * (STAFF_NAME_LIMIT + 1), NameProblem.TOO_LONG),
        ("<b>Mei</b>", NameProblem.NOT_A_NAME),
        ("Mei & Co", NameProblem.NOT_A_NAME),
        ("*Mei*", NameProblem.NOT_A_NAME),
        ("Mei\nLin", NameProblem.NOT_A_NAME),
        ("https://t.me/x", NameProblem.NOT_A_NAME),
        ("@mei", NameProblem.NOT_A_NAME),
        ("/staff", NameProblem.NOT_A_NAME),
        ("Mei 🌸", NameProblem.NOT_A_NAME),
        ("12345", NameProblem.NOT_A_NAME),  # no letter at all
        ("--", NameProblem.NOT_A_NAME),
    ],
)
def test_a_staff_name_that_is_not_a_name_is_refused(typed: str, problem: NameProblem) -> None:
    assert staff_name(typed) is problem
    assert len("A" * STAFF_NAME_LIMIT) == STAFF_NAME_LIMIT and staff_name("A" * STAFF_NAME_LIMIT) == "A" * 32
