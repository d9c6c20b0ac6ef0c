"""Exports and charts: the XLSX and the CSV hold the same rows with exact amounts; the chart's bars are the
report's figures; Chinese labels render with a CJK font (no missing-glyph warning), and the shipped font subset
covers every character of the finance texts in the Chinese catalogs."""

from __future__ import annotations

import csv
import io
import warnings
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from matplotlib.font_manager import FontProperties, findfont
from openpyxl import load_workbook  # type: ignore[import-untyped]

from domain.finance.accounts import Category
from domain.finance.report import BudgetLine, ChannelFigures, budget_report, channel_costs
from handlers.services.charts import SHIPPED_FONT, chart_font
from handlers.services.finance_exports import budget_chart_png, budget_figure, ledger_csv, ledger_xlsx
from handlers.views.finance import ChartTexts
from storage.repositories.ledger import LedgerEntry

ROOT = Path(__file__).resolve().parents[2]
ZH_NAMES = {
    Category.SALARIES: "工资",
    Category.RENT: "房租",
    Category.ADVERTISING: "广告",
    Category.EVENTS: "线下活动",
}
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _entry(number: int, amount: int, category: str | None, channel: int | None = None) -> LedgerEntry:
    return LedgerEntry(
        number,
        "expense",
        None,
        None,
        None,
        None,
        "CNY",
        amount,
        NOW,
        date(2026, 1, number),
        category,
        channel,
        "manual",
        None,
    )


def test_xlsx_and_csv_hold_the_same_exact_rows() -> None:
    entries = [_entry(1, -123450, "advertising", 7), _entry(2, -1, "other"), _entry(3, -500000, "rent")]
    channels = {7: "wechat"}
    from_csv = list(csv.reader(io.StringIO(ledger_csv(entries, channels, "CNY").decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(ledger_xlsx(entries, channels, "CNY"))).active
    from_xlsx = list(sheet.iter_rows(values_only=True))
    assert [row[6] for row in from_csv[1:]] == ["-1234.50", "-0.01", "-5000.00"]
    assert [Decimal(str(row[6])) for row in from_xlsx[1:]] == [Decimal("-1234.5"), Decimal("-0.01"), Decimal(-5000)]
    assert sheet.cell(row=2, column=7).number_format == "0.00"
    assert [["" if v is None else str(v) for v in row[:6]] for row in from_xlsx] == [row[:6] for row in from_csv]
    assert from_csv[1][4] == "wechat" and from_csv[2][4] == ""


def _report() -> tuple[object, object]:
    report = budget_report(
        [BudgetLine(Category.ADVERTISING, Decimal(1000), 10), BudgetLine(Category.RENT, Decimal(5000))],
        {Category.ADVERTISING: Decimal("1200.00"), Category.RENT: Decimal("5000.00"), Category.EVENTS: Decimal(300)},
        "CNY",
    )
    channels = channel_costs(
        [ChannelFigures("wechat", Decimal(900), 9, 3, 1), ChannelFigures("douyin", Decimal(300), 2, 1, 0)], "CNY"
    )
    return report, channels


def _zh_texts() -> ChartTexts:
    return ChartTexts("2026年1月预算与实际", "预算", "实际", "每位注册会员的广告成本", lambda c: ZH_NAMES[c])


def test_the_chart_shows_the_reports_figures_in_chinese_without_missing_glyphs() -> None:
    report, channels = _report()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        figure = budget_figure(report, channels, _zh_texts())  # type: ignore[arg-type]
        figure.canvas.draw()
        png = budget_chart_png(report, channels, _zh_texts())  # type: ignore[arg-type]
    upper, lower = figure.axes
    budgets, actuals = upper.containers
    assert [bar.get_height() for bar in budgets] == [5000.0, 1000.0, 0.0]  # rent, advertising, events
    assert [bar.get_height() for bar in actuals] == [5000.0, 1200.0, 300.0]
    assert [label.get_text() for label in upper.get_xticklabels()] == ["房租", "广告", "线下活动"]
    assert upper.get_title() == "2026年1月预算与实际"
    assert [bar.get_height() for bar in lower.containers[0]] == [300.0, 300.0]  # douyin, wechat: 300 each
    assert png.startswith(b"\x89PNG") and 10_000 < len(png) < 500_000
    # The labels are drawn with a font that has the characters.
    family = chart_font()
    path = findfont(FontProperties(family=family[-1]), fallback_to_default=False)
    cmap = TTFont(path, fontNumber=0).getBestCmap()
    assert all(ord(ch) in cmap for ch in "房租广告线下活动预算与实际年月")


def _cjk(character: str) -> bool:
    code = ord(character)
    return 0x3000 <= code <= 0x303F or 0x3400 <= code <= 0x9FFF or 0xFF00 <= code <= 0xFFEF


def test_the_shipped_font_covers_the_finance_texts_of_the_chinese_catalogs() -> None:
    cmap = TTFont(SHIPPED_FONT).getBestCmap()
    finance_ids = set()
    pot = (ROOT / "handlers" / "views" / "finance.py").read_text(encoding="utf-8")
    for locale in ("zh", "zh_Hant"):
        path = ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            if not msgid or f'"{msgid}"' not in pot or not message.string:
                continue
            finance_ids.add(msgid)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            missing = {ch for text in strings for ch in text if _cjk(ch) and ord(ch) not in cmap}
            assert not missing, (locale, msgid, missing)
    assert {"Rent", "Budget", "Actual"} <= finance_ids
