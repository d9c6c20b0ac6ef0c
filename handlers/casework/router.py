"""/clients, a client's card and what a counselor does with it (stage, notes, follow-up, a pick for the
client), reassignment by managers, and /audit. See docs/casework.md.

The handlers live in `clients`, `pipeline`, `curation` and `auditing` (sub-routers, tried in that order), each
with the `Allowed` filter of its permission (`buttons.CASE_PERMISSIONS`); what they refuse falls through to
`refusals`, tried last. Shared parts are in `flow`; the rules in `handlers.services.casework` (`services.casework`,
`services.audit_log`). A button or typed reference naming a client is checked against the presser afresh
(`Casework.reach`): a counselor reaches only the clients assigned to them now.
"""

from __future__ import annotations

from aiogram import Router

from handlers.casework import auditing, clients, curation, pipeline, refusals


def create_router() -> Router:
    router = Router(name="casework")
    router.include_routers(
        clients.create_router(),
        pipeline.create_router(),
        curation.create_router(),
        auditing.create_router(),
        refusals.create_router(),
    )
    return router
