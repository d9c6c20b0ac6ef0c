"""Scheduled jobs: the registry features fill, the runner of due rows, and APScheduler's ticks."""
