"""The reports' charts as matplotlib Figures (tests read back what they plot) and as PNG bytes.

- the funnel: clients at each step, this period against the previous one (horizontal bars); the same for the
  offline events' funnel (places at the period's events);
- stage times: a box plot per stage and per interval (10th percentile, quartiles, median, 90th percentile),
  in days;
- targets: each target's weekly share of cases within its time, with the target share as a dashed line.
Labels come from the reader's catalog (`ReportChartTexts`); they are drawn with `chart_font()`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from matplotlib.figure import Figure

from domain.reports.events import EVENT_STEPS
from domain.reports.report import FlowReport
from domain.reports.statistics import DurationStats
from handlers.services.charts import chart_font, png
from handlers.views.reports import ReportChartTexts

DAY = timedelta(days=1)


def _bars(title: str, labels: list[str], current: list[int], previous: list[int], texts: ReportChartTexts) -> Figure:
    """Horizontal bars per step, this period against the previous one, the first step on top."""
    figure = Figure(figsize=(8, 5))
    figure.set_layout_engine("constrained")
    family = chart_font()
    axes = figure.add_subplot(1, 1, 1)
    positions = list(range(len(labels)))
    height = 0.4
    axes.barh([p - height / 2 for p in positions], current, height, label=texts.this_period)
    axes.barh([p + height / 2 for p in positions], previous, height, label=texts.previous_period, color="tab:gray")
    axes.set_yticks(positions, labels, fontfamily=family)
    axes.invert_yaxis()
    axes.set_title(title, fontfamily=family)
    axes.legend(prop={"family": family})
    return figure


def funnel_figure(report: FlowReport, texts: ReportChartTexts) -> Figure:
    return _bars(
        texts.funnel_title,
        [texts.step(step.step) for step in report.funnel.steps],
        [step.count for step in report.funnel.steps],
        [step.count for step in report.previous_funnel.steps],
        texts,
    )


def events_figure(report: FlowReport, texts: ReportChartTexts) -> Figure:
    """The events funnel: places at the period's events that reached each step, against the period before."""
    return _bars(
        texts.events_title,
        [texts.event_step(step) for step in EVENT_STEPS],
        list(report.events.counts),
        list(report.previous_events.counts),
        texts,
    )


def _box(label: str, stats: DurationStats) -> dict[str, Any] | None:
    if not stats.count or None in (stats.median, stats.p10, stats.p90, stats.q1, stats.q3):
        return None
    assert stats.median and stats.p10 is not None and stats.p90 and stats.q1 is not None and stats.q3
    return {
        "label": label,
        "med": stats.median / DAY,
        "q1": stats.q1 / DAY,
        "q3": stats.q3 / DAY,
        "whislo": stats.p10 / DAY,
        "whishi": stats.p90 / DAY,
        "fliers": [],
    }


def times_figure(report: FlowReport, texts: ReportChartTexts) -> Figure:
    """One box per stage and interval that has cases in the period (boxes without cases are left out)."""
    figure = Figure(figsize=(9, 6))
    figure.set_layout_engine("constrained")
    family = chart_font()
    axes = figure.add_subplot(1, 1, 1)
    boxes = [_box(texts.stage(stage), compared.current) for stage, compared in report.times.stages.items()]
    boxes += [_box(texts.interval(i), compared.current) for i, compared in report.times.intervals.items()]
    shown = [box for box in boxes if box is not None]
    if shown:
        axes.bxp(shown, orientation="horizontal", showfliers=False)
        axes.set_yticks(range(1, len(shown) + 1), [box["label"] for box in shown], fontfamily=family)
        axes.invert_yaxis()
    axes.set_title(texts.times_title, fontfamily=family)
    return figure


def targets_figure(report: FlowReport, texts: ReportChartTexts) -> Figure:
    figure = Figure(figsize=(8, 4.5))
    figure.set_layout_engine("constrained")
    family = chart_font()
    axes = figure.add_subplot(1, 1, 1)
    for status in report.targets:
        weeks = [week for week in status.weeks if week.progress.share is not None]
        label = texts.interval(status.target.interval)
        line = axes.plot(
            [week.week_start.isoformat()[5:] for week in weeks],
            [100 * (week.progress.share or 0) for week in weeks],
            marker="o",
            label=label,
        )[0]
        axes.axhline(100 * status.target.share, linestyle="--", color=line.get_color())
    axes.set_ylim(0, 105)
    axes.set_title(texts.targets_title, fontfamily=family)
    if report.targets:
        axes.legend(prop={"family": family})
    return figure


def funnel_png(report: FlowReport, texts: ReportChartTexts) -> bytes:
    return png(funnel_figure(report, texts))


def events_png(report: FlowReport, texts: ReportChartTexts) -> bytes:
    return png(events_figure(report, texts))


def times_png(report: FlowReport, texts: ReportChartTexts) -> bytes:
    return png(times_figure(report, texts))


def targets_png(report: FlowReport, texts: ReportChartTexts) -> bytes:
    return png(targets_figure(report, texts))
