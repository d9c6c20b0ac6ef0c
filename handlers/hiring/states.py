"""The states of the hiring dialogs and their typed drafts (JSON in the encrypted conversation state)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup
from pydantic import BaseModel

APPLICATION_KEY = "application"  # the candidate's draft sits under this key, beside a visitor's chosen language


class Applying(StatesGroup):
    """A candidate's interview in the bot."""

    name = State()
    phone = State()
    experience = State()
    motivation = State()


class PositionForm(StatesGroup):
    """A manager opens a position (the role was picked with a button)."""

    title = State()
    headcount = State()
    requirements = State()


class HiringNote(StatesGroup):
    text = State()  # a manager's note about a candidate


class ApplicationDraft(BaseModel):
    position: str  # 32 hex digits
    name: str | None = None
    phone: str | None = None
    experience: str | None = None


class PositionDraft(BaseModel):
    role: str
    title: str | None = None
    headcount: int | None = None


class NoteDraft(BaseModel):
    candidate: str  # 32 hex digits
