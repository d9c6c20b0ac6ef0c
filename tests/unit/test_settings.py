"""Settings: defaults that work on a fresh machine, and one clear line naming a bad setting."""

from __future__ import annotations

import pytest

from handlers.services.settings import Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in ("BOT_TOKEN", "ADMIN_IDS", "WEBHOOK_URL", "WEBHOOK_SECRET", "DATABASE_URL", "WEBCHAT_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(str(tmp_path))  # no .env from the developer's checkout


def test_fresh_machine_defaults_run_the_web_chat_on_sqlite() -> None:
    settings = Settings()

    assert not settings.uses_telegram
    assert (settings.webchat_host, settings.webchat_port) == ("127.0.0.1", 8080)
    assert settings.effective_database_url == "sqlite+aiosqlite:///data/yuelao.db"
    assert settings.admin_ids == []


def test_admin_ids_are_read_from_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "12345, 67890")

    assert load_settings().admin_ids == [12345, 67890]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ADMIN_IDS", "12345,alice", "ADMIN_IDS: expected Telegram user ids separated by commas"),
        ("BOT_TOKEN", "not-a-token", "BOT_TOKEN: expected the shape 123456789:AAH"),
        ("WEBCHAT_PORT", "99999", "WEBCHAT_PORT: Input should be less than or equal to 65535"),
        ("WEBHOOK_URL", "ftp://example.org/hook", "WEBHOOK_URL: expected an http:// or https:// address"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError) as caught:
        load_settings()

    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


def test_a_webhook_needs_its_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456:" + "A" * 35)
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/telegram")

    with pytest.raises(SettingsError, match="WEBHOOK_URL needs WEBHOOK_SECRET"):
        load_settings()
