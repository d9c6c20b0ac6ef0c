"""Membership fixtures: a Bot API double that also takes invoices, pre-checkout answers and Stars refunds, and
settings with a payment provider (CNY) unless a test asks for Telegram Stars."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.clock import FakeClock
from handlers.services.settings import Settings
from tests.botclient import CONVERSATION_METHODS, RecordingSession

PAYMENT_METHODS = CONVERSATION_METHODS | {"SendInvoice", "AnswerPreCheckoutQuery", "RefundStarPayment"}


@pytest.fixture
def currency() -> str:
    return "CNY"


@pytest.fixture
def settings(tmp_path: Path, currency: str) -> Settings:
    token = None if currency == "XTR" else "284685063:TEST:provider-token"
    return Settings(
        _env_file=None, data_dir=tmp_path / "data", admin_ids=[], currency=currency, payment_provider_token=token
    )


@pytest.fixture
def session(clock: FakeClock) -> RecordingSession:
    return RecordingSession(clock, allowed=PAYMENT_METHODS)
