"""Memberships (each client's paid tier until when), the price list with its history, and promo codes.

Amounts are integers in the currency's minor units; the services turn them into `Decimal`s
(`domain.membership.money`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import delete, func, select, update

from storage.models.membership import MembershipPriceRow, MembershipRow, PromoCodeRow, PromoRedemptionRow
from storage.repositories.base import Repository


@dataclass(frozen=True)
class Membership:
    client_id: UUID
    tier: str
    started_at: datetime
    expires_at: datetime
    payment_id: UUID | None
    delivered_at: datetime | None


@dataclass(frozen=True)
class Price:
    id: int
    tier: str
    term: str
    currency: str
    amount_minor: int
    valid_from: datetime
    set_by: UUID | None


@dataclass(frozen=True)
class PromoRecord:
    id: UUID
    code: str
    kind: str
    percent: int | None
    amount_minor: int | None
    currency: str | None
    starts_at: datetime
    ends_at: datetime | None
    max_uses: int | None
    per_client: int
    tiers: frozenset[str]


def _membership(row: MembershipRow) -> Membership:
    return Membership(row.client_id, row.tier, row.started_at, row.expires_at, row.payment_id, row.delivered_at)


def _price(row: MembershipPriceRow) -> Price:
    return Price(row.id, row.tier, row.term, row.currency, row.amount_minor, row.valid_from, row.set_by)


def _promo(row: PromoCodeRow) -> PromoRecord:
    tiers = frozenset(code for code in row.tiers.split(",") if code)
    return PromoRecord(
        row.id,
        row.code,
        row.kind,
        row.percent,
        row.amount_minor,
        row.currency,
        row.starts_at,
        row.ends_at,
        row.max_uses,
        row.per_client,
        tiers,
    )


class MembershipsRepository(Repository):
    async def get(self, client_id: UUID) -> Membership | None:
        row = await self._session.get(MembershipRow, client_id, populate_existing=True)
        return None if row is None else _membership(row)

    async def put(
        self,
        client_id: UUID,
        *,
        tier: str,
        started_at: datetime,
        expires_at: datetime,
        payment_id: UUID | None,
        now: datetime,
    ) -> Membership:
        """Set the client's membership (a new one, a renewal or an upgrade)."""
        row = await self._session.get(MembershipRow, client_id, populate_existing=True)
        if row is None:
            row = MembershipRow(client_id=client_id)
            self._session.add(row)
        row.tier, row.started_at, row.expires_at, row.payment_id = tier, started_at, expires_at, payment_id
        row.delivered_at, row.updated_at = None, now
        await self._session.flush()
        return _membership(row)

    async def end(self, client_id: UUID, *, expires_at: datetime) -> bool:
        """Remove the membership that expires at `expires_at` (False when it was renewed or is gone)."""
        removed = await self._execute_dml(
            delete(MembershipRow).where(MembershipRow.client_id == client_id, MembershipRow.expires_at == expires_at)
        )
        return removed > 0

    async def mark_delivered(self, client_id: UUID, now: datetime) -> bool:
        changed = await self._execute_dml(
            update(MembershipRow)
            .where(MembershipRow.client_id == client_id, MembershipRow.delivered_at.is_(None))
            .values(delivered_at=now, updated_at=now)
        )
        return changed > 0


class PricesRepository(Repository):
    """The price list: a change is a new row from a moment on, so what was quoted or paid never changes."""

    async def current(self, tier: str, term: str, currency: str, now: datetime) -> Price | None:
        row = await self._session.scalar(
            select(MembershipPriceRow)
            .where(
                MembershipPriceRow.tier == tier,
                MembershipPriceRow.term == term,
                MembershipPriceRow.currency == currency,
                MembershipPriceRow.valid_from <= now,
            )
            .order_by(MembershipPriceRow.valid_from.desc(), MembershipPriceRow.id.desc())
            .limit(1)
        )
        return None if row is None else _price(row)

    async def set(
        self, tier: str, term: str, currency: str, amount_minor: int, *, valid_from: datetime, by: UUID | None
    ) -> Price:
        row = MembershipPriceRow(
            tier=tier, term=term, currency=currency, amount_minor=amount_minor, valid_from=valid_from, set_by=by
        )
        self._session.add(row)
        await self._session.flush()
        return _price(row)

    async def history(self, tier: str, term: str, currency: str) -> list[Price]:
        rows = await self._session.scalars(
            select(MembershipPriceRow)
            .where(
                MembershipPriceRow.tier == tier,
                MembershipPriceRow.term == term,
                MembershipPriceRow.currency == currency,
            )
            .order_by(MembershipPriceRow.valid_from, MembershipPriceRow.id)
        )
        return [_price(row) for row in rows.all()]


class PromoCodesRepository(Repository):
    async def add(
        self,
        code: str,
        *,
        kind: str,
        percent: int | None = None,
        amount_minor: int | None = None,
        currency: str | None = None,
        starts_at: datetime,
        ends_at: datetime | None = None,
        max_uses: int | None = None,
        per_client: int = 1,
        tiers: frozenset[str] = frozenset(),
        now: datetime,
    ) -> PromoRecord:
        row = PromoCodeRow(
            id=uuid4(),
            code=code,
            kind=kind,
            percent=percent,
            amount_minor=amount_minor,
            currency=currency,
            starts_at=starts_at,
            ends_at=ends_at,
            max_uses=max_uses,
            per_client=per_client,
            tiers=",".join(sorted(tiers)),
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return _promo(row)

    async def by_code(self, code: str) -> PromoRecord | None:
        row = await self._session.scalar(select(PromoCodeRow).where(PromoCodeRow.code == code))
        return None if row is None else _promo(row)

    async def get(self, promo_id: UUID) -> PromoRecord | None:
        row = await self._session.get(PromoCodeRow, promo_id, populate_existing=True)
        return None if row is None else _promo(row)

    async def uses(self, promo_id: UUID, client_id: UUID) -> tuple[int, int]:
        """(redemptions of the code in all, this client's)."""
        total = await self._session.scalar(
            select(func.count()).select_from(PromoRedemptionRow).where(PromoRedemptionRow.promo_id == promo_id)
        )
        mine = await self._session.scalar(
            select(func.count())
            .select_from(PromoRedemptionRow)
            .where(PromoRedemptionRow.promo_id == promo_id, PromoRedemptionRow.client_id == client_id)
        )
        return int(total or 0), int(mine or 0)

    async def redeem(
        self, promo_id: UUID, *, client_id: UUID, payment_id: UUID, currency: str, discount_minor: int, now: datetime
    ) -> None:
        self._session.add(
            PromoRedemptionRow(
                id=uuid4(),
                promo_id=promo_id,
                client_id=client_id,
                payment_id=payment_id,
                currency=currency,
                discount_minor=discount_minor,
                created_at=now,
            )
        )
        await self._session.flush()
