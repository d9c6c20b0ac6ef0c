"""The updates already handled, so a repeated delivery of one is recognised by every instance.

A row is written in the update's own transaction (see `storage/repositories/updates.py`), so it exists exactly
when the update's effects were committed. Nothing here is personal: the bot's own id, the channel and the
channel's update counter.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.choices import CHANNELS
from storage.models.base import Base, choice_check


class ProcessedUpdateRow(Base):
    """One handled update: (bot, channel, update id); `seen_at` says when, for the purge."""

    __tablename__ = "processed_updates"
    __table_args__ = (CheckConstraint(choice_check("channel", CHANNELS), name="channel"),)

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seen_at: Mapped[datetime] = mapped_column(index=True)
