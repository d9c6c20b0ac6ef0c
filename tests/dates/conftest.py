"""Dates' fixtures: the counselors' chat is set (alerts are queued), two connected clients."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.services.settings import Settings

COUNSELOR_CHAT = -100_777
AGENCY_ZONE = "Europe/Berlin"  # the zone of a client whose region is unknown


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None, data_dir=tmp_path / "data", admin_ids=[], counselor_chat_id=COUNSELOR_CHAT, timezone=AGENCY_ZONE
    )
