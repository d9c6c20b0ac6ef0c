"""What /kpi shows: a member's own figures against the period before, the team's ranked board with its average,
and one member's card for managers; the `KpiButton` factory for moving between them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.personnel.kpis import Period, PeriodKind, StaffKpis, TeamAverage
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.punctuation import labelled, with_aside
from handlers.views.texts import quote_clipped

PAGE_SIZE = 10
NAME_BUDGET = 40  # characters of a member's escaped name on the board
BUTTON_NAME = 24


class KpiView(StrEnum):
    OWN = "own"  # one's own figures (any staff member)
    TEAM = "team"  # the ranked board (VIEW_KPIS)
    MEMBER = "member"  # one member's figures (VIEW_KPIS)


class KpiButton(CallbackData, prefix="kpi"):
    view: KpiView
    period: str  # Period.code
    member: str = ""  # a member's account id in hex (MEMBER)
    page: int = 0  # the board's page (TEAM)


def member_of(button: KpiButton) -> UUID | None:
    try:
        return UUID(hex=button.member)
    except ValueError:
        return None


def period_label(period: Period) -> str:
    if period.kind is PeriodKind.MONTH:
        return _("{year}-{month}").format(year=period.year, month=f"{period.number:02d}")
    return _("Q{quarter} {year}").format(year=period.year, quarter=period.number)


def _shown(value: Decimal | int | None) -> str:
    return "—" if value is None else str(value)


def _minutes(value: Decimal | None) -> str:
    return "—" if value is None else _("{minutes} min").format(minutes=value)


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def _compared(label: str, now: str, before: str) -> str:
    return labelled(label, with_aside(now, before))


def figure_lines(current: StaffKpis, previous: StaffKpis) -> list[str]:
    """A member's figures, each with the period before in brackets."""
    due = current.follow_ups_done + current.follow_ups_missed
    return [
        _compared(_("👥 Clients served"), str(current.clients_served), str(previous.clients_served)),
        _compared(_("💞 Introductions"), str(current.introductions), str(previous.introductions)),
        _compared(_("☕ Dates held"), str(current.dates_held), str(previous.dates_held)),
        _compared(_("❤️ Reached dating or beyond"), str(current.reached_dating), str(previous.reached_dating)),
        _compared(_("🙋 Handoffs claimed"), str(current.handoffs), str(previous.handoffs)),
        _compared(_("⏱ Median time to claim"), _minutes(current.claim_minutes), _minutes(previous.claim_minutes)),
        _compared(
            _("💬 Median time to first reply"), _minutes(current.reply_minutes), _minutes(previous.reply_minutes)
        ),
        _compared(
            _("⏰ Follow-ups kept"),
            _("{done} of {due}", "{done} of {due}", due).format(done=current.follow_ups_done, due=due)
            + " · "
            + _percent(current.follow_up_share),
            _percent(previous.follow_up_share),
        ),
        _compared(
            _("⭐ Satisfaction"),
            _shown(current.satisfaction)
            + " · "
            + _("{count} rating", "{count} ratings", current.ratings).format(count=current.ratings),
            _shown(previous.satisfaction),
        ),
        "    "
        + _("survey {survey} · conversations {relay} · dates {dates}").format(
            survey=_shown(current.survey_score), relay=_shown(current.relay_rating), dates=_shown(current.date_rating)
        ),
        _compared(_("⚠️ Complaints upheld"), str(current.complaints_upheld), str(previous.complaints_upheld)),
        _compared(_("⚖️ Penalties"), str(current.penalties), str(previous.penalties)),
        _compared(_("🏅 Points"), str(current.points), str(previous.points)),
    ]


def _average_line(average: TeamAverage) -> str:
    return _("Team average: 🏅 {points} · ⭐ {satisfaction} · ⏱ {claim}").format(
        points=average.points, satisfaction=_shown(average.satisfaction), claim=_minutes(average.claim_minutes)
    )


def period_buttons(
    builder: InlineKeyboardBuilder, period: Period, current: Period, button: Callable[[Period], CallbackData]
) -> int:
    """Earlier, later (never past the current period) and the other kind of period, each pressing
    `button(period)`; how many were added. /kpi's views and a team lead's team KPIs (/team) share it."""
    added = [button(period.previous())]
    labels = [_("« Earlier")]
    if period < current:
        added.append(button(period.following()))
        labels.append(_("Later »"))
    other = PeriodKind.QUARTER if period.kind is PeriodKind.MONTH else PeriodKind.MONTH
    labels.append(_("By quarter") if other is PeriodKind.QUARTER else _("By month"))
    added.append(button(Period.containing(other, period.first_day)))
    for label, data in zip(labels, added, strict=True):
        builder.button(text=label, callback_data=data)
    return len(added)


def _period_buttons(
    builder: InlineKeyboardBuilder, view: KpiView, period: Period, current: Period, member: str = ""
) -> int:
    return period_buttons(
        builder, period, current, lambda shown: KpiButton(view=view, period=shown.code, member=member)
    )


def own_view(
    current: StaffKpis, previous: StaffKpis, average: TeamAverage, today_period: Period
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _("📊 <b>Your KPIs · {period}</b>").format(period=period_label(current.period)),
        _("In brackets: {period}.").format(period=period_label(previous.period)),
        "",
        *figure_lines(current, previous),
        "",
        _average_line(average),
    ]
    builder = InlineKeyboardBuilder()
    count = _period_buttons(builder, KpiView.OWN, current.period, today_period)
    builder.adjust(count)
    return "\n".join(lines), builder.as_markup()


def member_view(
    name: str | None, current: StaffKpis, previous: StaffKpis, average: TeamAverage, today_period: Period
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        f"📊 <b>{_name(name, NAME_BUDGET)} · {period_label(current.period)}</b>",
        _("In brackets: {period}.").format(period=period_label(previous.period)),
        "",
        *figure_lines(current, previous),
        "",
        _average_line(average),
    ]
    builder = InlineKeyboardBuilder()
    count = _period_buttons(builder, KpiView.MEMBER, current.period, today_period, member=current.staff_id.hex)
    builder.button(text=_("« The team"), callback_data=KpiButton(view=KpiView.TEAM, period=current.period.code))
    builder.adjust(count, 1)
    return "\n".join(lines), builder.as_markup()


def _name(name: str | None, budget: int) -> str:
    return quote_clipped(name, budget) if name else _("(no name yet)")


def _board_line(rank: int, name: str | None, kpis: StaffKpis) -> str:
    figures = (
        f"🏅 {kpis.points}",
        f"👥 {kpis.clients_served}",
        f"💞 {kpis.introductions}",
        f"☕ {kpis.dates_held}",
        f"❤️ {kpis.reached_dating}",
        f"⭐ {_shown(kpis.satisfaction)}",
    )
    return f"{rank}. <b>{_name(name, NAME_BUDGET)}</b> · " + " · ".join(figures)


def board_view(
    period: Period,
    figures: Sequence[StaffKpis],
    names: dict[UUID, str | None],
    average: TeamAverage,
    page: int,
    today_period: Period,
) -> tuple[str, InlineKeyboardMarkup]:
    """The ranked board, `PAGE_SIZE` members a page, with a button to open each."""
    pages = max(1, -(-len(figures) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = figures[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [
        _("📊 <b>Team KPIs · {period}</b>").format(period=period_label(period)),
        _("{count} member, ranked by points", "{count} members, ranked by points", len(figures)).format(
            count=len(figures)
        ),
        _("🏅 points · 👥 clients served · 💞 introductions · ☕ dates held · ❤️ reached dating · ⭐ satisfaction"),
        "",
    ]
    if not figures:
        lines.append(_("Nobody to appraise yet: counselors and customer service appear here."))
    for offset, kpis in enumerate(shown):
        lines.append(_board_line(page * PAGE_SIZE + offset + 1, names.get(kpis.staff_id), kpis))
    lines += [
        "",
        _("Team average: 🏅 {points} · 👥 {served} · 💞 {introductions} · ☕ {dates} · ❤️ {dating} · ⭐ {sat}").format(
            points=average.points,
            served=average.clients_served,
            introductions=average.introductions,
            dates=average.dates_held,
            dating=average.reached_dating,
            sat=_shown(average.satisfaction),
        ),
    ]
    if pages > 1:
        lines.append(_("Page {page} of {pages}").format(page=page + 1, pages=pages))
    builder = InlineKeyboardBuilder()
    for offset, kpis in enumerate(shown):
        name = names.get(kpis.staff_id)
        label = f"{page * PAGE_SIZE + offset + 1}. {name[:BUTTON_NAME] if name else '—'}"
        builder.button(
            text=label, callback_data=KpiButton(view=KpiView.MEMBER, period=period.code, member=kpis.staff_id.hex)
        )
    sizes = [2] * (len(shown) // 2) + [1] * (len(shown) % 2)
    paging = 0
    if page > 0:
        builder.button(
            text=_("« Previous"), callback_data=KpiButton(view=KpiView.TEAM, period=period.code, page=page - 1)
        )
        paging += 1
    if page < pages - 1:
        builder.button(text=_("Next »"), callback_data=KpiButton(view=KpiView.TEAM, period=period.code, page=page + 1))
        paging += 1
    count = _period_buttons(builder, KpiView.TEAM, period, today_period)
    builder.adjust(*[size for size in [*sizes, paging] if size], count)
    return "\n".join(lines), builder.as_markup()


def no_own_figures() -> str:
    return _("You have no figures of your own: KPIs count the work of members on the staff list.")


def stale() -> str:
    return _("This button is no longer active.")
