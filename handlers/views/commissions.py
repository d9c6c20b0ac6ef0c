"""What staff see of commissions: the rule table and its history (/commissions), a month's statements
(/statements), one statement with every line traced to its event, one's own (/mycommission), and the notice
of an approval. Clients appear by their 8-hex-digit reference only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.delivery import OutboundMessage
from domain.membership.money import from_minor
from domain.membership.schedule import schedule
from domain.personnel.commissions import Outcome, Rule, StatementState, month_code
from handlers.views.finance import money, month_name
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.punctuation import labelled, with_aside
from handlers.views.texts import current_locale, quote_clipped
from storage.records import StaffMember
from storage.repositories.commissions import RuleChange, Statement, StatementLine

LINES_SHOWN = 25  # lines of one statement in a message (the total always counts them all)
NAME_BUDGET = 32


class CommissionAct(StrEnum):
    RULES = "rules"  # the rule table
    EDIT = "edit"  # set the amount of one (outcome, tier)
    HISTORY = "history"  # the rule changes
    MONTH = "month"  # a month's statements
    DRAW = "draw"  # draw a month's statements up again
    OPEN = "open"  # one statement
    APPROVE = "approve"


class CommissionButton(CallbackData, prefix="cm"):
    act: CommissionAct
    outcome: str = ""
    tier: str = ""
    ref: str = ""  # a statement's 32 hex digits, or a month as YYYY-MM


def outcome_label(outcome: Outcome) -> str:
    return {
        Outcome.PAID_MEMBERSHIP: _("paid membership"),
        Outcome.INTRODUCTION: _("introduction"),
        Outcome.DATING: _("couple reached dating"),
    }[outcome]


def tier_label(code: str) -> str:
    return schedule().tier(code).name(current_locale())


def tier_codes(outcome: Outcome | None = None) -> list[str]:
    """The tiers a rule may be set for (a paid membership is of a paid tier)."""
    tiers = schedule().paid() if outcome is Outcome.PAID_MEMBERSHIP else schedule().tiers
    return [tier.code for tier in tiers]


def short(value: UUID) -> str:
    return value.hex[:8]


def minor_money(minor: int, currency: str) -> str:
    return money(from_minor(minor, currency), currency)


def member_name(member: StaffMember | None, account_id: UUID) -> str:
    name = None if member is None else member.display_name
    shown = quote_clipped(name, NAME_BUDGET) if name else _("a member without a name")
    return f"{shown} <code>{short(account_id)}</code>"


def state_label(state: StatementState) -> str:
    return {StatementState.DRAFT: _("draft, waiting for approval"), StatementState.APPROVED: _("approved")}[state]


# --- the rule table ------------------------------------------------------------------------------------------


def rules_view(table: dict[tuple[Outcome, str], Rule], currency: str) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("💰 <b>Commission rules</b> (per outcome and membership tier, in {currency})").format(currency=currency)]
    builder = InlineKeyboardBuilder()
    for outcome in Outcome:
        lines += ["", f"<b>{outcome_label(outcome)}</b>"]
        for tier in tier_codes(outcome):
            rule = table.get((outcome, tier))
            value = minor_money(rule.amount_minor, currency) if rule is not None else _("none")
            lines.append(labelled(tier_label(tier), value))
            builder.button(
                text=f"✏️ {outcome_label(outcome)} · {tier_label(tier)}",
                callback_data=CommissionButton(act=CommissionAct.EDIT, outcome=outcome.value, tier=tier),
            )
    lines += ["", _("Press a rule to change its amount. A change applies to events from now on.")]
    builder.button(text=_("🕘 History of changes"), callback_data=CommissionButton(act=CommissionAct.HISTORY))
    return "\n".join(lines), builder.as_markup()


def ask_rule_amount(outcome: Outcome, tier: str, currency: str, current: Rule | None) -> str:
    now = minor_money(current.amount_minor, currency) if current is not None else _("none")
    return _(
        "New commission for “{outcome}” ({tier}), now {current}. Write the amount in {currency}; 0 pays nothing."
    ).format(outcome=outcome_label(outcome), tier=tier_label(tier), current=now, currency=currency)


def bad_rule_amount(currency: str) -> str:
    return _("That is not an amount I can use. Write it in {currency}, like 150 or 99.50 (0 pays nothing).").format(
        currency=currency
    )


def rule_saved(outcome: Outcome, tier: str, value: Decimal, currency: str) -> str:
    return _("Saved: “{outcome}” ({tier}) now earns {amount}. /commissions shows the table.").format(
        outcome=outcome_label(outcome), tier=tier_label(tier), amount=money(value, currency)
    )


def history_view(changes: Sequence[tuple[RuleChange, str | None]], zone: ZoneInfo) -> str:
    if not changes:
        return _("No commission rule has been set yet.")
    lines = [_("🕘 <b>Commission rule changes</b>, the newest first")]
    for change, name in changes:
        rule = change.rule
        who = quote_clipped(name, NAME_BUDGET) if name else "—"
        lines.append(
            _("{when}: {outcome} ({tier}) → {amount}, by {who}").format(
                when=local_time(rule.valid_from, zone),
                outcome=outcome_label(rule.outcome),
                tier=tier_label(rule.tier),
                amount=minor_money(rule.amount_minor, rule.currency),
                who=who,
            )
        )
    return "\n".join(lines)


def local_time(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


# --- statements ----------------------------------------------------------------------------------------------


def month_view(
    month: date, rows: Sequence[tuple[Statement, StaffMember | None]], *, may_draw: bool
) -> tuple[str, InlineKeyboardMarkup]:
    title = _("🧾 <b>Commission statements, {month}</b>").format(month=month_name(month))
    builder = InlineKeyboardBuilder()
    lines = [title]
    if not rows:
        lines.append(_("No statement for this month: no counselor has an event a rule pays for."))
    for statement, member in rows:
        total = minor_money(statement.total_minor, statement.currency)
        lines.append(
            labelled(member_name(member, statement.counselor_id), with_aside(total, state_label(statement.state)))
        )
        label = member.display_name if member is not None and member.display_name else short(statement.counselor_id)
        builder.button(
            text=f"🧾 {label[:24]}",
            callback_data=CommissionButton(act=CommissionAct.OPEN, ref=statement.id.hex),
        )
    if may_draw:
        builder.button(
            text=_("🔄 Draw up again from the events"),
            callback_data=CommissionButton(act=CommissionAct.DRAW, ref=month_code(month)),
        )
    return "\n".join(lines), builder.as_markup()


def statements_usage() -> str:
    return _("Send /statements for last month, or /statements YYYY-MM for another month.")


def event_label(outcome: Outcome) -> str:
    return {
        Outcome.PAID_MEMBERSHIP: _("payment"),
        Outcome.INTRODUCTION: _("introduction"),
        Outcome.DATING: _("stage change"),
    }[outcome]


def line_text(line: StatementLine, currency: str, zone: ZoneInfo) -> str:
    return _("{when} · {outcome} ({tier}) · client {client} · {event} {ref} · {amount}").format(
        when=local_time(line.occurred_at, zone),
        outcome=outcome_label(line.outcome),
        tier=tier_label(line.tier),
        client=f"<code>{short(line.client_id)}</code>",
        event=event_label(line.outcome),
        ref=f"<code>{short(line.event_id)}</code>",
        amount=minor_money(line.amount_minor, currency),
    )


def statement_text(
    statement: Statement, member: StaffMember | None, lines: Sequence[StatementLine], zone: ZoneInfo
) -> str:
    parts = [
        _("🧾 <b>Commission for {month}</b>: {name}").format(
            month=month_name(statement.month), name=member_name(member, statement.counselor_id)
        ),
        labelled(_("State"), state_label(statement.state)),
        "",
    ]
    parts += [line_text(line, statement.currency, zone) for line in lines[:LINES_SHOWN]]
    hidden = len(lines) - LINES_SHOWN
    if hidden > 0:
        parts.append(_("… and {count} more line", "… and {count} more lines", hidden).format(count=hidden))
    parts += [
        "",
        _("<b>Total: {total}</b>").format(total=minor_money(statement.total_minor, statement.currency)),
    ]
    return "\n".join(parts)


def statement_view(
    statement: Statement,
    member: StaffMember | None,
    lines: Sequence[StatementLine],
    zone: ZoneInfo,
    *,
    may_approve: bool,
) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    if may_approve and statement.state is StatementState.DRAFT:
        builder.button(
            text=_("✅ Approve and book"),
            callback_data=CommissionButton(act=CommissionAct.APPROVE, ref=statement.id.hex),
        )
    builder.button(
        text=_("⬅️ The month's statements"),
        callback_data=CommissionButton(act=CommissionAct.MONTH, ref=month_code(statement.month)),
    )
    return statement_text(statement, member, lines, zone), builder.as_markup()


def approved_text(total: str) -> str:
    return _("✅ Approved. {amount} is booked in the ledger as a commission expense.").format(amount=total)


def already_approved() -> str:
    return _("This statement was approved already; nothing more was booked.")


def not_ended() -> str:
    return _("The month is not over yet: its statement can be approved from the 1st of next month.")


def statement_gone() -> str:
    return _("This statement is no longer there (it was drawn up again). Send /statements.")


def drawn_text(count: int) -> str:
    return _("Drawn up again: {count} statement.", "Drawn up again: {count} statements.", count).format(count=count)


def own_view(statements: Sequence[tuple[Statement, list[StatementLine]]], zone: ZoneInfo) -> str:
    """The newest statement line by line, the earlier ones by their totals."""
    if not statements:
        return _("You have no commission statement yet. They are drawn up on the 1st of each month.")
    newest, lines = statements[0]
    body = statement_text(newest, None, lines, zone).split("\n", 1)[1]
    texts = [_("🧾 <b>Your commission for {month}</b>").format(month=month_name(newest.month)) + "\n" + body]
    if len(statements) > 1:
        texts.append(_("<b>Earlier months</b>"))
        texts += [
            labelled(
                month_name(statement.month),
                with_aside(minor_money(statement.total_minor, statement.currency), state_label(statement.state)),
            )
            for statement, _lines in statements[1:]
        ]
    return "\n".join([texts[0], "", *texts[1:]]) if len(texts) > 1 else texts[0]


def approved_notice(statement: Statement, total: Decimal) -> OutboundMessage:
    return OutboundMessage(
        text=_("🧾 Your commission for {month} was approved: {total}. /mycommission shows every line.").format(
            month=month_name(statement.month), total=money(total, statement.currency)
        )
    )
