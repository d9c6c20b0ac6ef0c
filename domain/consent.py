"""The privacy notice a client accepts before anything about them is stored."""

from __future__ import annotations

# Raise the version whenever the notice's text changes in substance: clients are asked to accept it again.
NOTICE_VERSION = "2026-11"

