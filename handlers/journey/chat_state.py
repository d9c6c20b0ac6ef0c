"""The conversation state of one update: read once, written only when it changes (every FSM read or write is
a database round trip), and the journey's own part of its data as a typed draft.

The FSM state (encrypted in the database) only says "answering", "changing one answer", "reviewing"; the
answers themselves are saved in the profile as they are given (see `handlers.services.profiles`). The data
holds what is not an answer yet: a multi-select's ticks before Done, and where a single-field edit returns.
"""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from pydantic import BaseModel, ConfigDict, ValidationError

from handlers.journey.states import Target


class JourneyDraft(BaseModel):
    """The journey's FSM data (JSON): the question whose ticks are kept, the ticks and own words not yet
    confirmed with Done, and where a single-field edit returns. Other keys of the data are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    step: str | None = None
    picked: list[str] = []
    words: str | None = None
    target: Target = Target.REVIEW

    @classmethod
    def read(cls, data: dict[str, Any]) -> JourneyDraft:
        try:
            return cls.model_validate(data)
        except ValidationError:  # not ours (or damaged): nothing unconfirmed to keep
            return cls()

    def to_data(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class ChatState:
    """aiogram's `FSMContext` behind a cache: aiogram read the state before the handler (for the state
    filters), so it is not read again; a write that changes nothing is skipped."""

    def __init__(self, context: FSMContext, *, raw_state: str | None, state_was_read: bool) -> None:
        self.context = context
        self._name, self._known = raw_state, state_was_read
        self._data: dict[str, Any] | None = None

    async def get_state(self) -> str | None:
        if not self._known:
            self._name = await self.context.get_state()
            self._known = True
        return self._name

    async def set_state(self, value: State | None) -> None:
        name = None if value is None else value.state
        if self._known and self._name == name:
            return
        await self.context.set_state(value)
        self._name, self._known = name, True

    async def data(self) -> dict[str, Any]:
        """A copy of the conversation data (change it with `set_data`)."""
        if self._data is None:
            self._data = await self.context.get_data()
        return dict(self._data)

    async def set_data(self, data: dict[str, Any]) -> None:
        if self._data is not None and self._data == data:
            return
        await self.context.set_data(data)
        self._data = dict(data)

    async def clear(self) -> None:
        await self.set_state(None)
        await self.set_data({})

    async def draft(self) -> JourneyDraft:
        return JourneyDraft.read(await self.data())

    async def keep(self, draft: JourneyDraft) -> None:
        """Replace the conversation data with the journey's draft."""
        await self.set_data(draft.to_data())
