"""What people see of complaint cases: the client's /complain, the satisfaction question, staff's /complaints,
a case's card with its timeline, and the alerts to the people who handle them.

Callback data names a case by its id (32 hex digits); nothing in it is trusted: the service reads the case
afresh and checks it against the presser.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.delivery import InlineButton, OutboundMessage
from domain.quality import (
    DECISIONS,
    MAX_COMPLAINT_TEXT,
    Breach,
    CaseState,
    Category,
    Deadlines,
    EventKind,
    Moderation,
    Outcome,
    Severity,
    Source,
    breach,
    severity_of,
)
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.texts import quote, quote_clipped
from storage.repositories.complaints import Complaint, ComplaintEvent

Builder = Callable[[], OutboundMessage]  # a message rendered in its recipient's language
TEXT_BUDGET = 1500  # characters of the client's words on a case card
NOTE_BUDGET = 200  # characters of each note on a case card
TIMELINE_SHOWN = 12  # the newest lines of a case's timeline on its card (the card stays under 4096 characters)
LIST_LIMIT = 20


class ComplainButton(CallbackData, prefix="qk"):
    """The client's choice of what a complaint is about (`cancel`: changed their mind); about another client,
    `who` names someone they were introduced to (32 hex digits; checked afresh)."""

    about: Category | None = None
    cancel: bool = False
    who: str = ""


class SatisfactionButton(CallbackData, prefix="qs"):
    case: str  # 32 hex digits
    yes: bool


class CaseAct(StrEnum):
    LIST = "list"
    OPEN = "open"
    TAKE = "take"
    RESOLVE = "res"  # with the outcome in `outcome`
    MODERATE = "mod"  # a decision about the reported client, in `mod`
    NOTE = "note"  # ask for a handler's note


class CaseButton(CallbackData, prefix="qc"):
    act: CaseAct
    case: str = ""  # 32 hex digits
    outcome: Outcome | None = None
    mod: Moderation | None = None


class BlockButton(CallbackData, prefix="qb"):
    """Block someone the client was introduced to (32 hex digits; checked afresh)."""

    who: str


def reference(case_id: UUID) -> str:
    """The short reference people see (the first 8 hex digits)."""
    return f"#{case_id.hex[:8]}"


def parse_case(value: str) -> UUID | None:
    try:
        return UUID(hex=value) if len(value) == 32 else None
    except ValueError:
        return None


# --- labels ------------------------------------------------------------------------------------------------
def category_label(category: Category) -> str:
    return {
        Category.STAFF: _("staff"),
        Category.CLIENT: _("another client"),
        Category.SERVICE: _("the service"),
        Category.FEES: _("fees and payments"),
        Category.SUGGESTION: _("suggestion"),
    }[category]


def severity_label(severity: Severity) -> str:
    return {
        Severity.LOW: _("low"),
        Severity.NORMAL: _("normal"),
        Severity.HIGH: _("high"),
        Severity.URGENT: _("urgent"),
    }[severity]


def source_label(source: Source) -> str:
    return {
        Source.COMPLAIN: _("the client's own complaint"),
        Source.REPORT: _("a profile report"),
        Source.DATE_FEEDBACK: _("date feedback"),
        Source.HANDOFF_RATING: _("a conversation rating"),
        Source.SURVEY: _("the satisfaction survey"),
    }[source]


def state_label(state: CaseState) -> str:
    return {
        CaseState.OPEN: _("waiting for a first response"),
        CaseState.IN_PROGRESS: _("being handled"),
        CaseState.RESOLVED: _("resolved"),
    }[state]


def outcome_label(outcome: Outcome) -> str:
    return {
        Outcome.UPHELD: _("upheld"),
        Outcome.PARTLY_UPHELD: _("partly upheld"),
        Outcome.NOT_UPHELD: _("not upheld"),
        Outcome.NOTED: _("noted"),
    }[outcome]


def event_label(kind: EventKind) -> str:
    return {
        EventKind.OPENED: _("opened"),
        EventKind.RESPONDED: _("taken"),
        EventKind.ESCALATED: _("escalated: a target was missed"),
        EventKind.RESOLVED: _("resolved"),
        EventKind.SATISFIED: _("the client is satisfied"),
        EventKind.UNSATISFIED: _("the client is not satisfied"),
        EventKind.NOTE: _("note"),
    }[kind]


def age_text(delta: timedelta) -> str:
    """How long ago, in whole days, else hours, else minutes."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes >= 24 * 60:
        days = minutes // (24 * 60)
        return _("{count} day", "{count} days", days).format(count=days)
    if minutes >= 60:
        hours = minutes // 60
        return _("{count} hour", "{count} hours", hours).format(count=hours)
    return _("{count} minute", "{count} minutes", minutes).format(count=minutes)


def within_text(delta: timedelta) -> str:
    hours = max(1, int(delta.total_seconds() // 3600))
    return _("within {count} hour", "within {count} hours", hours).format(count=hours)


# --- the client's side -----------------------------------------------------------------------------------
def complain_menu() -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    choices = (
        (Category.STAFF, _("👤 My counselor")),
        (Category.CLIENT, _("🧑 Another client")),
        (Category.SERVICE, _("🏢 Our service")),
        (Category.FEES, _("💴 Fees and payments")),
        (Category.SUGGESTION, _("💡 A suggestion")),
    )
    for category, text in choices:
        builder.button(text=text, callback_data=ComplainButton(about=category))
    builder.button(text=_("✖️ Cancel"), callback_data=ComplainButton(cancel=True))
    builder.adjust(1)
    text = _(
        "What would you like to tell us about? A complaint is handled by our customer service, or by a manager "
        "when it is about a member of our staff."
    )
    return text, builder.as_markup()


def ask_complaint_text(category: Category) -> str:
    if category is Category.SUGGESTION:
        return _(
            "Please write your suggestion (up to {limit} character), or send /cancel.",
            "Please write your suggestion (up to {limit} characters), or send /cancel.",
            MAX_COMPLAINT_TEXT,
        ).format(limit=MAX_COMPLAINT_TEXT)
    return _(
        "Please tell us what happened in a few words (up to {limit} character), or send /cancel.",
        "Please tell us what happened in a few words (up to {limit} characters), or send /cancel.",
        MAX_COMPLAINT_TEXT,
    ).format(limit=MAX_COMPLAINT_TEXT)


def about_lead(name: str | None) -> str:
    """Whom the complaint will be about: a staff member's or a client's name (None: the counselor's unknown)."""
    if name:
        return _("Your complaint will be about {name}.").format(name=quote(name))
    return _("Your complaint will be about your counselor.")


def complain_about_whom(people: list[tuple[UUID, str, bool]]) -> tuple[str, InlineKeyboardMarkup | None]:
    """Whom a complaint about another client is about: the people the client was introduced to, by the name
    they were shown then."""
    if not people:
        return no_one_introduced(), None
    builder = InlineKeyboardBuilder()
    for account_id, name, _blocked in people:
        builder.button(text=f"🧑 {name}", callback_data=ComplainButton(about=Category.CLIENT, who=account_id.hex))
    builder.button(text=_("✖️ Cancel"), callback_data=ComplainButton(cancel=True))
    builder.adjust(1)
    text = _("Whom is your complaint about? You can complain about the people you were introduced to.")
    return text, builder.as_markup()


def no_one_introduced() -> str:
    return _(
        "You can only complain about people you were introduced to, and you have not been introduced to anyone "
        "yet. You can tell us about our service instead: send /complain again."
    )


def not_introduced() -> str:
    return _("You can only complain about people you were introduced to, or about our service.")


def never_met() -> str:
    return _(
        "You have not been served by a counselor yet, so there is nobody to complain about. You can tell us "
        "about our service instead: send /complain again."
    )


def text_too_long(length: int) -> str:
    return _(
        "That is {length} character; please keep it under {limit}.",
        "That is {length} characters; please keep it under {limit}.",
        length,
    ).format(length=length, limit=MAX_COMPLAINT_TEXT)


def words_please() -> str:
    return _("Please describe it in words.")


def complaint_received(case: Complaint) -> str:
    category = Category(case.category)
    if category is Category.SUGGESTION:
        return _("Thank you for your suggestion ({reference}). We read every one.").format(reference=reference(case.id))
    return _("Thank you. Your complaint is recorded as case {reference}; we will get back to you {within}.").format(
        reference=reference(case.id), within=within_text(case.first_response_due - case.created_at)
    )


def complaint_cancelled() -> str:
    return _("All right, nothing was sent.")


def only_for_clients() -> str:
    return _("This is for clients. To handle complaints, send /complaints.")


def start_first() -> str:
    return _("Please send /start first.")


def case_taken_notice(case: Complaint) -> OutboundMessage:
    return OutboundMessage(
        text=_("A member of our team is now looking into your case {reference}.").format(reference=reference(case.id))
    )


def resolved_notice(case: Complaint, outcome: Outcome) -> OutboundMessage:
    if outcome is Outcome.NOTED:
        lead = _("Your suggestion {reference} was read and noted. Thank you!").format(reference=reference(case.id))
    else:
        lead = _("Your case {reference} is closed: {outcome}.").format(
            reference=reference(case.id), outcome=outcome_label(outcome)
        )
    question = _("Are you satisfied with how we handled it?")
    hex_id = case.id.hex
    keyboard = (
        (
            InlineButton(text=_("👍 Yes"), callback_data=SatisfactionButton(case=hex_id, yes=True).pack()),
            InlineButton(text=_("👎 No"), callback_data=SatisfactionButton(case=hex_id, yes=False).pack()),
        ),
    )
    return OutboundMessage(text=f"{lead}\n\n{question}", keyboard=keyboard)


def satisfaction_thanks(yes: bool) -> str:
    if yes:
        return _("Thank you for telling us.")
    return _("We are sorry. A manager will read your answer and may contact you.")


def satisfaction_stale() -> str:
    return _("This question was answered already.")


# --- staff ----------------------------------------------------------------------------------------------
def case_line(case: Complaint, now: datetime) -> str:
    missed = _missed(case, now)
    flag = " ⚠️" if missed is not Breach.NONE else ""
    parts = (
        reference(case.id),
        category_label(Category(case.category)),
        severity_label(severity_of(case.severity)),
        age_text(now - case.created_at),
    )
    return " · ".join(parts) + flag


def _missed(case: Complaint, now: datetime) -> Breach:
    due = Deadlines(case.first_response_due, case.resolution_due)
    return breach(due, responded_at=case.responded_at, resolved_at=case.resolved_at, now=now)


def case_list(cases: list[Complaint], total: int, now: datetime) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    if not cases:
        builder.button(text=_("↻ Refresh"), callback_data=CaseButton(act=CaseAct.LIST))
        return _("📋 No open complaints. Well done!"), builder.as_markup()
    lines = [
        _(
            "📋 <b>{count} open complaint</b>, the oldest first:",
            "📋 <b>{count} open complaints</b>, the oldest first:",
            total,
        ).format(count=total)
    ]
    for case in cases[:LIST_LIMIT]:
        lines.append(case_line(case, now))
        builder.button(text=reference(case.id), callback_data=CaseButton(act=CaseAct.OPEN, case=case.id.hex))
    builder.button(text=_("↻ Refresh"), callback_data=CaseButton(act=CaseAct.LIST))
    builder.adjust(3)
    return "\n".join(lines), builder.as_markup()


def case_card(
    case: Complaint,
    events: list[ComplaintEvent],
    *,
    now: datetime,
    client_name: str,
    about_name: str | None,
    names: dict[UUID, str],
    about_client: bool = False,
    about_suspended: bool = False,
) -> tuple[str, InlineKeyboardMarkup]:
    category = Category(case.category)
    state = CaseState(case.state)
    lines = [
        _("🗂 <b>Case {reference}</b>").format(reference=reference(case.id)),
        _("Category: {category} · severity: {severity} · from {source}").format(
            category=category_label(category),
            severity=severity_label(severity_of(case.severity)),
            source=source_label(Source(case.source)),
        ),
        _("Client: {name} <code>{client}</code>").format(name=quote(client_name), client=case.client_id.hex[:8]),
    ]
    if about_name is not None:
        lines.append(_("About: {name}").format(name=quote(about_name)))
    if about_suspended:
        lines.append(_("⛔ This client's profile is suspended: nobody is shown it."))
    lines.append(_("State: {state}").format(state=state_label(state)))
    if case.outcome is not None:
        lines.append(_("Outcome: {outcome}").format(outcome=outcome_label(Outcome(case.outcome))))
    missed = _missed(case, now)
    if missed is Breach.FIRST_RESPONSE:
        lines.append(_("⚠️ The first-response target was missed."))
    elif missed is Breach.RESOLUTION:
        lines.append(_("⚠️ The resolution target was missed."))
    if case.text:
        lines += ["", f"<i>{quote_clipped(case.text, TEXT_BUDGET)}</i>"]
    elif case.text is None and case.source == Source.COMPLAIN.value:
        lines += ["", _("(The client's words are no longer readable.)")]
    lines += ["", _("<b>Timeline</b>")]
    if len(events) > TIMELINE_SHOWN:
        earlier = len(events) - TIMELINE_SHOWN
        lines.append(_("• …{count} earlier line", "• …{count} earlier lines", earlier).format(count=earlier))
    for event in events[-TIMELINE_SHOWN:]:
        who = names.get(event.actor_id) if event.actor_id is not None else None
        when = age_text(now - event.created_at)
        label = event_label(EventKind(event.kind))
        if event.kind == EventKind.NOTE.value:
            label = _("note: {text}").format(text=f"<i>{quote_clipped(event.note or '…', NOTE_BUDGET)}</i>")
        if who:
            lines.append(_("• {when} ago: {what} ({who})").format(when=when, what=label, who=quote(who)))
        else:
            lines.append(_("• {when} ago: {what}").format(when=when, what=label))
    builder = InlineKeyboardBuilder()
    hex_id = case.id.hex
    if state is CaseState.OPEN:
        builder.button(text=_("✋ Take it"), callback_data=CaseButton(act=CaseAct.TAKE, case=hex_id))
    elif state is CaseState.IN_PROGRESS and about_client:
        for action in DECISIONS:
            builder.button(
                text=moderation_label(action), callback_data=CaseButton(act=CaseAct.MODERATE, case=hex_id, mod=action)
            )
    elif state is CaseState.IN_PROGRESS:
        outcomes = (
            [Outcome.NOTED]
            if category is Category.SUGGESTION
            else [Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD]
        )
        for outcome in outcomes:
            builder.button(
                text=_("✅ Resolve: {outcome}").format(outcome=outcome_label(outcome)),
                callback_data=CaseButton(act=CaseAct.RESOLVE, case=hex_id, outcome=outcome),
            )
    if about_suspended:
        lift = Moderation.LIFT
        builder.button(
            text=moderation_label(lift), callback_data=CaseButton(act=CaseAct.MODERATE, case=hex_id, mod=lift)
        )
    builder.button(text=_("📝 Add a note"), callback_data=CaseButton(act=CaseAct.NOTE, case=hex_id))
    builder.button(text=_("⬅️ All open complaints"), callback_data=CaseButton(act=CaseAct.LIST))
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


def moderation_label(action: Moderation) -> str:
    return {
        Moderation.DISMISS: _("🙅 Dismiss: nothing wrong"),
        Moderation.WARN: _("⚠️ Warn the client"),
        Moderation.HIDE_7: _("🙈 Hide from suggestions for 7 days"),
        Moderation.HIDE_30: _("🙈 Hide from suggestions for 30 days"),
        Moderation.SUSPEND: _("⛔ Suspend the profile"),
        Moderation.LIFT: _("↩️ Lift the suspension"),
    }[action]


def moderation_notice(action: Moderation) -> OutboundMessage:
    """What the reported client is told (never who complained)."""
    days = action.hidden_days
    if action is Moderation.WARN:
        text = _(
            "⚠️ A notice from the agency: we received a complaint about how you behaved towards another client. "
            "Please be respectful and honest, and never ask anyone for money. Another complaint may hide your "
            "profile from suggestions."
        )
    elif action is Moderation.LIFT:
        text = _("✅ Your profile is no longer suspended: it is shown in suggestions again.")
    elif days is not None:
        text = _(
            "Your profile is hidden from suggestions for {count} day after a complaint about it. A counselor can "
            "tell you more: send /human.",
            "Your profile is hidden from suggestions for {count} days after a complaint about it. A counselor can "
            "tell you more: send /human.",
            days,
        ).format(count=days)
    else:
        text = _(
            "Your profile is suspended after complaints about it: nobody is shown your profile. A manager will "
            "contact you; you can also send /human."
        )
    return OutboundMessage(text=text)


def moderation_done(action: Moderation) -> str:
    if action is Moderation.DISMISS:
        return _("Dismissed. The client who complained was told.")
    if action is Moderation.LIFT:
        return _("The suspension is lifted. The client was told their profile is shown again.")
    return _("Done. Both clients were told what concerns them.")


def not_suspended() -> str:
    return _("This profile is not suspended (any more).")


def profile_gone() -> str:
    return _("That profile was deleted; only dismissing is left.")


def block_menu(people: list[tuple[UUID, str, bool]]) -> tuple[str, InlineKeyboardMarkup | None]:
    if not people:
        return _("You have not been introduced to anyone yet, so there is nobody to block."), None
    builder = InlineKeyboardBuilder()
    for account_id, name, blocked in people:
        if not blocked:
            builder.button(text=_("🚫 Block {name}").format(name=name), callback_data=BlockButton(who=account_id.hex))
    builder.adjust(1)
    if not any(not blocked for _id, _name, blocked in people):
        return _("You have blocked everyone you were introduced to."), None
    text = _(
        "Whom do you want to block? Neither of you will be suggested to or put in touch with the other again, and "
        "they are not told."
    )
    return text, builder.as_markup()


def blocked_text(name: str) -> str:
    return _("You blocked {name}. You will not be suggested to or put in touch with each other again.").format(
        name=quote(name)
    )


def block_stale() -> str:
    return _("You can only block someone you were introduced to.")


def block_alert(client_id: UUID) -> OutboundMessage:
    return OutboundMessage(
        text=_("🚫 Client <code>{client}</code> blocked someone they were introduced to.").format(
            client=client_id.hex[:8]
        )
    )


def new_case_alert(case: Complaint) -> OutboundMessage:
    text = _("🆕 New case {reference}: {category} ({severity}). First response due {within}.").format(
        category=category_label(Category(case.category)),
        reference=reference(case.id),
        severity=severity_label(severity_of(case.severity)),
        within=within_text(case.first_response_due - case.created_at),
    )
    button = InlineButton(
        text=_("Open {reference}").format(reference=reference(case.id)),
        callback_data=CaseButton(act=CaseAct.OPEN, case=case.id.hex).pack(),
    )
    return OutboundMessage(text=text, keyboard=((button,),))


def escalation_alert(case: Complaint, missed: Breach) -> OutboundMessage:
    if missed is Breach.RESOLUTION:
        text = _("⏰ Case {reference} ({category}) missed its resolution target.")
    else:
        text = _("⏰ Case {reference} ({category}) missed its first-response target: nobody has taken it.")
    button = InlineButton(
        text=_("Open {reference}").format(reference=reference(case.id)),
        callback_data=CaseButton(act=CaseAct.OPEN, case=case.id.hex).pack(),
    )
    return OutboundMessage(
        text=text.format(reference=reference(case.id), category=category_label(Category(case.category))),
        keyboard=((button,),),
    )


def unsatisfied_alert(case: Complaint) -> OutboundMessage:
    button = InlineButton(
        text=_("Open {reference}").format(reference=reference(case.id)),
        callback_data=CaseButton(act=CaseAct.OPEN, case=case.id.hex).pack(),
    )
    return OutboundMessage(
        text=_("😞 The client is not satisfied with how case {reference} was handled.").format(
            reference=reference(case.id)
        ),
        keyboard=((button,),),
    )


def case_gone() -> str:
    return _("That case no longer exists.")


def taken_already() -> str:
    return _("Someone took this case already.")


def resolved_already() -> str:
    return _("This case was resolved already.")


def take_first() -> str:
    return _("Take the case first.")


def case_taken() -> str:
    return _("The case is yours. The client was told someone is looking into it.")


def case_resolved() -> str:
    return _("Resolved. The client was asked whether they are satisfied.")


def case_resolved_with_refund() -> str:
    return _(
        "Resolved. The client was asked whether they are satisfied, and finance was asked to decide on the refund "
        "the policy gives (/refunds)."
    )


def wrong_outcome() -> str:
    return _("That outcome does not fit this case.")


# --- transcript review ----------------------------------------------------------------------------------------
TRANSCRIPT_BUDGET = 3900


def transcript_usage() -> str:
    return _("Send /transcript and the client's reference (the 8 characters on their card), e.g. /transcript 1a2b3c4d.")


def no_client() -> str:
    return _("No client has that reference.")


def transcript_text(
    client_id: UUID,
    client_name: str,
    conversations: list[tuple[datetime, str | None, list[tuple[datetime, bool, str]]]],
) -> str:
    """The newest conversations first; each line with its time (UTC), who said it and what (escaped)."""
    if not conversations:
        return _("This client has not talked with a counselor through the bot.")
    lines = [
        _("📜 <b>Conversation transcript</b> · {name} <code>{client}</code>").format(
            name=quote(client_name), client=client_id.hex[:8]
        )
    ]
    for started, counselor, said in conversations:
        lines += [
            "",
            _("<b>{day}</b>, with {counselor}").format(
                day=started.strftime("%Y-%m-%d %H:%M"), counselor=quote(counselor or "?")
            ),
        ]
        for at, from_client, text in said:
            who = client_name if from_client else (counselor or "?")
            lines.append(f"{at.strftime('%H:%M')} {quote(who)}: {quote(text)}")
    text = "\n".join(lines)
    if len(text) > TRANSCRIPT_BUDGET:
        text = text[:TRANSCRIPT_BUDGET].rsplit("\n", 1)[0] + "\n" + _("…(cut here: the conversation goes on.)")
    return text


def ask_case_note(case_id: UUID) -> str:
    return _("Write your note on case {reference} in one message (only staff read it; /cancel to stop).").format(
        reference=reference(case_id)
    )


def case_note_added() -> str:
    return _("📝 The note was added to the case.")
