"""LOG_FORMAT=json: one JSON object per line, and still no personal data in the logs."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest
from aiogram import Bot, Dispatcher

from bot.logging_setup import JsonFormatter, configure_logging
from handlers.services.settings import Settings
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import paced, register

PERSON = 918_273_645


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """`configure_logging` as `run_bot.py` calls it with LOG_FORMAT=json, into a buffer; put back afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in ("aiogram.event", "alembic")}
    buffer = io.StringIO()
    root.handlers.clear()  # basicConfig only configures a root logger without handlers
    configure_logging("INFO", "json", stream=buffer)
    root.handlers.extend(saved[0])  # pytest's capture and the error_log fixture keep listening
    try:
        yield buffer
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        for name, level in quiet.items():
            logging.getLogger(name).setLevel(level)


def test_the_setting_accepts_json_and_text_only() -> None:
    assert Settings(_env_file=None, log_format="json").log_format == "json"
    assert Settings(_env_file=None).log_format == "text"
    with pytest.raises(ValueError):
        Settings(_env_file=None, log_format="xml")


def test_a_record_is_one_json_object_on_one_line_with_its_exception_and_extra_fields() -> None:
    try:
        raise RuntimeError("boom\nsecond line")
    except RuntimeError:
        record = logging.getLogger("yuelao.test").makeRecord(
            "yuelao.test", logging.ERROR, __file__, 1, "outbox %d failed", (7,), exc_info=sys.exc_info(),
            extra={"channel": "telegram"},
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "yuelao.test"
    assert entry["message"] == "outbox 7 failed"
    assert entry["exc_type"] == "RuntimeError" and "Traceback" in entry["exc"]
    assert entry["channel"] == "telegram"
    assert entry["time"].endswith("+00:00")


async def test_a_whole_registration_logs_json_lines_without_the_person_in_them(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture, json_log: io.StringIO
) -> None:
    person = paced(dp, bot, session, error_log, user_id=PERSON, first_name="Meiling")
    await register(person)

    lines = json_log.getvalue().splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    updates = [e for e in entries if e["logger"] == "yuelao.updates" and e["message"].startswith("update type=")]
    assert len(updates) >= 25  # one per update: type, handler, outcome, duration
    logged = json_log.getvalue()
    for personal in (str(PERSON), "Meiling", "Li Wei", "138 0013 8000", "13800138000", "Software engineer",
                     "I sing in a choir", "long walks"):
        assert personal not in logged, personal
    assert not [e for e in entries if e["logger"] == "aiogram.event"]  # it names the user: kept at WARNING
