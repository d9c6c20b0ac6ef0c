"""Settings from the environment and `.env`; every one has a default that works on a fresh machine."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.handoff import OpeningHours
from storage.database import POSTGRES_WRITERS
from storage.engine import POOL_OVERFLOW, POOL_SIZE

TOKEN_SHAPE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{30,60}$")
# English, Simplified and Traditional Chinese, Russian (domain.languages.LOCALES; storage.choices.LOCALES).
SUPPORTED_LOCALES = ("en", "zh", "zh_Hant", "ru")


class SettingsError(Exception):
    """A setting is unusable; the message names it in one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Channels
    bot_token: SecretStr | None = None
    telegram_api_base: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen_host: str = "127.0.0.1"
    webhook_listen_port: int = Field(default=8081, ge=1, le=65535)
    webchat_host: str = "127.0.0.1"
    webchat_port: int = Field(default=8080, ge=0, le=65535)

    # Storage and keys
    data_dir: Path = Path("data")
    database_url: str | None = None
    database_pool_size: int = Field(
        default=POOL_SIZE,
        ge=1,
        description=f"database connections each process keeps open (and up to {POOL_OVERFLOW} more in a burst)",
    )
    database_writers: int = Field(
        default=POSTGRES_WRITERS, ge=1, description="PostgreSQL: writing transactions one process runs at once"
    )
    encryption_keys: SecretStr | None = None
    blind_index_key: SecretStr | None = None

    # People
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    counselor_chat_id: int | None = None

    # Locale and money
    default_locale: Literal["en", "zh", "zh_Hant", "ru"] = "en"
    timezone: str = "Asia/Shanghai"
    payment_provider_token: SecretStr | None = None
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    refund_full_days: int = Field(default=7, ge=0, description="a membership refunded in full within this many days")

    # Behaviour
    min_client_age: int = Field(default=20, ge=18, le=99)
    throttle_rate: float = Field(default=2.0, gt=0, description="messages per second a user may send")
    throttle_burst: int = Field(default=8, ge=1)
    max_concurrent_updates: int = Field(default=64, ge=1, description="Telegram updates in flight at once")
    log_level: str = "INFO"

    # Operations (docs/operations.md): /healthz, /readyz and /metrics on an admin port, off unless ADMIN_PORT is set
    admin_host: str = "127.0.0.1"
    admin_port: int | None = Field(default=None, ge=1, le=65535)
    log_format: Literal["text", "json"] = "text"
    drain_seconds: float = Field(default=20.0, ge=0, description="on SIGTERM, how long updates in flight may finish")

    # Outbound delivery and scheduled jobs
    delivery_rate_per_second: float = Field(default=30.0, gt=0)
    delivery_private_chat_per_second: float = Field(default=1.0, gt=0)
    delivery_group_per_minute: float = Field(default=20.0, gt=0)
    # How long a message being sent stays with the process sending it; after a crash it is sent by another
    # (or the restarted) process once this has passed.
    delivery_lease_seconds: int = Field(default=120, ge=10)
    scheduler_grace_seconds: int = Field(default=3600, ge=0)

    # Matching
    max_daily_exposure: int = Field(default=20, ge=1, description="askers a profile is shown to per day")
    daily_suggestions_hour: int = Field(default=10, ge=0, le=23, description="local hour of the daily offer")
    demo_pool_size: int = Field(default=500, ge=0, description="demo clients seeded into an empty web chat demo")
    demo_answer_seconds: int = Field(default=20, ge=0, description="how long a demo client takes to answer")

    # Staff
    staff_invite_hours: int = Field(default=24, ge=1)
    handoff_claim_minutes: int = Field(default=10, ge=1)
    handoff_escalation_minutes: int = Field(default=30, ge=1)
    opening_hours: str = Field(default="09:00-21:00", description="when counselors answer handoffs, in TIMEZONE")
    follow_up_digest_hour: int = Field(default=9, ge=0, le=23, description="counselors' daily follow-up digest")

    # Dates
    date_reminder_offsets_hours: list[int] = Field(default_factory=lambda: [24, 2], description="hours before")
    feedback_after_hours: int = Field(default=3, ge=0, description="when feedback is asked after a date starts")
    feedback_nudge_hours: int = Field(default=24, ge=1, description="one nudge when feedback is still missing")
    late_cancellation_hours: int = Field(default=24, ge=0, description="a later cancellation is recorded")

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not TOKEN_SHAPE.match(value.get_secret_value()):
            raise ValueError("expected the shape 123456789:AAH... given by @BotFather")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            try:
                return [int(p) for p in parts]
            except ValueError:
                raise ValueError("expected Telegram user ids separated by commas, e.g. 12345,67890") from None
        return value

    @field_validator("opening_hours")
    @classmethod
    def _opening_hours(cls, value: str) -> str:
        OpeningHours.parse(value, ZoneInfo("UTC"))  # raises ValueError naming the expected shape
        return value.strip()

    @field_validator("telegram_api_base", "webhook_url", "database_url", "admin_port", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("telegram_api_base", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("expected an http:// or https:// address")
        return value

    @model_validator(mode="after")
    def _webhook_needs_token_and_secret(self) -> Settings:
        if self.webhook_url and self.bot_token is None:
            raise ValueError("WEBHOOK_URL needs BOT_TOKEN")
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_URL needs WEBHOOK_SECRET")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'yuelao.db').as_posix()}"

    @property
    def uses_telegram(self) -> bool:
        return self.bot_token is not None

    @property
    def webhook_path(self) -> str:
        if not self.webhook_url:
            return "/webhook"
        return urlsplit(self.webhook_url).path or "/webhook"


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one line that names the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = error.get("loc") or ()
        name = str(loc[0]).upper() if loc else "settings"
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from None
