"""A client who writes Russian: the questions come in Russian, the answers typed the way Russian speakers write
them are understood (dates with month names, heights with "см" and a decimal comma, ranges "от ... до ...",
open ranges "выше 170", a plain "нет" or "не знаю"), and what cannot be accepted is explained in Russian."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domain.clock import FakeClock
from storage.database import Database
from tests.conversation.telegram import TelegramChat, TelegramClient
from tests.journey_walk import stored


@pytest.fixture
def session(clock: FakeClock) -> TelegramChat:
    return TelegramChat(clock)


@pytest.fixture
def russian(make_person: Callable[..., TelegramClient]) -> TelegramClient:
    return make_person(language_code="ru", first_name="Анна")


def refused(person: TelegramClient, explanation: str) -> None:
    text = person.last_text()
    assert text.startswith("⚠️ " + explanation), text


async def test_a_registration_typed_in_russian(russian: TelegramClient, app_database: Database) -> None:
    await russian.send("/start")
    assert "Добро пожаловать" in russian.last_text()
    await russian.click("Принимаю, начнём")
    assert "Как Вас зовут?" in russian.last_text()

    await russian.send("Анна 3")
    refused(russian, "Имя может содержать буквы, пробелы, дефисы и апострофы, но не цифры или эмодзи.")
    await russian.send("Анна Петрова")
    await russian.click("Пропустить")
    await russian.click("Женщина")

    await russian.send("вчера")
    refused(russian, "Не получается прочитать эту дату.")
    await russian.send("30 февраля 1994")
    refused(russian, "Такой даты нет в календаре.")
    await russian.send("17 мая 1994 г.")
    assert "Какой у Вас рост" in russian.last_text()

    await russian.send("высокая")
    refused(russian, "Пожалуйста, укажите рост числом в сантиметрах")
    await russian.send("1,68 м")
    await russian.click("Магистр")
    await russian.send("Переводчик")
    await russian.click("Пропустить")
    await russian.send("Атлантида")
    refused(russian, "Этого места нет в моём списке.")
    await russian.send("город Шанхай")
    await russian.click("Не состоял(а) в браке")
    await russian.send("нет")  # children: a plain "no" rather than the button "Детей нет"
    await russian.send("не знаю")  # wants children: "Пока не знаю"

    db = await stored(app_database, russian)
    assert db.profile is not None
    assert db.profile.birth_date is not None and db.profile.birth_date.isoformat() == "1994-05-17"
    assert db.profile.height_cm == 168
    assert db.profile.region_code == "310000"
    assert (db.profile.has_children, db.profile.wants_children) == (False, "maybe")
    assert "Какие слова описывают Вас лучше всего?" in russian.last_text()


async def test_partner_ranges_typed_in_russian(russian: TelegramClient, app_database: Database) -> None:
    await russian.send("/start")
    await russian.click("Принимаю, начнём")
    steps = [
        ("send", "Анна"),
        ("click", "Пропустить"),
        ("click", "Женщина"),
        ("send", "17.05.1994"),
        ("send", "168 см"),
        ("click", "Магистр"),
        ("send", "Переводчик"),
        ("click", "Пропустить"),
        ("send", "Пекин"),
        ("click", "В разводе"),
        ("click", "Детей нет"),
        ("click", "Да"),
        ("click", "Мягкость"),
        ("click", "Готово"),
        ("click", "Чтение"),
        ("click", "Готово"),
        ("send", "Люблю долгие прогулки и хорошие книги."),
        ("click", "Пропустить"),
        ("send", "12345"),
        ("send", "+7 912 345-67-89"),
        ("click", "Продолжить без фото"),
        ("click", "Мужчину"),
    ]
    for how, what in steps:
        await (russian.send(what) if how == "send" else russian.click(what))
    assert "В каком возрасте должен быть Ваш партнёр?" in russian.last_text()
    db = await stored(app_database, russian)
    assert db.profile is not None and db.profile.phone == "+79123456789"

    await russian.send("от 40 до 30 лет")
    refused(russian, "Меньшее число должно стоять первым: Вы имели в виду 30-40?")
    await russian.send("тридцать")
    refused(russian, "Пожалуйста, укажите наименьшее и наибольшее значение")
    await russian.send("от 30 до 40 лет")
    await russian.send("выше 175")

    db = await stored(app_database, russian)
    assert db.preferences is not None
    assert (db.preferences.age_min, db.preferences.age_max) == (30, 40)
    assert (db.preferences.height_min, db.preferences.height_max) == (175, None)
    assert "Какое образование партнёра для Вас минимально?" in russian.last_text()

    await russian.click("Не важно")  # education
    await russian.send("пропустить")  # regions: the skip word typed
    await russian.click("Не важно")  # marital history
    await russian.send("не важно")  # children
    await russian.click("Рост")
    await russian.click("Готово")
    review = russian.last_text()
    assert "Возраст: от 30 до 40 (желательно)" in review
    assert "Рост: от 175 см (обязательно)" in review
    assert "Нажмите <b>Подтвердить</b>" in review

    await russian.click("✅ Подтвердить")
    assert "Спасибо, Анна! Регистрация завершена." in russian.last_text()
    db = await stored(app_database, russian)
    assert db.profile is not None and db.profile.status == "active"
