"""The dates conversation's states, the filter that hands a picker button's handler the conversation's draft,
and where the comment step of feedback keeps which date it is about.

The draft itself (`DateDraft`) lives in the conversation state's data; see `handlers.services.dates.draft`.
"""

from __future__ import annotations

from uuid import UUID

from aiogram.filters import Filter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery

from handlers.journey import Conversation
from handlers.services.dates.draft import DateDraft
from handlers.views.dates.buttons import DraftButton, parse_id

FEEDBACK_REF = "date_feedback"


class DateFlow(StatesGroup):
    slots = State()  # picking days and times in the calendar
    venue = State()  # choosing or typing the venue
    reason = State()  # the optional reason for a reschedule or a cancellation
    comment = State()  # the optional comment of a date's feedback


DRAFTING = (DateFlow.slots, DateFlow.venue, DateFlow.reason)  # the states a draft's buttons work in
PICKING = (DateFlow.slots, DateFlow.venue)  # the calendar, the times and the venue


class ActiveDraft(Filter):
    """Passes a picker button of the conversation's current draft, while the draft is being made, and hands the
    handler `draft`. A button of an earlier draft (another nonce), or one pressed after the draft was sent or
    abandoned, goes on (to the "no longer active" answer)."""

    async def __call__(
        self, callback: CallbackQuery, callback_data: DraftButton, conversation: Conversation | None = None
    ) -> bool | dict[str, DateDraft]:
        if conversation is None or conversation.account_id is None:
            return False
        if await conversation.get_state() not in {state.state for state in DRAFTING}:
            return False
        draft = await DateDraft.load(conversation)
        if draft is None or draft.flow != callback_data.flow:
            return False
        return {"draft": draft}


async def start_comment(conversation: Conversation, date_id: UUID) -> None:
    """The next text is the comment of the feedback on this date."""
    data = await conversation.data()
    data[FEEDBACK_REF] = date_id.hex
    await conversation.set_state(DateFlow.comment)
    await conversation.set_data(data)


async def commented_date(conversation: Conversation) -> UUID | None:
    """The date whose feedback the comment step is about."""
    return parse_id(str((await conversation.data()).get(FEEDBACK_REF, "")))
