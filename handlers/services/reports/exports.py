"""A report as an XLSX workbook (openpyxl): the funnel, the offline events' funnel, the funnel of every cohort,
stage times against the period before, the bottleneck and the targets with their weekly measures. Durations in
days, shares as fractions formatted as percentages; labels in the reader's language."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import Workbook  # type: ignore[import-untyped]

from domain.reports.events import EVENT_STEPS
from domain.reports.funnel import STEPS
from domain.reports.report import FlowReport
from domain.reports.stages import Compared
from handlers.views import reports as views
from handlers.views.casework.screens import stage_label

DAY = timedelta(days=1)
PERCENT = "0.0%"


def _days(value: timedelta | None) -> float | None:
    return None if value is None else round(value / DAY, 4)


def _times_row(label: str, compared: Compared) -> list[object]:
    now, before = compared.current, compared.previous
    return [label, now.count, _days(now.median), _days(now.p90), before.count, _days(before.median), _days(before.p90)]


def report_xlsx(report: FlowReport) -> bytes:
    workbook = Workbook()
    funnel = workbook.active
    assert funnel is not None
    funnel.title = "funnel"
    funnel.append(["step", "clients", "conversion", "dropped", "of visitors", "previous period"])
    for step, before in zip(report.funnel.steps, report.previous_funnel.steps, strict=True):
        funnel.append([views.step_label(step.step), step.count, step.conversion, step.dropped, step.of_visitors,
                       before.count])  # fmt: skip
        funnel.cell(row=funnel.max_row, column=3).number_format = PERCENT
        funnel.cell(row=funnel.max_row, column=5).number_format = PERCENT

    events = workbook.create_sheet("events")
    events.append(["step", "places", "conversion", "previous period"])
    events.append(["events held", report.events.events, None, report.previous_events.events])
    for event_step in EVENT_STEPS:
        events.append([views.event_step_label(event_step), report.events.count(event_step),
                       report.events.conversion(event_step), report.previous_events.count(event_step)])  # fmt: skip
        events.cell(row=events.max_row, column=3).number_format = PERCENT

    cohorts = workbook.create_sheet("cohorts")
    cohorts.append(["dimension", "value", *(views.step_label(step) for step in STEPS)])
    for dimension, funnels in report.cohorts.items():
        for value, cohort_funnel in funnels.items():
            label = views.cohort_value(dimension, value, report.counselor_names)
            cohorts.append([views.dimension_label(dimension), label, *(s.count for s in cohort_funnel.steps)])

    times = workbook.create_sheet("stage times")
    times.append(["stage or interval", "cases", "median (days)", "p90 (days)", "previous cases",
                  "previous median (days)", "previous p90 (days)"])  # fmt: skip
    for stage, compared in report.times.stages.items():
        times.append(_times_row(stage_label(stage), compared))
    for interval, compared in report.times.intervals.items():
        times.append(_times_row(views.interval_label(interval), compared))

    neck = workbook.create_sheet("bottleneck")
    neck.append([views.bottleneck_text(report.bottleneck, report.counselor_names)])
    if report.bottleneck is not None:
        neck.append(["dimension", "value", "figure", "clients"])
        for figure in report.bottleneck.worst:
            neck.append([views.dimension_label(figure.dimension),
                         views.cohort_value(figure.dimension, figure.value, report.counselor_names), figure.figure,
                         figure.clients])  # fmt: skip
            neck.cell(row=neck.max_row, column=3).number_format = PERCENT

    targets = workbook.create_sheet("targets")
    targets.append(["target", "week", "met", "known", "share", "on target"])
    for status in report.targets:
        label = views.target_text(status.target)
        targets.append([label, "period", status.progress.met, status.progress.decided, status.progress.share,
                        status.progress.on_target(status.target)])  # fmt: skip
        targets.cell(row=targets.max_row, column=5).number_format = PERCENT
        for week in status.weeks:
            targets.append([label, week.week_start.isoformat(), week.progress.met, week.progress.decided,
                            week.progress.share, week.on_target])  # fmt: skip
            targets.cell(row=targets.max_row, column=5).number_format = PERCENT
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
