"""/hiring and every hiring button, used by every role, an owner from ADMIN_IDS, a client and a visitor, is
allowed or refused exactly as the permission table says (MANAGE_HIRING: owners and managers), and a refusal
names what is missing; a refused press changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import pytest

from domain.clock import FakeClock
from domain.personnel.hiring import Application, Stage
from domain.staff import PERMISSIONS, Permission, Role
from handlers.hiring.router import BUTTON_PERMISSIONS, COMMAND_PERMISSIONS
from handlers.services.settings import Settings
from handlers.views.hiring import HiringAct, HiringButton
from storage.database import Database
from storage.repositories.hiring import HiringRepository
from tests.botclient import CONVERSATION_METHODS, BotClient, RecordingSession
from tests.staff.conftest import OWNER_ID, add_member
from tests.staff.test_permission_matrix import said

ACTOR_ID = 620_000_100
CANDIDATE_ID = 620_000_200
NOT_STAFF = "Sorry, this is only for the agency's staff."
ACTORS = ["visitor", "client", "admin", *[role.value for role in Role]]
ENTRIES: list[tuple[str, Permission | None]] = [
    ("/hiring", COMMAND_PERMISSIONS["hiring"]),
    *[(f"button:{act.value}", BUTTON_PERMISSIONS[act]) for act in HiringAct],
]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID], throttle_burst=1000)


@pytest.fixture
def session(clock: FakeClock) -> RecordingSession:
    return RecordingSession(clock, allowed=CONVERSATION_METHODS | {"GetMe"})


def test_the_matrix_covers_every_command_and_button() -> None:
    assert {name for name, _ in ENTRIES} == {"/hiring", *(f"button:{act.value}" for act in HiringAct)}
    assert set(BUTTON_PERMISSIONS) == set(HiringAct)


def actor_role(actor: str) -> Role | None:
    if actor in ("visitor", "client"):
        return None
    return Role.OWNER if actor == "admin" else Role(actor)


def expected_allowed(actor: str, permission: Permission | None) -> bool:
    role = actor_role(actor)
    return role is not None and (permission is None or permission in PERMISSIONS[role])


async def make_candidate(database: Database, clock: FakeClock, stage: Stage) -> tuple[UUID, UUID]:
    """A position and a candidate standing at `stage`: their ids."""
    async with database.unit_of_work() as uow:
        account, _created = await uow.accounts.get_or_create(
            "telegram", str(CANDIDATE_ID), locale="en", now=clock.now()
        )
        hiring = HiringRepository.of(uow)
        position = await hiring.add_position(
            code="perm2345",
            role="counselor",
            title="Counselor",
            headcount=2,
            requirements="-",
            by=None,
            now=clock.now(),
        )
        candidate = await hiring.add_candidate(
            position.id, account.id, Application("Wang Xiaoming", "+8613800138000", "Years", "Reasons"), now=clock.now()
        )
        if stage is not Stage.APPLIED:
            await hiring.move(candidate.id, source=Stage.APPLIED, target=stage, now=clock.now())
    return position.id, candidate.id


async def make_actor(
    actor: str, make_user: Callable[..., BotClient], database: Database, clock: FakeClock
) -> BotClient:
    if actor == "admin":
        return make_user(user_id=OWNER_ID)
    user = make_user(user_id=ACTOR_ID)
    if actor == "client":
        await user.send("/start")
        await user.click("I agree, let's begin")
    elif actor != "visitor":
        await add_member(database, clock, ACTOR_ID, actor, name="Actor")
    return user


def button(act: HiringAct, position_id: UUID, candidate_id: UUID, stage: Stage) -> str:
    if act in (HiringAct.LIST, HiringAct.NEW):
        return HiringButton(act=act).pack()
    if act is HiringAct.ROLE:
        return HiringButton(act=act, stage="counselor").pack()
    if act in (HiringAct.POSITION, HiringAct.CLOSE):
        return HiringButton(act=act, ref=position_id.hex).pack()
    if act is HiringAct.STAGE:
        return HiringButton(act=act, ref=position_id.hex, stage=stage.value).pack()
    return HiringButton(act=act, ref=candidate_id.hex, stage=stage.value).pack()


@pytest.mark.parametrize(("name", "permission"), ENTRIES, ids=[name for name, _ in ENTRIES])
@pytest.mark.parametrize("actor", ACTORS)
async def test_permission_matrix(
    actor: str,
    name: str,
    permission: Permission | None,
    make_user: Callable[..., BotClient],
    app_database: Database,
    clock: FakeClock,
) -> None:
    act = None if name == "/hiring" else HiringAct(name.removeprefix("button:"))
    stage = Stage.OFFER if act is HiringAct.HIRE else Stage.APPLIED
    position_id, candidate_id = await make_candidate(app_database, clock, stage)
    user = await make_actor(actor, make_user, app_database, clock)

    if act is None:
        texts = said(await user.send(name))
    else:
        texts = said(await user.press(button(act, position_id, candidate_id, stage)))

    allowed = expected_allowed(actor, permission)
    refusals = [t for t in texts if t == NOT_STAFF or t.startswith("Sorry, this needs the permission")]
    if allowed:
        assert texts and not refusals, texts
    else:
        assert len(texts) == 1 and refusals == texts, texts
        role = actor_role(actor)
        if role is None:
            assert texts == [NOT_STAFF]
        else:
            assert texts[0] == (
                "Sorry, this needs the permission “manage hiring” (personnel area), which the role "
                f"{role.value.replace('_', ' ')} does not have. Please ask the agency's owner."
            )

    async with app_database.unit_of_work(read_only=True) as uow:
        hiring = HiringRepository.of(uow)
        candidate = await hiring.candidate(candidate_id)
        position = await hiring.position(position_id)
    assert candidate is not None and position is not None
    expected_stage = (
        {
            HiringAct.ADVANCE: Stage.INTERVIEW,
            HiringAct.DECLINE: Stage.DECLINED,
            HiringAct.HIRE: Stage.HIRED,
        }.get(act)
        if act is not None and allowed
        else stage
    )
    assert candidate.stage == (expected_stage or stage).value
    assert position.state == ("closed" if act is HiringAct.CLOSE and allowed else "open")
