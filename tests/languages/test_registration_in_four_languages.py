"""A whole registration, consent to an active profile, in each of the four languages, through the real
Dispatcher: the language comes from Telegram's language code, every button is pressed by its label in that
language, and everything the bot says is in that language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n

from bot.i18n import create_i18n
from handlers.views.texts import option_label
from storage.database import Database
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import PacedClient, paced, stored

# What Telegram reports as the person's app language, for each of our locales.
TELEGRAM_CODES = {"en": "en-US", "zh": "zh-hans", "zh_Hant": "zh-hant", "ru": "ru"}
FOUR = list(TELEGRAM_CODES)
CJK = re.compile(r"[\u4e00-\u9fff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN_WORD = re.compile(r"[A-Za-z]{4,}")
SIMPLIFIED_ONLY = "这会为们说时发还资来对个么关开过请样号际应从该选择认识间证话语图书见长车门问题经给让"
DONE_MESSAGE = (
    "Thank you, {name}! Your registration is complete. I will let you know when we have someone to "
    "suggest; to talk to a counselor at any time, send /human."
)


class Speaker:
    """The catalogs of one locale, as the bot uses them: texts and option labels."""

    def __init__(self, i18n: I18n, locale: str) -> None:
        self.i18n = i18n
        self.locale = locale

    @contextmanager
    def _context(self) -> Iterator[None]:
        with self.i18n.context(), self.i18n.use_locale(self.locale):
            yield

    def text(self, msgid: str) -> str:
        with self._context():
            return self.i18n.gettext(msgid)

    def option(self, step: str, code: str) -> str:
        with self._context():
            return option_label(step, code)


async def register(client: PacedClient, say: Speaker) -> None:
    """Consent, every question answered (buttons by their label in the client's language), confirmed."""
    done, skip = say.text("Done"), say.text("Skip")
    await client.send("/start")
    await client.click(say.text("I agree, let's begin"))
    await client.send("Li Wei")
    await client.click(skip)  # what we call you
    await client.click(say.option("gender", "male"))
    await client.send("1994-05-17")
    await client.send("175")
    await client.click(say.option("education", "master"))
    await client.send("Engineer")
    await client.click(say.option("income", "CNY:100000-200000"))
    await client.send("杭州")
    await client.click(say.option("marital", "never"))
    await client.click(say.option("has_children", "no"))
    await client.click(say.option("wants_children", "yes"))
    for tap in (say.option("personality", "cheerful"), say.option("personality", "considerate"), done):
        await client.click(tap)
    for tap in (say.option("hobbies", "reading"), done):
        await client.click(tap)
    await client.send("I love long walks and good books, and I hope to meet someone kind.")
    await client.click(skip)  # relationship history
    await client.click(skip)  # phone
    await client.click(say.text("Continue without a photo"))
    await client.click(say.option("p_gender", "female"))
    await client.send("25-32")
    await client.send("155-170")
    await client.click(say.option("p_education", "bachelor"))
    for tap in (say.option("p_regions", "330000"), done):
        await client.click(tap)
    for tap in (say.option("p_marital", "never"), done):
        await client.click(tap)
    await client.click(say.option("p_children", "yes"))
    for tap in (say.option("p_must", "age"), done):
        await client.click(tap)
    await client.click(say.text("✅ Confirm"))


@pytest.mark.parametrize("locale", FOUR)
async def test_a_whole_registration_in_each_language(
    locale: str,
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
) -> None:
    say = Speaker(create_i18n(), locale)
    client = paced(dp, bot, session, error_log, user_id=777_000_001, language_code=TELEGRAM_CODES[locale])

    await register(client, say)

    assert client.last_text().startswith(say.text(DONE_MESSAGE).format(name="Li Wei").split("!")[0])
    db = await stored(app_database, client)
    assert db.account is not None and db.account.locale == locale
    assert db.profile is not None and db.profile.status == "active"
    assert (db.profile.gender, db.profile.birth_date, db.profile.height_cm) == ("male", date(1994, 5, 17), 175)
    assert (db.profile.region_code, db.profile.income_band) == ("330100", "CNY:100000-200000")
    assert db.preferences is not None
    assert (db.preferences.age_min, db.preferences.age_max, db.preferences.regions) == (25, 32, ["330000"])
    assert db.preferences.must_have == ["age"]
    said = [text for text in client.texts() if text]
    if locale == "en":
        # Chinese only in what the client typed and in the examples of what may be typed.
        examples = re.compile("杭州|上海|1994年5月17日")
        foreign = [text for text in said if CYRILLIC.search(text) or CJK.search(examples.sub("", text))]
        assert not foreign, foreign
    elif locale == "ru":
        assert all(CYRILLIC.search(text) for text in said), [t for t in said if not CYRILLIC.search(t)][:3]
    else:
        assert all(CJK.search(text) for text in said)
        # No English sentence left: Latin words only in what the client typed, commands and names.
        typed = {"Li", "Wei", "Engineer", "love", "long", "walks", "good", "books", "hope", "meet", "someone", "kind"}
        for text in said:
            words = set(LATIN_WORD.findall(re.sub(r"/[a-z_]+|<[^>]+>", "", text))) - typed
            assert not words, (words, text)
    if locale == "zh_Hant":
        # Nothing in Simplified characters (their Traditional forms differ) and the agency's terms as reviewed.
        assert [(c, text) for text in said for c in SIMPLIFIED_ONLY if c in text] == []
        assert any("紅娘" in text for text in said)
