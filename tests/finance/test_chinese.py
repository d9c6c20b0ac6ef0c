"""Finance in Chinese: the expense's questions, the categories, the budget report and month names read as the
glossary says (预算、实际、偏差、获客渠道、牵线), with full-width punctuation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from domain.clock import FakeClock
from domain.finance.accounts import Category
from storage.database import Database
from storage.repositories.channels import ChannelsRepository
from storage.repositories.finance import FinanceRepository
from tests.botclient import BotClient
from tests.staff.conftest import add_member

FANG = 640_000_001


async def test_finance_in_chinese(
    make_person: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    member = await add_member(app_database, clock, FANG, "finance", name="Fang")
    async with app_database.unit_of_work() as uow:
        await uow.accounts.set_locale(member.account_id, "zh")  # the member chose Chinese (/language)
        wechat = await ChannelsRepository.of(uow).create("wechat", "微信广告", created_by=None, now=clock.now())
        await FinanceRepository.of(uow).add_expense(
            currency="CNY",
            amount_minor=150000,
            category=Category.ADVERTISING,
            booked_on=date(2026, 1, 2),
            made_by=member.account_id,
            now=clock.now(),
            channel_id=wechat.id,
        )
    fang = make_person(user_id=FANG, language_code="zh")
    await fang.send("/expense")
    assert fang.last_text() == "这笔支出多少钱？请写CNY金额，例如 1,234.50。"
    await fang.send("-5")
    assert fang.last_text() == "金额必须大于零。这笔支出多少钱？"
    await fang.send("1234元")
    assert fang.last_text() == "这笔支出用于什么？"
    assert fang.last_buttons() == ["工资", "房租", "广告", "线下活动", "提成", "其他"]
    await fang.send("/budget")
    report = fang.last_text()
    assert report.startswith("📊 <b>2026年1月预算与实际</b>")
    assert "⚠️ 广告：实际¥1,500.00，预算¥0.00，偏差+¥1,500.00，占比100.0%" in report
    assert "⚠️ 超出阈值的超支：广告" in report
    assert "• <code>wechat</code>：¥1,500.00（0位新会员、0位已注册、0次牵线）" in report
