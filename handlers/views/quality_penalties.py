"""What staff see of penalties: the order's usage, the member's list with the appeal button, the notices and
the managers' decision buttons."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.delivery import InlineButton, OutboundMessage
from domain.quality import (
    AUDIT_REFERENCE_PREFIX,
    MAX_APPEAL_TEXT,
    AppealDecision,
    OrderProblem,
    PenaltyKind,
    takes_access,
)
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.punctuation import listed
from handlers.views.texts import quote, quote_clipped
from storage.repositories.quality_penalties import StaffPenalty

REASON_BUDGET = 600


class PenaltyAct(StrEnum):
    APPEAL = "appeal"
    KEEP = "keep"
    LIFT = "lift"


class PenaltyButton(CallbackData, prefix="qp"):
    act: PenaltyAct
    penalty: str  # 32 hex digits


def kind_label(kind: PenaltyKind) -> str:
    return {
        PenaltyKind.WARNING: _("warning"),
        PenaltyKind.FINE: _("fine"),
        PenaltyKind.SUSPENSION: _("suspension"),
        PenaltyKind.DISMISSAL: _("dismissal"),
    }[kind]


def amount_text(amount: Decimal | None, currency: str | None) -> str:
    return "" if amount is None or currency is None else f" {amount} {currency}"


def usage(problem: OrderProblem | None = None) -> str:
    lead = (
        {
            OrderProblem.NO_AMOUNT: _("A fine needs an amount."),
            OrderProblem.NO_REASON: _("Please give the reason."),
            OrderProblem.TOO_LONG: _("The reason is too long."),
        }.get(problem)
        if problem is not None
        else None
    )
    text = _(
        "Send /penalty, the member's reference (from /staff), the kind (warning, fine, suspension or dismissal), "
        "for a fine the amount, and the reason; a case reference such as #ab12cd34 in the reason is kept as "
        "evidence. For example: <code>/penalty 1a2b3c4d fine 200 Promised a client a marriage, case "
        "#ab12cd34</code>"
    )
    text += "\n" + _(
        "An audit entry's reference from /audit, such as <code>audit#1a2b3c4d</code>, is kept as evidence too."
    )
    return text if lead is None else f"{lead}\n{text}"


def no_member() -> str:
    return _("No staff member has that reference. /staff shows the team.")


def bad_amount(currency: str) -> str:
    return _("That is not an amount in {currency}, for example 200 or 199.50.").format(currency=currency)


def not_self() -> str:
    return _("You cannot penalise yourself.")


def outranks() -> str:
    return _("A manager can penalise counselors and customer service only.")


def issued(penalty: StaffPenalty, name: str | None, amount: Decimal | None) -> str:
    return _("Recorded: {kind}{amount} for {name}. They were told and may appeal once.").format(
        kind=kind_label(PenaltyKind(penalty.kind)),
        amount=amount_text(amount, penalty.currency),
        name=quote(name or "?"),
    )


def penalty_notice(penalty: StaffPenalty, amount: Decimal | None) -> OutboundMessage:
    text = _(
        "⚖️ A penalty was recorded against you: {kind}{amount}.\nReason: {reason}\nYou may appeal once: send /penalties."
    ).format(
        kind=kind_label(PenaltyKind(penalty.kind)),
        amount=amount_text(amount, penalty.currency),
        reason=quote_clipped(penalty.reason, REASON_BUDGET),
    )
    return OutboundMessage(text=text)


def evidence_text(penalty: StaffPenalty) -> str:
    """The evidence kept with a penalty: a case's and an audit entry's references (as /complaints and /audit
    show them)."""
    references = []
    if penalty.complaint_id is not None:
        references.append(f"#{penalty.complaint_id.hex[:8]}")
    if penalty.audit_id is not None:
        references.append(f"<code>{AUDIT_REFERENCE_PREFIX}{penalty.audit_id.hex[:8]}</code>")
    if not references:
        return ""
    return "\n   " + _("Evidence: {references}").format(references=listed(references))


def penalty_list(
    penalties: list[StaffPenalty], amounts: list[Decimal | None], *, own: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A member's penalties: their own with an appeal button each, or (a manager's view) with a button to lift
    a standing suspension or dismissal."""
    if not penalties:
        return (_("You have no penalties.") if own else _("This member has no penalties.")), None
    lines = [_("<b>Penalties</b>")]
    builder = InlineKeyboardBuilder()
    buttons = False
    for number, (penalty, amount) in enumerate(zip(penalties, amounts, strict=True), start=1):
        line = _("{number}. {kind}{amount} · {day}: {reason}").format(
            number=number,
            kind=kind_label(PenaltyKind(penalty.kind)),
            amount=amount_text(amount, penalty.currency),
            day=penalty.created_at.date().isoformat(),
            reason=quote_clipped(penalty.reason, 200),
        )
        if penalty.appeal_decision == AppealDecision.LIFTED.value and penalty.appealed_at is None:
            line += " " + _("(lifted)")
        elif penalty.appeal_decision == AppealDecision.LIFTED.value:
            line += " " + _("(lifted on appeal)")
        elif penalty.appeal_decision == AppealDecision.KEPT.value:
            line += " " + _("(kept on appeal)")
        elif penalty.appealed_at is not None:
            line += " " + _("(appealed)")
        elif own:
            buttons = True
            builder.button(
                text=_("Appeal {number}").format(number=number),
                callback_data=PenaltyButton(act=PenaltyAct.APPEAL, penalty=penalty.id.hex),
            )
        if not own and penalty.appeal_decision is None and takes_access(penalty.kind):
            buttons = True
            builder.button(
                text=_("Lift {number}").format(number=number),
                callback_data=PenaltyButton(act=PenaltyAct.LIFT, penalty=penalty.id.hex),
            )
        lines.append(line + evidence_text(penalty))
    builder.adjust(3)
    markup = builder.as_markup() if buttons else None
    return "\n".join(lines), markup


def ask_appeal() -> str:
    return _(
        "Write your appeal in one message (up to {limit} character), or send /cancel.",
        "Write your appeal in one message (up to {limit} characters), or send /cancel.",
        MAX_APPEAL_TEXT,
    ).format(limit=MAX_APPEAL_TEXT)


def appeal_sent() -> str:
    return _("Your appeal was sent to the managers.")


def appeal_stale() -> str:
    return _("This penalty cannot be appealed (again).")


def appeal_alert(penalty: StaffPenalty, name: str | None, amount: Decimal | None) -> OutboundMessage:
    text = _("⚖️ {name} appeals a penalty ({kind}{amount}).\nReason given: {reason}\nAppeal: {appeal}").format(
        name=quote(name or "?"),
        kind=kind_label(PenaltyKind(penalty.kind)),
        amount=amount_text(amount, penalty.currency),
        reason=quote_clipped(penalty.reason, REASON_BUDGET),
        appeal=quote_clipped(penalty.appeal or "", REASON_BUDGET),
    )
    hex_id = penalty.id.hex
    keyboard = (
        (
            InlineButton(_("Keep it"), callback_data=PenaltyButton(act=PenaltyAct.KEEP, penalty=hex_id).pack()),
            InlineButton(_("Lift it"), callback_data=PenaltyButton(act=PenaltyAct.LIFT, penalty=hex_id).pack()),
        ),
    )
    return OutboundMessage(text=text, keyboard=keyboard)


def decided(decision: AppealDecision) -> str:
    return _("The penalty is kept.") if decision is AppealDecision.KEPT else _("The penalty is lifted.")


def decision_stale() -> str:
    return _("This appeal was decided already.")


def decision_notice(decision: AppealDecision, *, appealed: bool = True, restored: bool = False) -> OutboundMessage:
    """What the member hears of a decision; `restored`: their access is back."""
    if decision is AppealDecision.KEPT:
        return OutboundMessage(text=_("⚖️ Your appeal was considered: the penalty is kept."))
    if appealed:
        text = _("⚖️ Your appeal was accepted: the penalty is lifted.")
    else:
        text = _("⚖️ A manager lifted a penalty recorded against you.")
    if restored:
        text += "\n" + _("Your access is back: send /help to see your commands.")
    return OutboundMessage(text=text)
