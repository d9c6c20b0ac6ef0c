"""The states of an organiser's event form: a new event's, or an edit's (with the event it edits)."""

from __future__ import annotations

from uuid import UUID

from aiogram.fsm.state import State, StatesGroup
from pydantic import BaseModel


class EventForm(StatesGroup):
    form = State()  # waiting for the filled-in form
    edit = State()  # waiting for the edited form of the event in `EditDraft`


class EditDraft(BaseModel):
    event: str  # the event's id, 32 hex digits

    def event_id(self) -> UUID | None:
        try:
            return UUID(hex=self.event)
        except ValueError:
            return None
