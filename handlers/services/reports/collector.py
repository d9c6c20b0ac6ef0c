"""The cyclic garbage collector held off while a report is built.

A report of a quarter keeps a few hundred thousand small objects alive at once (each client's history, cohort
and place in the funnel, each wait). Every one of them survives the young generations, so while they pile up
Python runs several full collections, each walking the whole process's heap (the bot, its libraries): on
100,000 clients' histories that was about a third of the report's time (bench/bench_reports.py). Nothing a
report builds refers back to itself in a cycle, so reference counting frees it all the same; the collector is
back on (as it was) once the report is done.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
