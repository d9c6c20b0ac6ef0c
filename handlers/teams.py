"""Teams: /team (a team lead's team: its clients, handing one to another member, the team's KPIs) and /teams
(managers: the teams, /teams add MEMBER LEAD, /teams remove MEMBER, promotion suggestions and the Promote
button)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from domain.personnel.kpis import parse_period
from domain.personnel.teams import TeamProblem
from domain.staff import Permission, PermissionDenied
from handlers.answers import say, show_in_place
from handlers.services.container import Services
from handlers.services.personnel.teams import CLIENTS_SHOWN, Handover, Placement, TeamDesk
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views import teams as views
from handlers.views.staff import refusal_text
from handlers.views.teams import TeamAct, TeamButton, unpack_id
from storage.records import StaffMember

LEAD = Permission.LEAD_TEAM
MANAGE = Permission.MANAGE_TEAMS
# Listed in the staff /help.
COMMAND_PERMISSIONS: dict[str, Permission | None] = {"team": LEAD, "teams": MANAGE}


def desk(services: Services) -> TeamDesk:
    return TeamDesk(uow=services.uow, settings=services.settings, clock=services.clock, i18n=services.i18n)


# --- the lead ------------------------------------------------------------------------------------------------


async def show_team(message: Message, services: Services, actor: Actor) -> None:
    teams = desk(services)
    team = await teams.team_of(actor.account_id)
    if team is None:
        await message.answer(views.no_team())
        return
    clients = [(c.client_id, c.profile, c.counselor_id) for c in await teams.clients(team)]
    text, markup = views.team_view(team.lead, team.members, clients, CLIENTS_SHOWN)
    await message.answer(text, reply_markup=markup)


async def team_button(callback: CallbackQuery, services: Services, actor: Actor) -> None:
    teams = desk(services)
    team = await teams.team_of(actor.account_id)
    if team is None:
        await callback.answer(views.no_team(), show_alert=True)
        return
    await callback.answer()
    clients = [(c.client_id, c.profile, c.counselor_id) for c in await teams.clients(team)]
    text, markup = views.team_view(team.lead, team.members, clients, CLIENTS_SHOWN)
    await show_in_place(callback, text, markup)


async def choose_member(callback: CallbackQuery, callback_data: TeamButton, services: Services, actor: Actor) -> None:
    teams = desk(services)
    team = await teams.team_of(actor.account_id)
    client_id = unpack_id(callback_data.client)
    assignment = None if client_id is None else await services.uow.assignments.get(client_id)
    if team is None or client_id is None or assignment is None or assignment.counselor_id not in team.ids:
        await callback.answer(views.not_in_team(), show_alert=True)
        return
    await callback.answer()
    profile = await services.uow.profiles.get(client_id)
    choices = [m for m in (team.lead, *team.members) if m.account_id != assignment.counselor_id]
    text, markup = views.choose_member(client_id, profile, choices)
    await show_in_place(callback, text, markup)


async def hand_over(callback: CallbackQuery, callback_data: TeamButton, services: Services, actor: Actor) -> None:
    teams = desk(services)
    to = unpack_id(callback_data.member)
    outcome = await teams.hand_over(actor, services.casework, unpack_id(callback_data.client), to)
    if outcome is Handover.NOT_IN_TEAM:
        await callback.answer(views.not_in_team(), show_alert=True)
        return
    if outcome is Handover.SAME:
        await callback.answer(views.same_counselor(), show_alert=True)
        return
    member = None if to is None else await services.uow.staff.get(to)
    await callback.answer()
    if member is not None:
        await say(callback, views.handed_over(member))
    team = await teams.team_of(actor.account_id)
    if team is not None:
        clients = [(c.client_id, c.profile, c.counselor_id) for c in await teams.clients(team)]
        text, markup = views.team_view(team.lead, team.members, clients, CLIENTS_SHOWN)
        await show_in_place(callback, text, markup)


async def team_kpis(callback: CallbackQuery, callback_data: TeamButton, services: Services, actor: Actor) -> None:
    teams = desk(services)
    team = await teams.team_of(actor.account_id)
    if team is None:
        await callback.answer(views.no_team(), show_alert=True)
        return
    await callback.answer()
    kpis = await teams.team_kpis(team, parse_period(callback_data.period) if callback_data.period else None)
    names = {m.account_id: views.member_label(m) for m in (team.lead, *team.members)}
    text, markup = views.kpi_view(kpis.period, kpis.current, kpis.figures, kpis.average, names)
    await show_in_place(callback, text, markup)


# --- managers ------------------------------------------------------------------------------------------------


async def show_teams(message: Message, command: CommandObject, services: Services, actor: Actor) -> None:
    teams = desk(services)
    words = (command.args or "").split()
    if words and words[0].lower() == "add" and len(words) == 3:
        outcome, member = await teams.place(actor, words[1], words[2])
        await message.answer(_placement_text(outcome, member))
        return
    if words and words[0].lower() == "remove" and len(words) == 2:
        removed, member = await teams.take_out(actor, words[1])
        await message.answer(_placement_text(removed, member))
        return
    if words:
        await message.answer(views.teams_usage())
        return
    all_teams, loose = await teams.all_teams()
    suggested = await teams.promotion_suggestions()
    text, markup = views.teams_view([(t.lead, t.members) for t in all_teams], loose, suggested)
    await message.answer(text, reply_markup=markup)


def _placement_text(outcome: Placement | TeamProblem, member: StaffMember | None) -> str:
    if isinstance(outcome, TeamProblem):
        return views.team_problem(outcome)
    if outcome is Placement.NO_MEMBER or member is None:
        return views.no_member()
    if outcome is Placement.NO_LEAD:
        return views.no_lead()
    if outcome is Placement.NOT_IN_A_TEAM:
        return views.not_in_a_team(member)
    return views.removed(member) if outcome is Placement.REMOVED else views.placed(member)


async def promote(callback: CallbackQuery, callback_data: TeamButton, services: Services, actor: Actor) -> None:
    try:
        member = await desk(services).promote(actor, services.staff, unpack_id(callback_data.member))
    except PermissionDenied as denied:
        await callback.answer(refusal_text(denied, actor.role), show_alert=True)
        return
    if member is None:
        await callback.answer(views.not_promotable(), show_alert=True)
        return
    await callback.answer()
    await say(callback, views.promoted(member))


def button_permission(data: TeamButton) -> Permission:
    return MANAGE if data.act is TeamAct.PROMOTE else LEAD


def create_router() -> Router:
    router = Router(name="teams")
    router.message.register(show_team, Command("team"), Allowed(LEAD))
    router.message.register(show_teams, Command("teams"), Allowed(MANAGE))
    on = TeamButton.filter
    router.callback_query.register(team_button, on(F.act == TeamAct.TEAM), Allowed(LEAD))
    router.callback_query.register(choose_member, on(F.act == TeamAct.CLIENT), Allowed(LEAD))
    router.callback_query.register(hand_over, on(F.act == TeamAct.HAND), Allowed(LEAD))
    router.callback_query.register(team_kpis, on(F.act == TeamAct.KPIS), Allowed(LEAD))
    router.callback_query.register(promote, on(F.act == TeamAct.PROMOTE), Allowed(MANAGE))
    refuse_the_rest(router, commands=COMMAND_PERMISSIONS, buttons=[(TeamButton, button_permission)])
    return router
