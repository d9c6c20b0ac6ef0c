"""Pilots of flow changes: the flags the code asks, starting, rolling out and stopping pilots, and the comparison
of each pilot's two groups on its target metric (docs/pilots.md).

The code asks `await PilotFlags(uow).on(client_id, Flag.X, now=...)` (or `Pilots.beside(service).variant(...)`
inside a feature service): True means the new flow for that client. What it costs:
- no statement at all while no pilot is running or rolled out: the live pilots are kept per database for
  `LIVE_TTL` (and forgotten at once when this process starts or ends one; another instance's change is seen
  within the TTL);
- with a running pilot of that flag, one read of the client's recorded arm (the first ask records it).

For the reports (`/pilots` here, and the "Pilots" choice of `/report`):
- `Pilots.comparisons(pilot_ids=None) -> list[PilotComparison]`: each pilot (the newest first, or the ones
  named) with its comparison on its metric as of now;
- `pilot_chart_png(comparison, texts) -> bytes` (texts: `handlers.views.pilots.chart_texts(pilot)`), drawn
  by `pilot_figure` (tests read the plotted values back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID
from weakref import WeakKeyDictionary

from matplotlib.figure import Figure  # a Figure of its own draws with Agg; pyplot is not used

from domain.reports.pilots import (
    Arm,
    Comparison,
    Flag,
    Metric,
    PilotProblem,
    PilotState,
    arm_of,
    compare,
    eligible,
    measured,
    share_problem,
)
from handlers.services.charts import chart_font, png
from handlers.services.feature import FeatureService
from handlers.services.staff_access import Actor
from handlers.views.pilots import PilotChartTexts
from storage.repositories.pilots import Pilot, PilotsRepository
from storage.unit_of_work import UnitOfWork

LIVE_TTL = timedelta(seconds=30)
SHOWN = 10  # pilots listed
STARTED, ROLLED_OUT, STOPPED = "pilot.started", "pilot.rolled_out", "pilot.stopped"

# The live pilots per database engine: (read at, pilots). Only codes and times, no personal data.
_live: WeakKeyDictionary[object, tuple[datetime, list[Pilot]]] = WeakKeyDictionary()


def _engine(uow: UnitOfWork) -> object:
    return uow.session.get_bind()


def forget_live(uow: UnitOfWork) -> None:
    """This process changed the pilots: read them afresh at the next ask."""
    _live.pop(_engine(uow), None)


@dataclass
class PilotFlags:
    """What the code asks: is the new flow of `flag` on for this client?"""

    uow: UnitOfWork
    _arms: dict[tuple[int, UUID], Arm] = field(default_factory=dict, init=False, repr=False)

    async def live(self, now: datetime) -> list[Pilot]:
        engine = _engine(self.uow)
        kept = _live.get(engine)
        if kept is not None and now - LIVE_TTL <= kept[0] <= now:
            return kept[1]
        pilots = await PilotsRepository.of(self.uow).live()
        _live[engine] = (now, pilots)
        return pilots

    async def on(self, client_id: UUID, flag: Flag, *, now: datetime, registered_at: datetime | None = None) -> bool:
        """True when the client gets the new flow of `flag`: it was rolled out, or the client is in the pilot arm
        of its running pilot. A client registered before the pilot started is not in it (the current flow).
        `registered_at` saves a read when the caller has the profile."""
        for pilot in await self.live(now):
            if pilot.flag is not flag:
                continue
            if pilot.state is PilotState.ROLLED_OUT:
                return True
            return await self.arm(pilot, client_id, now=now, registered_at=registered_at) is Arm.PILOT
        return False

    async def arm(
        self, pilot: Pilot, client_id: UUID, *, now: datetime, registered_at: datetime | None = None
    ) -> Arm | None:
        """The client's arm in a running pilot, recorded at the first ask; None when the client is not in it."""
        key = (pilot.id, client_id)
        if key in self._arms:
            return self._arms[key]
        repository = PilotsRepository.of(self.uow)
        arm = await repository.arm(pilot.id, client_id)
        if arm is None:
            if registered_at is None:
                profile = await self.uow.profiles.get(client_id)
                registered_at = None if profile is None else profile.activated_at
            if not eligible(registered_at, pilot.started_at):
                return None
            arm = arm_of(pilot.id, client_id, pilot.share)
            await repository.record(pilot.id, client_id, arm, now=now)
        self._arms[key] = arm
        return arm

    async def enroll(self, client_id: UUID, *, now: datetime) -> set[Flag]:
        """A client just registered: their arm in every running pilot is recorded now (so the comparison counts
        them whatever the code asks later); returns the flags on for them."""
        flags = set()
        for pilot in await self.live(now):
            if await self.on(client_id, pilot.flag, now=now, registered_at=now):
                flags.add(pilot.flag)
        return flags


@dataclass(frozen=True)
class PilotComparison:
    """A pilot, how many clients each arm holds, and its comparison as of `as_of`."""

    pilot: Pilot
    counts: dict[Arm, int]
    comparison: Comparison
    as_of: datetime


@dataclass
class Pilots(FeatureService):
    """Starting, listing, comparing, rolling out and stopping pilots (`/pilots`, `/report`)."""

    _flags: PilotFlags | None = field(default=None, init=False, repr=False)

    @property
    def repository(self) -> PilotsRepository:
        return PilotsRepository.of(self.uow)

    @property
    def flags(self) -> PilotFlags:
        if self._flags is None:
            self._flags = PilotFlags(self.uow)
        return self._flags

    async def variant(self, client_id: UUID, flag: Flag, *, registered_at: datetime | None = None) -> bool:
        """True when the client gets the new flow of `flag` (see `PilotFlags.on`)."""
        return await self.flags.on(client_id, flag, now=self.now(), registered_at=registered_at)

    async def enroll(self, client_id: UUID) -> set[Flag]:
        return await self.flags.enroll(client_id, now=self.now())

    # --- managing pilots -------------------------------------------------------------------------------------
    async def listed(self) -> list[tuple[Pilot, dict[Arm, int]]]:
        """The newest pilots, each with the number of clients in each arm."""
        return [(pilot, await self.repository.arm_counts(pilot.id)) for pilot in await self.repository.recent(SHOWN)]

    async def busy_flags(self) -> set[Flag]:
        """Flags with a running or rolled-out pilot: a second pilot of them cannot start."""
        return {pilot.flag for pilot in await self.repository.live()}

    async def start(self, actor: Actor, flag: Flag, share: int, metric: Metric) -> Pilot | PilotProblem:
        problem = share_problem(share)
        if problem is not None:
            return problem
        if flag in await self.busy_flags():
            return PilotProblem.FLAG_BUSY
        pilot = await self.repository.add(flag, metric, share, now=self.now(), by=actor.account_id)
        await self._audit(actor, STARTED, pilot, f"#{pilot.id} {flag.value} {share}% {metric.value}")
        forget_live(self.uow)
        return pilot

    async def end(self, actor: Actor, pilot_id: int, *, roll_out: bool) -> tuple[Pilot, bool] | None:
        """Roll out or stop a running pilot: (the pilot as it is now, whether this call changed it); None when
        there is no such pilot."""
        state = PilotState.ROLLED_OUT if roll_out else PilotState.STOPPED
        done = await self.repository.end(pilot_id, state, now=self.now(), by=actor.account_id)
        pilot = await self.repository.get(pilot_id)
        if pilot is None:
            return None
        if done:
            await self._audit(actor, ROLLED_OUT if roll_out else STOPPED, pilot, f"#{pilot.id} {pilot.flag.value}")
            forget_live(self.uow)
        return pilot, done

    async def _audit(self, actor: Actor, action: str, pilot: Pilot, reason: str) -> None:
        await self.uow.audit.record(action=action, now=self.now(), actor_account_id=actor.account_id, reason=reason)

    async def pilot(self, pilot_id: int) -> Pilot | None:
        return await self.repository.get(pilot_id)

    # --- the comparison --------------------------------------------------------------------------------------
    async def comparison(self, pilot: Pilot) -> PilotComparison:
        """The pilot's two groups on its metric, over the clients registered long enough ago to be measured."""
        now = self.now()
        values = measured(pilot.metric, await self.repository.outcomes(pilot.id), now)
        result = compare(pilot.metric, values[Arm.PILOT], values[Arm.CONTROL], seed=pilot.id)
        return PilotComparison(pilot, await self.repository.arm_counts(pilot.id), result, now)

    async def comparisons(self, pilot_ids: list[int] | None = None) -> list[PilotComparison]:
        """Each pilot (the newest `SHOWN` first, or the ones named) with its comparison as of now."""
        if pilot_ids is None:
            pilots = await self.repository.recent(SHOWN)
        else:
            found = [await self.repository.get(pilot_id) for pilot_id in pilot_ids]
            pilots = [pilot for pilot in found if pilot is not None]
        return [await self.comparison(pilot) for pilot in pilots]


def pilot_figure(comparison: PilotComparison, texts: PilotChartTexts) -> Figure:
    """Left: each group's value (a share in %, or the median in days) as bars; right: pilot minus control with
    its confidence interval, against zero. The plotted values are the comparison's (tests read them back)."""
    result = comparison.comparison
    scale = 100.0 if result.metric is Metric.INTRODUCED_7D else 1.0
    family = chart_font()
    figure = Figure(figsize=(8, 4))
    figure.set_layout_engine("constrained")
    bars = figure.add_subplot(1, 2, 1)
    values = [(result.pilot_value or 0.0) * scale, (result.control_value or 0.0) * scale]
    labels = [f"{texts.pilot} (n={result.pilot_n})", f"{texts.control} (n={result.control_n})"]
    bars.bar(labels, values, color=["tab:orange", "tab:blue"])
    bars.set_xticks(range(2), labels, fontfamily=family)
    bars.set_ylabel(texts.value_axis, fontfamily=family)
    bars.set_title(texts.title, fontfamily=family)
    gap = figure.add_subplot(1, 2, 2)
    gap.axhline(0, color="grey", linewidth=1)
    if result.difference is not None and result.low is not None and result.high is not None:
        middle = result.difference * scale
        gap.errorbar(
            [0],
            [middle],
            yerr=[[middle - result.low * scale], [result.high * scale - middle]],
            fmt="o",
            color="tab:orange",
            capsize=8,
            label=texts.interval,
        )
        gap.legend(prop={"family": family})
    gap.set_xticks([0], [texts.difference], fontfamily=family)
    gap.set_xlim(-1, 1)
    return figure


def pilot_chart_png(comparison: PilotComparison, texts: PilotChartTexts) -> bytes:
    return png(pilot_figure(comparison, texts))
