"""/staff: the team, a member's card, role changes and deactivation; forged and stale buttons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aiogram.methods import AnswerCallbackQuery, EditMessageText

from domain.clock import FakeClock
from handlers.views.staff import StaffAction, StaffButton
from storage.database import Database
from tests.botclient import BotClient
from tests.staff.conftest import OWNER_ID, add_member, staff_row

ALICE_ID = 600_000_010
BO_ID = 600_000_011


def button(action: StaffAction, member: object = None, role: str = "") -> str:
    return StaffButton(action=action, member=member, role=role).pack()


GIVING_OWNER = "Sorry, giving the role owner is beyond your authority. Please ask the agency's owner."


async def test_owner_lists_the_staff_and_changes_a_role(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    alice = await add_member(app_database, clock, ALICE_ID, "counselor", name="Alice")
    clock.advance(timedelta(minutes=1))  # listed in the order they joined
    await add_member(app_database, clock, BO_ID, "finance", name="Bo <Li>", trained=False)
    owner = make_user(user_id=OWNER_ID)

    await owner.send("/staff")

    assert owner.last_text() == (
        "<b>The agency's staff</b> (2)\n"
        "• Alice: counselor\n"
        "• Bo &lt;Li&gt;: finance\n"
        "Choose a member to change their role or access."
    )
    assert owner.last_buttons() == ["Alice (counselor)", "Bo <Li> (finance)"]  # buttons are plain text

    calls = await owner.click("Alice (counselor)")

    assert [type(c) for c in calls] == [AnswerCallbackQuery, EditMessageText]
    assert owner.last_text() == "<b>Alice</b>\nRole: counselor\nStatus: active"
    assert owner.last_buttons() == [
        "Make owner",
        "Make manager",
        "Make customer service",
        "Make finance",
        "Make team lead",
        "Deactivate",
        "« Back to the list",
    ]

    await owner.click("Make customer service")

    assert owner.view.toasts[-1] == "Alice is now customer service."
    assert owner.last_text() == "<b>Alice</b>\nRole: customer service\nStatus: active"
    member = await staff_row(app_database, alice.account_id)
    assert member is not None and member.role == "customer_service"

    await owner.click("« Back to the list")
    assert owner.last_text().startswith("<b>The agency's staff</b> (2)\n• Alice: customer service")


async def test_a_deactivated_member_is_refused_at_once(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    manager = await add_member(app_database, clock, ALICE_ID, "manager", name="Alice")
    await add_member(app_database, clock, BO_ID, "counselor", name="Bo")
    owner = make_user(user_id=OWNER_ID)
    alice = make_user(user_id=ALICE_ID)
    await alice.send("/staff")
    assert alice.last_text().startswith("<b>The agency's staff</b>")

    await owner.send("/staff")
    await owner.click("Alice (manager)")
    await owner.click("Deactivate")

    assert owner.view.toasts[-1] == "Deactivated: no more access to the staff tools."
    assert owner.last_text() == "<b>Alice</b>\nRole: manager\nStatus: deactivated"
    assert "Reactivate" in owner.last_buttons()
    member = await staff_row(app_database, manager.account_id)
    assert member is not None and not member.active

    # Her very next update: no staff tools, not even from a message she still has.
    await alice.send("/staff")
    assert alice.last_text() == "Sorry, this is only for the agency's staff."
    await alice.click("Bo (counselor)")
    assert alice.view.toasts[-1] == "Sorry, this is only for the agency's staff."
    await alice.send("/invite counselor")
    assert alice.last_text() == "Sorry, this is only for the agency's staff."

    await owner.click("Reactivate")
    assert owner.view.toasts[-1] == "Access restored."
    await alice.send("/staff")
    assert alice.last_text().startswith("<b>The agency's staff</b>")


async def test_a_manager_manages_counselors_but_not_owners_managers_or_themselves(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    manager = await add_member(app_database, clock, ALICE_ID, "manager", name="Alice")
    counselor = await add_member(app_database, clock, BO_ID, "counselor", name="Bo")
    owner_row = await add_member(app_database, clock, BO_ID + 1, "owner", name="Olga")
    alice = make_user(user_id=ALICE_ID)

    await alice.send("/staff")
    await alice.click("Bo (counselor)")
    # Only the roles a manager may give, and access.
    assert alice.last_buttons() == ["Make customer service", "Make team lead", "Deactivate", "« Back to the list"]
    await alice.click("« Back to the list")
    await alice.click("Olga (owner)")
    assert alice.last_buttons() == ["« Back to the list"]

    # Forged buttons: the member named in the data is checked against the presser's authority.
    await alice.press(button(StaffAction.DEACTIVATE, owner_row.account_id))
    assert alice.view.toasts[-1] == (
        "Sorry, members with the role owner are beyond your authority. Please ask the agency's owner."
    )
    await alice.press(button(StaffAction.ROLE, counselor.account_id, "owner"))
    assert alice.view.toasts[-1] == GIVING_OWNER
    await alice.press(button(StaffAction.DEACTIVATE, manager.account_id))
    assert alice.view.toasts[-1] == "You cannot change your own role or access. Please ask another owner or manager."

    owner_member = await staff_row(app_database, owner_row.account_id)
    counselor_member = await staff_row(app_database, counselor.account_id)
    manager_member = await staff_row(app_database, manager.account_id)
    assert owner_member is not None and owner_member.active
    assert counselor_member is not None and counselor_member.role == "counselor"
    assert manager_member is not None and manager_member.active


async def test_forged_and_stale_buttons(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    bo = await add_member(app_database, clock, BO_ID, "counselor", name="Bo")
    owner = make_user(user_id=OWNER_ID)
    client = make_user(user_id=ALICE_ID)
    await client.send("/start")

    # A client pressing a staff button (forwarded, old or forged): refused, nothing changes, nothing shown.
    for data in [
        button(StaffAction.LIST),
        button(StaffAction.OPEN, bo.account_id),
        button(StaffAction.DEACTIVATE, bo.account_id),
        button(StaffAction.ROLE, bo.account_id, "owner"),
    ]:
        calls = await client.press(data)
        assert [type(c) for c in calls] == [AnswerCallbackQuery]
        assert client.view.toasts[-1] == "Sorry, this is only for the agency's staff."
    member = await staff_row(app_database, bo.account_id)
    assert member is not None and (member.role, member.active) == ("counselor", True)

    # Garbage, an unknown member, an unknown role: the button is simply outdated.
    for data in [
        "staff:off:not-a-uuid:",
        "staff:explode::",
        button(StaffAction.DEACTIVATE, "0" * 32),
        button(StaffAction.ROLE, bo.account_id, "wizard"),
    ]:
        await owner.press(data)
        assert owner.view.toasts[-1] == "This button is no longer active."
    member = await staff_row(app_database, bo.account_id)
    assert member is not None and (member.role, member.active) == ("counselor", True)


async def test_an_owner_alone_sees_an_empty_list(make_user: Callable[..., BotClient]) -> None:
    owner = make_user(user_id=OWNER_ID)

    await owner.send("/staff")

    assert owner.last_text() == "There is nobody on the staff yet. Invite someone with /invite."


async def test_staff_tools_in_chinese(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, BO_ID, "counselor", name="Bo")
    owner = make_user(user_id=OWNER_ID, language_code="zh")
    client = make_user(user_id=ALICE_ID, language_code="zh")

    await owner.send("/staff")
    assert owner.last_text().startswith("<b>本机构员工</b>（1）\n• Bo：红娘")
    await client.send("/staff")
    assert client.last_text() == "抱歉，此功能仅限本机构员工使用。"
