"""Where in the interview the client is: the question being answered, and the ticks not yet confirmed.

In the first pass the profile's `intake_step` names the question (the FSM state only says "answering"); the
FSM data holds a multi-select's ticks until Done. A single-field edit keeps everything in the FSM data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiogram.filters import Filter
from aiogram.types import CallbackQuery

from domain.intake import Flow, Kind, Step, initial_picks, step_named
from domain.profile import PreferencesData, ProfileData
from handlers.journey.chat import ClientChat
from handlers.journey.chat_state import JourneyDraft
from handlers.journey.states import Journey, Mode, Target
from handlers.views.keyboards import AnswerButton


@dataclass
class Position:
    """The question being answered, and a multi-select's ticks not yet confirmed with Done."""

    step: Step
    mode: Mode
    target: Target
    picked: list[str] = field(default_factory=list)
    words: str | None = None

    def draft(self) -> JourneyDraft:
        return JourneyDraft(step=self.step.name, picked=self.picked, words=self.words, target=self.target)

    def start_picks(self, profile: ProfileData, prefs: PreferencesData) -> None:
        """Tick what a multi-select was answered with before (and the own words given with it)."""
        self.picked = initial_picks(self.step, profile, prefs)
        self.words = profile.hobbies_text if self.step.own_words else None


async def current_position(chat: ClientChat) -> Position | None:
    """The question being answered now, if any."""
    current = await chat.get_state()
    if current == Journey.question.state:
        profile = await chat.profile()
        step = step_named(profile.intake_step if profile else None)
        if step is None or profile is None:
            return None
        position = Position(step, Mode.ONBOARDING, Target.REVIEW)
        if step.kind is Kind.MULTI:
            draft = await chat.state.draft()
            if draft.step == step.name:
                position.picked, position.words = list(draft.picked), draft.words
            else:
                position.start_picks(profile, await chat.preferences())
        return position
    if current == Journey.editing.state:
        draft = await chat.state.draft()
        step = step_named(draft.step)
        if step is None:
            return None
        return Position(step, Mode.EDIT, draft.target, list(draft.picked), draft.words)
    return None


async def keep_picks(chat: ClientChat, position: Position) -> None:
    await chat.state.keep(position.draft())


async def navigation_preferences(chat: ClientChat, step: Step) -> PreferencesData:
    """What next/previous need: only the must-have question depends on the preferences, and it is only reached
    from within the preferences."""
    return await chat.preferences() if step.flow is Flow.PREFERENCES else PreferencesData()


class Asked(Filter):
    """A button under the question being answered now (of one of `kinds`, when given); hands the handler the
    `position`. Buttons of other questions fall through to the router's "outdated" handler."""

    def __init__(self, *kinds: Kind) -> None:
        self.kinds = kinds

    async def __call__(
        self, callback: CallbackQuery, callback_data: AnswerButton, conversation: ClientChat
    ) -> bool | dict[str, Position]:
        position = await current_position(conversation)
        if position is None or position.step.name != callback_data.step:
            return False
        if self.kinds and position.step.kind not in self.kinds:
            return False
        return {"position": position}
