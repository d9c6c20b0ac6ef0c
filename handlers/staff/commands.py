"""Every staff command and what it needs, gathered from each area's own permission table, in the order /help
lists them; and the /help text of one staff member (the commands their role's permissions open)."""

from __future__ import annotations

from domain.staff import Permission, Role, allows
from handlers.commissions import COMMAND_PERMISSIONS as COMMISSION_COMMANDS
from handlers.events.router import COMMAND_PERMISSIONS as EVENT_COMMANDS
from handlers.finance import COMMAND_PERMISSIONS as FINANCE_COMMANDS
from handlers.handoff.relay_state import COMMAND_PERMISSIONS as HANDOFF_COMMANDS
from handlers.hiring.router import COMMAND_PERMISSIONS as HIRING_COMMANDS
from handlers.kpis import COMMAND_PERMISSIONS as KPI_COMMANDS
from handlers.membership.fees import DELIVERED_PERMISSION, FEES_PERMISSION
from handlers.membership.refunds import REFUND_PERMISSION
from handlers.operations import OUTBOX_PERMISSION
from handlers.pilots import PILOTS_PERMISSION
from handlers.quality import COMMAND_PERMISSIONS as QUALITY_COMMANDS
from handlers.quality_penalties import COMMAND_PERMISSIONS as PENALTY_COMMANDS
from handlers.reports import REPORTS_PERMISSION
from handlers.services.staff_access import Actor
from handlers.staff.permissions import COMMAND_PERMISSIONS as STAFF_OFFICE_COMMANDS
from handlers.teams import COMMAND_PERMISSIONS as TEAM_COMMANDS
from handlers.training import COMMAND_PERMISSIONS as TRAINING_COMMANDS
from handlers.views.casework.buttons import COMMAND_PERMISSIONS as CASEWORK_COMMANDS
from handlers.views.staff import staff_help

# None: any active staff member.
STAFF_COMMANDS: dict[str, Permission | None] = {
    **CASEWORK_COMMANDS,
    **HANDOFF_COMMANDS,
    "outbox": OUTBOX_PERMISSION,
    "pilots": PILOTS_PERMISSION,
    "report": REPORTS_PERMISSION,
    "target": REPORTS_PERMISSION,
    **EVENT_COMMANDS,
    **QUALITY_COMMANDS,
    **PENALTY_COMMANDS,
    "fees": FEES_PERMISSION,
    "setprice": FEES_PERMISSION,
    "promo": FEES_PERMISSION,
    "delivered": DELIVERED_PERMISSION,
    "refunds": REFUND_PERMISSION,
    **FINANCE_COMMANDS,
    **STAFF_OFFICE_COMMANDS,
    **TRAINING_COMMANDS,
    **KPI_COMMANDS,
    **TEAM_COMMANDS,
    **COMMISSION_COMMANDS,
    **HIRING_COMMANDS,
}


def commands_for(role: Role) -> list[str]:
    """The staff commands `role` may use."""
    return [command for command, needs in STAFF_COMMANDS.items() if needs is None or allows(role, needs)]


def help_for(actor: Actor, *, name: str | None) -> str:
    """What the staff member can do (their training first, while it is due), and the name clients see."""
    return staff_help(actor.role, commands_for(actor.role), training_due=actor.training_due, name=name)
