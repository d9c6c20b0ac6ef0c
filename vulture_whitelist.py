"""For vulture (`make lint`): what a framework calls or reads by name, though our code never names it.

Each line names the real object, so mypy fails here when one is renamed or removed. Only framework-used names
belong here; code that nothing uses gets deleted instead. Handlers, validators, event listeners and fixtures
are recognised by their decorators or by their registration (`[tool.vulture]` in pyproject.toml), and
parameters that an overridden signature requires are listed there in `ignore_names`.
"""

# ruff: noqa: B018 (a bare reference is what marks a name as used)

import sqlite3
import threading

from bot.middlewares.locale import LocaleMiddleware
from bot.webchat.session import WebChatSession
from bot.webchat.telegram_html import _PageHtml
from handlers.services.settings import Settings
from storage.models.base import Base
from storage.models.delivery import OutboxMessageRow
from storage.sqlite_driver import LeanCursor
from storage.types import UTCDateTime
from tests.botclient import RecordingSession

# aiogram: the locale middleware's hook, a bot session's download, HTML decoration of message entities
LocaleMiddleware.get_locale
WebChatSession.stream_content
RecordingSession.stream_content
_PageHtml.pre_language
_PageHtml.custom_emoji
_PageHtml.date_time

# pydantic-settings; a documented setting that the payments feature will read
Settings.model_config
Settings.payment_provider_token

# SQLAlchemy: declarative configuration, a column type, the DB-API cursor of our SQLite driver, a column that
# only SQL names (the outbox's ON CONFLICT target)
Base.type_annotation_map
UTCDateTime.impl
UTCDateTime.cache_ok
UTCDateTime.process_bind_param
UTCDateTime.process_result_value
LeanCursor.fetchone
LeanCursor.fetchmany
OutboxMessageRow.dedupe_index

# attributes of the standard library's objects that our code sets
sqlite3.Connection.isolation_level
threading.Thread.daemon
