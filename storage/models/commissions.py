"""Commissions: the rule table (every change kept), the monthly statements and their lines.

A line names the event it pays for (a payment, an introduction, a stage change) and the client it is about by
account id only: no personal data here. `uq_commission_lines_event` keeps an event from being paid twice, and a
statement is approved by a conditional UPDATE, so its ledger entry (`ledger_entry_id`, unique) is written once.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.personnel.commissions import OUTCOMES, STATEMENT_STATES
from storage.choices import TIERS
from storage.models.base import Base, account_reference, choice_check


class CommissionRuleRow(Base):
    """An amount per outcome and tier from a moment on; the newest row not in the future is in force. Never
    changed afterwards (a new amount is a new row), so the rows are the history."""

    __tablename__ = "commission_rules"
    __table_args__ = (
        CheckConstraint(choice_check("outcome", OUTCOMES), name="outcome"),
        CheckConstraint(choice_check("tier", TIERS), name="tier"),
        CheckConstraint("amount_minor >= 0", name="amount"),
        Index("ix_commission_rules_lookup", "outcome", "tier", "currency", "valid_from"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    outcome: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[datetime]
    set_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)


class CommissionStatementRow(Base):
    """A counselor's commission for one month: drawn up (draft), then approved once and booked."""

    __tablename__ = "commission_statements"
    __table_args__ = (
        CheckConstraint(choice_check("state", STATEMENT_STATES), name="state"),
        CheckConstraint("total_minor >= 0", name="total"),
        CheckConstraint("(state = 'approved') = (approved_at IS NOT NULL)", name="approval"),
        UniqueConstraint("counselor_id", "month", "currency"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    counselor_id: Mapped[UUID] = account_reference(shred_with_account=False)
    month: Mapped[date] = mapped_column(index=True)
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(12))
    drawn_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    ledger_entry_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("ledger_entries.id"), unique=True
    )


class CommissionLineRow(Base):
    """One event paid on a statement, at the rule in force when it happened."""

    __tablename__ = "commission_lines"
    __table_args__ = (
        CheckConstraint(choice_check("outcome", OUTCOMES), name="outcome"),
        CheckConstraint(choice_check("tier", TIERS), name="tier"),
        CheckConstraint("amount_minor > 0", name="amount"),
        UniqueConstraint("outcome", "event_id", "client_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    statement_id: Mapped[UUID] = mapped_column(ForeignKey("commission_statements.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[UUID]
    client_id: Mapped[UUID] = account_reference(shred_with_account=False)
    occurred_at: Mapped[datetime]
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    rule_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("commission_rules.id")
    )
