"""The staff front office, first slice: /invite, /staff (roles, deactivation), onboarding, /standard and
/myname (the name clients see).

Every command and button here is guarded twice: the `Allowed` filter (the domain's permission table,
`permissions`) on each handler, and the domain's `ensure_*` checks (`services.staff`) on the member a button
names, which is read from the database, never trusted from the callback data. What a filter refuses falls
through to `refusals`, tried last, which says politely what is missing. See docs/staff.md.

The handlers live in `joining`, `standard`, `invites`, `roster` and `naming` (sub-routers, tried in that
order); `commands` gathers every staff command for /help.
"""

from __future__ import annotations

from aiogram import Router

from handlers.staff import invites, joining, naming, refusals, roster, standard


def create_router() -> Router:
    router = Router(name="staff")
    router.include_routers(
        joining.create_router(),
        standard.create_router(),
        invites.create_router(),
        roster.create_router(),
        naming.create_router(),
        refusals.create_router(),
    )
    return router
