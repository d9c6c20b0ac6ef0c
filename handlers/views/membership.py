"""What people are shown about membership: the client's tier and what the next one adds, the offers with their
prices, invoices, receipts, reminders, and refunds for the client and for finance."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.dates import format_skeleton

from domain.delivery import InlineButton, OutboundMessage
from domain.languages import babel_locale, format_money, format_number
from domain.membership.invoices import DESCRIPTION_LIMIT, TITLE_LIMIT, fit
from domain.membership.money import STARS, from_minor
from domain.membership.pricing import PromoProblem, RefundRule
from domain.membership.schedule import CounselorAccess, Entitlements, Term, Tier
from handlers.views.casework.buttons import CaseAction, CaseButton, short
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.membership_outcomes import (
    CheckoutProblem,
    Delivered,
    FeeChange,
    FeeLine,
    FeeProblem,
    Offer,
    OfferKind,
    OfferProblem,
    RefundOffer,
    RefundProblem,
    Standing,
)
from handlers.views.punctuation import labelled, with_aside
from handlers.views.texts import current_locale, quote
from storage.repositories.payments import Payment, Refund


class MembershipAction(StrEnum):
    SHOW = "show"  # the membership screen
    BUY = "buy"  # an offer: tier and term
    PROMO = "promo"  # type a promo code
    PAY_TEST = "pay"  # the web chat's test provider: pay
    FAIL_TEST = "fail"  # the web chat's test provider: fail


class MembershipButton(CallbackData, prefix="ms"):
    action: MembershipAction
    tier: str = ""
    term: str = ""
    order: str = ""  # an order id (hex), for the test provider
    promo: str = ""  # the promo code the offer's price includes (checked again, never trusted)


class RefundAction(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"


class RefundButton(CallbackData, prefix="rf"):
    action: RefundAction
    refund: UUID


# --- words ------------------------------------------------------------------------------------------------


def tier_name(tier: Tier) -> str:
    return tier.name(current_locale())


def money(amount: Decimal, currency: str) -> str:
    """An amount as the reader writes it; Telegram Stars as a number of stars."""
    locale = current_locale()
    if currency == STARS:
        return f"{format_number(int(amount), locale)} ⭐"
    return format_money(amount, currency, locale)


def minor(amount: int, currency: str) -> str:
    return money(from_minor(amount, currency), currency)


def day(moment: datetime, zone: str) -> str:
    """A calendar day with its year, in the agency's time zone."""
    local = moment.astimezone(ZoneInfo(zone)).date()
    return str(format_skeleton("yMMMd", local, locale=babel_locale(current_locale())))


def term_label(tier: Tier, term: Term) -> str:
    months = tier.months(term)
    return _("{count} month", "{count} months", months).format(count=months)


def access_label(access: CounselorAccess, hours: int) -> str:
    within = _("an answer within {count} hour", "an answer within {count} hours", hours).format(count=hours)
    label = {
        CounselorAccess.ON_REQUEST: _("a counselor when you ask"),
        CounselorAccess.PRIORITY: _("a counselor, ahead of the queue"),
        CounselorAccess.DEDICATED: _("a dedicated counselor of your own"),
    }[access]
    return with_aside(label, within)


def entitlement_lines(entitlements: Entitlements) -> list[str]:
    per_day = entitlements.suggestions_per_day
    lines = [
        _("{count} new suggestion a day", "{count} new suggestions a day", per_day).format(count=per_day),
        access_label(entitlements.counselor_access, entitlements.response_hours),
    ]
    if entitlements.curation:
        lines.append(_("suggestions picked by hand by a counselor"))
    if entitlements.offline_events:
        lines.append(_("offline events: salons and speed dating"))
    if entitlements.profile_highlight:
        lines.append(_("your profile highlighted"))
    return [f"• {line}" for line in lines]


def added_lines(current: Entitlements, better: Entitlements) -> list[str]:
    """What `better` adds to `current`."""
    return [line for line in entitlement_lines(better) if line not in entitlement_lines(current)]


# --- the membership screen ------------------------------------------------------------------------------


def offer_label(offer: Offer) -> str:
    price = money(offer.quote.total, offer.quote.currency)
    label = {
        OfferKind.BUY: _("{tier}, {term}: {price}"),
        OfferKind.RENEW: _("Renew for {term}: {price}"),
        OfferKind.UPGRADE: _("⬆️ {tier}, {term}: {price}"),
    }[offer.kind]
    return label.format(tier=tier_name(offer.tier), term=term_label(offer.tier, offer.term), price=price)


def membership_screen(
    standing: Standing, offers: list[Offer], *, promo_code: str | None, zone: str, can_pay: bool
) -> tuple[str, InlineKeyboardMarkup]:
    tier = standing.tier
    lines = [_("💎 <b>Your membership</b>"), labelled(_("Tier"), tier_name(tier))]
    if standing.membership is not None:
        lines.append(labelled(_("Until"), day(standing.membership.expires_at, zone)))
    lines += ["", _("What it includes:"), *entitlement_lines(tier.entitlements)]
    if standing.next_tier is not None:
        added = added_lines(tier.entitlements, standing.next_tier.entitlements)
        if added:
            lines += ["", _("What {tier} adds:").format(tier=tier_name(standing.next_tier)), *added]
    if promo_code is not None:
        lines += ["", _("Promo code {code} is applied to the prices below.").format(code=quote(promo_code))]
    builder = InlineKeyboardBuilder()
    if not can_pay:
        lines += ["", _("Payments are not available here yet. A counselor can help: send /human.")]
    elif offers:
        lines += ["", _("Choose what to buy:")]
        for offer in offers:
            builder.button(
                text=offer_label(offer),
                callback_data=MembershipButton(
                    action=MembershipAction.BUY, tier=offer.tier.code, term=offer.term.value, promo=promo_code or ""
                ),
            )
        builder.button(text=_("🎟 I have a promo code"), callback_data=MembershipButton(action=MembershipAction.PROMO))
    return "\n".join(lines), builder.as_markup()


def pricing_pointer() -> str:
    return _("Membership tiers, what each includes and the prices are under /membership.")


def promo_question() -> str:
    return _("Please type your promo code.")


def promo_problem_text(problem: PromoProblem) -> str:
    return {
        PromoProblem.MALFORMED: _("That does not look like a promo code: letters and digits, 3 to 32 of them."),
        PromoProblem.UNKNOWN: _("I don't know that promo code. Please check it and type it again."),
        PromoProblem.NOT_YET: _("That promo code is not valid yet."),
        PromoProblem.EXPIRED: _("That promo code has expired."),
        PromoProblem.USED_UP: _("That promo code has been used up."),
        PromoProblem.ALREADY_USED: _("You have already used that promo code."),
        PromoProblem.NOT_FOR_TIER: _("That promo code is not for any tier you can buy now."),
    }[problem]


def promo_retry_hint() -> str:
    return _("Type another code, or send /cancel to go on without one.")


def offer_problem_text(problem: OfferProblem) -> str:
    return {
        OfferProblem.NOT_OFFERED: _("That offer is not available to you now. Here is what is:"),
        OfferProblem.NO_PRICE: _("That offer has no price in our currency yet. Here is what is available:"),
        OfferProblem.FREE: _("Nothing is left to pay for that offer. A counselor will set it up for you: send /human."),
        OfferProblem.PAYMENTS_OFF: _("Payments are not available here yet. A counselor can help: send /human."),
    }[problem]


# --- invoices and receipts --------------------------------------------------------------------------------


def invoice_title(offer: Offer) -> str:
    return fit(tier_name(offer.tier), TITLE_LIMIT)


def invoice_lines(offer: Offer) -> list[str]:
    priced = offer.quote
    period = term_label(offer.tier, offer.term)
    if offer.term is Term.ENGAGEMENT:
        period = with_aside(_("One engagement"), period)
    lines = [labelled(period, money(priced.list_price, priced.currency))]
    if priced.discount:
        lines.append(labelled(_("Promo code"), money(-priced.discount, priced.currency)))
    if priced.credit:
        lines.append(labelled(_("Unused days credited"), money(-priced.credit, priced.currency)))
    return lines


def invoice_description(offer: Offer) -> str:
    return fit(_("; ").join(invoice_lines(offer)), DESCRIPTION_LIMIT)


def test_invoice(offer: Offer, order_id: UUID) -> tuple[str, InlineKeyboardMarkup]:
    """The web chat's invoice: the quote, and the test provider's two buttons (no money moves)."""
    priced = offer.quote
    lines = [
        f"🧾 <b>{quote(invoice_title(offer))}</b>",
        *invoice_lines(offer),
        labelled(_("To pay"), money(priced.total, priced.currency)),
        "",
        _("This is the web chat's <b>test payment</b>: no money is charged. Choose how it ends."),
    ]
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Pay (test)"), callback_data=MembershipButton(action=MembershipAction.PAY_TEST, order=order_id.hex)
    )
    builder.button(
        text=_("Fail (test)"), callback_data=MembershipButton(action=MembershipAction.FAIL_TEST, order=order_id.hex)
    )
    builder.adjust(2)
    return "\n".join(lines), builder.as_markup()


def price_label() -> str:
    return _("Membership fee")


def receipt(payment: Payment, tier: Tier, expires_at: datetime, zone: str) -> str:
    return "\n".join(
        [
            _("✅ <b>Payment received</b>"),
            labelled(_("Paid"), minor(payment.amount_minor, payment.currency)),
            labelled(_("Tier"), tier_name(tier)),
            labelled(_("Until"), day(expires_at, zone)),
            labelled(_("Receipt number"), payment.id.hex[:12].upper()),
            "",
            _("Thank you! Send /membership to see what your membership includes."),
        ]
    )


def duplicate_payment() -> str:
    return _("This payment was already credited to your membership; nothing was charged twice.")


def payment_problem() -> str:
    return _(
        "I received your payment but could not match it to an invoice. A counselor will sort it out with you "
        "and nothing will be lost."
    )


def test_payment_failed() -> str:
    return _("The test payment failed. Nothing was charged; you can try again under /membership.")


def stale_invoice() -> str:
    return _("That invoice is no longer valid. Send /membership for the current prices.")


def checkout_problem_text(problem: CheckoutProblem) -> str:
    """Telegram shows this to the client when the charge is declined."""
    return {
        CheckoutProblem.UNKNOWN: _("This invoice is not valid. Please open /membership again."),
        CheckoutProblem.CLOSED: _("This invoice is no longer valid. Please open /membership again."),
        CheckoutProblem.PRICE_CHANGED: _("The price has changed since this invoice. Please open /membership again."),
        CheckoutProblem.PROMO_GONE: _("The promo code can no longer be used. Please open /membership again."),
        CheckoutProblem.TIER_CHANGED: _(
            "Your membership has changed since this invoice. Please open /membership again."
        ),
    }[problem]


def card_line(standing: Standing, zone: str) -> str:
    """The client's membership as a counselor's card shows it."""
    membership = standing.membership
    if membership is None:
        return labelled(_("Membership"), tier_name(standing.tier))
    until = _("until {day}").format(day=day(membership.expires_at, zone))
    return labelled(_("Membership"), _("{tier}, {until}").format(tier=tier_name(standing.tier), until=until))


def dedicated_counselor_notice(client_id: UUID, tier: Tier) -> OutboundMessage:
    """To the client's counselor: they are now this client's dedicated counselor."""
    text = _("⭐ Client {reference} now has the {tier}: you are their dedicated counselor.").format(
        reference=short(client_id), tier=tier_name(tier)
    )
    data = CaseButton(action=CaseAction.OPEN, client=client_id).pack()
    return OutboundMessage(text=text, keyboard=((InlineButton(text=_("Open the card"), callback_data=data),),))


# --- reminders and expiry -------------------------------------------------------------------------------


def _open_button() -> tuple[InlineButton, ...]:
    data = MembershipButton(action=MembershipAction.SHOW).pack()
    return (InlineButton(text=_("💎 Renew my membership"), callback_data=data),)


def renewal_reminder(tier: Tier, expires_at: datetime, days: int, zone: str) -> OutboundMessage:
    text = _(
        "⏳ Your {tier} membership ends in {count} day, on {day}.",
        "⏳ Your {tier} membership ends in {count} days, on {day}.",
        days,
    ).format(tier=tier_name(tier), count=days, day=day(expires_at, zone))
    return OutboundMessage(text=text, keyboard=(_open_button(),))


def membership_ended(old: Tier, free: Tier) -> OutboundMessage:
    text = _("Your {tier} membership has ended; you are back to {free}. You can renew it at any time.").format(
        tier=tier_name(old), free=tier_name(free)
    )
    return OutboundMessage(text=text, keyboard=(_open_button(),))


# --- refunds ----------------------------------------------------------------------------------------------


def rule_label(rule: str) -> str:
    return {
        RefundRule.FULL.value: _("in full"),
        RefundRule.PRO_RATA.value: _("for the unused days"),
        RefundRule.NONE.value: _("nothing"),
    }.get(rule, rule)


def refund_question(offer: RefundOffer) -> str:
    amount = money(offer.decision.amount, offer.payment.currency)
    return "\n".join(
        [
            _("Under our refund policy you would get back {amount} ({rule}).").format(
                amount=amount, rule=rule_label(offer.decision.rule.value)
            ),
            _("Please tell me in one message why you want a refund, or send /cancel."),
        ]
    )


def refund_problem_text(problem: RefundProblem) -> str:
    return {
        RefundProblem.NOTHING_PAID: _("You have no payment to refund."),
        RefundProblem.ALREADY_ASKED: _("You have already asked for this refund; our finance team will answer soon."),
        RefundProblem.NOTHING_DUE: _("Under our refund policy nothing is due back on your last payment."),
        RefundProblem.REFUNDED: _("Your last payment has already been refunded."),
    }[problem]


def refund_reason_needed() -> str:
    return _("Please write the reason as a text message, or send /cancel.")


def refund_requested() -> str:
    return _("Thank you. Your request is with our finance team; you will hear from us here.")


def refund_request_for_finance(refund: Refund, payment: Payment) -> OutboundMessage:
    lines = [
        _("💸 <b>Refund request</b> {reference}").format(reference=refund.id.hex[:8]),
        labelled(_("Paid"), minor(payment.amount_minor, payment.currency)),
        labelled(_("To refund"), with_aside(minor(refund.amount_minor, refund.currency), rule_label(refund.rule))),
        _("Send /refunds for the reasons and every waiting request."),
    ]
    keyboard = (
        (
            InlineButton(
                text=_("Approve"), callback_data=RefundButton(action=RefundAction.APPROVE, refund=refund.id).pack()
            ),
            InlineButton(
                text=_("Decline"), callback_data=RefundButton(action=RefundAction.DECLINE, refund=refund.id).pack()
            ),
        ),
    )
    return OutboundMessage(text="\n".join(lines), keyboard=keyboard)


def refund_decided_for_client(refund: Refund, *, approved: bool, ended: bool) -> OutboundMessage:
    amount = minor(refund.amount_minor, refund.currency)
    if approved and ended:
        text = _("Your refund of {amount} was approved. Your membership has ended.").format(amount=amount)
    elif approved:
        text = _("Your refund of {amount} was approved.").format(amount=amount)
    else:
        text = _("Your refund request was declined. A counselor can explain: send /human.")
    return OutboundMessage(text=text)


def pending_refunds_view(items: list[tuple[Refund, Payment | None, str | None]]) -> tuple[str, InlineKeyboardMarkup]:
    if not items:
        return _("No refund requests are waiting."), InlineKeyboardMarkup(inline_keyboard=[])
    lines = [_("💸 <b>Refund requests</b>")]
    builder = InlineKeyboardBuilder()
    for refund, payment, reason in items:
        paid = "" if payment is None else minor(payment.amount_minor, payment.currency)
        lines += [
            "",
            f"<b>{refund.id.hex[:8]}</b>",
            labelled(_("Paid"), paid),
            labelled(_("To refund"), with_aside(minor(refund.amount_minor, refund.currency), rule_label(refund.rule))),
            labelled(_("Reason"), quote(fit(reason or "", 300))),
        ]
        builder.button(
            text=_("Approve {reference}").format(reference=refund.id.hex[:8]),
            callback_data=RefundButton(action=RefundAction.APPROVE, refund=refund.id),
        )
        builder.button(
            text=_("Decline {reference}").format(reference=refund.id.hex[:8]),
            callback_data=RefundButton(action=RefundAction.DECLINE, refund=refund.id),
        )
    builder.adjust(2)
    return "\n".join(lines), builder.as_markup()


def refund_decision_done(approved: bool, *, stars: bool) -> str:
    if not approved:
        return _("Declined; the client has been told.")
    if stars:
        return _("Approved; the stars are being returned and the client has been told.")
    return _("Approved and recorded; make the refund in the payment provider's dashboard. The client has been told.")


def refund_already_decided() -> str:
    return _("This request was already decided.")


# --- the fee schedule, for finance ------------------------------------------------------------------------


def fee_table(lines: list[FeeLine], currency: str, zone: str) -> str:
    rows = [_("💰 <b>Fee schedule</b> ({currency})").format(currency=currency)]
    for line in lines:
        price = _("no price") if line.amount is None else money(line.amount, currency)
        if line.price is None:
            source = _("from the schedule file")
        else:
            source = _("set on {day}").format(day=day(line.price.valid_from, zone))
        offer = f"{tier_name(line.tier)}, {term_label(line.tier, line.term)}"
        rows.append(f"• {labelled(offer, with_aside(price, source))}")
    rows += [
        "",
        _("Change a price: /setprice TIER TERM AMOUNT, e.g. /setprice premium 3 459.00 (terms: 1, 3, 12, engagement)."),
        _("New promo code: /promo CODE 20% [days] [uses], or /promo CODE 50.00 [days] [uses]."),
    ]
    return "\n".join(rows)


def fee_problem_text(problem: FeeProblem) -> str:
    return {
        FeeProblem.NO_SUCH_OFFER: _("There is no such offer. Send /fees for the tiers and terms."),
        FeeProblem.BAD_AMOUNT: _("That is not an amount I can use (a positive amount in our currency, or 1% to 100%)."),
        FeeProblem.BAD_CODE: _("A promo code is 3 to 32 letters, digits, dashes or underscores."),
        FeeProblem.CODE_EXISTS: _("That promo code exists already."),
    }[problem]


def fee_changed(change: FeeChange) -> str:
    before = _("no price") if change.before is None else money(change.before, change.currency)
    return _(
        "The price of {tier}, {term} is now {after} (it was {before}). Invoices sent at the old price are declined "
        "at payment; what was paid keeps its price."
    ).format(
        tier=tier_name(change.tier),
        term=term_label(change.tier, change.term),
        after=money(change.after, change.currency),
        before=before,
    )


def promo_created(code: str) -> str:
    return _("Promo code {code} can be used from now on.").format(code=quote(code))


def fee_usage() -> str:
    return _("Please write it like this: /setprice premium 3 459.00")


def promo_usage() -> str:
    return _("Please write it like this: /promo SPRING26 20% 30 100 (the code, the discount, days valid, uses).")


def delivered_text(result: Delivered, reference: str) -> str:
    return {
        Delivered.DONE: _("Recorded: the engagement of {reference} was delivered; it is no longer refundable."),
        Delivered.ALREADY: _("The engagement of {reference} was already recorded as delivered."),
        Delivered.NO_CLIENT: _("No single client has the reference {reference}. Send /delivered REF."),
        Delivered.NO_ENGAGEMENT: _("{reference} has no running engagement."),
    }[result].format(reference=quote(reference))
