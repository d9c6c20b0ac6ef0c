"""Router guards let an update skip a router none of whose handlers could take it, and never hide a handler."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Chat, Message, User

from bot.router_guards import CallbackGuard, MessageGuard, guards_for


class Form(StatesGroup):
    name = State()
    age = State()


class Pick(CallbackData, prefix="pick"):
    value: int


async def _handler(*_: object) -> None:
    return None


def _message(text: str) -> Message:
    user = User(id=1, is_bot=False, first_name="A")
    when = datetime(2026, 1, 1, tzinfo=UTC)
    return Message(message_id=1, date=when, chat=Chat(id=1, type="private"), from_user=user, text=text)


def _callback(data: str) -> CallbackQuery:
    return CallbackQuery(id="1", from_user=User(id=1, is_bot=False, first_name="A"), chat_instance="c", data=data)


async def test_a_router_of_commands_states_and_buttons_is_guarded_by_their_union() -> None:
    router = Router()
    router.message(Command("matches"))(_handler)
    router.message(Form.name, F.text)(_handler)
    router.message(StateFilter(Form.age))(_handler)
    router.callback_query(Pick.filter(F.value > 0))(_handler)
    router.callback_query(Form)(_handler)
    guards = guards_for(router)

    messages = guards["message"]
    assert isinstance(messages, MessageGuard)
    assert await messages(_message("/matches"), raw_state=None)
    assert await messages(_message("/MATCHES@yuelao_bot now"), raw_state=None)  # the handler's filter decides the rest
    assert await messages(_message("Anna"), raw_state=Form.name.state)
    assert await messages(_message("Anna"), raw_state=Form.age.state)
    assert not await messages(_message("Anna"), raw_state=None)
    assert not await messages(_message("/profile"), raw_state="Journey:question")
    assert await messages(_message("Anna"))  # no conversation state known: never skip

    callbacks = guards["callback_query"]
    assert isinstance(callbacks, CallbackGuard)
    assert await callbacks(_callback("pick:3"), raw_state=None)
    assert await callbacks(_callback("other:3"), raw_state=Form.age.state)  # the Form handler takes any button there
    assert not await callbacks(_callback("other:3"), raw_state=None)


def test_a_router_with_a_catch_all_is_not_guarded() -> None:
    router = Router()
    router.message(Command("help"))(_handler)
    router.message()(_handler)
    router.callback_query(F.data == "x")(_handler)
    router.message(StateFilter("*"))(_handler)
    assert guards_for(router) == {}
