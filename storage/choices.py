"""The codes stored in clear columns. The domain validates input; these back the CHECK constraints."""

from __future__ import annotations

CHANNELS = ("telegram", "web")
LOCALES = ("en", "zh", "zh_Hant", "ru")  # migration 0010 widened the accounts CHECK
PROFILE_STATUSES = ("draft", "active", "paused", "deleted")
GENDERS = ("male", "female")
EDUCATION_LEVELS = ("high_school", "associate", "bachelor", "master", "doctorate")
MARITAL_HISTORIES = ("never", "divorced", "widowed")
WANTS_CHILDREN = ("yes", "no", "maybe")
TIERS = ("basic", "premium", "private")
STAFF_ROLES = ("owner", "manager", "counselor", "customer_service", "finance", "team_lead")  # 0020: team_lead


def require_choice(name: str, value: str | None, choices: tuple[str, ...], *, nullable: bool = False) -> None:
    """Raise ValueError naming the field (never the value) when a code is not one of its choices."""
    if value is None and nullable:
        return
    if value not in choices:
        raise ValueError(f"{name} must be one of: {', '.join(choices)}")
