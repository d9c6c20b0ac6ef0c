"""The privacy notice a client accepts before anything about them is stored."""

from __future__ import annotations

# Raise the version whenever the notice's text changes in substance: clients are asked to accept it again.
# 2026-12: suggestions are also ranked by learning from answers, which /ranking switches off.
# 2026-12.2: the advertising link a client came through is noted (acquisition channels, docs/finance.md).
NOTICE_VERSION = "2026-12.2"
