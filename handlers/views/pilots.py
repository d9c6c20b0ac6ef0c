"""What managers see of pilots (`/pilots`): the list, starting one by three button choices (flag, share,
metric; no conversation state), the comparison with its verdict, and the confirmation of a roll-out or a stop."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.reports.pilots import (
    ALPHA,
    EXTRA_SUGGESTIONS,
    MIN_PER_ARM,
    Arm,
    Comparison,
    Flag,
    Metric,
    PilotState,
    Verdict,
)
from handlers.views.keyboards import InlineKeyboardBuilder
from storage.repositories.pilots import Pilot

SHARES = (10, 20, 30, 50)  # percent of new clients offered as buttons


class PilotAct(StrEnum):
    LIST = "l"
    NEW = "n"  # choose a flag
    FLAG = "f"  # the flag chosen: choose a share
    SHARE = "s"  # the share chosen: choose the metric
    START = "go"  # the metric chosen: start
    OPEN = "o"  # the comparison
    ROLL_OUT = "r"  # asks to confirm
    STOP = "x"  # asks to confirm
    SURE_ROLL_OUT = "rr"
    SURE_STOP = "xx"


class PilotButton(CallbackData, prefix="pil"):
    act: PilotAct
    pilot: int = 0
    flag: Flag | None = None
    share: int = 0
    metric: Metric | None = None


@dataclass(frozen=True)
class PilotChartTexts:
    """What the comparison chart says, in the reader's language."""

    title: str
    pilot: str
    control: str
    value_axis: str
    difference: str
    interval: str


def flag_label(flag: Flag) -> str:
    return {
        Flag.MORE_SUGGESTIONS: _("More suggestions a day (+{count})").format(count=EXTRA_SUGGESTIONS),
        Flag.FOLLOW_UP_CALL: _("A counselor's call the day after registration"),
    }[flag]


def metric_label(metric: Metric) -> str:
    return {
        Metric.INTRODUCED_7D: _("Introduced within 7 days of registration"),
        Metric.DAYS_TO_INTRODUCTION: _("Days from registration to the first introduction"),
    }[metric]


def state_label(state: PilotState) -> str:
    return {
        PilotState.RUNNING: _("running"),
        PilotState.ROLLED_OUT: _("rolled out to everyone"),
        PilotState.STOPPED: _("stopped"),
    }[state]


def _pilot_line(pilot: Pilot, counts: dict[Arm, int]) -> str:
    return _(
        "#{id} · {flag} · new clients since {day}: {share}% · {state} · {pilot} in the pilot, {control} in control"
    ).format(
        id=pilot.id,
        flag=flag_label(pilot.flag),
        share=pilot.share,
        day=f"{pilot.started_at:%Y-%m-%d}",
        state=state_label(pilot.state),
        pilot=counts.get(Arm.PILOT, 0),
        control=counts.get(Arm.CONTROL, 0),
    )


def pilots_view(pilots: Sequence[tuple[Pilot, dict[Arm, int]]]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("🧪 <b>Pilots</b>")]
    if not pilots:
        lines.append(
            _(
                "No pilot yet. A pilot tries a change of the service flow on a share of new clients and compares "
                "them with the rest."
            )
        )
    lines += [_pilot_line(pilot, counts) for pilot, counts in pilots]
    builder = InlineKeyboardBuilder()
    for pilot, _counts in pilots:
        opening = PilotButton(act=PilotAct.OPEN, pilot=pilot.id)
        builder.button(text=_("📊 #{id}").format(id=pilot.id), callback_data=opening)
    builder.button(text=_("➕ Start a pilot"), callback_data=PilotButton(act=PilotAct.NEW))
    builder.adjust(4)
    return "\n".join(lines), builder.as_markup()


def choose_flag_view(busy: set[Flag]) -> tuple[str, InlineKeyboardMarkup]:
    """The flags without a running or rolled-out pilot."""
    builder = InlineKeyboardBuilder()
    free = [flag for flag in Flag if flag not in busy]
    for flag in free:
        builder.button(text=flag_label(flag), callback_data=PilotButton(act=PilotAct.FLAG, flag=flag))
    builder.button(text=_("↩ Back"), callback_data=PilotButton(act=PilotAct.LIST))
    builder.adjust(1)
    text = (
        _("Which change should the pilot try?")
        if free
        else _("Every change already has a pilot running or rolled out.")
    )
    return text, builder.as_markup()


def choose_share_view(flag: Flag) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for share in SHARES:
        builder.button(text=f"{share}%", callback_data=PilotButton(act=PilotAct.SHARE, flag=flag, share=share))
    builder.button(text=_("↩ Back"), callback_data=PilotButton(act=PilotAct.NEW))
    builder.adjust(len(SHARES), 1)
    text = _("{flag}: what share of new clients should get it? The others are the control group.").format(
        flag=flag_label(flag)
    )
    return text, builder.as_markup()


def choose_metric_view(flag: Flag, share: int) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for metric in Metric:
        starting = PilotButton(act=PilotAct.START, flag=flag, share=share, metric=metric)
        builder.button(text=metric_label(metric), callback_data=starting)
    builder.button(text=_("↩ Back"), callback_data=PilotButton(act=PilotAct.FLAG, flag=flag))
    builder.adjust(1)
    text = _("{flag} for new clients ({share}%): what should it be judged on?").format(
        flag=flag_label(flag), share=share
    )
    return text, builder.as_markup()


def started_text(pilot: Pilot) -> str:
    return _(
        "🧪 Pilot #{id} started: {flag} for the clients who register from now on ({share}%), judged on “{metric}”. "
        "Each client's group is drawn at random and stays the same."
    ).format(id=pilot.id, flag=flag_label(pilot.flag), share=pilot.share, metric=metric_label(pilot.metric))


def _share(value: float) -> str:
    return f"{value * 100:.0f}%"


def _days(value: float) -> str:
    return f"{value:.1f}"


def _signed_points(value: float) -> str:
    return f"{value * 100:+.0f}"


def _signed_days(value: float) -> str:
    return f"{value:+.1f}"


def arm_line(comparison: Comparison, arm: Arm) -> str:
    value = comparison.pilot_value if arm is Arm.PILOT else comparison.control_value
    count = comparison.pilot_n if arm is Arm.PILOT else comparison.control_n
    label = _("Pilot") if arm is Arm.PILOT else _("Control")
    if value is None:
        return _("{arm}: nobody measured yet").format(arm=label)
    if comparison.metric is Metric.INTRODUCED_7D:
        return _("{arm}: {share} of {count} client", "{arm}: {share} of {count} clients", count).format(
            arm=label, share=_share(value), count=count
        )
    return _("{arm}: median {days} days, {count} client", "{arm}: median {days} days, {count} clients", count).format(
        arm=label, days=_days(value), count=count
    )


def verdict_text(verdict: Verdict) -> str:
    return {
        Verdict.BETTER: _(
            "✅ The pilot does better, and the difference is unlikely to be chance. Consider rolling it out."
        ),
        Verdict.WORSE: _("⚠️ The pilot does worse, and the difference is unlikely to be chance. Consider stopping it."),
        Verdict.NO_DIFFERENCE: _(
            "➖ No significant difference so far: the true difference may be anywhere in the interval. "
            "Let it run longer."
        ),
        Verdict.TOO_FEW: _(
            "⏳ Too early to say: each group needs at least {count} client who registered long enough ago to be "
            "measured.",
            "⏳ Too early to say: each group needs at least {count} clients who registered long enough ago to be "
            "measured.",
            MIN_PER_ARM,
        ).format(count=MIN_PER_ARM),
    }[verdict]


def comparison_text(pilot: Pilot, comparison: Comparison) -> str:
    lines = [
        _("🧪 <b>Pilot #{id}: {flag}</b>").format(id=pilot.id, flag=flag_label(pilot.flag)),
        _("Clients registered since {day}: {share}% · {state}").format(
            share=pilot.share, day=f"{pilot.started_at:%Y-%m-%d}", state=state_label(pilot.state)
        ),
        _("Judged on: {metric}").format(metric=metric_label(pilot.metric)),
        "",
        arm_line(comparison, Arm.PILOT),
        arm_line(comparison, Arm.CONTROL),
    ]
    if comparison.difference is not None and comparison.low is not None and comparison.high is not None:
        confidence = round((1 - ALPHA) * 100)
        if comparison.metric is Metric.INTRODUCED_7D:
            lines.append(
                _("Difference: {difference} points (interval {low} to {high} at {confidence}%), p = {p}").format(
                    difference=_signed_points(comparison.difference),
                    confidence=confidence,
                    low=_signed_points(comparison.low),
                    high=_signed_points(comparison.high),
                    p=f"{comparison.p_value:.3f}",
                )
            )
        else:
            lines.append(
                _("Difference: {difference} days (interval {low} to {high} at {confidence}%), p = {p}").format(
                    difference=_signed_days(comparison.difference),
                    confidence=confidence,
                    low=_signed_days(comparison.low),
                    high=_signed_days(comparison.high),
                    p=f"{comparison.p_value:.3f}",
                )
            )
    lines += ["", verdict_text(comparison.verdict)]
    return "\n".join(lines)


def comparison_keyboard(pilot: Pilot) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if pilot.state is PilotState.RUNNING:
        builder.button(text=_("🚀 Roll out"), callback_data=PilotButton(act=PilotAct.ROLL_OUT, pilot=pilot.id))
        builder.button(text=_("⛔ Stop"), callback_data=PilotButton(act=PilotAct.STOP, pilot=pilot.id))
    builder.button(text=_("↩ Back"), callback_data=PilotButton(act=PilotAct.LIST))
    builder.adjust(2, 1)
    return builder.as_markup()


def confirm_view(pilot: Pilot, roll_out: bool) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    if roll_out:
        text = _("Roll out “{flag}” to every client? The pilot ends and the change becomes the normal flow.").format(
            flag=flag_label(pilot.flag)
        )
        sure = PilotButton(act=PilotAct.SURE_ROLL_OUT, pilot=pilot.id)
        builder.button(text=_("🚀 Yes, roll out"), callback_data=sure)
    else:
        text = _("Stop pilot #{id}? Every client goes back to the current flow.").format(id=pilot.id)
        builder.button(text=_("⛔ Yes, stop"), callback_data=PilotButton(act=PilotAct.SURE_STOP, pilot=pilot.id))
    builder.button(text=_("↩ Back"), callback_data=PilotButton(act=PilotAct.OPEN, pilot=pilot.id))
    builder.adjust(1)
    return text, builder.as_markup()


def ended_text(pilot: Pilot, done: bool) -> str:
    if not done:
        return _("Pilot #{id} is not running any more.").format(id=pilot.id)
    if pilot.state is PilotState.ROLLED_OUT:
        return _("🚀 “{flag}” is now the normal flow for every client.").format(flag=flag_label(pilot.flag))
    return _("⛔ Pilot #{id} stopped: every client is back on the current flow.").format(id=pilot.id)


def unknown_pilot() -> str:
    return _("This pilot no longer exists.")


def chart_caption(pilot: Pilot) -> str:
    return _("Pilot #{id} against control").format(id=pilot.id)


# Every message a pilot chart draws (the shipped CJK font subset must hold their Chinese characters).
CHART_MESSAGES = (
    "Introduced within 7 days of registration",
    "Days from registration to the first introduction",
    "Pilot",
    "Control",
    "share of clients, %",
    "median days",
    "pilot − control, points",
    "pilot − control, days",
    "interval (95%)",
)


def chart_texts(pilot: Pilot) -> PilotChartTexts:
    share_metric = pilot.metric is Metric.INTRODUCED_7D
    return PilotChartTexts(
        title=metric_label(pilot.metric),
        pilot=_("Pilot"),
        control=_("Control"),
        value_axis=_("share of clients, %") if share_metric else _("median days"),
        difference=_("pilot − control, points") if share_metric else _("pilot − control, days"),
        interval=_("interval (95%)"),
    )
