"""The charts by size and by the values they plot, drawn in Chinese with the shipped font subset alone (as on a
fresh machine: a missing glyph would warn, and warnings fail the tests); the XLSX export's figures."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from aiogram.utils.i18n import I18n
from openpyxl import load_workbook  # type: ignore[import-untyped]

from domain.pipeline import Stage
from domain.reports.bottleneck import Bottleneck, BottleneckKind, CohortFigure
from domain.reports.events import EventFunnel
from domain.reports.funnel import Dimension, Step, funnel_of_depths
from domain.reports.periods import Period
from domain.reports.report import FlowReport, TargetStatus
from domain.reports.stages import INTERVALS, TIMED_STAGES, Compared, Interval, StageTimes
from domain.reports.statistics import DurationStats
from domain.reports.targets import Progress, StoredTarget, Target, TargetWeek
from handlers.services import charts
from handlers.services.reports import figures
from handlers.services.reports.exports import report_xlsx
from handlers.views import reports as views

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 9, 8, tzinfo=UTC)
DAY = timedelta(days=1)


def _report() -> FlowReport:
    current = funnel_of_depths([0] * 40 + [1] * 20 + [2] * 15 + [4] * 10 + [6] * 10 + [8] * 5)
    previous = funnel_of_depths([0] * 50 + [2] * 30 + [5] * 20)
    empty = DurationStats.of([])
    stages: dict[Stage, Compared] = {stage: Compared(empty, empty) for stage in TIMED_STAGES}
    stages[Stage.RECOMMENDING] = Compared(DurationStats.of([d * DAY for d in range(1, 11)]), empty)
    intervals = {interval: Compared(empty, empty) for interval in INTERVALS}
    intervals[Interval.HANDOFF_TO_CLAIM] = Compared(DurationStats.of([DAY / 2, DAY, 2 * DAY]), empty)
    target = StoredTarget(1, Target(Interval.REGISTRATION_TO_INTRODUCTION, 7 * DAY, 0.8), T0)
    weeks = (
        TargetWeek(1, date(2026, 11, 16), Progress(9, 10), True),
        TargetWeek(1, date(2026, 11, 23), Progress(6, 10), False),
    )
    neck = Bottleneck(BottleneckKind.CONVERSION, Step.SUGGESTED, None, 0.5, 0.9,
                      (CohortFigure(Dimension.TIER, "basic", 0.4, 50),))  # fmt: skip
    return FlowReport(
        period=Period(T0, T0 + 91 * DAY),
        as_of=T0 + 91 * DAY,
        funnel=current,
        previous_funnel=previous,
        cohorts={Dimension.TIER: {"basic": current}},
        times=StageTimes(stages, intervals),
        bottleneck=neck,
        targets=(TargetStatus(target, Progress(7, 10), weeks),),
        counselor_names={},
        events=EventFunnel(2, (40, 12, 10, 6, 4, 2, 1)),
        previous_events=EventFunnel(1, (20, 8, 5, 3, 0, 0, 0)),
    )


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch) -> I18n:
    monkeypatch.setattr(figures, "chart_font", charts.shipped_font)  # no system CJK font, as on a fresh machine
    return I18n(path=ROOT / "locales", default_locale="en", domain="messages")


def test_the_funnel_chart_plots_both_periods_with_chinese_labels(chinese: I18n) -> None:
    report = _report()
    with chinese.context(), chinese.use_locale("zh"):
        texts = views.chart_texts()
        figure = figures.funnel_figure(report, texts)
        figure.canvas.draw()
        png = figures.funnel_png(report, texts)
    axes = figure.axes[0]
    this, before = axes.containers
    assert [bar.get_width() for bar in this] == [100, 60, 40, 25, 25, 15, 15, 5, 5]
    assert [bar.get_width() for bar in before] == [100, 50, 50, 20, 20, 20, 0, 0, 0]
    assert [label.get_text() for label in axes.get_yticklabels()][:3] == ["访客", "已同意隐私政策", "已登记资料"]
    assert axes.get_title() == "转化漏斗：各环节会员数"
    assert png.startswith(b"\x89PNG") and 10_000 < len(png) < 500_000


def test_the_events_funnel_chart_plots_each_step_of_both_periods(chinese: I18n) -> None:
    report = _report()
    with chinese.context(), chinese.use_locale("zh"):
        texts = views.chart_texts()
        figure = figures.events_figure(report, texts)
        figure.canvas.draw()
        png = figures.events_png(report, texts)
    axes = figure.axes[0]
    this, before = axes.containers
    assert [bar.get_width() for bar in this] == [40, 12, 10, 6, 4, 2, 1]
    assert [bar.get_width() for bar in before] == [20, 8, 5, 3, 0, 0, 0]
    labels = [label.get_text() for label in axes.get_yticklabels()]
    assert labels == ["已邀请", "已报名", "已签到", "选了心仪对象", "互选成功", "已牵线", "首次约会"]
    assert axes.get_title() == "线下活动：各步骤人次"
    assert png.startswith(b"\x89PNG") and 10_000 < len(png) < 500_000


def test_the_stage_times_chart_is_a_box_per_measured_stage(chinese: I18n) -> None:
    report = _report()
    with chinese.context(), chinese.use_locale("zh"):
        figure = figures.times_figure(report, views.chart_texts())
        figure.canvas.draw()
    axes = figure.axes[0]
    labels = [label.get_text() for label in axes.get_yticklabels()]
    assert labels == ["推荐中", "转人工 → 接单"]
    stats = report.times.stages[Stage.RECOMMENDING].current
    assert stats.median == 5.5 * DAY and stats.p90 == 9.1 * DAY
    whiskers = sorted({round(float(x), 3) for line in axes.lines for x in np.asarray(line.get_xdata())})
    assert 5.5 in whiskers and 9.1 in whiskers and 1.9 in whiskers  # median, p90, p10 of 1..10 days


def test_the_targets_chart_plots_each_week_and_the_target_line(chinese: I18n) -> None:
    report = _report()
    with chinese.context(), chinese.use_locale("zh"):
        figure = figures.targets_figure(report, views.chart_texts())
        figure.canvas.draw()
    axes = figure.axes[0]
    weekly, target = axes.lines
    assert np.asarray(weekly.get_ydata()).tolist() == [90.0, 60.0]
    assert np.asarray(weekly.get_xdata()).tolist() == ["11-16", "11-23"]
    assert np.asarray(target.get_ydata()).tolist() == [80.0, 80.0]


def test_the_export_holds_the_reports_figures(chinese: I18n) -> None:
    with chinese.context(), chinese.use_locale("en"):
        workbook = load_workbook(io.BytesIO(report_xlsx(_report())))
    funnel = list(workbook["funnel"].iter_rows(values_only=True))
    assert funnel[0] == ("step", "clients", "conversion", "dropped", "of visitors", "previous period")
    assert funnel[2] == ("consented", 60, 0.6, 40, 0.6, 50)
    times = {row[0]: row for row in workbook["stage times"].iter_rows(values_only=True)}
    assert times["recommending"][1:4] == (10, 5.5, 9.1)
    assert times["handoff → claim"][1:3] == (3, 1.0)
    targets = list(workbook["targets"].iter_rows(values_only=True))
    assert targets[1][1:5] == ("period", 7, 10, 0.7)
    assert [row[1] for row in targets[2:]] == ["2026-11-16", "2026-11-23"]
    events = list(workbook["events"].iter_rows(values_only=True))
    assert events[0] == ("step", "places", "conversion", "previous period")
    assert events[1] == ("events held", 2, None, 1)
    assert events[2] == ("invited", 40, None, 20)
    assert events[3] == ("signed up", 12, 0.3, 8)
    assert [row[1] for row in events[2:]] == [40, 12, 10, 6, 4, 2, 1]
    neck = list(workbook["bottleneck"].iter_rows(values_only=True))
    assert (
        neck[0][0]
        == "Bottleneck: first suggestion, conversion 50% (norm 90%).\nWorst cohorts: membership tier: basic (40%)"
    )


def test_the_weekly_digest_names_the_events_held(chinese: I18n) -> None:
    with chinese.context(), chinese.use_locale("en"):
        text = views.digest_message(_report()).text
    assert "\n🎪 <b>Offline events</b>: 2 events held (before: 1)\ninvited: 40 (before: 20)\n" in text
