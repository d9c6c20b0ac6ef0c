"""The fee schedule, prices, promo codes, upgrade credit and the refund policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.membership.invoices import invoice_problems, order_of, payload_for
from domain.membership.money import digits, from_minor, parse_amount, rounded, to_minor
from domain.membership.pricing import (
    PromoCode,
    PromoKind,
    PromoProblem,
    RefundRule,
    add_months,
    normalize_code,
    promo_discount,
    promo_problem,
    quote,
    refund_due,
    upgrade_credit,
)
from domain.membership.schedule import Billing, CounselorAccess, Term, entitlements, parse_schedule, schedule

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CURRENCIES = ["CNY", "JPY", "XTR", "USD"]


def promo(**changes: object) -> PromoCode:
    values: dict[str, object] = {
        "code": "SPRING",
        "kind": PromoKind.PERCENT,
        "value": Decimal(20),
        "currency": None,
        "starts_at": NOW - timedelta(days=1),
        "ends_at": NOW + timedelta(days=10),
        "max_uses": 100,
        "per_client": 1,
        "tiers": frozenset(),
    }
    values.update(changes)
    return PromoCode(**values)  # type: ignore[arg-type]


# --- the schedule -----------------------------------------------------------------------------------------


def test_the_schedule_has_three_tiers_named_in_every_language() -> None:
    tiers = schedule().tiers
    assert [t.code for t in tiers] == ["basic", "premium", "private"]
    assert [t.billing for t in tiers] == [Billing.FREE, Billing.PERIOD, Billing.ENGAGEMENT]
    for tier in tiers:
        assert set(tier.names) == {"en", "zh", "zh_Hant", "ru"}
    assert tiers[1].name("zh") == "高级会员"
    assert tiers[2].name("zh_Hant") == "私人訂製"
    assert tiers[0].name("fr") == "Ordinary member"


def test_the_entitlements_table_grows_with_the_tier() -> None:
    basic, premium, private = (entitlements(code) for code in ("basic", "premium", "private"))
    assert basic.suggestions_per_day < premium.suggestions_per_day < private.suggestions_per_day
    assert not basic.curation and premium.curation and private.curation
    assert private.dedicated_counselor and not premium.dedicated_counselor
    assert basic.queue_priority < premium.queue_priority < private.queue_priority
    assert private.counselor_access is CounselorAccess.DEDICATED
    assert private.response_hours < premium.response_hours < basic.response_hours
    assert entitlements(None) == basic and entitlements("gold") == basic


def test_prices_per_period_and_per_engagement_are_exact_decimals() -> None:
    premium, private = schedule().tier("premium"), schedule().tier("private")
    assert premium.terms() == (Term.MONTH, Term.QUARTER, Term.YEAR)
    assert premium.seed_price("CNY", Term.YEAR) == Decimal("1599.00")
    assert premium.seed_price("XTR", Term.MONTH) == Decimal("1500")
    assert private.terms() == (Term.ENGAGEMENT,) and private.months(Term.ENGAGEMENT) == 6
    assert schedule().above("basic") == premium and schedule().above("private") is None


def test_a_schedule_with_missing_prices_or_no_free_tier_is_refused() -> None:
    raw = {
        "code": "premium",
        "rank": 1,
        "names": {"en": "P"},
        "billing": "period",
        "entitlements": vars(entitlements("premium")),
        "prices": {"CNY": {"1": "1.00"}},
    }
    with pytest.raises(ValueError, match="prices must be for"):
        parse_schedule({"tiers": [raw]})
    raw["prices"] = {}
    with pytest.raises(ValueError, match="free one"):
        parse_schedule({"tiers": [raw]})


# --- money ----------------------------------------------------------------------------------------------


def test_currency_digits_follow_babel_and_stars_are_whole() -> None:
    assert (digits("CNY"), digits("JPY"), digits("XTR"), digits("USD")) == (2, 0, 0, 2)
    assert to_minor(Decimal("199.00"), "CNY") == 19900
    assert to_minor(Decimal("1500"), "XTR") == 1500
    assert from_minor(19900, "CNY") == Decimal("199.00")
    assert rounded(Decimal("10.005"), "CNY") == Decimal("10.01")
    with pytest.raises(ValueError):
        parse_amount("1.5", "JPY")
    with pytest.raises(ValueError):
        parse_amount("-1", "CNY")
    with pytest.raises(ValueError):
        to_minor(Decimal("1.234"), "CNY")


# --- quotes and promo codes -------------------------------------------------------------------------------


def test_a_percent_promo_and_a_fixed_promo() -> None:
    assert promo_discount(promo(), Decimal("199.00"), "CNY") == Decimal("39.80")
    fixed = promo(kind=PromoKind.FIXED, value=Decimal("50"), currency="CNY")
    assert promo_discount(fixed, Decimal("199.00"), "CNY") == Decimal("50.00")
    assert promo_discount(fixed, Decimal("30.00"), "CNY") == Decimal("30.00")  # never more than the price
    assert promo_discount(fixed, Decimal("1500"), "XTR") == Decimal("0")  # another currency's amount
    assert promo_discount(promo(value=Decimal("33")), Decimal("1500"), "XTR") == Decimal("495")


def test_promo_window_limits_and_tiers() -> None:
    ok = promo()
    later, earlier = NOW + timedelta(days=10), NOW - timedelta(days=2)
    assert promo_problem(ok, now=NOW, tier="premium", uses=0, client_uses=0) is None
    assert promo_problem(None, now=NOW, tier="premium", uses=0, client_uses=0) is PromoProblem.UNKNOWN
    assert promo_problem(ok, now=earlier, tier="premium", uses=0, client_uses=0) is PromoProblem.NOT_YET
    assert promo_problem(ok, now=later, tier="premium", uses=0, client_uses=0) is PromoProblem.EXPIRED
    assert promo_problem(ok, now=NOW, tier="premium", uses=100, client_uses=0) is PromoProblem.USED_UP
    assert promo_problem(ok, now=NOW, tier="premium", uses=5, client_uses=1) is PromoProblem.ALREADY_USED
    only_private = promo(tiers=frozenset({"private"}))
    assert promo_problem(only_private, now=NOW, tier="premium", uses=0, client_uses=0) is PromoProblem.NOT_FOR_TIER
    with pytest.raises(ValueError):
        promo(value=Decimal(120))
    with pytest.raises(ValueError):
        promo(kind=PromoKind.FIXED, value=Decimal(5), currency=None)


def test_codes_are_typed_loosely_and_stored_upper_case() -> None:
    assert normalize_code(" spring-26 ") == "SPRING-26"
    assert normalize_code("ＳＰＲＩＮＧ") == "SPRING"  # full-width letters from a Chinese keyboard
    assert normalize_code("no") is None
    assert normalize_code("<b>x</b>") is None


def test_a_quote_takes_the_discount_then_the_credit() -> None:
    q = quote(Decimal("499.00"), "CNY", discount=Decimal("99.80"), credit=Decimal("150.55"))
    assert (q.list_price, q.discount, q.credit, q.total) == (
        Decimal("499.00"),
        Decimal("99.80"),
        Decimal("150.55"),
        Decimal("248.65"),
    )
    capped = quote(Decimal("100.00"), "CNY", discount=Decimal("80.00"), credit=Decimal("50.00"))
    assert (capped.credit, capped.total) == (Decimal("20.00"), Decimal("0.00"))


# --- upgrades and refunds -----------------------------------------------------------------------------------


def test_months_are_added_on_the_calendar() -> None:
    assert add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2026, 11, 15, tzinfo=UTC), 3) == datetime(2027, 2, 15, tzinfo=UTC)
    assert add_months(datetime(2026, 3, 1, tzinfo=UTC), 12) == datetime(2027, 3, 1, tzinfo=UTC)


def test_an_upgrade_credits_the_unused_days() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    end = start + timedelta(days=90)
    credit = upgrade_credit(Decimal("499.00"), "CNY", start=start, end=end, now=start + timedelta(days=30, hours=5))
    assert credit == Decimal("327.12")  # 59 whole unused days of 90, rounded down
    assert upgrade_credit(Decimal("499.00"), "CNY", start=start, end=end, now=end) == Decimal("0.00")
    assert upgrade_credit(Decimal("499.00"), "CNY", start=start, end=end, now=start) == Decimal("499.00")


def test_the_refund_policy() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    end = start + timedelta(days=30)
    full = refund_due(
        Decimal("199.00"), "CNY", paid_at=start, start=start, end=end, now=start + timedelta(days=7), full_refund_days=7
    )
    assert (full.rule, full.amount, full.kept) == (RefundRule.FULL, Decimal("199.00"), Decimal("0.00"))
    later = refund_due(
        Decimal("199.00"),
        "CNY",
        paid_at=start,
        start=start,
        end=end,
        now=start + timedelta(days=10),
        full_refund_days=7,
    )
    assert (later.rule, later.amount, later.kept) == (RefundRule.PRO_RATA, Decimal("132.66"), Decimal("66.34"))
    delivered = refund_due(
        Decimal("9999.00"), "CNY", paid_at=start, start=start, end=end, now=start, full_refund_days=7, delivered=True
    )
    assert (delivered.rule, delivered.amount) == (RefundRule.NONE, Decimal("0.00"))
    over = refund_due(
        Decimal("199.00"), "CNY", paid_at=start, start=start, end=end, now=end + timedelta(days=1), full_refund_days=7
    )
    assert (over.rule, over.amount) == (RefundRule.NONE, Decimal("0.00"))


# --- invoices -----------------------------------------------------------------------------------------------


def test_invoice_payload_names_an_order_and_nothing_else() -> None:
    order = uuid4()
    payload = payload_for(order)
    assert order_of(payload) == order and len(payload.encode()) <= 128
    assert order_of("ms1:" + "z" * 32) is None
    assert order_of("something-else") is None
    assert order_of("ms1:" + order.hex + "x") is None


def test_invoice_problems_are_what_telegram_refuses() -> None:
    good = {
        "title": "Premium",
        "description": "1 month",
        "payload": "ms1:x",
        "currency": "CNY",
        "provider_token": "tok",
        "amounts": [19900],
    }
    assert invoice_problems(**good) == []  # type: ignore[arg-type]
    assert invoice_problems(**{**good, "title": "x" * 33})  # type: ignore[arg-type]
    assert invoice_problems(**{**good, "description": "x" * 256})  # type: ignore[arg-type]
    assert invoice_problems(**{**good, "payload": "x" * 129})  # type: ignore[arg-type]
    assert invoice_problems(**{**good, "currency": "XTR"})  # type: ignore[arg-type]
    assert invoice_problems(**{**good, "currency": "XTR", "provider_token": "", "amounts": [1, 2]})  # type: ignore[arg-type]
    assert invoice_problems(**{**good, "currency": "XTR", "provider_token": "", "amounts": [1500]}) == []  # type: ignore[arg-type]


# --- properties: parts add up, nothing negative -------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=10**9)
currencies = st.sampled_from(CURRENCIES)


@given(currencies, amounts, amounts, amounts)
def test_a_quotes_parts_sum_to_the_list_price(currency: str, price: int, discount: int, credit: int) -> None:
    q = quote(
        from_minor(price, currency),
        currency,
        discount=from_minor(discount, currency),
        credit=from_minor(credit, currency),
    )
    assert q.discount + q.credit + q.total == q.list_price
    assert min(q.discount, q.credit, q.total) >= 0
    assert to_minor(q.total, currency) >= 0  # whole minor units


@given(currencies, amounts, st.integers(min_value=1, max_value=100))
def test_a_percent_discount_is_never_more_than_the_price(currency: str, price: int, percent: int) -> None:
    amount = from_minor(price, currency)
    discount = promo_discount(promo(value=Decimal(percent)), amount, currency)
    assert Decimal(0) <= discount <= amount
    to_minor(discount, currency)


@given(
    currencies,
    amounts,
    st.integers(min_value=1, max_value=800),
    st.integers(min_value=-100, max_value=900 * 24),
    st.integers(min_value=0, max_value=30),
    st.booleans(),
)
def test_a_refund_and_what_is_kept_sum_to_what_was_paid(
    currency: str, paid: int, days: int, hours_later: int, full_days: int, delivered: bool
) -> None:
    amount = from_minor(paid, currency)
    start = NOW
    decision = refund_due(
        amount,
        currency,
        paid_at=start,
        start=start,
        end=start + timedelta(days=days),
        now=start + timedelta(hours=hours_later),
        full_refund_days=full_days,
        delivered=delivered,
    )
    assert decision.amount + decision.kept == amount
    assert decision.amount >= 0 and decision.kept >= 0
    credit = upgrade_credit(
        amount, currency, start=start, end=start + timedelta(days=days), now=start + timedelta(hours=hours_later)
    )
    assert Decimal(0) <= credit <= amount
