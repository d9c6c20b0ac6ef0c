"""A Chinese-speaking counselor works in Chinese: the list, the card, the stage buttons and the digest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aiogram import Dispatcher

from domain.clock import FakeClock
from handlers.services.casework.jobs import send_digest
from storage.database import Database
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.matching.chat import deliver
from tests.staff.conftest import add_member

MEI = 700_005


async def test_a_chinese_counselor_sees_casework_in_chinese(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    mei = await add_member(app_database, clock, MEI, "counselor", name="美")
    async with app_database.unit_of_work() as uow:
        await uow.accounts.set_locale(mei.account_id, "zh")
    client = await make_client(app_database, clock, 9_001, "王芳", counselor=mei.account_id, gender="female")
    counselor = make_user(user_id=MEI, language_code="zh")

    await counselor.send("/clients")
    assert counselor.last_text().startswith("<b>您负责的会员</b>（1）")
    await counselor.click(f"王芳 · {client.hex[:8]}")
    card = counselor.last_text()
    assert card.startswith(f"🗂 <b>王芳</b> · 编号 <code>{client.hex[:8]}</code>")
    assert "红娘：美" in card and "下次回访：无" in card
    assert counselor.last_buttons()[:3] == ["📌 服务阶段", "📝 添加备注", "⏰ 回访"]
    await counselor.click("📌 服务阶段")
    await counselor.click("已结案")
    await counselor.click("暂停寻找")
    assert counselor.view.toasts[-1] == "已结案：暂停寻找。"

    async with app_database.unit_of_work() as uow:
        await uow.assignments.set_follow_up(client, clock.now().date() - timedelta(days=2))
        await send_digest(uow, clock.now().date(), settings=dp["settings"], i18n=dp["i18n"])
    (digest,) = await deliver(app_database, counselor)
    assert digest.text.startswith("⏰ <b>今日待回访</b>（1）")
    assert "（已逾期）" in digest.text
