"""A client walking the registration journey through `BotClient`: the answers a typical person gives, in
English or Chinese, step by step. Conversation tests, the property test and the benchmark share it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update

from domain.clock import FakeClock
from storage.database import Database
from storage.records import Account, ClientProfile, Consent, PartnerPreferences, Photo
from tests.botclient import BotClient, ErrorLogCapture, RecordingSession


class PacedClient(BotClient):
    """A person who takes a moment between messages (a second on the fake clock), as people do: the flood
    guard lets a burst of 8 updates through and then 2 a second, so a whole journey at once would be
    throttled."""

    pace = timedelta(seconds=1)

    async def _feed(self, update: Update) -> list[TelegramMethod[Any]]:
        clock = self.session.clock
        if isinstance(clock, FakeClock):
            clock.advance(self.pace)
        return await super()._feed(update)


Action = Callable[[BotClient], Awaitable[object]]


@dataclass(frozen=True)
class Labels:
    agree: str
    done: str
    confirm: str
    back: str
    skip: str


LABELS = {
    "en": Labels("I agree, let's begin", "Done", "✅ Confirm", "« Back", "Skip"),
    "zh": Labels("我同意，开始登记", "完成", "✅ 确认", "« 返回", "跳过"),
}


def _send(text: str) -> Action:
    async def act(user: BotClient) -> object:
        return await user.send(text)

    return act


def _click(*buttons: str) -> Action:
    async def act(user: BotClient) -> object:
        for button in buttons:
            await user.click(button)
        return None

    return act


def _photo(file_id: str, then: str) -> Action:
    async def act(user: BotClient) -> object:
        await user.send_photo(file_id)
        return await user.click(then)

    return act


def _words_then(buttons: tuple[str, ...], words: str, done: str) -> Action:
    async def act(user: BotClient) -> object:
        for button in buttons:
            await user.click(button)
        await user.send(words)
        return await user.click(done)

    return act


# One typical client's answers, step by step (English labels, then Chinese).
ANSWERS: dict[str, dict[str, Action]] = {
    "en": {
        "name": _send("Li Wei"),
        "preferred_name": _send("Li"),
        "gender": _click("Man"),
        "birth_date": _send("1994-05-17"),
        "height": _send("175 cm"),
        "education": _click("Master's degree"),
        "occupation": _send("Software engineer"),
        "income": _click("100,000 to 200,000 CNY"),
        "region": _send("Shanghai City"),
        "marital": _click("Never married"),
        "has_children": _click("No children"),
        "wants_children": _click("Yes"),
        "personality": _click("Cheerful", "Considerate", "Done"),
        "hobbies": _words_then(("Reading", "Travel"), "I sing in a choir", "Done"),
        "about": _send("I love long walks and good books, and I hope to meet someone kind & curious."),
        "history": _click("Skip"),
        "phone": _send("138 0013 8000"),
        "photos": _photo("photo-li-1", "Done (1 of 5)"),
        "p_gender": _click("A woman"),
        "p_age": _send("25-32"),
        "p_height": _send("155-170"),
        "p_education": _click("Bachelor's degree"),
        "p_regions": _click("Shanghai", "Zhejiang", "Done"),
        "p_marital": _click("Never married", "Done"),
        "p_children": _click("They should want children"),
        "p_must": _click("Age", "Done"),
    },
    "zh": {
        "name": _send("王芳"),
        "preferred_name": _click("跳过"),
        "gender": _click("女"),
        "birth_date": _send("1996年3月8日"),
        "height": _send("163厘米"),
        "education": _click("本科"),
        "occupation": _send("小学老师"),
        "income": _click("10万–20万元"),
        "region": _send("杭州"),
        "marital": _click("未婚"),
        "has_children": _click("没有孩子"),
        "wants_children": _click("是"),
        "personality": _click("温柔", "顾家", "完成"),
        "hobbies": _words_then(("阅读", "烹饪"), "周末喜欢去西湖边跑步", "完成"),
        "about": _send("我性格温和，喜欢做饭和看书，希望找到一个踏实、有责任心的人。"),
        "history": _click("跳过"),
        "phone": _click("跳过"),
        "photos": _photo("photo-wang-1", "完成（1/5）"),
        "p_gender": _click("男士"),
        "p_age": _send("28到35岁"),
        "p_height": _send("170-185"),
        "p_education": _click("本科"),
        "p_regions": _click("浙江", "完成"),
        "p_marital": _click("未婚", "离异", "完成"),
        "p_children": _click("希望对方想要孩子"),
        "p_must": _click("年龄", "身高", "完成"),
    },
}


async def consent(user: BotClient, locale: str = "en") -> None:
    await user.send("/start")
    if locale == "zh" and user.user.language_code != "zh":
        await user.click("简体中文")
    await user.click(LABELS[locale].agree)


async def answer(user: BotClient, step: str, locale: str = "en") -> None:
    await ANSWERS[locale][step](user)


async def answer_until(user: BotClient, stop: str | None, locale: str = "en") -> None:
    """Answer every question in order, stopping before `stop` (None: through the last one)."""
    for step, act in ANSWERS[locale].items():
        if step == stop:
            return
        await act(user)


async def register(user: BotClient, locale: str = "en") -> None:
    """Consent, answer everything, confirm: an active client."""
    await consent(user, locale)
    await answer_until(user, None, locale)
    await user.click(LABELS[locale].confirm)


@dataclass(frozen=True)
class Stored:
    """What the database holds about one person, read through the repositories."""

    account: Account | None
    profile: ClientProfile | None
    preferences: PartnerPreferences | None
    photos: list[Photo]
    consents: list[Consent]


async def stored(database: Database, user: BotClient) -> Stored:
    async with database.unit_of_work(read_only=True) as uow:
        account = await uow.accounts.find_by_external(user.channel, str(user.user.id))
        if account is None:
            return Stored(None, None, None, [], [])
        return Stored(
            account,
            await uow.profiles.get(account.id),
            await uow.preferences.get(account.id),
            await uow.photos.list_for(account.id),
            await uow.consents.list_for(account.id),
        )


def paced(dp: Dispatcher, bot: Bot, session: RecordingSession, log: ErrorLogCapture, **kwargs: Any) -> PacedClient:
    return PacedClient(dp, bot, session, log_capture=log, **kwargs)
