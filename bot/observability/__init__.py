"""Watching the bot run: Prometheus metrics on a per-process registry, the drain on SIGTERM (docs/operations.md)."""
