"""Seeding the demo pool: complete, sealed, active clients with consent; idempotent; only in the web chat demo."""

from __future__ import annotations

import logging
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, select

import run_bot
from bot.demo import demo_allowed, seed_demo_once
from domain.clock import FakeClock
from domain.consent import NOTICE_VERSION
from domain.demo import demo_people
from domain.intake import first_unanswered
from domain.matching.model import MatchPreferences, MatchProfile
from domain.profile import PreferencesData, ProfileData, from_fields
from handlers.services.settings import Settings
from storage.database import Database
from storage.demo_pool import has_clients, seed_demo, seed_demo_in_batches
from storage.matching_source import build_match_index
from storage.models.accounts import AccountRow
from storage.models.clients import ClientProfileRow
from tests.db_fixtures import RawContents

TOKEN = "123456789:AAHabcdefghijklmnopqrstuvwxyz0123456"


async def _counts(database: Database) -> tuple[int, int]:
    async with database.unit_of_work() as uow:
        accounts = await uow.session.scalar(select(func.count()).select_from(AccountRow).where(AccountRow.demo))
        profiles = await uow.session.scalar(select(func.count()).select_from(ClientProfileRow))
    return accounts or 0, profiles or 0


async def test_seeded_people_are_complete_active_clients_with_consent(database: Database, clock: FakeClock) -> None:
    now = clock.now()
    people = demo_people(12, today=now.date())
    async with database.unit_of_work() as uow:
        assert not await has_clients(uow)
        assert await seed_demo(uow, people, now) == 12

    async with database.unit_of_work() as uow:
        assert await has_clients(uow)
        for person in people:
            account = await uow.accounts.find_by_external("web", f"demo-{person.number}")
            assert account is not None and account.demo and account.locale == person.locale
            assert await uow.consents.has_consented(account.id, NOTICE_VERSION)
            profile = await uow.profiles.require(account.id)
            wishes = await uow.preferences.get(account.id)
            assert profile.status == "active" and profile.intake_step is None
            assert profile.activated_at == now and profile.last_active_at is not None
            assert now - profile.last_active_at <= (now - now.replace(year=now.year - 1))
            assert profile.display_name == person.display_name and profile.about_me == person.about_me
            assert profile.birth_year == person.birth_date.year
            assert await uow.photos.count_for(account.id) == 0
            as_profile, as_wishes = from_fields(ProfileData, profile), from_fields(PreferencesData, wishes)
            assert first_unanswered(as_profile, as_wishes) is None  # photos are optional
            assert as_wishes == person.preferences.as_data()
        facts = await uow.profiles.match_facts()
    assert len(facts) == 12


async def test_seeding_again_adds_only_the_new_numbers(database: Database, clock: FakeClock) -> None:
    now = clock.now()
    assert await seed_demo_in_batches(database, demo_people(5, today=now.date()), now, batch=2) == 5
    assert await seed_demo_in_batches(database, demo_people(5, today=now.date()), now) == 0
    assert await seed_demo_in_batches(database, demo_people(8, today=now.date()), now, batch=3) == 3
    assert await _counts(database) == (8, 8)


async def test_the_database_holds_no_demo_text_in_plaintext(
    database: Database, raw_contents: RawContents, clock: FakeClock
) -> None:
    now = clock.now()
    people = demo_people(20, today=now.date())
    async with database.unit_of_work() as uow:
        await seed_demo(uow, people, now)

    raw = await raw_contents()
    assert people[0].region_code.encode() in raw, "the dump must see the rows for the test to mean anything"
    secrets = [p.about_me for p in people] + [p.occupation for p in people if len(p.occupation) >= 5]
    secrets += [p.display_name for p in people if len(p.display_name.encode()) >= 5]  # 晓雯 is 6 bytes
    secrets += [p.birth_date.isoformat() for p in people] + ["demo-1", "demo-20"]
    assert any(p.locale == "zh" for p in people) and len(secrets) > 40
    assert [secret for secret in secrets if secret.encode() in raw] == []


@pytest.fixture
def demo_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"demo_pool_size": 15})


async def test_the_web_chat_demo_seeds_an_empty_database_once(
    database: Database, clock: FakeClock, demo_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="yuelao"):
        assert await seed_demo_once(demo_settings, database, clock) == 15
    assert "seeded 15 demo clients for the web chat demo" in caplog.text
    assert await seed_demo_once(demo_settings.model_copy(update={"demo_pool_size": 30}), database, clock) == 0
    assert await _counts(database) == (15, 15)


async def test_no_demo_when_a_client_exists(database: Database, clock: FakeClock, demo_settings: Settings) -> None:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("web", "a-real-visitor", locale="en", now=clock.now())
        await uow.profiles.create(account.id, now=clock.now())  # a draft: someone started the intake
    assert await seed_demo_once(demo_settings, database, clock) == 0
    assert await _counts(database) == (0, 1)


async def test_no_demo_on_telegram_or_when_disabled(
    database: Database, clock: FakeClock, demo_settings: Settings
) -> None:
    telegram = Settings(_env_file=None, data_dir=demo_settings.data_dir, bot_token=TOKEN)
    webhook = Settings(
        _env_file=None,
        data_dir=demo_settings.data_dir,
        bot_token=TOKEN,
        webhook_url="https://example.org/hook",
        webhook_secret="s3cret",
    )
    disabled = demo_settings.model_copy(update={"demo_pool_size": 0})
    for settings in (telegram, webhook, disabled):
        assert not demo_allowed(settings)
        assert await seed_demo_once(settings, database, clock) == 0
    assert demo_allowed(demo_settings)
    assert await _counts(database) == (0, 0)


def _cli_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET", "DATABASE_URL", "ENCRYPTION_KEYS", "BLIND_INDEX_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the working copy
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))


def test_the_cli_seeds_and_then_adds_only_new_ones(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli_environment(monkeypatch, tmp_path)

    assert run_bot.main(["seed-demo", "--count", "6"]) == 0
    assert capsys.readouterr().out.startswith("demo clients created: 6 (of 6;")
    assert run_bot.main(["seed-demo", "--count", "9"]) == 0
    assert capsys.readouterr().out.startswith("demo clients created: 3 (of 9;")
    raw = b"".join(path.read_bytes() for path in (tmp_path / "data").glob("yuelao.db*"))
    assert b"demo-6" not in raw


def test_the_cli_refuses_a_telegram_bot_unless_forced(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli_environment(monkeypatch, tmp_path)
    monkeypatch.setenv("BOT_TOKEN", TOKEN)

    assert run_bot.main(["seed-demo", "--count", "3"]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines() == [
        "yuelao: BOT_TOKEN is set: demo clients do not belong in a real bot (--force to seed anyway)"
    ]
    assert not (tmp_path / "data" / "yuelao.db").exists()

    assert run_bot.main(["seed-demo", "--count", "3", "--force"]) == 0
    assert capsys.readouterr().out.startswith("demo clients created: 3 (of 3;")


async def test_a_newcomer_gets_demo_suggestions_from_the_seeded_pool(
    database: Database, clock: FakeClock, demo_settings: Settings
) -> None:
    assert await seed_demo_once(demo_settings.model_copy(update={"demo_pool_size": 80}), database, clock) == 80
    async with database.unit_of_work() as uow:
        index = await build_match_index(uow)
    assert len(index) == 80
    newcomer: MatchProfile[UUID] = MatchProfile(
        id=uuid4(),
        gender="male",
        birth_year=clock.now().year - 30,
        height_cm=175,
        education="bachelor",
        region_code="310000",
        marital_history="never",
        has_children=False,
        wants_children="yes",
        hobbies=frozenset({"travel", "movies"}),
        preferences=MatchPreferences(gender_sought="female", age_min=24, age_max=34, must_have=frozenset({"age"})),
    )
    suggestions = index.suggest_for(newcomer, k=10, max_exposure=20, day=clock.now().date())
    assert len(suggestions) == 10
