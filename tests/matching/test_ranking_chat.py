"""/ranking in the chat: a client sees how suggestions are ranked, says how much a wish matters, and switches
learning from answers off (what was learned is deleted); in English and Chinese, through the real Dispatcher."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from sqlalchemy import select

from domain.clock import FakeClock
from domain.matching.learning import Answer
from storage.database import Database
from storage.models.match_learning import MatchLearningRow, MatchSettingsRow
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import paced, register
from tests.matching.chat import account_of


async def test_a_client_ranks_by_their_wishes_and_switches_learning_off(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    clock: FakeClock,
) -> None:
    li = paced(dp, bot, session, error_log, user_id=7_101, language_code="en")
    await register(li, "en")
    me = await account_of(app_database, li)
    async with app_database.unit_of_work() as uow:
        await uow.match_learning.record(Answer(me, me, True, clock.now()), ("hobby:tea",), clock.now())

    await li.send("/ranking")
    text = li.last_text()
    assert text.startswith("<b>How your suggestions are ranked</b>")
    assert "<b>Learning from answers: on.</b>" in text
    assert "Age: must" in text  # Li's one must-have (tests/journey_walk.py)
    buttons = li.last_buttons()
    assert "Age: must" not in buttons  # a must-have is changed in /preferences
    assert buttons[-1] == "Stop learning from answers"
    nice = next(b for b in buttons if b.endswith(": nice to have"))
    criterion = nice.removesuffix(": nice to have")

    await li.click(nice)
    assert f"{criterion}: important" in li.last_text()
    await li.click(f"{criterion}: important")
    assert f"{criterion}: does not matter" in li.last_buttons()

    await li.click("Stop learning from answers")
    assert li.view.toasts[-1] == "Learning from answers is off; what I learned is deleted."
    assert "<b>Learning from answers: off.</b>" in li.last_text()
    assert li.last_buttons()[-1] == "Learn from answers"
    async with app_database.unit_of_work() as uow:
        assert (await uow.session.scalars(select(MatchLearningRow))).all() == []
        (settings,) = (await uow.session.scalars(select(MatchSettingsRow))).all()
        assert settings.behaviour_ranking is False
        assert list(settings.importance.values()) == ["ignore"]

    # In Chinese.
    await li.send("/language")
    await li.click("简体中文")
    await li.send("/ranking")
    text = li.last_text()
    assert text.startswith("<b>推荐对象的排序方式</b>")
    assert "<b>根据回答学习：已关闭。</b>" in text
    assert "年龄：必须" in text
    assert li.last_buttons()[-1] == "根据回答学习"
    await li.click("根据回答学习")
    assert li.view.toasts[-1] == "已开启根据回答学习。"
