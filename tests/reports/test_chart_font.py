"""The shipped CJK font subset (handlers/services/chart_fonts/) draws every Chinese character a chart can write:
the reports' chart texts and labels (the events funnel's too), the finance charts' texts and the pilot charts'
texts, in Simplified and Traditional Chinese. When this fails, remake the subset
(handlers/services/chart_fonts/README.md):

    .venv/bin/python -m tests.reports.test_chart_font > /tmp/chars.txt
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from domain.languages import to_traditional
from domain.pipeline import Stage
from domain.reports.events import EventStep
from domain.reports.funnel import Step
from domain.reports.stages import Interval
from handlers.services.charts import SHIPPED_FONT
from handlers.views import reports as views
from handlers.views.casework.screens import stage_label

ROOT = Path(__file__).resolve().parents[2]
CHINESE = ("zh", "zh_Hant")
VIEWS_WITH_CHARTS = ("finance.py", "pilots.py")  # every message of these views may be drawn on a chart


def _cjk(character: str) -> bool:
    code = ord(character)
    return 0x3000 <= code <= 0x303F or 0x3400 <= code <= 0x9FFF or 0xFF00 <= code <= 0xFFEF


def report_chart_strings(locale: str) -> list[str]:
    """What the reports' charts can write in `locale`, as the catalogs render it."""
    i18n = I18n(path=ROOT / "locales", default_locale="en", domain="messages")
    with i18n.context(), i18n.use_locale(locale):
        texts = views.chart_texts()
        strings = [texts.funnel_title, texts.this_period, texts.previous_period, texts.times_title,
                   texts.targets_title, texts.target_line, texts.events_title]  # fmt: skip
        strings += [views.step_label(step) for step in Step]
        strings += [views.event_step_label(step) for step in EventStep]
        strings += [stage_label(stage) for stage in Stage]
        strings += [views.interval_label(interval) for interval in Interval]
    return strings


def view_chart_strings(locale: str) -> Iterator[str]:
    """Every translation of a message of the views whose texts go on charts (finance, pilots)."""
    sources = [(ROOT / "handlers" / "views" / name).read_text(encoding="utf-8") for name in VIEWS_WITH_CHARTS]
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not ids[0] or not any(f'"{ids[0]}"' in source for source in sources):
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        yield from (text for text in strings if isinstance(text, str))


def chart_characters() -> set[str]:
    """Every CJK character the charts may draw, now and once zh_Hant is made again from zh."""
    characters: set[str] = set()
    for locale in CHINESE:
        for text in [*report_chart_strings(locale), *view_chart_strings(locale)]:
            characters.update(ch for ch in text + to_traditional(text) if _cjk(ch))
    return characters


def test_the_shipped_font_draws_every_chinese_character_of_the_charts() -> None:
    cmap = TTFont(SHIPPED_FONT).getBestCmap()
    for locale in CHINESE:
        drawn = {ch for text in report_chart_strings(locale) for ch in text if _cjk(ch)}
        drawn |= {ch for text in view_chart_strings(locale) for ch in text if _cjk(ch)}
        missing = sorted(ch for ch in drawn if ord(ch) not in cmap)
        assert not missing, f"{locale}: the shipped chart font lacks {''.join(missing)}"
    assert {ch for ch in "转化漏斗各阶段用时目标" if ord(ch) not in cmap} == set()


if __name__ == "__main__":
    ascii_and_punctuation = "".join(chr(code) for code in range(0x20, 0x7F)) + "“”‘’…—–·→−%"
    print(ascii_and_punctuation + "".join(sorted(chart_characters())))
