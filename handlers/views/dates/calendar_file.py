"""The confirmed date as an iCalendar file (RFC 5545), in the reader's time zone with its VTIMEZONE.

The event's UID is the date's id and its SEQUENCE the proposal round, so a calendar that imported the file
of a rescheduled date updates the event instead of adding a second one.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from aiogram.types import BufferedInputFile
from icalendar import Calendar, Event

from domain.dates import DATE_LENGTH
from storage.repositories.dates import DateRecord

FILE_NAME = "date.ics"
PRODUCT = "-//Yuelao//Dates//EN"


def ics_bytes(
    record: DateRecord, *, zone: tzinfo, summary: str, location: str, description: str, now: datetime
) -> bytes:
    if record.starts_at is None:
        raise ValueError("only a confirmed date has a calendar file")
    # icalendar 6.1+ writes the VTIMEZONE of a local time; older versions get UTC times, which every
    # calendar shows in its own zone as well.
    with_zones = hasattr(Calendar, "add_missing_timezones")
    start = record.starts_at.astimezone(zone if with_zones else UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{record.id}@yuelao")
    event.add("sequence", record.round)
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("dtend", start + DATE_LENGTH)
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    event.add("status", "CONFIRMED")
    calendar.add_component(event)
    if with_zones:
        calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data


def ics_file(data: bytes) -> BufferedInputFile:
    return BufferedInputFile(data, filename=FILE_NAME)
