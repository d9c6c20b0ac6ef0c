"""Finance: acquisition channels and the client each brought, budget lines per category and month, closed
months with the totals they carried, and the sealed details of an expense (its note and receipt photo).

The money itself is in `ledger_entries` (storage/models/membership.py): an expense is a ledger entry of kind
`expense` with its category, channel, booking date, source and who made it.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.finance.accounts import CATEGORIES
from storage.crypto.codecs import TEXT
from storage.models.base import Base, account_reference, choice_check, sealed


class AcquisitionChannelRow(Base):
    """Where clients come from: the code after `/start` in the channel's deep link."""

    __tablename__ = "acquisition_channels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    created_at: Mapped[datetime]


class ClientChannelRow(Base):
    """The channel a client came through, recorded when they consented (deleted with the client)."""

    __tablename__ = "client_channels"

    client_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("acquisition_channels.id"), index=True)
    recorded_on: Mapped[date] = mapped_column(index=True)


class BudgetLineRow(Base):
    """The budget of one category for one month (from the yearly plan); the newest plan replaces it."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        CheckConstraint(choice_check("category", CATEGORIES), name="category"),
        CheckConstraint("amount_minor >= 0", name="amount"),
        CheckConstraint("threshold_percent >= 0", name="threshold"),
        UniqueConstraint("month", "category", "currency"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    month: Mapped[date]
    category: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    threshold_percent: Mapped[int] = mapped_column(Integer)
    set_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    set_at: Mapped[datetime]


class ClosedPeriodRow(Base):
    """A closed month: nothing more is booked in it; the net total of the books through it is carried."""

    __tablename__ = "closed_periods"

    month: Mapped[date] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    carried_minor: Mapped[int] = mapped_column(BigInteger)  # net of every entry up to the month's end
    closed_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    closed_at: Mapped[datetime]


class PeriodTotalRow(Base):
    """A closed month's total per category, as it was when the month closed."""

    __tablename__ = "period_totals"
    __table_args__ = (CheckConstraint(choice_check("category", CATEGORIES), name="category"),)

    month: Mapped[date] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)


class ExpenseDetailRow(Base):
    """What finance wrote about an expense: a note and the receipt photo, sealed under the key of the member
    who entered it (the ledger entry itself holds no free text)."""

    __tablename__ = "expense_details"

    entry_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("ledger_entries.id"), primary_key=True
    )
    sealed_by: Mapped[UUID] = account_reference(shred_with_account=False)
    note: Mapped[bytes | None] = sealed(TEXT)
    receipt_file_id: Mapped[bytes | None] = sealed(TEXT)
