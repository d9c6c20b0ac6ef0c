"""Buttons of casework: the client list, a client's card and what it changes, curation, reassignment, /audit.

Callback data names a client by id (32 hex digits) and a counselor by the first 8 hex digits of theirs (both
would not fit in 64 bytes). Nothing in it is trusted: every handler reads the client's assignment afresh and
checks it against the presser's role and id (`domain.casework.may_open`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from aiogram.filters.callback_data import CallbackData

from domain.staff import Permission


class CaseAction(StrEnum):
    LIST = "list"  # /clients, the page and demo choice `arg` (`ListPage`; scope in `scope`)
    OPEN = "open"  # the client's card
    STAGES = "sts"  # the stage keyboard
    STAGE = "st"  # move to stage `arg`
    CLOSE = "close"  # close with reason `arg`
    NOTE = "note"  # ask for a note
    TRANSCRIPT = "tr"  # the relay transcript (supervisors, audited)
    FOLLOW_UP = "fu"  # the follow-up keyboard
    FOLLOW_UP_SET = "fuset"  # follow-up in `arg` days (0: none)
    CURATE = "pick"  # propose a candidate: ask who
    CANDIDATE = "cand"  # the candidate `arg` (8 hex digits) for the client
    REASSIGN = "move"  # the counselor keyboard
    ASSIGN_TO = "to"  # give the client to the counselor `arg` (8 hex digits)


class Scope(StrEnum):
    MINE = "m"
    ALL = "a"
    UNASSIGNED = "u"


class CaseButton(CallbackData, prefix="cw"):
    action: CaseAction
    client: UUID | None = None
    arg: str = ""
    scope: Scope = Scope.MINE


@dataclass(frozen=True)
class ListPage:
    """Which page of a client list, and whether demo clients are shown: a list button's `arg` ("3", "3d")."""

    page: int = 0
    demo: bool = False

    DEMO_MARK = "d"

    def pack(self) -> str:
        return f"{self.page}{self.DEMO_MARK if self.demo else ''}"

    @classmethod
    def parse(cls, arg: str) -> ListPage:
        """The page and choice of an `arg` (anything else: the first page, without demo clients)."""
        demo = arg.endswith(cls.DEMO_MARK)
        page = arg.removesuffix(cls.DEMO_MARK)
        return cls(int(page) if page.isdigit() else 0, demo)


class AuditFilter(StrEnum):
    ALL = "all"
    ACTOR = "by"
    SUBJECT = "on"
    STAFF = "staff"  # the list of staff members to filter by


class AuditButton(CallbackData, prefix="audit"):
    kind: AuditFilter
    who: UUID | None = None
    page: int = 0


# What each button needs (the permission matrix test reads these).
CASE_PERMISSIONS: dict[CaseAction, Permission] = {
    CaseAction.LIST: Permission.VIEW_CLIENTS,
    CaseAction.OPEN: Permission.VIEW_CLIENTS,
    CaseAction.STAGES: Permission.SERVE_CLIENTS,
    CaseAction.STAGE: Permission.SERVE_CLIENTS,
    CaseAction.CLOSE: Permission.SERVE_CLIENTS,
    CaseAction.NOTE: Permission.SERVE_CLIENTS,
    CaseAction.FOLLOW_UP: Permission.SERVE_CLIENTS,
    CaseAction.FOLLOW_UP_SET: Permission.SERVE_CLIENTS,
    CaseAction.CURATE: Permission.RECOMMEND,
    CaseAction.CANDIDATE: Permission.RECOMMEND,
    CaseAction.REASSIGN: Permission.ASSIGN_CLIENTS,
    CaseAction.ASSIGN_TO: Permission.ASSIGN_CLIENTS,
    CaseAction.TRANSCRIPT: Permission.SUPERVISE_QUALITY,
}
AUDIT_PERMISSION = Permission.SUPERVISE_QUALITY
COMMAND_PERMISSIONS: dict[str, Permission] = {
    "clients": Permission.VIEW_CLIENTS,
    "audit": Permission.SUPERVISE_QUALITY,
}


def short(account_id: UUID) -> str:
    """The 8-hex-digit reference staff see and type."""
    return account_id.hex[:8]
