"""Events' fixtures: the agency works in Shanghai time."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.services.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[], timezone="Asia/Shanghai", currency="CNY")
