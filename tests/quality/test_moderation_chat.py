"""Report moderation through the real Dispatcher: a reported profile is hidden for 7 days (the matcher's
check says so, until the days pass), warned or suspended, and a suspension lifted; both sides hear what they
may know; the report is closed; a deleted profile can only be dismissed. And a client blocks someone they were
introduced to: a connected pair's introduction closes, their open date is off, neither can propose another."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from uuid import UUID

from aiogram import Dispatcher

from domain.clock import FakeClock
from domain.dates import DateState
from domain.matching.decisions import ReportReason
from domain.quality import Moderation
from handlers.services.matching.hidden import hidden_from_suggestions
from handlers.services.quality import ComplaintDesk
from handlers.views.dates.buttons import ProposeDate
from handlers.views.quality import BlockButton, CaseAct, CaseButton
from storage.database import Database
from storage.privacy_ops import shred_account
from storage.repositories.quality_moderation import ModerationRepository
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.dates.chat import connect
from tests.matching.chat import deliver
from tests.quality.conftest import COUNSELOR_ID, DESK_ID, cases, set_locale
from tests.staff.conftest import add_member

LI, WANG, ZHAO = 9_301, 9_302, 9_303


async def _reported(app_database: Database, clock: FakeClock, dp: Dispatcher) -> tuple[UUID, UUID, str]:
    li = await make_client(app_database, clock, LI, "Li Wei")
    wang = await make_client(app_database, clock, WANG, "Wang Fang", gender="female")
    async with app_database.unit_of_work() as uow:
        report = await uow.reports.add(li, wang, ReportReason.FAKE, comment="Photos of a film star", now=clock.now())
        case = await ComplaintDesk(uow=uow, settings=dp["settings"], clock=clock, i18n=dp["i18n"]).from_report(report)
    return li, wang, f"#{case.id.hex[:8]}"


async def test_a_reported_profile_is_hidden_for_seven_days(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    await add_member(app_database, clock, DESK_ID, "customer_service", name="Lily")
    li, wang, reference = await _reported(app_database, clock, dp)
    lily = make_user(user_id=DESK_ID)
    await lily.send("/complaints")
    await lily.click(reference)
    card = lily.last_text()
    assert "Category: another client · severity: normal · from a profile report" in card
    assert "About: Wang Fang (" in card and "Photos of a film star" in card
    await lily.click("✋ Take it")
    assert lily.last_buttons() == [
        "🙅 Dismiss: nothing wrong",
        "⚠️ Warn the client",
        "🙈 Hide from suggestions for 7 days",
        "🙈 Hide from suggestions for 30 days",
        "⛔ Suspend the profile",
        "📝 Add a note",
        "⬅️ All open complaints",
    ]
    await lily.click("🙈 Hide from suggestions for 7 days")
    assert lily.view.toasts[-1] == "Done. Both clients were told what concerns them."
    assert "Outcome: upheld" in lily.last_text()

    (notice,) = await deliver(app_database, make_user(user_id=WANG))
    assert notice.text.startswith("Your profile is hidden from suggestions for 7 days after a complaint about it.")
    assert "Li" not in notice.text  # never who complained
    reporter_news = await deliver(app_database, make_user(user_id=LI))
    assert reporter_news[-1].text.startswith(f"Your case {reference} is closed: upheld.")
    async with app_database.unit_of_work() as uow:
        assert await uow.reports.list_open() == []
        assert await hidden_from_suggestions(uow, clock.now()) == {wang}
        assert await hidden_from_suggestions(uow, clock.now() + timedelta(days=7)) == set()
        actions = [entry.action for entry in await uow.audit.list_for_subject(wang)]
    assert "moderation.hide7" in actions
    assert li != wang


async def test_warning_suspension_and_a_deleted_profile(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    await add_member(app_database, clock, DESK_ID, "customer_service", name="Lily")
    _li, wang, reference = await _reported(app_database, clock, dp)
    await set_locale(app_database, wang, "zh")
    lily = make_user(user_id=DESK_ID)
    await lily.send("/complaints")
    await lily.click(reference)
    await lily.click("✋ Take it")
    await lily.click("⚠️ Warn the client")
    (warning,) = await deliver(app_database, make_user(user_id=WANG, language_code="zh"))
    assert warning.text.startswith("⚠️ 婚介机构提醒：")
    async with app_database.unit_of_work(read_only=True) as uow:
        record = await ModerationRepository.of(uow).get(wang)
    assert record is not None and record.warnings == 1 and record.state == "warned"

    # A second report, for a reason that is not serious in itself, after the first case was resolved with a
    # warning: the repetition alone raises its priority. Wang is suspended.
    zhao = await make_client(app_database, clock, ZHAO, "Zhao Lei")
    clock.advance(timedelta(days=30))
    async with app_database.unit_of_work() as uow:
        report = await uow.reports.add(zhao, wang, ReportReason.FAKE, comment=None, now=clock.now())
        case = await ComplaintDesk(uow=uow, settings=dp["settings"], clock=clock, i18n=dp["i18n"]).from_report(report)
    assert case.severity == "high"
    await lily.send("/complaints")
    await lily.click(f"#{case.id.hex[:8]}")
    await lily.click("✋ Take it")
    await lily.click("⛔ Suspend the profile")
    (suspended,) = await deliver(app_database, make_user(user_id=WANG, language_code="zh"))
    assert suspended.text.startswith("您的资料已被暂停")
    async with app_database.unit_of_work() as uow:
        assert await hidden_from_suggestions(uow, clock.now() + timedelta(days=365)) == {wang}

    # A third report, then Wang deletes her account: only dismissing is left.
    async with app_database.unit_of_work() as uow:
        report = await uow.reports.add(zhao, wang, ReportReason.OFFENSIVE, comment=None, now=clock.now())
        case = await ComplaintDesk(uow=uow, settings=dp["settings"], clock=clock, i18n=dp["i18n"]).from_report(report)
    async with app_database.unit_of_work() as uow:
        await shred_account(uow, wang, clock.now())
    await lily.send("/complaints")
    await lily.click(f"#{case.id.hex[:8]}")
    await lily.click("✋ Take it")
    await lily.click("⚠️ Warn the client")
    assert lily.view.toasts[-1] == "That profile was deleted; only dismissing is left."
    await lily.click("🙅 Dismiss: nothing wrong")
    assert lily.view.toasts[-1] == "Dismissed. The client who complained was told."
    assert [row.state for row in await cases(app_database)] == ["resolved", "resolved", "resolved"]


async def test_a_client_blocks_someone_they_were_introduced_to(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    li = await make_client(app_database, clock, LI, "Li Wei")
    wang = await make_client(app_database, clock, WANG, "Wang Fang", gender="female")
    zhao = await make_client(app_database, clock, ZHAO, "Zhao Lei")
    client = make_user(user_id=LI)
    await client.send("/block")
    assert client.last_text() == "You have not been introduced to anyone yet, so there is nobody to block."
    async with app_database.unit_of_work() as uow:
        introduction = await uow.introductions.create(li, wang, now=clock.now())
    await client.send("/block")
    assert client.last_text().startswith("Whom do you want to block?")
    assert client.last_buttons() == ["🚫 Block Wang Fang"]
    await client.click("🚫 Block Wang Fang")
    assert (
        client.last_text()
        == "You blocked Wang Fang. You will not be suggested to or put in touch with each other again."
    )
    await client.press(BlockButton(who=zhao.hex).pack())  # never introduced: refused
    assert client.view.toasts[-1] == "You can only block someone you were introduced to."
    await client.send("/block")
    assert client.last_text() == "You have blocked everyone you were introduced to."
    async with app_database.unit_of_work(read_only=True) as uow:
        moderation = ModerationRepository.of(uow)
        assert await moderation.blocked_between(wang, li)
        assert not await moderation.blocked_between(li, zhao)
        declined = await uow.introductions.get(introduction.id)
    assert declined is not None and declined.state == "declined"
    assert await deliver(app_database, make_user(user_id=WANG)) == []  # she is not told


async def test_a_suspension_is_lifted_and_a_counselor_may_not_lift_it(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    await add_member(app_database, clock, DESK_ID, "customer_service", name="Lily")
    await add_member(app_database, clock, COUNSELOR_ID, "counselor", name="Cora")
    _li, wang, reference = await _reported(app_database, clock, dp)
    lily = make_user(user_id=DESK_ID)
    await lily.send("/complaints")
    await lily.click(reference)
    await lily.click("✋ Take it")
    await lily.click("⛔ Suspend the profile")
    card = lily.last_text()
    assert "⛔ This client's profile is suspended: nobody is shown it." in card and "Outcome: upheld" in card
    assert lily.last_buttons() == ["↩️ Lift the suspension", "📝 Add a note", "⬅️ All open complaints"]
    (suspended,) = await deliver(app_database, make_user(user_id=WANG))
    assert suspended.text.startswith("Your profile is suspended")

    # A counselor may not handle complaints: a forged Lift is refused, and nothing changes.
    case_id = (await cases(app_database))[0].id
    lift = CaseButton(act=CaseAct.MODERATE, case=case_id.hex, mod=Moderation.LIFT).pack()
    cora = make_user(user_id=COUNSELOR_ID)
    await cora.press(lift)
    assert cora.view.toasts[-1].startswith("Sorry, this needs the permission")
    async with app_database.unit_of_work() as uow:
        assert await hidden_from_suggestions(uow, clock.now()) == {wang}

    clock.advance(timedelta(days=3))
    await lily.click("↩️ Lift the suspension")
    assert lily.view.toasts[-1] == "The suspension is lifted. The client was told their profile is shown again."
    assert "suspended" not in lily.last_text()
    assert lily.last_buttons() == ["📝 Add a note", "⬅️ All open complaints"]
    (lifted,) = await deliver(app_database, make_user(user_id=WANG))
    assert lifted.text == "✅ Your profile is no longer suspended: it is shown in suggestions again."
    async with app_database.unit_of_work() as uow:
        assert await hidden_from_suggestions(uow, clock.now()) == set()
        record = await ModerationRepository.of(uow).get(wang)
        actions = [entry.action for entry in await uow.audit.list_for_subject(wang)]
    assert record is not None and record.state == "clear"
    assert {"moderation.suspend", "moderation.lift"} <= set(actions)

    # A second press (a stale card, or two people at once) lifts nothing more; Wang hears nothing more.
    await lily.press(lift)
    assert lily.view.toasts[-1] == "This profile is not suspended (any more)."
    assert await deliver(app_database, make_user(user_id=WANG)) == []


async def test_blocking_a_connected_partner_ends_their_dates(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    li = await make_client(app_database, clock, LI, "Li Wei")
    wang = await make_client(app_database, clock, WANG, "Wang Fang", gender="female")
    await set_locale(app_database, wang, "zh")
    introduction_id = await connect(app_database, clock, li, wang)
    wang_chat = make_user(user_id=WANG, language_code="zh")
    await wang_chat.send("/dates")
    assert wang_chat.last_text() == "您和Li Wei已交换联系方式。要提议约会吗？"
    assert wang_chat.last_buttons() == ["📅 提议约会"]

    # Wang proposes a date; before Li answers, Li blocks her.
    async with app_database.unit_of_work() as uow:
        introduction = await uow.introductions.get(introduction_id)
        assert introduction is not None
        proposal = await uow.dates.propose(
            introduction_id=introduction_id,
            first_id=introduction.first_id,
            second_id=introduction.second_id,
            proposer=wang,
            slots=[clock.now() + timedelta(days=3)],
            venue_code=None,
            venue_text=None,
            now=clock.now(),
        )
    li_chat = make_user(user_id=LI)
    await li_chat.send("/block")
    await li_chat.click("🚫 Block Wang Fang")
    assert li_chat.last_text().startswith("You blocked Wang Fang.")
    (withdrawn,) = await deliver(app_database, wang_chat)  # the proposal is off, as any refused one; no block
    assert withdrawn.text == "Li Wei在提议的时间无法见面，已撤回提议。"
    async with app_database.unit_of_work(read_only=True) as uow:
        closed = await uow.introductions.get(introduction_id)
        record = await uow.dates.get(proposal.id)
        excluded = await uow.suggestions.excluded_for(wang), await uow.suggestions.excluded_for(li)
    assert closed is not None and closed.state == "declined"
    assert record is not None and record.state is DateState.WITHDRAWN
    assert li in excluded[0] and wang in excluded[1]  # never suggested to each other again

    # Neither is offered a date with the other, and a forged button is refused in each one's language.
    seen = len(wang_chat.texts())
    await wang_chat.send("/dates")
    assert not any("提议约会" in text for text in wang_chat.texts()[seen:])
    assert "📅 提议约会" not in wang_chat.last_buttons()
    forged = ProposeDate(introduction=introduction_id.hex).pack()
    await wang_chat.press(forged)
    assert wang_chat.last_text() == "这次牵线已经结束，无法安排约会。"
    await li_chat.press(forged)
    assert li_chat.last_text() == "This introduction is no longer active, so a date cannot be arranged."
    async with app_database.unit_of_work(read_only=True) as uow:
        assert [r.id for r in await uow.dates.list_for(wang)] == [proposal.id]


async def test_an_older_block_of_a_connected_pair_stops_dates_too(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    """A block recorded while its introduction stayed connected (before blocks closed introductions): the date
    rules ask the blocks themselves."""
    li = await make_client(app_database, clock, LI, "Li Wei")
    wang = await make_client(app_database, clock, WANG, "Wang Fang", gender="female")
    introduction_id = await connect(app_database, clock, li, wang)
    async with app_database.unit_of_work() as uow:
        await ModerationRepository.of(uow).block(li, wang, now=clock.now())
    wang_chat = make_user(user_id=WANG)
    await wang_chat.send("/dates")
    assert wang_chat.last_text().startswith("You have no dates yet.")
    await wang_chat.press(ProposeDate(introduction=introduction_id.hex).pack())
    assert wang_chat.last_text() == "This introduction is no longer active, so a date cannot be arranged."
