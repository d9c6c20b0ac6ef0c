"""/complaints, /survey and every case button (moderation too), used by every role, by a client and by a
visitor: allowed or refused as the permission table says (a case about staff needs SUPERVISE_QUALITY as well);
/complain and /block are for clients (staff are sent to /complaints). A guard fails when a quality command or
button is in no matrix."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiogram import Dispatcher, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData, CallbackQueryFilter

from domain.clock import FakeClock
from domain.matching.decisions import ReportReason
from domain.quality import Category, Moderation, Outcome
from domain.staff import PERMISSIONS, Permission
from handlers import quality, quality_penalties
from handlers.services.quality import ComplaintDesk
from handlers.views.quality import BlockButton, CaseAct, CaseButton, ComplainButton, SatisfactionButton
from handlers.views.quality_penalties import PenaltyAct, PenaltyButton
from handlers.views.quality_surveys import SurveyButton
from storage.database import Database
from storage.repositories.complaints import ComplaintsRepository
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.quality.conftest import cases
from tests.quality.test_penalties_chat import ENTRIES as PENALTY_ENTRIES
from tests.staff.conftest import OWNER_ID, add_member
from tests.staff.test_permission_matrix import ACTOR_ID, ACTORS, NOT_STAFF, actor_role, said

SERVICE_CASE = (Permission.HANDLE_COMPLAINTS,)
STAFF_CASE = (Permission.HANDLE_COMPLAINTS, Permission.SUPERVISE_QUALITY)
RESULTS = (Permission.SUPERVISE_QUALITY,)
ENTRIES: list[tuple[str, tuple[Permission, ...]]] = [
    ("/complaints", SERVICE_CASE),
    ("/survey", RESULTS),
    ("button:list", SERVICE_CASE),
    ("button:open service case", SERVICE_CASE),
    ("button:take service case", SERVICE_CASE),
    ("button:resolve service case", SERVICE_CASE),
    ("button:open staff case", STAFF_CASE),
    ("button:take staff case", STAFF_CASE),
    ("button:resolve staff case", STAFF_CASE),
    ("button:note service case", SERVICE_CASE),
    ("button:note staff case", STAFF_CASE),
    ("button:moderate client case", SERVICE_CASE),
]
ALLOWED_SAYS = {
    "/complaints": "📋 <b>",
    "/survey": "📊 <b>Satisfaction survey</b>",
    "button:list": "📋 <b>",
    "button:open service case": "🗂 <b>Case",
    "button:take service case": "The case is yours.",
    "button:resolve service case": "Resolved.",
    "button:open staff case": "🗂 <b>Case",
    "button:take staff case": "The case is yours.",
    "button:resolve staff case": "Resolved.",
    "button:note service case": "Write your note on case",
    "button:note staff case": "Write your note on case",
    "button:moderate client case": "Done. Both clients were told what concerns them.",
}
BUTTON_ACTS = {
    "list": CaseAct.LIST,
    "open": CaseAct.OPEN,
    "take": CaseAct.TAKE,
    "resolve": CaseAct.RESOLVE,
    "note": CaseAct.NOTE,
    "moderate": CaseAct.MODERATE,
}
CATEGORIES = {"service case": Category.SERVICE, "staff case": Category.STAFF, "client case": Category.CLIENT}
# The client's commands (matrix below), and /transcript (tests/quality/test_transcripts.py::test_permission_matrix).
CLIENT_COMMANDS = ["/complain", "/block"]
ELSEWHERE_COMMANDS = {"transcript"}
# Buttons sent to one client and checked afresh against the presser (tested in the conversation tests).
CLIENT_BUTTONS: set[type[CallbackData]] = {ComplainButton, SatisfactionButton, SurveyButton, BlockButton}
ONLY_FOR_CLIENTS = "This is for clients. To handle complaints, send /complaints."


def quality_routers() -> list[Router]:
    return [quality.create_router(), quality_penalties.create_router()]


def registered_commands(router: Router) -> set[str]:
    return {
        str(command)
        for handler in router.message.handlers
        for item in handler.filters or []
        if isinstance(item.callback, Command)
        for command in item.callback.commands
    }


def registered_buttons(router: Router) -> set[type[CallbackData]]:
    return {
        item.callback.callback_data
        for handler in router.callback_query.handlers
        for item in handler.filters or []
        if isinstance(item.callback, CallbackQueryFilter)
    }


def button_act(name: str) -> str:
    return name.split()[0].removeprefix("button:")


def test_the_matrices_cover_every_quality_command_and_button() -> None:
    commands = set().union(*(registered_commands(router) for router in quality_routers()))
    in_matrices = {
        name.split()[0].removeprefix("/")
        for name, _ in [*ENTRIES, *PENALTY_ENTRIES, *((command, ()) for command in CLIENT_COMMANDS)]
        if name.startswith("/")
    }
    assert commands == in_matrices | ELSEWHERE_COMMANDS
    case_acts = {BUTTON_ACTS[button_act(name)] for name, _ in ENTRIES if name.startswith("button:")}
    assert case_acts == set(CaseAct)
    assert {PenaltyAct(button_act(name)) for name, _ in PENALTY_ENTRIES if name.startswith("button:")} == set(
        PenaltyAct
    )
    buttons = set().union(*(registered_buttons(router) for router in quality_routers()))
    assert buttons == {CaseButton, PenaltyButton} | CLIENT_BUTTONS


async def make_actor(
    actor: str, make_user: Callable[..., BotClient], database: Database, clock: FakeClock
) -> BotClient:
    user = make_user(user_id=OWNER_ID if actor == "admin" else ACTOR_ID)
    if actor == "client":
        await user.send("/start")
        await user.click("I agree, let's begin")
    elif actor_role(actor) is not None and actor != "admin":
        await add_member(database, clock, ACTOR_ID, actor, name="Actor")
    return user


async def press(user: BotClient, name: str, case: str) -> list[str]:
    act = BUTTON_ACTS[button_act(name)]
    data = CaseButton(
        act=act,
        case="" if act is CaseAct.LIST else case,
        outcome=Outcome.UPHELD if act is CaseAct.RESOLVE else None,
        mod=Moderation.HIDE_7 if act is CaseAct.MODERATE else None,
    )
    return said(await user.press(data.pack()))


@pytest.mark.parametrize(("name", "needs"), ENTRIES, ids=[name for name, _ in ENTRIES])
@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str,
    name: str,
    needs: tuple[Permission, ...],
    make_user: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
    dp: Dispatcher,
) -> None:
    role = actor_role(actor)
    user = await make_actor(actor, make_user, app_database, clock)
    counselor = await add_member(app_database, clock, 9_600, "counselor", name="Anna")
    client = await make_client(app_database, clock, 9_601, "Li Wei", counselor=counselor.account_id)
    reported = await make_client(app_database, clock, 9_602, "Wang Fang", gender="female")
    async with app_database.unit_of_work() as uow:
        desk = ComplaintDesk(uow=uow, settings=dp["settings"], clock=clock, i18n=dp["i18n"])
        await desk.complain(client, Category.SERVICE, "Too slow")
        await desk.complain(client, Category.STAFF, "Too pushy")
        await desk.from_report(
            await uow.reports.add(client, reported, ReportReason.FAKE, comment=None, now=clock.now())
        )
    by_category = {row.category: row.id for row in await cases(app_database)}
    category = next((value for words, value in CATEGORIES.items() if words in name), Category.SERVICE)
    case = by_category[category.value]
    if button_act(name) in ("resolve", "moderate"):
        async with app_database.unit_of_work() as uow:
            await ComplaintsRepository.of(uow).take(case, counselor.account_id, now=clock.now())

    texts = said(await user.send(name)) if name.startswith("/") else await press(user, name, case.hex)

    allowed = role is not None and all(permission in PERMISSIONS[role] for permission in needs)
    if allowed:
        assert any(text.startswith(ALLOWED_SAYS[name]) for text in texts), texts
    elif role is None:
        assert texts == [NOT_STAFF]
    else:
        assert len(texts) == 1 and texts[0].startswith("Sorry, this needs the permission"), texts
    states = {row.id: row.state for row in await cases(app_database)}
    if button_act(name) == "take":
        assert (states[case] == "in_progress") is allowed
    elif button_act(name) in ("resolve", "moderate"):
        assert (states[case] == "resolved") is allowed
    else:
        assert set(states.values()) == {"open"}


@pytest.mark.parametrize("command", CLIENT_COMMANDS)
@pytest.mark.parametrize("actor", ACTORS)
async def test_client_commands_by_every_actor(
    actor: str, command: str, make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    """A registered client gets the menu; every staff role (and the owner) is sent to /complaints; a visitor
    and a client who has not finished registering are taken back to where they stand."""
    role = actor_role(actor)
    if actor == "client":
        await make_client(app_database, clock, ACTOR_ID, "Zhao Lei")
        user = make_user(user_id=ACTOR_ID)
    else:
        user = await make_actor(actor, make_user, app_database, clock)
    texts = said(await user.send(command))
    if role is not None:
        assert texts == [ONLY_FOR_CLIENTS]
    elif actor == "client":
        menu = "What would you like to tell us about?" if command == "/complain" else "You have not been introduced"
        assert texts[-1].startswith(menu), texts
    else:
        assert not any(text.startswith(("What would you like", "You have not been introduced")) for text in texts)
    assert await cases(app_database) == []


@pytest.mark.parametrize("actor", ["visitor", "client"])
async def test_complain_is_for_registered_clients(
    actor: str, make_user: Callable[..., BotClient], app_database: Database
) -> None:
    user = make_user(user_id=ACTOR_ID)
    if actor == "client":
        await user.send("/start")
        await user.click("I agree, let's begin")
    await user.send("/complain")
    assert not user.last_text().startswith("What would you like to tell us about?")
    assert await cases(app_database) == []
