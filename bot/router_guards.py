"""Router guards: a cheap first look that lets an update skip a router none of whose handlers could take it.

aiogram tries the routers in order and, in each, every handler's filters until one passes. A client answering
an intake question passes through every feature router before the intake's: each command filter parses the
text again, each state filter compares the state. Most handlers, though, need one of three things that can be
read in microseconds: a command (`Command`), a callback-data prefix (`CallbackData.filter()`) or a
conversation state (`State`, `StateFilter`). For a router whose message (or callback) handlers all need one of
them, `install_router_guards` adds a root filter that checks the union first; the handlers' own filters still
decide. A router with one handler that needs none of them (a catch-all) gets no guard.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.filters import Command, Filter, StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

_NOT_GIVEN: Any = object()


@dataclass
class Keys:
    """What an observer's handlers need, at least one of: commands, callback-data prefixes, states."""

    commands: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    states: set[str | None] = field(default_factory=set)


def _states(value: object) -> set[str | None] | None:
    """The state names a state filter accepts, or None when it is not one (or accepts any state)."""
    if isinstance(value, State):
        return None if value.state == "*" else {value.state}
    if isinstance(value, StatesGroup) or (inspect.isclass(value) and issubclass(value, StatesGroup)):
        group = value if inspect.isclass(value) else type(value)
        return {state.state for state in group.__all_states__}
    if isinstance(value, StateFilter):
        found: set[str | None] = set()
        for state in value.states:
            names = {state} if state is None or isinstance(state, str) else _states(state)
            if names is None or "*" in names:
                return None
            found |= names
        return found
    return None


def _add_key(keys: Keys, handler: HandlerObject) -> bool:
    """Add what one handler needs; False when it needs none of the three (no guard is possible)."""
    for filter_object in handler.filters or []:
        value = filter_object.callback
        if isinstance(value, Command) and all(isinstance(c, str) for c in value.commands):
            if value.prefix != "/":
                return False
            keys.commands |= {str(c).lower() for c in value.commands}
            return True
        if isinstance(value, CallbackQueryFilter):
            keys.prefixes.add(value.callback_data.__prefix__)
            return True
        states = _states(value)
        if states is not None:
            keys.states |= states
            return True
    return False


def _command_of(message: Message) -> str | None:
    text = message.text or message.caption
    if not text or not text.startswith("/"):
        return None
    return text[1:].split(maxsplit=1)[0].partition("@")[0].lower() if len(text) > 1 else ""


class MessageGuard(Filter):
    def __init__(self, commands: frozenset[str], states: frozenset[str | None]) -> None:
        self.commands = commands
        self.states = states

    async def __call__(self, message: Message, raw_state: str | None = _NOT_GIVEN) -> bool:
        if raw_state is _NOT_GIVEN or raw_state in self.states:
            return True
        return _command_of(message) in self.commands


class CallbackGuard(Filter):
    def __init__(self, prefixes: frozenset[str], states: frozenset[str | None]) -> None:
        self.prefixes = prefixes
        self.states = states

    async def __call__(self, callback: CallbackQuery, raw_state: str | None = _NOT_GIVEN) -> bool:
        if raw_state is _NOT_GIVEN or raw_state in self.states:
            return True
        return (callback.data or "").split(":", 1)[0] in self.prefixes


def guards_for(router: Router) -> dict[str, MessageGuard | CallbackGuard]:
    """The guards `router`'s own message and callback observers can have (none for an observer with a handler
    that needs neither a command, a callback-data prefix nor a state)."""
    guards: dict[str, MessageGuard | CallbackGuard] = {}
    for name in ("message", "callback_query"):
        observer = router.observers[name]
        keys = Keys()
        if not observer.handlers or not all(_add_key(keys, handler) for handler in observer.handlers):
            continue
        if name == "message":
            guards[name] = MessageGuard(frozenset(keys.commands), frozenset(keys.states))
        else:
            guards[name] = CallbackGuard(frozenset(keys.prefixes), frozenset(keys.states))
    return guards


def install_router_guards(router: Router) -> None:
    """Guard the message and callback observers of `router` and its sub-routers where possible."""
    for name, guard in guards_for(router).items():
        router.observers[name].filter(guard)
    for sub_router in router.sub_routers:
        install_router_guards(sub_router)
