"""The conversation states of the client journey, and where a single-field edit returns to."""

from __future__ import annotations

from enum import StrEnum

from aiogram.fsm.state import State, StatesGroup


class Journey(StatesGroup):
    intro = State()  # consented; the introduction with "Continue" (Back from the first question)
    question = State()  # the first pass: the profile's intake_step names the question
    editing = State()  # one answer being changed: the FSM data names the question and where to return
    review = State()  # the finished profile is shown for confirmation
    fields = State()  # the client is choosing which answer to change


class Deletion(StatesGroup):
    first = State()
    final = State()


class Mode(StrEnum):
    ONBOARDING = "onboarding"  # the first pass: each answer leads to the next question
    EDIT = "edit"  # one answer changed: back to where the client came from


class Target(StrEnum):
    """Where a single-field edit returns to."""

    REVIEW = "review"
    PROFILE = "profile"
    PREFERENCES = "preferences"
