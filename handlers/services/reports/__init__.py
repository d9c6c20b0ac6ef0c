"""Management report use cases: figures, charts, exports, digests, pilots."""
