"""The Traditional Chinese catalog (`zh_Hant`), generated from the Simplified one: `python -m locales.traditional`.

Every msgstr of `locales/zh/LC_MESSAGES/messages.po` goes through `domain.languages.to_traditional` (OpenCC's
`s2twp` profile with the reviewed exceptions in `domain/data/traditional.json`); placeholders, HTML tags and
commands are ASCII and pass through unchanged. The result is written to `locales/zh_Hant/LC_MESSAGES/` (`.po`,
and the compiled `.mo` the bot reads). Never edit the Traditional catalog by hand: change the Simplified text or
the exceptions and run this again; `tests/languages/test_traditional_catalog.py` fails when the two drift.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from domain.languages import SIMPLIFIED, TRADITIONAL, to_traditional

LOCALES_DIR = Path(__file__).resolve().parent
HEADER = (
    "# Traditional Chinese (Taiwan phrasing) translations for yuelao.\n"
    "# Generated from locales/zh by `python -m locales.traditional` (OpenCC s2twp and the reviewed exceptions\n"
    "# in domain/data/traditional.json). Do not edit: change the Simplified catalog or the exceptions, then\n"
    "# run the generator again."
)


def catalog_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"


def traditional_catalog(simplified: Catalog) -> Catalog:
    """The Traditional catalog of `simplified`: the same messages in the same order, each translation
    converted; untranslated and fuzzy entries stay so."""
    catalog = Catalog(
        locale=TRADITIONAL,
        domain="messages",
        header_comment=HEADER,
        project=simplified.project,
        version=simplified.version,
        copyright_holder=simplified.copyright_holder,
        creation_date=simplified.creation_date,
        revision_date=simplified.revision_date,
        last_translator=simplified.last_translator,
        language_team=simplified.language_team,
        fuzzy=False,
    )
    for message in simplified:
        if not message.id:
            continue
        string = message.string
        if isinstance(string, (tuple, list)):
            converted: str | tuple[str, ...] = tuple(to_traditional(form) for form in string)
        else:
            converted = to_traditional(string or "")
        catalog.add(
            message.id,
            converted,
            auto_comments=message.auto_comments,
            user_comments=message.user_comments,
            flags=message.flags,
            context=message.context,
        )
    return catalog


def generate(source: Path | None = None) -> bytes:
    """The Traditional `.po` file's bytes, from the Simplified catalog on disk."""
    with (source or catalog_path(SIMPLIFIED)).open("rb") as po:
        simplified = read_po(po, locale=SIMPLIFIED)
    out = BytesIO()
    write_po(out, traditional_catalog(simplified), width=120, omit_header=False)
    return out.getvalue()


def main() -> int:
    data = generate()
    target = catalog_path(TRADITIONAL)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    with target.open("rb") as po:
        catalog = read_po(po, locale=TRADITIONAL)
    with target.with_suffix(".mo").open("wb") as mo:
        write_mo(mo, catalog)
    print(f"wrote {target} ({len(catalog)} messages) and its .mo")
    return 0


if __name__ == "__main__":
    sys.exit(main())
