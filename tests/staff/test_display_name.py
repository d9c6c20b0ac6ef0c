"""The name clients see: a new member chooses it when joining (the channel's own name is only offered on
Telegram: the web chat's is always "Guest"), changes it with /myname, and it is what a client reads in the
relay. Bad names get a clear answer and the question again; the name is stored sealed."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from domain.clock import FakeClock
from storage.database import Database
from storage.models.staff import StaffMemberRow
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.matching.chat import deliver
from tests.personnel.training_support import pass_training
from tests.staff.conftest import OWNER_ID, WEB_COMMAND, add_member, invite_payload, staff_row_of

NEWCOMER_ID = 600_000_101
CLIENT_ID = 600_000_102
QUESTION = "What name should clients see when you talk with them?"
NOT_A_NAME = "Please use only letters (in any language), spaces and . ' - · (no links, emoji or formatting)."


async def web_invitation(owner: BotClient, role: str) -> str:
    await owner.send(f"/invite {role}")
    found = WEB_COMMAND.search(owner.last_text())
    assert found is not None, owner.last_text()
    return found.group(1)


async def test_a_new_member_in_the_web_chat_chooses_the_name_clients_see(
    make_user: Callable[..., BotClient], app_database: Database
) -> None:
    owner = make_user(user_id=OWNER_ID)
    newcomer = make_user(user_id=NEWCOMER_ID, channel="web", first_name="Guest")
    payload = await web_invitation(owner, "counselor")

    await newcomer.send(f"/start {payload}")

    assert newcomer.texts()[-2].startswith("Welcome to the agency's team!")
    assert "/training" in newcomer.texts()[-2]  # client data waits for the training
    assert newcomer.last_text().startswith(QUESTION)
    assert newcomer.last_buttons() == []  # the web chat's "Guest" is not offered as a name
    member = await staff_row_of(app_database, newcomer)
    assert member is not None and member.display_name is None  # never "Guest"

    await newcomer.send("<b>Mei</b>")
    assert newcomer.last_text().startswith(NOT_A_NAME + "\n\n" + QUESTION)
    await newcomer.send("M" * 33)
    assert newcomer.last_text().startswith("That is 33 characters; please keep it to 32 or fewer.\n\n" + QUESTION)
    calls = await newcomer.send_sticker()
    assert newcomer.last_text().startswith(QUESTION), calls

    await newcomer.send("  Mei   Lin ")

    welcome = newcomer.last_text()
    assert welcome.startswith("Clients will see you as “Mei Lin”. You can change it at any time with /myname.")
    assert "/clients" in welcome and "/queue" in welcome  # what a counselor can do, not "Send /staff"
    assert "/staff" not in welcome
    member = await staff_row_of(app_database, newcomer)
    assert member is not None and member.display_name == "Mei Lin"
    async with app_database.unit_of_work(read_only=True) as uow:
        raw = await uow.session.scalar(
            select(StaffMemberRow.display_name).where(StaffMemberRow.account_id == member.account_id)
        )
    assert raw is not None and b"Mei" not in bytes(raw)  # sealed, like every name

    # Typing on is ordinary text again, not a new name.
    await newcomer.send("/myname")
    assert newcomer.last_text().startswith("Clients see you as “Mei Lin”.")


async def test_on_telegram_the_telegram_name_is_offered_with_one_tap(
    make_user: Callable[..., BotClient], app_database: Database
) -> None:
    owner = make_user(user_id=OWNER_ID)
    newcomer = make_user(user_id=NEWCOMER_ID, first_name="Mei")
    payload = await invite_payload(owner, "owner")  # an owner needs no training

    await newcomer.send(f"/start {payload}")

    assert newcomer.texts()[0] == "Welcome to the agency's team! You are now on the staff as owner."
    assert newcomer.last_text().startswith(QUESTION)
    assert newcomer.last_buttons() == ["Use “Mei”"]

    await newcomer.click("Use “Mei”")

    assert newcomer.view.toasts[-1] == "Saved."
    assert newcomer.last_text().startswith("Clients will see you as “Mei”.")
    assert "/invite" in newcomer.last_text() and "/staff" in newcomer.last_text()
    member = await staff_row_of(app_database, newcomer)
    assert member is not None and member.display_name == "Mei"


async def test_a_member_invited_again_may_keep_the_name_they_had(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    owner = make_user(user_id=OWNER_ID)
    await add_member(app_database, clock, NEWCOMER_ID, "counselor", name="Anna", active=False)
    former = make_user(user_id=NEWCOMER_ID, first_name="Anna K")
    payload = await invite_payload(owner, "counselor")

    await former.send(f"/start {payload}")

    assert former.last_text().startswith(QUESTION)
    assert former.last_buttons() == ["Keep “Anna”", "Use “Anna K”"]
    await former.click("Keep “Anna”")
    assert former.last_text().startswith("Clients will see you as “Anna”.")
    member = await staff_row_of(app_database, former)
    assert member is not None and member.display_name == "Anna"


async def test_myname_shows_and_changes_the_name(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, NEWCOMER_ID, "counselor", name="Guest", channel="web")
    member = make_user(user_id=NEWCOMER_ID, channel="web", first_name="Guest")

    await member.send("/myname")
    assert member.last_text() == (
        "Clients see you as “Guest”.\n"
        "To change it, send /myname and the new name, for example: <code>/myname Anna</code>"
    )

    await member.send("/myname <i>Anna</i>")
    assert member.last_text().startswith(NOT_A_NAME + "\n")
    assert "<code>/myname Anna</code>" in member.last_text()
    row = await staff_row_of(app_database, member)
    assert row is not None and row.display_name == "Guest"

    await member.send("/myname 李老师")

    assert member.last_text() == "Clients will now see you as “李老师”."
    row = await staff_row_of(app_database, member)
    assert row is not None and row.display_name == "李老师"


async def test_myname_is_for_staff_and_an_owner_from_admin_ids_gets_a_name_too(
    make_user: Callable[..., BotClient], app_database: Database
) -> None:
    visitor = make_user(user_id=NEWCOMER_ID)
    await visitor.send("/myname Mallory")
    assert visitor.last_text() == "Sorry, this is only for the agency's staff."

    owner = make_user(user_id=OWNER_ID)
    await owner.send("/myname")
    assert owner.last_text().startswith("You have not chosen the name clients see yet.")
    await owner.send("/myname Olivia")
    assert owner.last_text() == "Clients will now see you as “Olivia”."
    row = await staff_row_of(app_database, owner)
    assert row is not None and (row.role, row.display_name) == ("owner", "Olivia")


async def test_the_chosen_name_is_what_the_client_reads_in_the_relay(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    owner = make_user(user_id=OWNER_ID)
    cora = make_user(user_id=NEWCOMER_ID, first_name="Guest")
    payload = await invite_payload(owner, "counselor")
    await cora.send(f"/start {payload}")
    await cora.send("Cora")
    member = await staff_row_of(app_database, cora)
    assert member is not None
    async with app_database.unit_of_work() as uow:
        await pass_training(uow, member.account_id, clock)
    await make_client(app_database, clock, CLIENT_ID, "Li Wei", counselor=member.account_id)
    client = make_user(user_id=CLIENT_ID)

    await client.send("/human")
    alerts = [m.text for m in await deliver(app_database, cora)]
    assert any("A client needs a counselor" in text for text in alerts)
    await cora.click("✋ Claim")

    joined = [m.text for m in await deliver(app_database, client)]
    assert any(text.startswith("🙋 Cora from the agency") for text in joined), joined
    assert not any("Guest" in text for text in joined)
