"""A counselor's pick: proposed from the client's card with a personal note, shown first in the client's
/matches as the counselor's pick, then the usual mutual-consent introduction. Impossible picks say why, and so
does a pick for a client whose membership does not include curation (the entitlements table decides)."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, Dispatcher

from domain.clock import FakeClock
from storage.database import Database
from tests.botclient import BotClient, ErrorLogCapture, RecordingSession
from tests.casework.conftest import make_client
from tests.casework.membership import assign, make_member
from tests.journey_walk import paced, register
from tests.matching.chat import account_of, deliver
from tests.staff.conftest import add_member

ANNA = 700_001
LI, WANG, ZHAO = 5_001, 5_002, 5_003


async def test_a_counselors_pick_reaches_the_client_and_follows_mutual_consent(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    make_user: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    li = paced(dp, bot, session, error_log, user_id=LI, language_code="en")
    wang = paced(dp, bot, session, error_log, user_id=WANG, language_code="zh")
    await register(li, "en")
    await register(wang, "zh")
    li_id, wang_id = await account_of(app_database, li), await account_of(app_database, wang)
    await make_member(app_database, clock, li_id)  # premium: curation is included
    await assign(app_database, clock, anna.account_id, li_id, wang_id)
    counselor = make_user(user_id=ANNA)

    await counselor.send(f"/clients {li_id.hex[:8]}")
    assert counselor.last_text().startswith("🗂 <b>Li Wei</b>")
    await counselor.click("💌 Propose a candidate")
    assert counselor.last_text().startswith("Whom would you like to propose to Li")
    assert f"王芳 · {wang_id.hex[:8]}" in counselor.last_buttons()  # the matcher's idea

    await counselor.send(li_id.hex[:8])
    assert counselor.last_text() == "That is the client themself.\nSend another reference, or /cancel."
    await counselor.send("zzzz")
    assert counselor.last_text().startswith("No single client has the reference “zzzz”.")

    await counselor.click(f"王芳 · {wang_id.hex[:8]}")
    assert counselor.last_text().startswith("Now a personal note for Li")
    await counselor.send("x" * 301)
    assert counselor.last_text() == "That is 301 characters; please keep it under 300."
    await counselor.send("She loves hiking & books, like you.")
    assert counselor.last_text().startswith("💌 Done: your pick will be first in Li")

    (notice,) = await deliver(app_database, li)
    assert notice.text.startswith("💌 Your counselor has picked someone for you.")
    await li.send("/matches")
    card = li.last_text()
    assert "💌 <b>Your counselor's pick for you</b>" in card
    assert "<i>She loves hiking &amp; books, like you.</i>" in card
    assert "<b>王芳</b>" in card
    await li.click("💚 Interested")

    await deliver(app_database, wang)
    await wang.send("/matches")
    await wang.click("💚 感兴趣")
    assert wang.last_text().startswith("🎉 <b>牵线成功！</b>")

    # The introduction alert reaches the assigned counselor (Anna looks after both).
    alerts = [m.text for m in await deliver(app_database, counselor) if m.text.startswith("💞 Introduction")]
    assert len(alerts) == 1

    async with app_database.unit_of_work(read_only=True) as uow:
        record = await uow.suggestions.for_pair(li_id, wang_id)
        assert record is not None and record.source == "counselor" and record.decision == "interested"
        actions = [e.action for e in await uow.audit.list_for_subject(li_id) if e.actor_account_id == anna.account_id]
        assert "client.curated" in actions

    # The same pick again is refused, with the reason.
    await counselor.send(f"/clients {li_id.hex[:8]}")
    await counselor.click("💌 Propose a candidate")
    await counselor.send(wang_id.hex[:8])
    assert counselor.last_text().startswith("These two were already suggested to each other")


async def test_a_pick_that_does_not_fit_the_must_haves_is_refused(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    make_user: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    li = paced(dp, bot, session, error_log, user_id=LI, language_code="en")
    zhao = paced(dp, bot, session, error_log, user_id=ZHAO, language_code="en")
    await register(li, "en")
    await register(zhao, "en")  # another man: Li wants a woman (a must-have for the age only, gender always)
    li_id, zhao_id = await account_of(app_database, li), await account_of(app_database, zhao)
    await make_member(app_database, clock, li_id, "private")
    await assign(app_database, clock, anna.account_id, li_id)
    counselor = make_user(user_id=ANNA)
    await counselor.send(f"/clients {li_id.hex[:8]}")
    await counselor.click("💌 Propose a candidate")
    await counselor.send(zhao_id.hex[:8])
    assert counselor.last_text().startswith("They do not meet each other's must-haves")
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.suggestions.for_pair(li_id, zhao_id) is None


NOT_INCLUDED = (
    "A counselor's pick is not part of Li Wei's membership (Ordinary member). It comes with: Premium member, "
    "Private custom service."
)


async def test_a_basic_client_gets_no_counselors_pick(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    li_id = await make_client(app_database, clock, LI, "Li Wei", counselor=anna.account_id)
    wang_id = await make_client(app_database, clock, WANG, "Wang Fang", counselor=anna.account_id, gender="female")
    counselor = make_user(user_id=ANNA)

    await counselor.send(f"/clients {li_id.hex[:8]}")
    await counselor.click("💌 Propose a candidate")
    assert counselor.view.toasts[-1] == NOT_INCLUDED
    assert not counselor.last_text().startswith("Whom would you like to propose")
    # A forged candidate button is refused the same way.
    await counselor.press(f"cw:cand:{li_id.hex}:{wang_id.hex[:8]}:m")
    assert counselor.view.toasts[-1] == NOT_INCLUDED
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.suggestions.for_pair(li_id, wang_id) is None
        actions = [e.action for e in await uow.audit.list_for_subject(li_id)]
    assert "client.curated" not in actions


async def test_a_pick_is_refused_when_the_membership_ended_while_the_note_was_written(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    anna = await add_member(app_database, clock, ANNA, "counselor", name="Anna")
    li_id = await make_client(app_database, clock, LI, "Li Wei", counselor=anna.account_id)
    wang_id = await make_client(app_database, clock, WANG, "Wang Fang", counselor=anna.account_id, gender="female")
    await make_member(app_database, clock, li_id)
    counselor = make_user(user_id=ANNA)
    await counselor.send(f"/clients {li_id.hex[:8]}")
    await counselor.click("💌 Propose a candidate")
    assert counselor.last_text().startswith("Whom would you like to propose to Li")
    await counselor.send(wang_id.hex[:8])
    assert counselor.last_text().startswith("Now a personal note for Li")

    async with app_database.unit_of_work() as uow:  # the membership ran out meanwhile
        membership = await uow.memberships.get(li_id)
        assert membership is not None
        await uow.memberships.end(li_id, expires_at=membership.expires_at)
        await uow.profiles.update(li_id, now=clock.now(), tier="basic")
    await counselor.send("She loves tea, like you.")

    assert counselor.last_text() == NOT_INCLUDED
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.suggestions.for_pair(li_id, wang_id) is None


async def test_a_basic_client_is_refused_in_chinese(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    mei = await add_member(app_database, clock, ANNA, "counselor", name="美")
    async with app_database.unit_of_work() as uow:
        await uow.accounts.set_locale(mei.account_id, "zh")
    li_id = await make_client(app_database, clock, LI, "李伟", counselor=mei.account_id)
    counselor = make_user(user_id=ANNA, language_code="zh")

    await counselor.send(f"/clients {li_id.hex[:8]}")
    await counselor.click("💌 推荐对象")
    assert counselor.view.toasts[-1] == (
        "李伟的会员等级（普通会员）不含红娘亲自推荐。包含此服务的有：高级会员、私人定制。"
    )
