"""Things counselors must hear about, raised by the client journey, and who looks after each client.

`new_client_registered` is the one place a finished registration is announced, in the activation's
transaction: an audit entry (ids and an action code, no personal data), the case stage "profile complete",
a counselor of their own only when their membership's entitlements include a dedicated counselor (the least
loaded active counselor who accepted the service standard; none: the client stays unassigned for a manager to
assign; an ordinary client reaches counselors through the handoff queue), and an alert queued in the outbox, to
that counselor, or to the counselors' chat (`COUNSELOR_CHAT_ID`) when nobody was assigned. The delivery worker
sends it within Telegram's limits; if the activation rolls back, so does all of it.

`reassign_clients_of` hands a counselor's clients to the others (deactivation).
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from domain.casework import least_loaded
from domain.delivery import InlineButton, OutboundMessage
from domain.pipeline import Stage
from domain.staff import Role
from handlers.services.casework.entitlements import entitled
from handlers.services.notifier import queue_rendered, queue_rendered_for_chat, recipient
from handlers.services.personnel.training import cleared_members
from handlers.views.casework.buttons import CaseAction, CaseButton
from storage.unit_of_work import UnitOfWork

NEW_CLIENT_ACTION = "client.registered"
ASSIGNED_ACTION = "client.assigned"
REASSIGNED_ACTION = "client.reassigned"
UNASSIGNED_ACTION = "client.unassigned"


async def available_counselors(uow: UnitOfWork, *, excluding: UUID | None = None) -> list[UUID]:
    """Active counselors whose training is passed (docs/training.md), in joining order."""
    members = [m for m in await uow.staff.list(role=Role.COUNSELOR.value) if m.active and m.account_id != excluding]
    trained = await cleared_members(uow, [m.account_id for m in members])
    return [m.account_id for m in members if m.account_id in trained]


async def choose_counselor(uow: UnitOfWork, *, excluding: UUID | None = None) -> UUID | None:
    """The available counselor with the fewest active clients (None when there is nobody)."""
    candidates = await available_counselors(uow, excluding=excluding)
    return least_loaded(await uow.assignments.loads(candidates), candidates)


async def enqueue_to_account(
    uow: UnitOfWork, account_id: UUID, message: OutboundMessage, *, dedupe_key: str | None = None
) -> bool:
    """Queue `message` (already rendered) for an account's chat; False when the account cannot receive it."""
    account = await recipient(uow, account_id)
    if account is None:
        return False
    await queue_rendered(uow, account, message, dedupe_key=dedupe_key)
    return True


async def new_client_registered(
    uow: UnitOfWork,
    account_id: UUID,
    now: datetime,
    *,
    counselor_chat_id: int | None,
    alert_text: str,
    follow_up_on: date | None = None,
) -> UUID | None:
    """A client confirmed their profile and is now active: a client whose tier includes a dedicated counselor
    gets one, who should welcome them. Returns the assigned counselor (None: not included, nobody available, or
    the client already had one). `follow_up_on` (a pilot's counselor call after registration, docs/pilots.md):
    the client gets a counselor whatever the tier, and that counselor's follow-up is due that day."""
    await uow.audit.record(
        action=NEW_CLIENT_ACTION, now=now, actor_account_id=account_id, subject_account_id=account_id
    )
    await uow.case_stages.advance(account_id, Stage.PROFILE_COMPLETE, cause="registration", now=now)
    counselor = await uow.assignments.counselor_of(account_id)
    assigned = None
    if counselor is None and (follow_up_on is not None or (await entitled(uow, account_id, now)).dedicated_counselor):
        counselor = assigned = await choose_counselor(uow)
        if counselor is not None:
            await uow.assignments.assign(account_id, counselor, now=now, by=None)
            await uow.audit.record(
                action=ASSIGNED_ACTION, now=now, actor_account_id=None, subject_account_id=account_id
            )
    if follow_up_on is not None and counselor is not None:
        await uow.assignments.set_follow_up(account_id, follow_up_on)
    dedupe_key = f"{NEW_CLIENT_ACTION}:{account_id}"
    message = OutboundMessage(text=alert_text)
    personal = OutboundMessage(text=alert_text, keyboard=_open_card_button(account_id))
    if counselor is not None and await enqueue_to_account(uow, counselor, personal, dedupe_key=dedupe_key):
        return assigned
    if counselor_chat_id is not None:
        await queue_rendered_for_chat(uow, counselor_chat_id, message, dedupe_key=dedupe_key)
    return assigned


def _open_card_button(client_id: UUID) -> tuple[tuple[InlineButton, ...], ...]:
    """The client's card, for the assigned counselor: labelled in the agency's language, like the alert."""
    try:
        i18n = get_i18n()
    except LookupError:  # outside an update (a script): no button
        return ()
    with i18n.use_locale(i18n.default_locale):
        label = _("Open the card")
    return ((InlineButton(text=label, callback_data=CaseButton(action=CaseAction.OPEN, client=client_id).pack()),),)


async def reassign_clients_of(
    uow: UnitOfWork, counselor_id: UUID, *, now: datetime, by: UUID | None
) -> list[tuple[UUID, UUID | None]]:
    """Hand every client of `counselor_id` to the least loaded other available counselor, one by one (so they
    spread out); a client stays unassigned (for a manager to assign) when there is nobody. Each change is
    audited; follow-up dates go with the client. Returns (client, new counselor or None)."""
    moved: list[tuple[UUID, UUID | None]] = []
    for assignment in await uow.assignments.clients_of(counselor_id):
        client = assignment.client_id
        successor = await choose_counselor(uow, excluding=counselor_id)
        if successor is None:
            await uow.assignments.unassign(client)
            await uow.audit.record(action=UNASSIGNED_ACTION, now=now, actor_account_id=by, subject_account_id=client)
        else:
            await uow.assignments.assign(client, successor, now=now, by=by)
            await uow.audit.record(action=REASSIGNED_ACTION, now=now, actor_account_id=by, subject_account_id=client)
        moved.append((client, successor))
    return moved
