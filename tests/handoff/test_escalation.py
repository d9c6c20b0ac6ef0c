"""Who hears about a handoff and when, on the fake clock: the assigned counselor first, everyone on duty after
HANDOFF_CLAIM_MINUTES, the managers after HANDOFF_ESCALATION_MINUTES; a claim stops the timers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import Chat, Message, User
from sqlalchemy import select, update

from bot.scheduling.runner import DueJobRunner
from domain.clock import FakeClock
from domain.delivery import DeliveryState
from domain.handoff import ESCALATE_JOB, WIDEN_JOB, HandoffState
from domain.scheduling import JobState
from handlers.services.settings import Settings
from handlers.views.handoff.messages import HandoffAction, HandoffButton
from storage.database import Database
from storage.models.delivery import OutboxMessageRow
from storage.models.fsm import FsmStateRow
from storage.repositories.delivery import ScheduledJobsRepository
from tests.handoff.conftest import account_of, add_member, assign, deliver
from tests.journey_walk import PacedClient, register

LI = 7_201
CORA, DAN, EVE, MIA, FIN = 7_301, 7_302, 7_303, 7_304, 7_305
GROUP, GROUP_MESSAGE = -100_555, 555


async def test_assigned_counselor_first_then_everyone_then_managers(
    person: Callable[..., PacedClient],
    app_database: Database,
    clock: FakeClock,
    runner: DueJobRunner,
    settings: Settings,
    dp: Dispatcher,
    bot: Bot,
) -> None:
    client = person(user_id=LI)
    await register(client, "en")
    cora, dan, mia, fin = person(user_id=CORA), person(user_id=DAN), person(user_id=MIA), person(user_id=FIN)
    counselor = await add_member(app_database, clock, CORA, "counselor", name="Cora")
    await add_member(app_database, clock, DAN, "counselor", name="Dan")
    await add_member(app_database, clock, EVE, "counselor", name="Eve", trained=False)  # not on duty
    await add_member(app_database, clock, MIA, "manager", name="Mia")
    await add_member(app_database, clock, FIN, "finance", name="Fin")  # does not serve clients
    client_id = await account_of(app_database, client)
    await assign(app_database, client_id, counselor.account_id, clock.now())

    await client.send("/human")
    (alert,) = await deliver(app_database, cora)
    assert "Client: Li" in alert.text
    assert await deliver(app_database, dan) == [] and await deliver(app_database, mia) == []

    # Dan is not the assigned counselor: before the claim time is over he may not take it (forged or not).
    claim = cora.last_message().inline
    assert claim is not None and claim.inline_keyboard[0][0].callback_data is not None
    await dan.press(claim.inline_keyboard[0][0].callback_data)
    assert dan.view.toasts[-1].startswith("This client is looked after by another counselor.")

    clock.advance(timedelta(minutes=settings.handoff_claim_minutes) - timedelta(seconds=30))
    assert (await runner.run_due()).ran == 0
    clock.advance(timedelta(seconds=31))
    assert (await runner.run_due()).ran == 1
    (wide,) = await deliver(app_database, dan)
    assert wide.text.startswith("🙋 <b>A client needs a counselor</b>")
    assert len(await deliver(app_database, mia)) == 1  # a manager serves clients too
    assert await deliver(app_database, cora) == []  # told once is enough
    assert await deliver(app_database, fin) == []

    clock.advance(timedelta(minutes=settings.handoff_escalation_minutes - settings.handoff_claim_minutes))
    assert (await runner.run_due()).ran == 1
    (told,) = await deliver(app_database, mia)
    assert told.text.startswith("⏰ <b>Nobody has claimed a client's request for 30 minutes</b>")
    assert await deliver(app_database, dan) == []

    # Now anyone on duty may claim it.
    await dan.click("✋ Claim")
    assert dan.view.toasts[-1] == "You took this conversation."
    async with app_database.unit_of_work(read_only=True) as uow:
        (handoff,) = await uow.handoffs.for_client(client_id)
        jobs = ScheduledJobsRepository(uow.session)
        widen, escalate = await jobs.get(WIDEN_JOB, handoff.id.hex), await jobs.get(ESCALATE_JOB, handoff.id.hex)
        # The client's relay state is their own row, tagged with their account (shredding removes it).
        index = dp.fsm.storage.key_index(StorageKey(bot_id=bot.id, chat_id=LI, user_id=LI))  # type: ignore[attr-defined]
        owner = await uow.session.scalar(select(FsmStateRow.account_id).where(FsmStateRow.key_index == index))
    assert handoff.state is HandoffState.CLAIMED and handoff.widened_at and handoff.managers_told_at
    assert widen is not None and widen.state is JobState.DONE
    assert escalate is not None and escalate.state is JobState.DONE
    assert owner == client_id


async def test_a_claim_in_time_stops_the_timers(
    person: Callable[..., PacedClient],
    app_database: Database,
    clock: FakeClock,
    runner: DueJobRunner,
    settings: Settings,
) -> None:
    client = person(user_id=LI)
    await register(client, "en")
    cora, mia = person(user_id=CORA), person(user_id=MIA)
    counselor = await add_member(app_database, clock, CORA, "counselor", name="Cora")
    await add_member(app_database, clock, MIA, "manager", name="Mia")
    client_id = await account_of(app_database, client)
    await assign(app_database, client_id, counselor.account_id, clock.now())

    await client.send("/human")
    await deliver(app_database, cora)
    await cora.click("✋ Claim")
    clock.advance(timedelta(minutes=settings.handoff_escalation_minutes + 1))
    assert (await runner.run_due()).ran == 0
    assert await deliver(app_database, mia) == []


async def test_a_counselor_whose_client_was_reassigned_cannot_claim_the_old_alert(
    person: Callable[..., PacedClient], app_database: Database, clock: FakeClock
) -> None:
    client = person(user_id=LI)
    await register(client, "en")
    cora, dan = person(user_id=CORA), person(user_id=DAN)
    counselor = await add_member(app_database, clock, CORA, "counselor", name="Cora")
    other = await add_member(app_database, clock, DAN, "counselor", name="Dan")
    client_id = await account_of(app_database, client)
    await assign(app_database, client_id, counselor.account_id, clock.now())
    await client.send("/human")
    await deliver(app_database, cora)

    await assign(app_database, client_id, other.account_id, clock.now())
    await cora.click("✋ Claim")
    assert cora.view.toasts[-1].startswith("This client is looked after by another counselor.")
    await dan.send("/queue")
    await dan.click(dan.last_buttons()[0])
    assert dan.view.toasts[-1] == "You took this conversation."


async def test_nobody_on_duty_and_a_staff_chat(
    person: Callable[..., PacedClient],
    app_database: Database,
    clock: FakeClock,
    settings: Settings,
) -> None:
    settings.counselor_chat_id = -100_555
    client = person(user_id=LI)
    await register(client, "en")
    await client.send("/human")
    async with app_database.unit_of_work(read_only=True) as uow:
        (handoff,) = await uow.handoffs.for_client(await account_of(app_database, client))
        copies = await uow.handoffs.alert_copies(handoff.id)
    assert [(c.recipient_id, c.chat) for c in copies] == [(None, None)]  # one copy, to the staff chat, not sent yet
    assert handoff.widened_at is not None


async def test_a_claim_in_the_staff_chat_keeps_the_client_out_of_the_group(
    person: Callable[..., PacedClient],
    app_database: Database,
    clock: FakeClock,
    settings: Settings,
    bot: Bot,
) -> None:
    settings.counselor_chat_id = GROUP
    client = person(user_id=LI)
    await register(client, "en")
    cora = person(user_id=CORA)
    await add_member(app_database, clock, CORA, "counselor", name="Cora")
    await client.send("/human")
    await client.send("My phone is 13800000000, please call me")  # kept for the counselor, never in the group
    async with app_database.unit_of_work() as uow:
        (handoff,) = await uow.handoffs.for_client(await account_of(app_database, client))
        ((copy,),) = [await uow.handoffs.alert_copies(handoff.id)]
        await uow.session.execute(
            update(OutboxMessageRow)
            .where(OutboxMessageRow.id == copy.outbox_id)
            .values(state=DeliveryState.SENT.value, sent_message_id=GROUP_MESSAGE)
        )
    group_message = Message(
        message_id=GROUP_MESSAGE,
        date=clock.now(),
        chat=Chat(id=GROUP, type="supergroup", title="Counselors"),
        from_user=User(id=bot.id, is_bot=True, first_name="Yuelao"),
        text="alert",
    )

    calls = await cora.press(
        HandoffButton(action=HandoffAction.CLAIM, handoff=handoff.id.hex).pack(), message=group_message
    )
    assert cora.view.toasts[-1].startswith(
        "You took this conversation. The client's messages come to your private chat"
    )
    (edit,) = [c for c in calls if isinstance(c, EditMessageText)]
    assert (edit.chat_id, edit.message_id) == (GROUP, GROUP_MESSAGE)
    assert edit.text == "🙋 A request from Li (asked to talk to a counselor).\n✋ Taken by Cora."
    assert not [c for c in calls if isinstance(c, SendMessage)]  # nothing about the client in the group
    card, waiting = await deliver(app_database, cora)  # in her private chat, in order
    assert card.text.startswith("✅ <b>You are now talking with Li Wei.</b>")
    assert waiting.text.startswith("✉️ <b>While waiting, Li Wei wrote:</b>\n")
    assert waiting.text.endswith("</i> My phone is 13800000000, please call me")

    await deliver(app_database, client)
    await cora.send("Hello from Cora")  # in her private chat: relayed
    (line,) = await deliver(app_database, client)
    assert line.text == "💬 <b>Cora</b>: Hello from Cora"
