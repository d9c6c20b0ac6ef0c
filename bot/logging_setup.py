"""Log format for the process: one line per event, no personal data (see docs/privacy.md)."""

from __future__ import annotations

import logging


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # aiogram logs every update with the user's id at INFO; ours says the same without the id.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    # Migrations announce every step at INFO; a start-up needs only their warnings.
    logging.getLogger("alembic").setLevel(logging.WARNING)
