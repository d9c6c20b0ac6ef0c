"""The rules of dates: time zones from regions, which slots can be proposed, the venue catalogue and its
ranking by shared hobbies, late cancellations and which feedback alerts the counselor."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

import pytest

from domain.dates import (
    BUSY_SPAN,
    CALENDAR_DAYS,
    MAX_SLOTS,
    SlotProblem,
    find_venue,
    is_late_cancellation,
    needs_alert,
    parse_reminder_ref,
    reminder_ref,
    slot_problem,
    suggest_venues,
    venues_for,
    zone_for,
)
from domain.intake import HOBBIES
from domain.regions import region_book

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CITY_FILES = ("310000", "110000", "330100", "440300", "440100")


def test_time_zones_come_from_the_region() -> None:
    assert zone_for("310000", "Europe/Berlin") == ZoneInfo("Asia/Shanghai")
    assert zone_for("330100", "Europe/Berlin") == ZoneInfo("Asia/Shanghai")  # a city: its province's zone
    assert zone_for("810000", "Asia/Shanghai") == ZoneInfo("Asia/Hong_Kong")
    assert zone_for("710000", "Asia/Shanghai") == ZoneInfo("Asia/Taipei")
    assert zone_for(None, "Europe/Berlin") == ZoneInfo("Europe/Berlin")  # unknown region: the agency's zone
    assert zone_for(None, "Not/AZone") == ZoneInfo("Asia/Shanghai")
    for region in region_book().provinces:  # every region of the book has a zone
        assert str(zone_for(region.code, "UTC")).startswith("Asia/")


def test_which_slots_can_be_proposed() -> None:
    soon = NOW + timedelta(days=1)
    assert slot_problem(soon, now=NOW) is None
    assert slot_problem(NOW, now=NOW) is SlotProblem.PAST
    assert slot_problem(NOW - timedelta(minutes=1), now=NOW) is SlotProblem.PAST
    assert slot_problem(NOW + timedelta(days=CALENDAR_DAYS + 2), now=NOW) is SlotProblem.TOO_FAR
    assert slot_problem(soon, now=NOW, chosen=[soon]) is SlotProblem.DUPLICATE
    full = [soon + timedelta(days=i + 1) for i in range(MAX_SLOTS)]
    assert slot_problem(soon, now=NOW, chosen=full) is SlotProblem.FULL
    assert slot_problem(soon, now=NOW, busy=[soon + BUSY_SPAN - timedelta(minutes=1)]) is SlotProblem.BOOKED
    assert slot_problem(soon, now=NOW, busy=[soon + BUSY_SPAN]) is None


@pytest.mark.parametrize("name", [*CITY_FILES, "generic"])
def test_the_venue_catalogue_is_complete_in_both_languages(name: str) -> None:
    raw = json.loads(resources.files("domain.data").joinpath("venues", f"{name}.json").read_text(encoding="utf-8"))
    codes = set()
    for item in raw["venues"]:
        assert item["code"].startswith(f"{name}.") and item["code"] not in codes
        codes.add(item["code"])
        assert set(item["hobbies"]) <= set(HOBBIES) and item["hobbies"]
        for locale in ("en", "zh"):
            assert item[locale]["name"].strip() and item[locale]["about"].strip()
            assert len(item[locale]["name"]) <= 60
        assert find_venue(item["code"]) is not None
    if name != "generic":
        assert name in region_book()


def test_venues_are_ranked_by_shared_hobbies_in_the_proposers_city() -> None:
    picked = suggest_venues(["330100", "310000"], [["tea", "hiking", "reading"], ["tea", "hiking"]])
    assert picked[0].code == "330100.longjing"  # tea and hiking, both shared
    assert all(v.code.startswith("330100.") for v in picked)
    assert [v.code for v in suggest_venues(["440300", None], [["hiking"], ["hiking"]], limit=1)] == ["440300.wutong"]
    assert venues_for("320500")[0].code.startswith("generic.")  # Suzhou: no file of its own
    assert venues_for("310000")[0].code.startswith("310000.")  # a municipality by its province code
    assert suggest_venues([None, None], [[], []])[0].code.startswith("generic.")


def test_late_cancellations_and_alerts() -> None:
    starts = NOW + timedelta(hours=10)
    assert is_late_cancellation(starts, NOW, timedelta(hours=24))
    assert not is_late_cancellation(starts, NOW, timedelta(hours=6))
    assert needs_alert(rating=2, no_show=False, complaint=False)
    assert not needs_alert(rating=3, no_show=False, complaint=False)
    assert needs_alert(rating=None, no_show=True, complaint=False)
    assert needs_alert(rating=5, no_show=False, complaint=True)


def test_reminder_reference_ids() -> None:
    ref = reminder_ref("ab" * 16, 24)
    assert ref == "ab" * 16 + ":24h"
    assert parse_reminder_ref(ref) == ("ab" * 16, 24)
    assert parse_reminder_ref("abc") is None and parse_reminder_ref("abc:xh") is None
