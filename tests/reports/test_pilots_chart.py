"""The pilot comparison chart: the values plotted are the comparison's (each group's share or median, the
difference with its interval), its labels are the reader's language, and the PNG is a real image."""

from __future__ import annotations

import warnings
from dataclasses import astuple, replace
from datetime import UTC, datetime

import numpy as np
from aiogram.utils.i18n import gettext as _
from matplotlib.container import ErrorbarContainer

from bot.i18n import create_i18n
from domain.reports.pilots import Arm, Comparison, Flag, Metric, PilotState, Verdict
from handlers.services.reports.pilots import PilotComparison, pilot_chart_png, pilot_figure
from handlers.views.pilots import CHART_MESSAGES, chart_texts
from storage.repositories.pilots import Pilot

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _compared(metric: Metric) -> PilotComparison:
    pilot = Pilot(3, Flag.MORE_SUGGESTIONS, metric, 20, PilotState.RUNNING, NOW, None, None, None)
    if metric is Metric.INTRODUCED_7D:
        result = Comparison(metric, 120, 480, 0.45, 0.30, 0.15, 0.05, 0.25, 0.002, True, Verdict.BETTER)
    else:
        result = Comparison(metric, 120, 480, 4.5, 8.0, -3.5, -5.0, -2.0, 0.001, True, Verdict.BETTER)
    return PilotComparison(pilot, {Arm.PILOT: 130, Arm.CONTROL: 500}, result, NOW)


def test_the_share_chart_plots_the_comparisons_figures() -> None:
    compared = _compared(Metric.INTRODUCED_7D)
    with create_i18n().context():
        texts = chart_texts(compared.pilot)
    figure = pilot_figure(compared, texts)
    bars, gap = figure.axes
    assert [bar.get_height() for bar in bars.containers[0]] == [45.0, 30.0]  # percent
    assert [label.get_text() for label in bars.get_xticklabels()] == ["Pilot (n=120)", "Control (n=480)"]
    assert bars.get_title() == "Introduced within 7 days of registration"
    [interval] = gap.containers
    assert isinstance(interval, ErrorbarContainer)
    line, _caps, (bar_lines,) = interval.lines
    assert np.asarray(line.get_ydata()).tolist() == [15.0]
    [[(_x0, low), (_x1, high)]] = [segment.tolist() for segment in bar_lines.get_segments()]
    assert (round(low, 6), round(high, 6)) == (5.0, 25.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = pilot_chart_png(compared, texts)
    assert png.startswith(b"\x89PNG") and 10_000 < len(png) < 500_000


def test_the_time_chart_plots_medians_in_days() -> None:
    compared = _compared(Metric.DAYS_TO_INTRODUCTION)
    with create_i18n().context():
        texts = chart_texts(compared.pilot)
    bars, gap = pilot_figure(compared, texts).axes
    assert [bar.get_height() for bar in bars.containers[0]] == [4.5, 8.0]
    assert bars.get_ylabel() == "median days"
    interval = gap.containers[0]
    assert isinstance(interval, ErrorbarContainer)
    line = interval.lines[0]
    assert np.asarray(line.get_ydata()).tolist() == [-3.5]


def test_a_chinese_chart_renders_every_character() -> None:
    compared = _compared(Metric.INTRODUCED_7D)
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("zh"):
        texts = chart_texts(compared.pilot)
        drawn = {text for metric in Metric for text in astuple(chart_texts(replace(compared.pilot, metric=metric)))}
        listed = {_(message) for message in CHART_MESSAGES}  # what the shipped font subset is made from
    assert texts.pilot == "试点组" and texts.title == "登记后7天内获得牵线"
    assert drawn == listed
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        png = pilot_chart_png(compared, texts)
    assert png.startswith(b"\x89PNG")
