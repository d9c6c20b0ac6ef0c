"""The same paths in Chinese: a client complains about their counselor, a Chinese-speaking manager handles
it, the client answers the satisfaction question; the SLA alert reaches the manager in Chinese; /block,
/transcript, the staff side of report moderation, /survey results and the privacy notice asked again after a
new version, each in Chinese words and buttons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from aiogram import Dispatcher

from bot.scheduling.runner import DueJobRunner
from domain.clock import FakeClock
from domain.consent import NOTICE_VERSION
from domain.matching.decisions import ReportReason
from domain.quality import next_survey_at
from handlers.services.job_registry import JobRegistry
from handlers.services.quality import ComplaintDesk
from handlers.services.quality_jobs import arm_sla_check, register_quality_jobs
from handlers.views.quality import BlockButton
from storage.database import Database
from storage.privacy_ops import shred_account
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.matching.chat import deliver
from tests.quality.conftest import CLIENT_ID, COUNSELOR_ID, DESK_ID, MANAGER_ID, cases, set_locale
from tests.quality.test_survey import answer_survey, survey_runner
from tests.quality.test_transcripts import _conversation as a_conversation
from tests.staff.conftest import add_member

OTHER_CLIENT_ID = CLIENT_ID + 1
THIRD_CLIENT_ID = CLIENT_ID + 2


async def test_a_chinese_client_and_manager(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    mei = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="美")
    zhou = await add_member(app_database, clock, MANAGER_ID, "manager", name="周经理")
    await set_locale(app_database, zhou.account_id, "zh")
    client_id = await make_client(app_database, clock, CLIENT_ID, "王芳", counselor=mei.account_id, gender="female")
    await set_locale(app_database, client_id, "zh")
    client = make_user(user_id=CLIENT_ID, language_code="zh")

    await client.send("/complain")
    assert client.last_text().startswith("您想反映哪方面的问题？")
    assert client.last_buttons()[:3] == ["👤 我的红娘", "🧑 其他会员", "🏢 我们的服务"]
    await client.click("👤 我的红娘")
    assert client.last_text() == "您的投诉对象是美。\n请简要描述发生了什么（最多1000个字），或发送 /cancel 取消。"
    await client.send_sticker()
    assert client.last_text().startswith("请用文字描述。")
    await client.send("她把我的电话号码给了别人")
    (row,) = await cases(app_database)
    reference = f"#{row.id.hex[:8]}"
    assert client.last_text() == f"谢谢。您的投诉已登记，编号{reference}；我们会在4小时内回复您。"

    manager = make_user(user_id=MANAGER_ID, language_code="zh")
    (alert,) = await deliver(app_database, manager)
    assert alert.text == f"🆕 新投诉{reference}：工作人员（高）。请在4小时内首次回复。"
    await manager.send("/complaints")
    assert manager.last_text().startswith("📋 <b>待处理投诉1件</b>，最早的在前：")
    await manager.click(reference)
    card = manager.last_text()
    assert card.startswith(f"🗂 <b>投诉{reference}</b>")
    assert "类别：工作人员 · 紧急程度：高 · 来源：会员主动投诉" in card
    assert "投诉对象：美" in card and "状态：等待首次回复" in card
    await manager.click("✋ 受理")
    assert manager.view.toasts[-1] == "您已受理该投诉。已告知会员有人正在处理。"
    assert manager.last_buttons() == [
        "✅ 结案：投诉成立",
        "✅ 结案：部分成立",
        "✅ 结案：投诉不成立",
        "📝 添加备注",
        "⬅️ 全部待处理投诉",
    ]
    await manager.click("✅ 结案：投诉成立")
    assert manager.view.toasts[-1] == "已结案。已询问会员是否满意。"
    taken, resolved = await deliver(app_database, client)
    assert taken.text == f"我们的工作人员正在处理您的投诉{reference}。"
    assert resolved.text == f"您的投诉{reference}已处理完毕：投诉成立。\n\n您对我们的处理满意吗？"
    await client.click("👍 满意")
    assert client.last_text().endswith("感谢您的反馈。")
    (row,) = await cases(app_database)
    assert (row.outcome, row.satisfied) == ("upheld", True)


async def test_a_chinese_client_who_never_met_a_counselor(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    await add_member(app_database, clock, DESK_ID, "customer_service", name="丽丽")
    client_id = await make_client(app_database, clock, CLIENT_ID, "王芳", gender="female")
    await set_locale(app_database, client_id, "zh")
    client = make_user(user_id=CLIENT_ID, language_code="zh")
    await client.send("/complain")
    await client.click("👤 我的红娘")
    assert client.last_text().startswith("目前还没有红娘为您服务过")
    await client.send("/complain")
    await client.click("💡 提建议")
    await client.send("x" * 1001)
    assert client.last_text().startswith("您输入了1001个字符，请控制在1000个以内。")
    await client.send("希望多办线下活动")
    (row,) = await cases(app_database)
    assert client.last_text() == f"感谢您的建议（#{row.id.hex[:8]}）。每一条我们都会认真阅读。"


async def test_the_sla_alert_reaches_a_chinese_manager(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    await add_member(app_database, clock, DESK_ID, "customer_service", name="丽丽")
    zhou = await add_member(app_database, clock, MANAGER_ID, "manager", name="周经理")
    await set_locale(app_database, zhou.account_id, "zh")
    await make_client(app_database, clock, CLIENT_ID, "李伟")
    client = make_user(user_id=CLIENT_ID)
    await client.send("/complain")
    await client.click("💴 Fees and payments")
    await client.send("I was charged twice for my membership")
    (case,) = await cases(app_database)
    reference = f"#{case.id.hex[:8]}"
    manager = make_user(user_id=MANAGER_ID, language_code="zh")
    await deliver(app_database, manager)

    registry = JobRegistry()
    register_quality_jobs(registry, settings=dp["settings"], i18n=dp["i18n"])
    runner = DueJobRunner(app_database, registry, clock)
    async with app_database.unit_of_work() as uow:
        await arm_sla_check(uow, clock.now())

    async def run_until(moment: timedelta) -> None:
        while clock.now() < case.created_at + moment:
            clock.advance(timedelta(minutes=15))
            await runner.run_due()

    await run_until(timedelta(hours=24, minutes=15))
    (late,) = await deliver(app_database, manager)
    assert late.text == f"⏰ 投诉{reference}（费用与付款）已超出首次回复时限：尚无人受理。"
    await manager.send("/complaints")
    assert manager.last_text().startswith("📋 <b>待处理投诉1件</b>，最早的在前：")
    await manager.click(reference)
    assert "⚠️ 已超出首次回复时限。" in manager.last_text()
    await manager.click("✋ 受理")
    await run_until(timedelta(days=5, minutes=15))
    (overdue,) = await deliver(app_database, manager)
    assert overdue.text == f"⏰ 投诉{reference}（费用与付款）已超出解决时限。"


async def test_block_in_chinese(make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock) -> None:
    wang = await make_client(app_database, clock, CLIENT_ID, "王芳", gender="female")
    li = await make_client(app_database, clock, OTHER_CLIENT_ID, "李伟")
    zhao = await make_client(app_database, clock, THIRD_CLIENT_ID, "赵磊")
    await set_locale(app_database, wang, "zh")
    client = make_user(user_id=CLIENT_ID, language_code="zh")
    await client.send("/block")
    assert client.last_text() == "您还没有与任何人牵线，因此没有可屏蔽的对象。"
    async with app_database.unit_of_work() as uow:
        await uow.introductions.create(wang, li, now=clock.now())
    await client.send("/block")
    assert client.last_text() == "您想屏蔽谁？屏蔽后，双方不会再被互相推荐，也不会再取得联系；对方不会收到通知。"
    assert client.last_buttons() == ["🚫 屏蔽李伟"]
    await client.click("🚫 屏蔽李伟")
    assert client.last_text() == "您已屏蔽李伟。双方不会再被互相推荐，也不会再取得联系。"
    await client.press(BlockButton(who=zhao.hex).pack())
    assert client.view.toasts[-1] == "您只能屏蔽与您牵线过的人。"
    await client.send("/block")
    assert client.last_text() == "与您牵线过的人都已被您屏蔽。"


async def test_transcript_in_chinese(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    mei = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="美")
    zhou = await add_member(app_database, clock, MANAGER_ID, "manager", name="周经理")
    await set_locale(app_database, zhou.account_id, "zh")
    client = await make_client(app_database, clock, CLIENT_ID, "王芳", counselor=mei.account_id, gender="female")
    quiet = await make_client(app_database, clock, OTHER_CLIENT_ID, "李伟")
    await a_conversation(app_database, clock, client, mei.account_id)
    manager = make_user(user_id=MANAGER_ID, language_code="zh")
    await manager.send("/transcript")
    assert manager.last_text() == "请发送 /transcript 加会员编号（会员卡片上的8个字符），例如 /transcript 1a2b3c4d。"
    await manager.send("/transcript ffffffff")
    assert manager.last_text() == "没有这个编号的会员。"
    await manager.send(f"/transcript {quiet.hex[:8]}")
    assert manager.last_text() == "该会员还没有通过机器人与红娘对话过。"
    await manager.send(f"/clients {client.hex[:8]}")
    assert "📜 对话记录" in manager.last_buttons()
    await manager.click("📜 对话记录")
    text = manager.last_text()
    assert text.startswith(f"📜 <b>对话记录</b> · 王芳 <code>{client.hex[:8]}</code>\n\n<b>")
    assert "</b>，与美\n" in text
    assert "王芳: I &lt;b&gt;need&lt;/b&gt; help" in text and "美: Of course" in text


async def test_the_staff_side_of_moderation_in_chinese(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    lily = await add_member(app_database, clock, DESK_ID, "customer_service", name="丽丽")
    await set_locale(app_database, lily.account_id, "zh")
    li = await make_client(app_database, clock, CLIENT_ID, "李伟")
    wang = await make_client(app_database, clock, OTHER_CLIENT_ID, "王芳", gender="female")
    references = []
    for reason in (ReportReason.FAKE, ReportReason.OFFENSIVE):
        async with app_database.unit_of_work() as uow:
            report = await uow.reports.add(li, wang, reason, comment="照片是明星", now=clock.now())
            desk = ComplaintDesk(uow=uow, settings=dp["settings"], clock=clock, i18n=dp["i18n"])
            references.append(f"#{(await desk.from_report(report)).id.hex[:8]}")
    first, second = references
    desk_chat = make_user(user_id=DESK_ID, language_code="zh")
    await desk_chat.send("/complaints")
    await desk_chat.click(first)
    card = desk_chat.last_text()
    assert "类别：其他会员 · 紧急程度：普通 · 来源：资料举报" in card
    assert "投诉对象：王芳" in card and wang.hex[:8] in card
    await desk_chat.click("✋ 受理")
    assert desk_chat.last_buttons() == [
        "🙅 驳回：未发现问题",
        "⚠️ 警告该会员",
        "🙈 7天内不再推荐",
        "🙈 30天内不再推荐",
        "⛔ 暂停该资料",
        "📝 添加备注",
        "⬅️ 全部待处理投诉",
    ]
    await desk_chat.click("🙈 7天内不再推荐")
    assert desk_chat.view.toasts[-1] == "已处理。已分别告知双方与其相关的内容。"
    assert "处理结果：投诉成立" in desk_chat.last_text()

    # The second report, after Wang deleted her account: only dismissing is left.
    async with app_database.unit_of_work() as uow:
        await shred_account(uow, wang, clock.now())
    await desk_chat.send("/complaints")
    await desk_chat.click(second)
    await desk_chat.click("✋ 受理")
    await desk_chat.click("⛔ 暂停该资料")
    assert desk_chat.view.toasts[-1] == "该资料已被删除，只能驳回。"
    await desk_chat.click("🙅 驳回：未发现问题")
    assert desk_chat.view.toasts[-1] == "已驳回。已告知投诉的会员。"
    assert [row.state for row in await cases(app_database)] == ["resolved", "resolved"]


async def test_survey_results_in_chinese(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    zone = ZoneInfo(dp["settings"].timezone)
    mei = await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="美")
    zhou = await add_member(app_database, clock, MANAGER_ID, "manager", name="周经理")
    await set_locale(app_database, zhou.account_id, "zh")
    wang = await make_client(app_database, clock, CLIENT_ID, "王芳", counselor=mei.account_id, gender="female")
    await set_locale(app_database, wang, "zh")
    clock.advance(timedelta(days=31))
    runner = await survey_runner(app_database, clock, dp)
    first = next_survey_at(clock.now(), zone)
    clock.set(first)
    await runner.run_due()
    await answer_survey(app_database, make_user(user_id=CLIENT_ID, language_code="zh"), 10, 5, skip="跳过")
    manager = make_user(user_id=MANAGER_ID, language_code="zh")
    await manager.send("/survey")
    this = first.astimezone(zone).strftime("%Y-%m")
    before = (first.astimezone(zone) - timedelta(days=1)).strftime("%Y-%m")
    assert manager.last_text() == (
        f"📊 <b>满意度调查</b>\n<b>{this}</b>：1份回答\n净推荐值：100\n• 美：5.0分（满分5分，1份回答）\n\n"
        f"<b>{before}</b>：0份回答"
    )


async def test_the_new_privacy_notice_is_asked_in_chinese(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    wang = await make_client(app_database, clock, CLIENT_ID, "王芳", gender="female")
    await set_locale(app_database, wang, "zh")
    async with app_database.unit_of_work() as uow:
        await uow.consents.record(wang, "2020-01", now=clock.now() - timedelta(days=400))
    client = make_user(user_id=CLIENT_ID, language_code="zh")
    for command in ("/matches", "/human", "/complain", "/block"):
        await client.send(command)
        assert f"<b>隐私政策</b>（版本 {NOTICE_VERSION}）" in client.last_text()
        assert client.last_buttons()[0] == "我同意，开始登记"
    await client.send("/start")
    await client.click("我同意，开始登记")
    await client.send("/complain")
    assert client.last_text().startswith("您想反映哪方面的问题？")
