"""The bot's Prometheus metrics, on a registry of its own made once per process in the composition root.

Nothing here is registered at import time (prometheus-client's default registry is a module global): every
`BotMetrics()` holds its own `CollectorRegistry`, so two bots in one test process never share a counter.
What is counted where:

- updates by type and outcome, and their handling time: `bot/observability/middleware.py` (outer middleware);
- Bot API calls by method and result, and failed deliveries by code: `bot/api_session.py` calls `api_call`;
- scheduled jobs by outcome and how late they ran: `bot/scheduling/runner.py` calls `job_finished`;
- outbox depth and oldest age, scheduler lag, leader, database pool: read at scrape time
  (`bot/observability/collector.py`).
"""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector, generate_latest

from bot.observability.codes import api_result

# Seconds: an update is handled in milliseconds; a slow one waits for its user's lock or the database.
UPDATE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
API_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_DELAY_BUCKETS = (0.1, 0.5, 1.0, 2.0, 5.0, 15.0, 60.0, 300.0, 3600.0)


class BotMetrics:
    """Counters and histograms of one process, on their own registry."""

    def __init__(self, *, process: bool = True) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.updates = Counter(
            "yuelao_updates", "Updates handled, by type and outcome", ("type", "outcome"), registry=registry
        )
        self.update_seconds = Histogram(
            "yuelao_update_duration_seconds",
            "Time from an update entering the dispatcher to its replies sent, by type",
            ("type",),
            buckets=UPDATE_BUCKETS,
            registry=registry,
        )
        self.api_calls = Counter(
            "yuelao_bot_api_calls", "Bot API calls, by method and result (ok or an error code)", ("method", "result"),
            registry=registry,
        )
        self.api_seconds = Histogram(
            "yuelao_bot_api_call_duration_seconds", "Bot API round trips, by method", ("method",),
            buckets=API_BUCKETS, registry=registry,
        )
        self.delivery_errors = Counter(
            "yuelao_delivery_errors",
            "Failed sends and edits of messages (replies after their commit and the outbox worker's), by code",
            ("code",),
            registry=registry,
        )
        self.jobs = Counter(
            "yuelao_scheduled_jobs", "Scheduled jobs finished, by outcome", ("outcome",), registry=registry
        )
        self.job_delay = Histogram(
            "yuelao_scheduled_job_delay_seconds", "How long after its due time a scheduled job ran",
            buckets=JOB_DELAY_BUCKETS, registry=registry,
        )
        if process:
            ProcessCollector(registry=registry)  # CPU, memory, open files of this process (Linux)

    # --- what the instrumented parts call -----------------------------------------------------------------
    def update_handled(self, kind: str, outcome: str, seconds: float) -> None:
        self.updates.labels(kind, outcome).inc()
        self.update_seconds.labels(kind).observe(seconds)

    def api_call(self, method: str, error: BaseException | None, seconds: float, *, delivery: bool) -> None:
        result = api_result(error)
        self.api_calls.labels(method, result).inc()
        self.api_seconds.labels(method).observe(seconds)
        if delivery and error is not None:
            self.delivery_errors.labels(result).inc()

    def job_finished(self, outcome: str, late: timedelta) -> None:
        self.jobs.labels(outcome).inc()
        self.job_delay.observe(max(late.total_seconds(), 0.0))

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)
