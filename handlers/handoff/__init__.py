"""Handoff (转人工): clients reaching a human, the staff's queue and claims, the relay chat. See docs/handoff.md."""
