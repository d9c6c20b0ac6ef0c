"""docs/privacy.md lists every table and every column the models have, so the document cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

from storage.models.base import Base

PRIVACY = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def _documented() -> dict[str, set[str]]:
    tables: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in PRIVACY.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^###\s+`([a-z_]+)`", line)
        if heading:
            current = tables.setdefault(heading.group(1), set())
        elif line.startswith("## "):
            current = None
        elif current is not None and line.startswith("| ") and not line.startswith("| column"):
            current.update(re.findall(r"[a-z_]+", line.split("|")[1]))
    return tables


def test_every_table_and_column_is_described() -> None:
    documented = _documented()
    missing = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if column.name not in documented.get(table.name, set())
    ]
    assert not missing, f"docs/privacy.md does not describe: {missing}"


def test_the_document_describes_no_table_that_does_not_exist() -> None:
    assert set(_documented()) <= {table.name for table in Base.metadata.sorted_tables}
