"""Log format for the process: one line per event, no personal data (see docs/privacy.md).

`LOG_FORMAT=json` writes each record as one JSON object per line (`docs/operations.md`): `time` (UTC, ISO 8601),
`level`, `logger`, `message`, the exception's type and traceback when there is one, and any `extra=` fields.
The same loggers are quietened in both formats, so what is kept out of the text logs stays out of the JSON ones.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import IO, Any

# Attributes every LogRecord has; anything else on a record came from `extra=` and is written as a field.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in entry:
                entry[key] = value
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO", log_format: str = "text", stream: IO[str] | None = None) -> None:
    """A handler on the root logger, to stderr or `stream` (like `logging.basicConfig`, nothing changes when the
    root logger has handlers already)."""
    handler = logging.StreamHandler(stream)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler])
    # aiogram logs every update with the user's id at INFO; ours says the same without the id.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    # Migrations announce every step at INFO; a start-up needs only their warnings.
    logging.getLogger("alembic").setLevel(logging.WARNING)
