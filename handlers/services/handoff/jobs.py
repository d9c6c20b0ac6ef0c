"""The handoff's scheduled jobs (ref_id: the handoff id in hex).

    register_handoff_jobs(background.registry, settings=settings, i18n=i18n)   # before the start

- `handoff.alert`, at the start of the next shift for a handoff opened outside the opening hours
  (`OPENING_HOURS`): the first alert.
- `handoff.widen`, `HANDOFF_CLAIM_MINUTES` after a handoff that only the assigned counselor was told about
  (counted from the start of the shift): offer it to everyone on duty (or the staff chat).
- `handoff.escalate`, `HANDOFF_ESCALATION_MINUTES` after it opened (or the shift started): tell the managers.

Each does nothing when the handoff was claimed or closed meanwhile (a claim also cancels them), and none
schedules itself again.
"""

from __future__ import annotations

from uuid import UUID

from aiogram.utils.i18n import I18n

from domain.clock import Clock
from domain.handoff import ALERT_JOB, ESCALATE_JOB, WIDEN_JOB
from handlers.services.handoff.requests import HandoffRequests
from handlers.services.job_registry import JobRegistry
from handlers.services.settings import Settings
from storage.unit_of_work import UnitOfWork


def register_handoff_jobs(registry: JobRegistry, *, settings: Settings, i18n: I18n) -> None:
    def desk(uow: UnitOfWork, clock: Clock) -> HandoffRequests:
        return HandoffRequests(uow=uow, settings=settings, clock=clock, i18n=i18n)

    async def alert_job(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        await desk(uow, clock).alert_shift(UUID(hex=ref_id))

    async def widen_job(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        await desk(uow, clock).widen(UUID(hex=ref_id))

    async def escalate_job(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        await desk(uow, clock).escalate(UUID(hex=ref_id))

    registry.register(ALERT_JOB, alert_job)
    registry.register(WIDEN_JOB, widen_job)
    registry.register(ESCALATE_JOB, escalate_job)
