"""The states of an organiser's event form."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class EventForm(StatesGroup):
    form = State()  # waiting for the filled-in form
