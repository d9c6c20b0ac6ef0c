"""Dates (约会) between introduced clients: proposals with counter-proposals, the confirmed date with its
calendar file, reminders, rescheduling and cancelling, and feedback afterwards (see docs/dates.md)."""
