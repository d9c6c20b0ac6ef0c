"""/kpi: appraisal KPIs. A member sees their own figures for this month (or quarter) against the period before;
a manager or owner (VIEW_KPIS) sees every appraised member ranked with the team's average, and opens one.
`/kpi 2026-Q1` or `/kpi 2026-03` asks for another period (never a future one)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from domain.personnel.kpis import Period, PeriodKind, parse_period
from domain.staff import Permission, allows
from handlers.answers import show_in_place
from handlers.services.container import Services
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views import kpis as views
from handlers.views.kpis import KpiButton, KpiView

VIEW_KPIS = Permission.VIEW_KPIS
# Listed in the staff /help: every member has /kpi (their own figures; the team's with VIEW_KPIS).
COMMAND_PERMISSIONS: dict[str, Permission | None] = {"kpi": None}
BUTTON_PERMISSIONS: dict[KpiView, Permission | None] = {
    KpiView.OWN: None,
    KpiView.TEAM: VIEW_KPIS,
    KpiView.MEMBER: VIEW_KPIS,
}


def _period(services: Services, code: str | None, kind: PeriodKind = PeriodKind.MONTH) -> Period:
    """The period asked for, or the current month; never one after the current period of its kind."""
    current = services.kpis.current(kind)
    asked = parse_period(code) if code else None
    if asked is None:
        return current
    latest = services.kpis.current(asked.kind)
    return asked if asked <= latest else latest


async def _own(services: Services, actor: Actor, period: Period) -> tuple[str, InlineKeyboardMarkup | None]:
    if actor.account_id is None:
        return views.no_own_figures(), None
    report = await services.kpis.member_report(actor.account_id, period)
    if report is None:
        return views.no_own_figures(), None
    return views.own_view(report.current, report.previous, report.average, services.kpis.current(period.kind))


async def _team(services: Services, period: Period, page: int) -> tuple[str, InlineKeyboardMarkup]:
    board = await services.kpis.board(period)
    today = services.kpis.current(period.kind)
    return views.board_view(period, board.figures, board.names, board.average, page, today)


async def show_kpis(message: Message, command: CommandObject, services: Services, actor: Actor) -> None:
    period = _period(services, (command.args or "").strip() or None)
    markup: InlineKeyboardMarkup | None
    if allows(actor.role, VIEW_KPIS):
        text, markup = await _team(services, period, 0)
    else:
        text, markup = await _own(services, actor, period)
    await message.answer(text, reply_markup=markup)


async def show_own(callback: CallbackQuery, callback_data: KpiButton, services: Services, actor: Actor) -> None:
    await callback.answer()
    text, markup = await _own(services, actor, _period(services, callback_data.period))
    await show_in_place(callback, text, markup)


async def show_team(callback: CallbackQuery, callback_data: KpiButton, services: Services) -> None:
    await callback.answer()
    text, markup = await _team(services, _period(services, callback_data.period), callback_data.page)
    await show_in_place(callback, text, markup)


async def show_member(callback: CallbackQuery, callback_data: KpiButton, services: Services) -> None:
    member = views.member_of(callback_data)
    period = _period(services, callback_data.period)
    report = None if member is None else await services.kpis.member_report(member, period)
    if report is None:
        await callback.answer(views.stale(), show_alert=True)
        return
    await callback.answer()
    text, markup = views.member_view(
        report.member.display_name, report.current, report.previous, report.average, services.kpis.current(period.kind)
    )
    await show_in_place(callback, text, markup)


def create_router() -> Router:
    router = Router(name="kpis")
    router.message.register(show_kpis, Command("kpi"), Allowed(None))
    router.callback_query.register(show_own, KpiButton.filter(F.view == KpiView.OWN), Allowed(None))
    router.callback_query.register(show_team, KpiButton.filter(F.view == KpiView.TEAM), Allowed(VIEW_KPIS))
    router.callback_query.register(show_member, KpiButton.filter(F.view == KpiView.MEMBER), Allowed(VIEW_KPIS))
    refuse_the_rest(
        router,
        commands=COMMAND_PERMISSIONS,
        buttons=[(KpiButton, lambda data: BUTTON_PERMISSIONS.get(data.view, VIEW_KPIS))],
    )
    return router
