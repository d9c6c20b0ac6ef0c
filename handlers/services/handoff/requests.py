"""The handoff desk: opening a handoff and alerting staff, the escalation steps, claims, the relay, the end.

`open_handoff` is the hook other features call (a low date rating, a complaint, a payment problem):

    await open_handoff(uow, client_id=..., reason=HandoffReason.COMPLAINT, settings=settings, i18n=i18n)

It works in the caller's unit of work (a handler's or a job's) and only writes rows and outbox messages, so
it is safe in either. Everything sent to somebody other than the person of the update goes through the
outbox, in the recipient's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from uuid import UUID

from aiogram.utils.i18n import I18n

from domain.delivery import ChatAddress, OutboundMessage
from domain.handoff import (
    ESCALATE_JOB,
    WIDEN_JOB,
    AlertPlan,
    Handoff,
    HandoffReason,
    HandoffState,
    StaffOnDuty,
    Timing,
    first_alert,
    managers_to_tell,
    widened_alert,
)
from domain.identity import Channel
from domain.staff import Role, parse_role
from handlers.services.notifier import can_receive
from handlers.services.settings import Settings
from handlers.views.handoff import messages
from storage.records import Account
from storage.repositories.delivery import cancel, enqueue, schedule
from storage.unit_of_work import UnitOfWork

OPENED_ACTION = "handoff.opened"


def timing(settings: Settings) -> Timing:
    return Timing(settings.handoff_claim_minutes, settings.handoff_escalation_minutes)


def chat_of(account: Account) -> ChatAddress:
    assert account.external_id is not None
    return ChatAddress(Channel(account.channel), int(account.external_id))


async def send_to(
    uow: UnitOfWork,
    i18n: I18n,
    account_id: UUID,
    build: Callable[[], OutboundMessage],
    *,
    dedupe_key: str | None = None,
) -> int | None:
    """Queue `build()` in the account's language; the outbox id, or None when they get nothing."""
    account = await uow.accounts.get(account_id)
    if account is None or not can_receive(account):
        return None
    with i18n.context(), i18n.use_locale(account.locale):
        message = build()
    return await enqueue(uow, chat_of(account), message, account_id=account.id, dedupe_key=dedupe_key)


async def send_to_staff_chat(
    uow: UnitOfWork, i18n: I18n, settings: Settings, build: Callable[[], OutboundMessage], *, dedupe_key: str
) -> int | None:
    if settings.counselor_chat_id is None:
        return None
    with i18n.context(), i18n.use_locale(settings.default_locale):
        message = build()
    return await enqueue(uow, ChatAddress.telegram(settings.counselor_chat_id), message, dedupe_key=dedupe_key)


async def staff_on_duty(uow: UnitOfWork) -> list[StaffOnDuty]:
    members = await uow.staff.list()
    found = []
    for member in members:
        role = parse_role(member.role)
        if role is not None:
            found.append(
                StaffOnDuty(member.account_id, role, member.active, member.standard_acknowledged_at is not None)
            )
    return found


async def client_name(uow: UnitOfWork, client_id: UUID) -> str | None:
    profile = await uow.profiles.get(client_id)
    return None if profile is None else profile.display_name


async def _alert(
    uow: UnitOfWork,
    i18n: I18n,
    settings: Settings,
    handoff: Handoff,
    plan: AlertPlan,
    build: Callable[[], OutboundMessage],
    *,
    step: str,
    now: datetime,
) -> None:
    """Send the alert copies of `plan` and remember each one's outbox id (to edit it on a claim)."""
    for recipient in plan.recipients:
        outbox_id = await send_to(
            uow, i18n, recipient, build, dedupe_key=f"handoff:{handoff.id.hex}:{step}:{recipient.hex}"
        )
        if outbox_id is not None:
            await uow.handoffs.add_alert(
                handoff.id, handoff.client_id, recipient_id=recipient, outbox_id=outbox_id, now=now
            )
    if plan.to_staff_chat:
        outbox_id = await send_to_staff_chat(uow, i18n, settings, build, dedupe_key=f"handoff:{handoff.id.hex}:{step}")
        if outbox_id is not None:
            await uow.handoffs.add_alert(handoff.id, handoff.client_id, recipient_id=None, outbox_id=outbox_id, now=now)


async def open_handoff(
    uow: UnitOfWork,
    *,
    client_id: UUID,
    reason: HandoffReason,
    now: datetime,
    settings: Settings,
    i18n: I18n,
) -> Handoff:
    """Hand the client over to a human (the hook for other features).

    When the client already has an open or claimed handoff, that one is returned and nothing else happens.
    Otherwise: a new open handoff, the first alert (the assigned counselor if on duty, else everyone on
    duty or the staff chat), an audit entry, and the escalation jobs. Works in a handler or a job.
    """
    active = await uow.handoffs.active_for_client(client_id)
    if active is not None:
        return active
    handoff = await uow.handoffs.open(client_id, reason, now=now)
    await uow.audit.record(action=OPENED_ACTION, now=now, actor_account_id=client_id, subject_account_id=client_id)
    rules = timing(settings)
    plan = first_alert(
        assigned=await uow.assignments.counselor_of(client_id),
        staff=await staff_on_duty(uow),
        client_id=client_id,
        has_staff_chat=settings.counselor_chat_id is not None,
    )
    name = await client_name(uow, client_id)
    await _alert(
        uow,
        i18n,
        settings,
        handoff,
        plan,
        lambda: messages.alert(handoff, name, timezone=settings.timezone),
        step="first",
        now=now,
    )
    if plan.widened:
        await uow.handoffs.mark_widened(handoff.id, now=now)
    else:
        await schedule(uow, WIDEN_JOB, handoff.id.hex, rules.widen_at(now))
    await schedule(uow, ESCALATE_JOB, handoff.id.hex, rules.escalate_at(now))
    return handoff


async def widen(uow: UnitOfWork, handoff_id: UUID, *, now: datetime, settings: Settings, i18n: I18n) -> None:
    """Not claimed by the assigned counselor in time: offer it to everyone on duty (or the staff chat)."""
    handoff = await uow.handoffs.get(handoff_id)
    if handoff is None or handoff.state is not HandoffState.OPEN or handoff.widened_at is not None:
        return
    plan = widened_alert(
        staff=await staff_on_duty(uow),
        client_id=handoff.client_id,
        has_staff_chat=settings.counselor_chat_id is not None,
        already=await uow.handoffs.alerted(handoff.id),
    )
    name = await client_name(uow, handoff.client_id)
    await _alert(
        uow,
        i18n,
        settings,
        handoff,
        plan,
        lambda: messages.alert(handoff, name, timezone=settings.timezone),
        step="wide",
        now=now,
    )
    await uow.handoffs.mark_widened(handoff.id, now=now)


async def escalate(uow: UnitOfWork, handoff_id: UUID, *, now: datetime, settings: Settings, i18n: I18n) -> None:
    """Still unclaimed after the escalation time: tell the managers."""
    handoff = await uow.handoffs.get(handoff_id)
    if handoff is None or handoff.state is not HandoffState.OPEN or handoff.managers_told_at is not None:
        return
    managers = managers_to_tell(await staff_on_duty(uow), handoff.client_id)
    name = await client_name(uow, handoff.client_id)
    minutes = max(1, int((now - handoff.created_at) / timedelta(minutes=1)))
    plan = AlertPlan(managers, to_staff_chat=False, widened=True)
    await _alert(
        uow,
        i18n,
        settings,
        handoff,
        plan,
        lambda: messages.escalation(handoff, name, minutes=minutes),
        step="managers",
        now=now,
    )
    await uow.handoffs.mark_managers_told(handoff.id, now=now)


async def stop_timers(uow: UnitOfWork, handoff_id: UUID) -> None:
    await cancel(uow, WIDEN_JOB, handoff_id.hex)
    await cancel(uow, ESCALATE_JOB, handoff_id.hex)


@contextmanager
def writing_for(uow: UnitOfWork, account_id: UUID) -> Iterator[None]:
    """Conversation-state rows written inside are tagged with `account_id` (not the update's own account), so
    shredding that account deletes them."""
    previous = uow.principal_id
    uow.principal_id = account_id
    try:
        yield
    finally:
        uow.principal_id = previous


def is_manager_or_owner(role: Role) -> bool:
    return role in (Role.MANAGER, Role.OWNER)


def minutes_since(moment: datetime, now: datetime) -> int:
    return max(0, int((now - moment) / timedelta(minutes=1)))
