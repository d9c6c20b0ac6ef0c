"""The same paths in Chinese: a client complains about their counselor, a Chinese-speaking manager handles
it, the client answers the satisfaction question; the SLA alert reaches the manager in Chinese."""

from __future__ import annotations

from collections.abc import Callable

from domain.clock import FakeClock
from storage.database import Database
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.matching.chat import deliver
from tests.quality.conftest import CLIENT_ID, COUNSELOR_ID, DESK_ID, MANAGER_ID, cases, set_locale
from tests.staff.conftest import add_member


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
