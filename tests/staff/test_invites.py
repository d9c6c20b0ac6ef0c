"""Invites: an owner invites, a new person opens the link and joins; expired, reused and forged invites."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aiogram.methods import GetMe, SendMessage
from sqlalchemy import select

from domain.clock import FakeClock
from domain.identity import Channel, Principal
from domain.staff import Permission, PermissionDenied, Refusal
from handlers.services.staff_access import authorize
from storage.database import Database
from storage.models.staff_invites import StaffInviteRow
from tests.botclient import BotClient
from tests.personnel.training_support import take_training
from tests.staff.conftest import OWNER_ID, WEB_COMMAND, add_member, invite_payload, staff_row_of

NEWCOMER_ID = 600_000_001

GIVING_OWNER = "Sorry, giving the role owner is beyond your authority. Please ask the agency's owner."


async def test_owner_invites_a_counselor_who_joins_and_passes_the_training(
    make_user: Callable[..., BotClient], app_database: Database
) -> None:
    owner = make_user(user_id=OWNER_ID)
    newcomer = make_user(user_id=NEWCOMER_ID, first_name="Mei")

    calls = await owner.send("/invite counselor")

    assert [type(c) for c in calls] == [GetMe, SendMessage]
    text = owner.last_text()
    assert text.startswith("An invitation for a new counselor, valid for 24 hours and for one person only.")
    link = text.split("On Telegram, they open this link:\n")[1].split("\n")[0]
    assert link.startswith("https://t.me/yuelao_test_bot?start=staff-")
    payload = link.split("?start=")[1]
    assert len(payload) <= 64
    assert f"<code>/start {payload}</code>" in text  # the web chat equivalent

    calls = await newcomer.send(f"/start {payload}")

    assert [type(c) for c in calls] == [SendMessage, SendMessage]
    assert newcomer.texts()[0] == (
        "Welcome to the agency's team! You are now on the staff as counselor.\n\n"
        "Before you can see any client's data, please pass your training: a short text and a quiz for each "
        "module, starting with our service standard. Open it with /training."
    )
    # Then the name clients see: on Telegram, their Telegram name is one tap away.
    assert newcomer.last_text().startswith("What name should clients see when you talk with them?")
    assert newcomer.last_buttons() == ["Use “Mei”"]
    member = await staff_row_of(app_database, newcomer)
    assert member is not None
    assert (member.role, member.active, member.display_name) == ("counselor", True, None)  # chosen next

    # Until the training is passed, client data stays closed to the new counselor.
    principal = Principal(
        Channel.TELEGRAM, str(NEWCOMER_ID), "en", account_id=member.account_id, roles=frozenset({"counselor"})
    )
    async with app_database.unit_of_work() as uow:
        try:
            await authorize(principal, uow, Permission.VIEW_CLIENTS)
        except PermissionDenied as denied:
            assert denied.refusal is Refusal.TRAINING_PENDING
        else:
            raise AssertionError("client records were open before the training was passed")

    await newcomer.click("Use “Mei”")
    assert newcomer.last_text().startswith("Clients will see you as “Mei”.")
    assert "First pass your training: /training. Client records open after that." in newcomer.last_text()
    await newcomer.send("/clients")
    assert newcomer.last_text() == "Please pass your training first (/training); client records open after that."

    results = await take_training(newcomer)

    assert all("🎉 Passed." in result for result in results)
    assert "client records are open to you now" not in results[0]
    assert results[-1].endswith("Your required training is complete: client records are open to you now.")
    async with app_database.unit_of_work() as uow:
        actor = await authorize(principal, uow, Permission.VIEW_CLIENTS)
    assert actor.trained and not actor.training_due
    await newcomer.send("/help")
    assert "First pass your training" not in newcomer.last_text()


async def test_the_invite_code_is_stored_only_as_a_keyed_hash(
    make_user: Callable[..., BotClient], app_database: Database
) -> None:
    owner = make_user(user_id=OWNER_ID)
    payload = await invite_payload(owner, "manager")
    code = payload.removeprefix("staff-")

    async with app_database.unit_of_work(read_only=True) as uow:
        rows = (await uow.session.scalars(select(StaffInviteRow))).all()
    assert len(rows) == 1
    assert all(code.encode() not in row.code_index for row in rows)
    assert all(len(row.code_index) == 32 for row in rows)
    assert {row.role for row in rows} == {"manager"}


async def test_an_expired_invite_is_refused(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    owner = make_user(user_id=OWNER_ID)
    newcomer = make_user(user_id=NEWCOMER_ID)
    payload = await invite_payload(owner, "counselor")

    clock.advance(timedelta(hours=24))
    await newcomer.send(f"/start {payload}")

    assert newcomer.last_text() == "This invitation has expired. Please ask the agency for a new one."
    assert await staff_row_of(app_database, newcomer) is None


async def test_an_invite_works_until_it_expires(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    owner = make_user(user_id=OWNER_ID)
    newcomer = make_user(user_id=NEWCOMER_ID)
    payload = await invite_payload(owner, "finance")

    clock.advance(timedelta(hours=23, minutes=59))
    await newcomer.send(f"/start {payload}")

    member = await staff_row_of(app_database, newcomer)
    assert member is not None and member.role == "finance"


async def test_a_used_invite_cannot_be_used_again(make_user: Callable[..., BotClient], app_database: Database) -> None:
    owner = make_user(user_id=OWNER_ID)
    first = make_user(user_id=NEWCOMER_ID)
    second = make_user(user_id=NEWCOMER_ID + 1)
    payload = await invite_payload(owner, "counselor")
    await first.send(f"/start {payload}")

    await second.send(f"/start {payload}")

    assert second.last_text() == "This invitation has already been used. Please ask the agency for a new one."
    assert await staff_row_of(app_database, second) is None

    await first.send(f"/start {payload}")
    assert first.last_text() == "This invitation has already been used. Please ask the agency for a new one."


async def test_staff_opening_an_invite_do_not_use_it(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    owner = make_user(user_id=OWNER_ID)
    await add_member(app_database, clock, NEWCOMER_ID, "counselor")
    counselor = make_user(user_id=NEWCOMER_ID)
    newcomer = make_user(user_id=NEWCOMER_ID + 1)
    payload = await invite_payload(owner, "manager")

    await counselor.send(f"/start {payload}")

    assert counselor.last_text() == "You are already on the agency's staff as counselor. The invitation was not used."
    await newcomer.send(f"/start {payload}")
    member = await staff_row_of(app_database, newcomer)
    assert member is not None and member.role == "manager"


async def test_unknown_and_malformed_invite_codes(make_user: Callable[..., BotClient], app_database: Database) -> None:
    visitor = make_user(user_id=NEWCOMER_ID)

    for payload in ["staff-AAAAAAAAAAAAAAAAAAAAAA", "staff-x", "staff-" + "A" * 58]:
        await visitor.send(f"/start {payload}")
        assert visitor.last_text() == "This invitation link is not valid. Please ask the agency for a new one."
    assert await staff_row_of(app_database, visitor) is None


async def test_a_plain_start_still_greets_a_client(make_user: Callable[..., BotClient]) -> None:
    visitor = make_user(user_id=NEWCOMER_ID)

    await visitor.send("/start")

    assert "Welcome to <b>Yuelao</b>" in visitor.last_text()


async def test_a_deactivated_member_invited_again_is_active_with_the_new_role(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    owner = make_user(user_id=OWNER_ID)
    await add_member(app_database, clock, NEWCOMER_ID, "counselor", active=False)
    former = make_user(user_id=NEWCOMER_ID)
    payload = await invite_payload(owner, "customer_service")

    await former.send(f"/start {payload}")

    member = await staff_row_of(app_database, former)
    assert member is not None and (member.role, member.active) == ("customer_service", True)
    # They accepted the standard before: nothing to accept again; the name clients saw is theirs to keep.
    assert former.last_text().startswith("What name should clients see when you talk with them?")
    assert former.last_buttons() == ["Keep “Member”", "Use “Test”"]


async def test_unknown_role_and_missing_role_in_invite(
    make_user: Callable[..., BotClient], app_database: Database
) -> None:
    owner = make_user(user_id=OWNER_ID)

    await owner.send("/invite wizard<b>")

    assert owner.last_text().startswith("I don't know the role “wizard&lt;b&gt;”.\nSend /invite followed by the role")
    assert "<code>/invite counselor</code>: counselor" in owner.last_text()

    await owner.send("/invite")
    assert owner.last_text().startswith("Send /invite followed by the role of the new member:")
    async with app_database.unit_of_work(read_only=True) as uow:
        assert (await uow.session.scalars(select(StaffInviteRow))).all() == []


async def test_a_manager_invites_counselors_but_not_owners(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, NEWCOMER_ID, "manager")
    manager = make_user(user_id=NEWCOMER_ID)

    await manager.send("/invite owner")
    assert manager.last_text() == GIVING_OWNER

    await manager.send("/invite")
    usage = manager.last_text()
    assert "/invite counselor" in usage and "/invite customer_service" in usage
    assert "/invite owner" not in usage and "/invite finance" not in usage

    await manager.send("/invite counselor")
    assert manager.last_text().startswith("An invitation for a new counselor")


async def test_clients_cannot_invite_or_list_staff(make_user: Callable[..., BotClient], app_database: Database) -> None:
    client = make_user(user_id=NEWCOMER_ID)
    await client.send("/start")
    await client.click("I agree, let's begin")

    for command in ["/invite counselor", "/staff", "/standard"]:
        await client.send(command)
        assert client.last_text() == "Sorry, this is only for the agency's staff."
    async with app_database.unit_of_work(read_only=True) as uow:
        assert (await uow.session.scalars(select(StaffInviteRow))).all() == []


async def test_in_the_web_chat_the_invite_is_a_command_to_type(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, 42, "owner", channel="web")
    owner = make_user(user_id=42, channel="web")
    visitor = make_user(user_id=43, channel="web")

    calls = await owner.send("/invite counselor")

    assert [type(c) for c in calls] == [SendMessage]  # no username to ask for
    assert "t.me" not in owner.last_text()
    found = WEB_COMMAND.search(owner.last_text())
    assert found is not None
    await visitor.send(f"/start {found.group(1)}")
    member = await staff_row_of(app_database, visitor)
    assert member is not None and member.role == "counselor"
