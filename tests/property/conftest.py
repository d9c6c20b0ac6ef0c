"""Hypothesis settings for the property tests: no deadline (a conversation step touches the database), a
modest number of examples so the suite stays quick, and no example database written into the work tree.
`HYPOTHESIS_PROFILE=thorough` runs many more examples."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "journey",
    deadline=None,
    max_examples=25,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile("thorough", parent=settings.get_profile("journey"), max_examples=400)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "journey"))
