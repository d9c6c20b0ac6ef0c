"""Matching that learns: what each client's answers taught the matcher, and how they want to be ranked.

`match_learning` holds running counts, updated one answer at a time (`domain.matching.learning.Figures`):
how often the client said yes, how often others said yes to them, and per coarse feature of the people they
were shown how often they said yes. They are coarse counts over the same kind of facts the matcher keeps in
the clear (age gaps in buckets, education levels, hobby and trait codes), so they are kept in the clear like
them; they go with the account and are in its export. `match_settings` holds the client's choices: whether
their answers may rank their suggestions, and how much each stated criterion matters.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, Integer
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, account_reference
from storage.types import json_column_type


class MatchLearningRow(Base):
    """A client's learned figures: `said_yes` of `answered` (their yes-rate), `got_yes` of `got_answers` (how
    often others said yes to them), `taste`: feature -> [yes, seen]."""

    __tablename__ = "match_learning"

    account_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    said_yes: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    got_yes: Mapped[int] = mapped_column(Integer, default=0)
    got_answers: Mapped[int] = mapped_column(Integer, default=0)
    taste: Mapped[dict[str, list[int]]] = mapped_column(json_column_type())
    updated_at: Mapped[datetime]


class MatchPopulationRow(Base):
    """Everyone's answers together (one row, id 1): the prior every person's figures are smoothed toward.
    `dates_learned_until`: the completion time of the last date feedback taken in ("meet again")."""

    __tablename__ = "match_population"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    said_yes: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    dates_learned_until: Mapped[datetime | None]


class MatchSettingsRow(Base):
    """A client's ranking choices: behaviour-based ranking on or off, and criterion -> importance."""

    __tablename__ = "match_settings"

    account_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    behaviour_ranking: Mapped[bool] = mapped_column(Boolean, default=True)
    importance: Mapped[dict[str, str]] = mapped_column(json_column_type())
    updated_at: Mapped[datetime]
