"""What /report shows: the menu of reports and periods, each report's short summary, the charts' texts, the
weekly digest and a target's slip alert (docs/reports.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from domain.delivery import OutboundMessage
from domain.pipeline import Stage
from domain.regions import region_book
from domain.reports.bottleneck import Bottleneck, BottleneckKind, CohortFigure
from domain.reports.events import EVENT_STEPS, EventFunnel, EventStep
from domain.reports.funnel import DIRECT, NO_COUNSELOR, UNKNOWN_REGION, Dimension, Funnel, Step
from domain.reports.periods import PeriodChoice
from domain.reports.report import FlowReport, TargetStatus, WeeklyMeasure
from domain.reports.stages import Compared, Interval
from domain.reports.targets import Target
from handlers.views.casework.screens import stage_label
from handlers.views.punctuation import labelled, listed, with_aside

SHOWN_TARGETS = 5


class ReportKind(StrEnum):
    FUNNEL = "f"
    TIMES = "t"
    BOTTLENECK = "b"
    TARGETS = "g"
    PILOTS = "p"


class ReportPick(CallbackData, prefix="rpk"):
    kind: ReportKind


class ReportPeriod(CallbackData, prefix="rpp"):
    kind: ReportKind
    period: PeriodChoice


def kind_label(kind: ReportKind) -> str:
    return {
        ReportKind.FUNNEL: _("Funnel"),
        ReportKind.TIMES: _("Stage times"),
        ReportKind.BOTTLENECK: _("Bottleneck"),
        ReportKind.TARGETS: _("Targets"),
        ReportKind.PILOTS: _("Pilot comparisons"),
    }[kind]


def period_label(choice: PeriodChoice) -> str:
    return {
        PeriodChoice.LAST_7_DAYS: _("Last 7 days"),
        PeriodChoice.LAST_30_DAYS: _("Last 30 days"),
        PeriodChoice.LAST_QUARTER: _("Last quarter (91 days)"),
        PeriodChoice.LAST_YEAR: _("Last year (365 days)"),
    }[choice]


def step_label(step: Step) -> str:
    return {
        Step.VISITED: _("visitors"),
        Step.CONSENTED: _("consented"),
        Step.REGISTERED: _("registered"),
        Step.SUGGESTED: _("first suggestion"),
        Step.MUTUAL_INTEREST: _("mutual interest"),
        Step.INTRODUCED: _("introduced"),
        Step.FIRST_DATE: _("first date"),
        Step.DATING: _("dating"),
        Step.LONG_TERM: _("long-term"),
    }[step]


def event_step_label(step: EventStep) -> str:
    return {
        EventStep.INVITED: _("invited"),
        EventStep.SIGNED_UP: _("signed up"),
        EventStep.CHECKED_IN: _("checked in"),
        EventStep.PICKED: _("picked someone"),
        EventStep.MUTUAL_PICK: _("mutual pick"),
        EventStep.INTRODUCED: step_label(Step.INTRODUCED),
        EventStep.FIRST_DATE: step_label(Step.FIRST_DATE),
    }[step]


def interval_label(interval: Interval) -> str:
    return {
        Interval.REGISTRATION_TO_INTRODUCTION: _("registration → first introduction"),
        Interval.HANDOFF_TO_CLAIM: _("handoff → claim"),
        Interval.CLAIM_TO_FIRST_REPLY: _("claim → first reply"),
    }[interval]


def dimension_label(dimension: Dimension) -> str:
    return {
        Dimension.MONTH: _("arrival month"),
        Dimension.CHANNEL: _("acquisition channel"),
        Dimension.TIER: _("membership tier"),
        Dimension.COUNSELOR: _("counselor"),
        Dimension.REGION: _("client region"),
    }[dimension]


def cohort_value(dimension: Dimension, value: str, counselor_names: dict[str, str]) -> str:
    """A cohort's value as people read it: a counselor's name, a region's name, "direct"."""
    if dimension is Dimension.COUNSELOR:
        return _("no counselor") if value == NO_COUNSELOR else counselor_names.get(value, value[:8])
    if dimension is Dimension.REGION:
        region = None if value == UNKNOWN_REGION else region_book().get(value)
        return _("unknown region") if region is None else region.name(get_i18n().current_locale)
    if dimension is Dimension.CHANNEL and value == DIRECT:
        return _("no channel (direct)")
    return value


def duration_text(value: timedelta | None) -> str:
    if value is None:
        return "—"
    hours = value.total_seconds() / 3600
    if hours < 1:
        return _("{value} min").format(value=round(hours * 60))
    if hours < 48:
        return _("{value} h").format(value=f"{hours:.1f}")
    return _("{value} d").format(value=f"{hours / 24:.1f}")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def target_text(target: Target) -> str:
    return _("{interval} within {time} for {share} of cases").format(
        interval=interval_label(target.interval), time=duration_text(target.within), share=percent(target.share)
    )


def menu_view() -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [InlineKeyboardButton(text=kind_label(kind), callback_data=ReportPick(kind=kind).pack())] for kind in ReportKind
    ]
    return _("📊 <b>Reports</b>\nWhich report?"), InlineKeyboardMarkup(inline_keyboard=rows)


def period_view(kind: ReportKind) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [InlineKeyboardButton(text=period_label(choice), callback_data=ReportPeriod(kind=kind, period=choice).pack())]
        for choice in PeriodChoice
    ]
    text = _("📊 <b>{report}</b>\nWhich period?").format(report=kind_label(kind))
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def _heading(kind: ReportKind, report: FlowReport) -> str:
    return _("📊 <b>{report}</b>, {start} – {end}").format(
        report=kind_label(kind),
        start=report.period.start.date().isoformat(),
        end=(report.period.end - timedelta(days=1)).date().isoformat(),
    )


def _step_line(label: str, count: int, conversion: float | None, before: int) -> str:
    figure = str(count) if conversion is None else f"{count} ({percent(conversion)})"
    return labelled(label, with_aside(figure, _("before: {count}").format(count=before)))


def funnel_lines(current: Funnel, previous: Funnel) -> list[str]:
    return [
        _step_line(step_label(step.step), step.count, step.conversion, before.count)
        for step, before in zip(current.steps, previous.steps, strict=True)
    ]


def event_lines(current: EventFunnel, previous: EventFunnel) -> list[str]:
    """The events funnel: the events held, then each step's places against the period before."""
    heading = _(
        "🎪 <b>Offline events</b>: {count} event held (before: {previous})",
        "🎪 <b>Offline events</b>: {count} events held (before: {previous})",
        current.events,
    ).format(count=current.events, previous=previous.events)
    if not current.events:
        return [heading]
    steps = [
        _step_line(event_step_label(step), current.count(step), current.conversion(step), previous.count(step))
        for step in EVENT_STEPS
    ]
    return [heading, *steps]


def funnel_summary(report: FlowReport) -> str:
    lines = [
        _heading(ReportKind.FUNNEL, report),
        *funnel_lines(report.funnel, report.previous_funnel),
        "",
        *event_lines(report.events, report.previous_events),
    ]
    return "\n".join(lines)


def _compared(label: str, compared: Compared) -> str:
    current = compared.current
    return labelled(
        label,
        _(
            "median {median}, p90 {p90}, {count} case (before: median {previous})",
            "median {median}, p90 {p90}, {count} cases (before: median {previous})",
            current.count,
        ).format(
            median=duration_text(current.median),
            p90=duration_text(current.p90),
            count=current.count,
            previous=duration_text(compared.previous.median),
        ),
    )


def times_summary(report: FlowReport) -> str:
    lines = [_heading(ReportKind.TIMES, report)]
    lines += [_compared(stage_label(stage), compared) for stage, compared in report.times.stages.items()]
    lines += [_compared(interval_label(interval), c) for interval, c in report.times.intervals.items()]
    return "\n".join(lines)


def _cohort(figure: CohortFigure, names: dict[str, str]) -> str:
    value = cohort_value(figure.dimension, figure.value, names)
    return with_aside(labelled(dimension_label(figure.dimension), value), percent(figure.figure))


def bottleneck_text(found: Bottleneck | None, names: dict[str, str]) -> str:
    if found is None:
        return _("No bottleneck: too few clients in this period to judge.")
    if found.kind is BottleneckKind.TIME and found.interval is not None:
        text = _("Bottleneck: {interval}, {actual} of cases within the target's time (target {expected}).").format(
            interval=interval_label(found.interval), actual=percent(found.actual), expected=percent(found.expected)
        )
    else:
        assert found.step is not None
        text = _("Bottleneck: {step}, conversion {actual} (norm {expected}).").format(
            step=step_label(found.step), actual=percent(found.actual), expected=percent(found.expected)
        )
    if found.worst:
        text += "\n" + _("Worst cohorts: {cohorts}").format(cohorts=listed(_cohort(f, names) for f in found.worst))
    return text


def bottleneck_summary(report: FlowReport) -> str:
    return "\n".join(
        [_heading(ReportKind.BOTTLENECK, report), bottleneck_text(report.bottleneck, report.counselor_names)]
    )


def target_line(status: TargetStatus) -> str:
    on_target = status.progress.on_target(status.target)
    mark = "—" if on_target is None else ("✅" if on_target else "⚠️")
    return f"{mark} " + labelled(
        target_text(status.target),
        _("{share} of {count} known case", "{share} of {count} known cases", status.progress.decided).format(
            share=percent(status.progress.share), count=status.progress.decided
        ),
    )


def targets_summary(report: FlowReport) -> str:
    lines = [_heading(ReportKind.TARGETS, report)]
    lines += [target_line(status) for status in report.targets[:SHOWN_TARGETS]] or [_("No targets yet.")]
    lines.append(target_usage())
    return "\n".join(lines)


def target_usage() -> str:
    return _(
        "Set a target: /target INTERVAL TIME PERCENT, e.g. <code>/target registration_to_introduction 7d 80</code>. "
        "Intervals: <code>registration_to_introduction</code>, <code>handoff_to_claim</code>, "
        "<code>claim_to_first_reply</code>; time in <code>m</code>, <code>h</code> or <code>d</code>."
    )


def target_set_text(target: Target) -> str:
    return _("🎯 Target set: {target}. It is measured every Monday.").format(target=target_text(target))


SUMMARIES: dict[ReportKind, Callable[[FlowReport], str]] = {
    ReportKind.FUNNEL: funnel_summary,
    ReportKind.TIMES: times_summary,
    ReportKind.BOTTLENECK: bottleneck_summary,
    ReportKind.TARGETS: targets_summary,
}


def summary(kind: ReportKind, report: FlowReport) -> str:
    return SUMMARIES[kind](report)


def export_name(kind: ReportKind, report: FlowReport) -> str:
    return f"report-{kind.name.lower()}-{report.period.start.date().isoformat()}.xlsx"


def no_pilots_text() -> str:
    return _("Pilot reports are not available yet.")


def working_text() -> str:
    return _("Working on the report…")


@dataclass(frozen=True)
class ReportChartTexts:
    """What the charts say, in the reader's language."""

    funnel_title: str
    this_period: str
    previous_period: str
    times_title: str
    targets_title: str
    target_line: str
    events_title: str
    step: Callable[[Step], str]
    event_step: Callable[[EventStep], str]
    stage: Callable[[Stage], str]
    interval: Callable[[Interval], str]


def chart_texts() -> ReportChartTexts:
    return ReportChartTexts(
        funnel_title=_("Funnel: clients at each step"),
        this_period=_("this period"),
        previous_period=_("previous period"),
        times_title=_("Time in each stage (days)"),
        targets_title=_("Targets: share of cases within the time, by week"),
        target_line=_("target share"),
        events_title=_("Offline events: places at each step"),
        step=step_label,
        event_step=event_step_label,
        stage=stage_label,
        interval=interval_label,
    )


# --- messages through the outbox -------------------------------------------------------------------------------
def digest_message(report: FlowReport) -> OutboundMessage:
    lines = [
        _("📬 <b>Weekly report</b>, {start} – {end}").format(
            start=report.period.start.date().isoformat(),
            end=(report.period.end - timedelta(days=1)).date().isoformat(),
        ),
        *funnel_lines(report.funnel, report.previous_funnel),
        *(event_lines(report.events, report.previous_events) if report.events.events else ()),
        bottleneck_text(report.bottleneck, report.counselor_names),
        *(target_line(status) for status in report.targets[:SHOWN_TARGETS]),
        _("Send /report for charts and the export."),
    ]
    return OutboundMessage(text="\n".join(lines))


def slip_alert(measure: WeeklyMeasure) -> OutboundMessage:
    return OutboundMessage(
        text=_(
            "⚠️ <b>Target slipped</b>: {target}. Week of {week}: {share} of {count} case.",
            "⚠️ <b>Target slipped</b>: {target}. Week of {week}: {share} of {count} cases.",
            measure.progress.decided,
        ).format(
            target=target_text(measure.target.target),
            week=measure.week.start.date().isoformat(),
            share=percent(measure.progress.share),
            count=measure.progress.decided,
        )
    )
