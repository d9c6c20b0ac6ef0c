"""/report: a manager picks a report and a period; the bot sends the charts (PNG) with a short summary and the
XLSX export. /target sets a service-flow target. See docs/reports.md."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from domain.reports.report import FlowReport
from domain.reports.targets import TargetError, parse_target
from domain.staff import Permission
from handlers.answers import show_in_place
from handlers.services.container import Services
from handlers.services.reports.exports import report_xlsx
from handlers.services.reports.figures import events_png, funnel_png, targets_png, times_png
from handlers.services.reports.pilots import pilot_chart_png
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views import pilots as pilot_views
from handlers.views import reports as views
from handlers.views.reports import ReportKind, ReportPeriod, ReportPick

REPORTS_PERMISSION = Permission.VIEW_REPORTS
SHOWN_PILOTS = 5


async def show_menu(message: Message) -> None:
    text, markup = views.menu_view()
    await message.answer(text, reply_markup=markup)


async def pick_report(callback: CallbackQuery, callback_data: ReportPick, services: Services) -> None:
    if callback_data.kind is ReportKind.PILOTS:
        await callback.answer()
        await _send_pilots(callback, services)
        return
    await callback.answer()
    text, markup = views.period_view(callback_data.kind)
    await show_in_place(callback, text, markup)


def _charts(kind: ReportKind, report: FlowReport) -> list[tuple[str, bytes]]:
    texts = views.chart_texts()
    if kind is ReportKind.FUNNEL:
        return [("funnel.png", funnel_png(report, texts)), ("events-funnel.png", events_png(report, texts))]
    if kind is ReportKind.TIMES:
        return [("stage-times.png", times_png(report, texts))]
    if kind is ReportKind.TARGETS:
        return [("targets.png", targets_png(report, texts))]
    return [("funnel.png", funnel_png(report, texts)), ("stage-times.png", times_png(report, texts))]


async def send_report(callback: CallbackQuery, callback_data: ReportPeriod, services: Services) -> None:
    await callback.answer(views.working_text())
    if not isinstance(callback.message, Message):
        return
    report = await services.flow_reports.report(callback_data.period)
    kind = callback_data.kind
    for name, chart in _charts(kind, report):
        await callback.message.answer_photo(BufferedInputFile(chart, filename=name))
    await callback.message.answer(views.summary(kind, report))
    export = BufferedInputFile(report_xlsx(report), filename=views.export_name(kind, report))
    await callback.message.answer_document(export)


async def _send_pilots(callback: CallbackQuery, services: Services) -> None:
    if not isinstance(callback.message, Message):
        return
    comparisons = await services.pilots.comparisons()
    if not comparisons:
        await callback.message.answer(views.no_pilots_text())
        return
    for compared in comparisons[:SHOWN_PILOTS]:
        chart = pilot_chart_png(compared, pilot_views.chart_texts(compared.pilot))
        await callback.message.answer_photo(
            BufferedInputFile(chart, filename=f"pilot-{compared.pilot.id}.png"),
            caption=pilot_views.chart_caption(compared.pilot),
        )
        await callback.message.answer(pilot_views.comparison_text(compared.pilot, compared.comparison))


async def set_target(message: Message, command: CommandObject, services: Services, actor: Actor) -> None:
    parts = (command.args or "").split()
    if len(parts) != 3:
        await message.answer(views.target_usage())
        return
    try:
        target = parse_target(*parts)
    except TargetError:
        await message.answer(views.target_usage())
        return
    await services.flow_reports.set_target(actor.account_id, target)
    await message.answer(views.target_set_text(target))


def create_router() -> Router:
    router = Router(name="reports")
    allowed = Allowed(REPORTS_PERMISSION)
    router.message.register(show_menu, Command("report"), allowed)
    router.message.register(set_target, Command("target"), allowed)
    router.callback_query.register(pick_report, ReportPick.filter(), allowed)
    router.callback_query.register(send_report, ReportPeriod.filter(F.kind != ReportKind.PILOTS), allowed)
    refuse_the_rest(
        router,
        commands={"report": REPORTS_PERMISSION, "target": REPORTS_PERMISSION},
        buttons=[(ReportPick, lambda _data: REPORTS_PERMISSION), (ReportPeriod, lambda _data: REPORTS_PERMISSION)],
    )
    return router
