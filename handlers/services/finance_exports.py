"""The ledger as files: XLSX (openpyxl) and CSV with the same rows, and PNG charts (matplotlib's Agg canvas,
without pyplot): budget against actual by category, and each channel's cost per registered client.

Chinese labels need a CJK font: `handlers.services.charts.chart_font()` finds one (or uses the shipped subset).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from matplotlib.figure import Figure  # a Figure of its own draws with Agg; pyplot (and its global state) is not used
from openpyxl import Workbook  # type: ignore[import-untyped]

from domain.finance.report import BudgetReport, ChannelCost
from domain.membership.money import digits, from_minor
from handlers.services.charts import chart_font, png
from handlers.views.finance import ChartTexts
from storage.repositories.ledger import LedgerEntry

COLUMNS = (
    "entry",
    "booked_on",
    "kind",
    "category",
    "channel",
    "source",
    "amount",
    "currency",
    "reverses",
    "created_at",
)


def ledger_rows(entries: Iterable[LedgerEntry], channels: dict[int, str], currency: str) -> list[list[object]]:
    """One row per entry; the amount as an exact decimal string in major units."""
    return [
        [
            entry.id,
            entry.booked_on.isoformat(),
            entry.kind,
            entry.category or "",
            "" if entry.channel_id is None else channels.get(entry.channel_id, str(entry.channel_id)),
            entry.source,
            str(from_minor(entry.amount_minor, currency)),
            entry.currency,
            "" if entry.reverses_id is None else entry.reverses_id,
            entry.created_at.isoformat(),
        ]
        for entry in entries
    ]


def ledger_csv(entries: Iterable[LedgerEntry], channels: dict[int, str], currency: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(ledger_rows(entries, channels, currency))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read Chinese correctly


def ledger_xlsx(entries: Iterable[LedgerEntry], channels: dict[int, str], currency: str) -> bytes:
    """The same rows as the CSV; amounts as numbers with the currency's decimal places."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "ledger"
    sheet.append(COLUMNS)
    amount_format = "0" if digits(currency) == 0 else "0." + "0" * digits(currency)
    for row in ledger_rows(entries, channels, currency):
        row[6] = Decimal(str(row[6]))
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=7).number_format = amount_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def budget_figure(report: BudgetReport, channels: list[ChannelCost], texts: ChartTexts) -> Figure:
    """Budget against actual by category (bars) and, when there is advertising, cost per registered client by
    channel. The bars' heights are the report's figures (tests read them back)."""
    figure = Figure(figsize=(9, 7 if channels else 4.5))
    figure.set_layout_engine("constrained")
    family = chart_font()
    axes = figure.add_subplot(2 if channels else 1, 1, 1)
    names = [texts.category(row.category) for row in report.rows]
    positions = list(range(len(names)))
    width = 0.4
    axes.bar([p - width / 2 for p in positions], [float(row.budget) for row in report.rows], width, label=texts.budget)
    axes.bar([p + width / 2 for p in positions], [float(row.actual) for row in report.rows], width, label=texts.actual)
    axes.set_xticks(positions, names, fontfamily=family)
    axes.set_title(texts.title, fontfamily=family)
    axes.legend(prop={"family": family})
    if channels:
        lower = figure.add_subplot(2, 1, 2)
        lower.bar(
            [cost.channel for cost in channels],
            [float(cost.per_registered or 0) for cost in channels],
            color="tab:red",
            label=texts.per_registered,
        )
        lower.legend(prop={"family": family})
    return figure


def budget_chart_png(report: BudgetReport, channels: list[ChannelCost], texts: ChartTexts) -> bytes:
    return png(budget_figure(report, channels, texts))
