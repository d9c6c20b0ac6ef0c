"""/pilots for managers: the pilots of flow changes, starting one (flag, share, metric: three button choices),
the comparison of its two groups with a chart, rolling it out or stopping it (docs/pilots.md)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.reports.pilots import MAX_SHARE, MIN_SHARE, PilotProblem
from domain.staff import Permission
from handlers.answers import show_in_place
from handlers.services.container import Services
from handlers.services.reports.pilots import pilot_chart_png
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views import pilots as views
from handlers.views.pilots import PilotAct, PilotButton

PILOTS_PERMISSION = Permission.SUPERVISE_QUALITY  # the business area: supervising the service flow


async def show_pilots(message: Message, services: Services) -> None:
    text, markup = views.pilots_view(await services.pilots.listed())
    await message.answer(text, reply_markup=markup)


async def back_to_list(callback: CallbackQuery, services: Services) -> None:
    await callback.answer()
    text, markup = views.pilots_view(await services.pilots.listed())
    await show_in_place(callback, text, markup)


async def choose_flag(callback: CallbackQuery, services: Services) -> None:
    await callback.answer()
    text, markup = views.choose_flag_view(await services.pilots.busy_flags())
    await show_in_place(callback, text, markup)


async def choose_share(callback: CallbackQuery, callback_data: PilotButton) -> None:
    await callback.answer()
    if callback_data.flag is None:
        return
    text, markup = views.choose_share_view(callback_data.flag)
    await show_in_place(callback, text, markup)


async def choose_metric(callback: CallbackQuery, callback_data: PilotButton) -> None:
    await callback.answer()
    if callback_data.flag is None:
        return
    text, markup = views.choose_metric_view(callback_data.flag, callback_data.share)
    await show_in_place(callback, text, markup)


async def start_pilot(callback: CallbackQuery, callback_data: PilotButton, services: Services, actor: Actor) -> None:
    flag, metric = callback_data.flag, callback_data.metric
    if flag is None or metric is None:
        await callback.answer()
        return
    started = await services.pilots.start(actor, flag, callback_data.share, metric)
    if started is PilotProblem.FLAG_BUSY:
        await callback.answer(_("That change already has a pilot running or rolled out."), show_alert=True)
        return
    if started is PilotProblem.SHARE:
        text = _("The share must be {low}–{high}%.").format(low=MIN_SHARE, high=MAX_SHARE)
        await callback.answer(text, show_alert=True)
        return
    assert not isinstance(started, PilotProblem)
    await callback.answer()
    text, markup = views.pilots_view(await services.pilots.listed())
    await show_in_place(callback, views.started_text(started) + "\n\n" + text, markup)


async def open_comparison(callback: CallbackQuery, callback_data: PilotButton, services: Services) -> None:
    pilot = await services.pilots.pilot(callback_data.pilot)
    if pilot is None:
        await callback.answer(views.unknown_pilot(), show_alert=True)
        return
    await callback.answer()
    compared = await services.pilots.comparison(pilot)
    await show_in_place(callback, views.comparison_text(pilot, compared.comparison), views.comparison_keyboard(pilot))
    if callback.message is not None:
        chart = pilot_chart_png(compared, views.chart_texts(pilot))
        await callback.message.answer_photo(
            BufferedInputFile(chart, filename=f"pilot-{pilot.id}.png"), caption=views.chart_caption(pilot)
        )


async def confirm_end(callback: CallbackQuery, callback_data: PilotButton, services: Services) -> None:
    pilot = await services.pilots.pilot(callback_data.pilot)
    if pilot is None:
        await callback.answer(views.unknown_pilot(), show_alert=True)
        return
    await callback.answer()
    text, markup = views.confirm_view(pilot, roll_out=callback_data.act is PilotAct.ROLL_OUT)
    await show_in_place(callback, text, markup)


async def end_pilot(callback: CallbackQuery, callback_data: PilotButton, services: Services, actor: Actor) -> None:
    ended = await services.pilots.end(actor, callback_data.pilot, roll_out=callback_data.act is PilotAct.SURE_ROLL_OUT)
    if ended is None:
        await callback.answer(views.unknown_pilot(), show_alert=True)
        return
    pilot, done = ended
    await callback.answer()
    text, markup = views.pilots_view(await services.pilots.listed())
    await show_in_place(callback, views.ended_text(pilot, done) + "\n\n" + text, markup)


def create_router() -> Router:
    router = Router(name="pilots")
    allowed = Allowed(PILOTS_PERMISSION)
    router.message.register(show_pilots, Command("pilots"), allowed)
    for handler, acts in (
        (back_to_list, (PilotAct.LIST,)),
        (choose_flag, (PilotAct.NEW,)),
        (choose_share, (PilotAct.FLAG,)),
        (choose_metric, (PilotAct.SHARE,)),
        (start_pilot, (PilotAct.START,)),
        (open_comparison, (PilotAct.OPEN,)),
        (confirm_end, (PilotAct.ROLL_OUT, PilotAct.STOP)),
        (end_pilot, (PilotAct.SURE_ROLL_OUT, PilotAct.SURE_STOP)),
    ):
        router.callback_query.register(handler, PilotButton.filter(F.act.in_(acts)), allowed)
    refuse_the_rest(
        router, commands={"pilots": PILOTS_PERMISSION}, buttons=[(PilotButton, lambda _data: PILOTS_PERMISSION)]
    )
    return router
