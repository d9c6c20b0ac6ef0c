"""Hiring as people read it: the managers' /hiring screens (positions, the pipeline, a candidate's card, the
position form), the candidate's interview in the bot, and the messages the outbox carries (a new candidate for
the managers, the invitation for a hired candidate)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.delivery import InlineButton, OutboundMessage
from domain.personnel.hiring import (
    HEADCOUNT_LIMIT,
    NAME_LIMIT,
    REQUIREMENTS_LIMIT,
    TITLE_LIMIT,
    AnswerProblem,
    EventKind,
    FormProblem,
    Pipeline,
    PositionState,
    Stage,
    next_stage,
    payload,
)
from domain.staff import Role
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.punctuation import labelled, with_aside
from handlers.views.staff import role_label
from handlers.views.texts import quote, quote_clipped
from storage.repositories.hiring import Candidate, CandidateEvent, Position

BUTTON_BUDGET = 40  # characters of a name or title on a button
ANSWER_BUDGET = 800  # characters of each interview answer on a card
NOTE_BUDGET = 200
TIMELINE_SHOWN = 12
LISTED = 30  # candidates listed per stage


class HiringAct(StrEnum):
    LIST = "list"  # every position
    POSITION = "pos"  # a position's card and pipeline
    NEW = "new"  # start the position form
    ROLE = "role"  # the role of a new position (`stage` carries the role code)
    CLOSE = "close"
    STAGE = "stage"  # the candidates of a position at a stage
    CANDIDATE = "cand"
    ADVANCE = "next"  # one stage on from `stage`
    DECLINE = "decline"  # from `stage`
    HIRE = "hire"
    NOTE = "note"


class HiringButton(CallbackData, prefix="hiring"):
    """A manager's button. `ref`: a position's or a candidate's id (32 hex digits); `stage`: where the candidate
    stood when the card was drawn (a stage code), or the role of a new position."""

    act: HiringAct
    ref: str = ""
    stage: str = ""


class ApplyButton(CallbackData, prefix="apply"):
    """ "Start my application" under a position's description (`ref`: the position's id, 32 hex digits)."""

    ref: str


def parse_ref(value: str) -> UUID | None:
    try:
        return UUID(hex=value)
    except ValueError:
        return None


def parse_stage(value: str) -> Stage | None:
    try:
        return Stage(value)
    except ValueError:
        return None


def stage_label(stage: Stage) -> str:
    labels = {
        Stage.APPLIED: _("applied"),
        Stage.INTERVIEW: _("interview"),
        Stage.OFFER: _("offer"),
        Stage.HIRED: _("hired"),
        Stage.DECLINED: _("declined"),
    }
    return labels[stage]


def state_label(state: PositionState) -> str:
    return _("accepting applications") if state is PositionState.OPEN else _("closed to applications")


def _when(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _clip(text: str) -> str:
    """Plain text for a button."""
    return text if len(text) <= BUTTON_BUDGET else text[: BUTTON_BUDGET - 1] + "…"


# --- Positions -----------------------------------------------------------------------------------------------


def position_line(position: Position, pipeline: Pipeline) -> str:
    return _("{title} ({role}): {filled} of {headcount} hired, {waiting} in progress, {state}").format(
        title=quote(position.title),
        role=role_label(Role(position.role)),
        filled=pipeline.filled,
        headcount=position.headcount,
        waiting=pipeline.in_progress,
        state=state_label(PositionState(position.state)),
    )


def positions_view(summaries: Sequence[tuple[Position, Pipeline]]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("<b>Hiring</b>")]
    builder = InlineKeyboardBuilder()
    if not summaries:
        lines.append(_("No positions yet. Open one with the button below."))
    for number, (position, pipeline) in enumerate(summaries, start=1):
        lines.append(f"{number}. {position_line(position, pipeline)}")
        builder.button(
            text=f"{number}. {_clip(position.title)}",
            callback_data=HiringButton(act=HiringAct.POSITION, ref=position.id.hex),
        )
    builder.button(text=_("➕ New position"), callback_data=HiringButton(act=HiringAct.NEW))
    return "\n".join(lines), builder.as_markup()


def apply_links(position: Position, bot_username: str | None, webchat: str) -> list[str]:
    links = []
    if bot_username:
        links.append(labelled("Telegram", f"https://t.me/{bot_username}?start={payload(position.code)}"))
    links.append(labelled(_("Web chat"), f"{webchat}/?start={payload(position.code)}"))
    return links


def position_view(
    position: Position, pipeline: Pipeline, bot_username: str | None, webchat: str
) -> tuple[str, InlineKeyboardMarkup]:
    state = PositionState(position.state)
    lines = [
        f"<b>{quote(position.title)}</b>",
        labelled(_("Role"), role_label(Role(position.role))),
        labelled(_("Hired"), _("{filled} of {headcount}").format(filled=pipeline.filled, headcount=position.headcount)),
        labelled(_("State"), state_label(state)),
        labelled(_("Requirements"), quote(position.requirements)),
        "",
        _("<b>Pipeline</b>"),
    ]
    builder = InlineKeyboardBuilder()
    for stage in Stage:
        count = pipeline.counts.get(stage, 0)
        lines.append(labelled(stage_label(stage), count))
        if count:
            builder.button(
                text=with_aside(stage_label(stage), count),
                callback_data=HiringButton(act=HiringAct.STAGE, ref=position.id.hex, stage=stage.value),
            )
    if state is PositionState.OPEN:
        lines += ["", _("Candidates apply through these links:"), *apply_links(position, bot_username, webchat)]
        builder.button(
            text=_("Close the position"), callback_data=HiringButton(act=HiringAct.CLOSE, ref=position.id.hex)
        )
    builder.button(text=_("« Positions"), callback_data=HiringButton(act=HiringAct.LIST))
    builder.adjust(2)
    return "\n".join(lines), builder.as_markup()


def stage_view(position: Position, stage: Stage, candidates: Sequence[Candidate]) -> tuple[str, InlineKeyboardMarkup]:
    title = _("{title}: {stage}").format(title=quote(position.title), stage=stage_label(stage))
    lines = [f"<b>{title}</b>"]
    if not candidates:
        lines.append(_("Nobody is at this stage now."))
    builder = InlineKeyboardBuilder()
    for candidate in candidates[:LISTED]:
        builder.button(
            text=_clip(candidate.name),
            callback_data=HiringButton(act=HiringAct.CANDIDATE, ref=candidate.id.hex),
        )
    builder.button(text=_("« Back"), callback_data=HiringButton(act=HiringAct.POSITION, ref=position.id.hex))
    return "\n".join(lines), builder.as_markup()


def event_line(event: CandidateEvent, names: dict[UUID, str], zone: ZoneInfo) -> str:
    when = _when(event.created_at, zone)
    who = names.get(event.actor_id) if event.actor_id is not None else None
    kind = EventKind(event.kind)
    if kind is EventKind.APPLIED:
        text = _("applied in the bot")
    elif kind is EventKind.NOTE:
        text = _("note: {note}").format(note=quote_clipped(event.note or "", NOTE_BUDGET))
    elif kind is EventKind.HIRED:
        text = _("hired; the staff invitation was sent")
    elif kind is EventKind.DECLINED:
        text = _("declined")
    else:
        text = _("moved to {stage}").format(stage=stage_label(Stage(event.stage or Stage.APPLIED.value)))
    line = f"{when} · {text}"
    return with_aside(line, quote(who)) if who else line


def candidate_view(
    candidate: Candidate,
    position: Position,
    timeline: Sequence[CandidateEvent],
    names: dict[UUID, str],
    zone: ZoneInfo,
) -> tuple[str, InlineKeyboardMarkup]:
    stage = Stage(candidate.stage)
    lines = [
        f"<b>{quote(candidate.name)}</b>",
        labelled(_("Position"), quote(position.title)),
        labelled(_("Stage"), stage_label(stage)),
        labelled(_("Phone"), quote(candidate.phone)),
        labelled(_("Applied"), _when(candidate.applied_at, zone)),
        "",
        f"<b>{_('Experience')}</b>",
        quote_clipped(candidate.experience, ANSWER_BUDGET),
        "",
        f"<b>{_('Why this job')}</b>",
        quote_clipped(candidate.motivation, ANSWER_BUDGET),
        "",
        _("<b>Timeline</b>"),
        *[event_line(event, names, zone) for event in timeline[-TIMELINE_SHOWN:]],
    ]
    ref = candidate.id.hex
    builder = InlineKeyboardBuilder()
    following = next_stage(stage)
    if following is Stage.HIRED:
        builder.button(text=_("✅ Hire"), callback_data=HiringButton(act=HiringAct.HIRE, ref=ref, stage=stage.value))
    elif following is not None:
        builder.button(
            text=_("➡️ Move to {stage}").format(stage=stage_label(following)),
            callback_data=HiringButton(act=HiringAct.ADVANCE, ref=ref, stage=stage.value),
        )
    if following is not None:
        builder.button(text=_("Decline"), callback_data=HiringButton(act=HiringAct.DECLINE, ref=ref, stage=stage.value))
    builder.button(text=_("📝 Add a note"), callback_data=HiringButton(act=HiringAct.NOTE, ref=ref))
    builder.button(
        text=_("« Back"),
        callback_data=HiringButton(act=HiringAct.STAGE, ref=position.id.hex, stage=stage.value),
    )
    builder.adjust(2)
    return "\n".join(lines), builder.as_markup()


def stale() -> str:
    return _("This has changed in the meantime. Please open /hiring again.")


def position_full() -> str:
    return _("Every seat of this position is filled already.")


def hired_text(name: str, delivered: bool, closed: bool) -> str:
    lines = [_("{name} is hired. A staff invitation was issued.").format(name=quote(name))]
    if delivered:
        lines.append(_("The invitation was sent to them in the bot."))
    else:
        lines.append(_("They cannot receive messages from the bot: please give them an invitation with /invite."))
    if closed:
        lines.append(_("Every seat is filled now: the position is closed."))
    return "\n".join(lines)


def ask_note() -> str:
    return _("Send the note about this candidate (up to 1000 characters), or /cancel.")


def note_saved() -> str:
    return _("Note added to the candidate's timeline.")


# --- The position form ---------------------------------------------------------------------------------------


def role_question(roles: Sequence[Role]) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for role in roles:
        builder.button(text=role_label(role), callback_data=HiringButton(act=HiringAct.ROLE, stage=role.value))
    builder.adjust(2)
    return _("A new position. Which role is it for?"), builder.as_markup()


def no_roles() -> str:
    return _("Sorry, there is no role you may hire for.")


def title_question(role: Role) -> str:
    return _(
        "A new position for the role {role}. What is its title (up to {limit} character)? "
        "For example “Counselor, Shanghai office”.",
        "A new position for the role {role}. What is its title (up to {limit} characters)? "
        "For example “Counselor, Shanghai office”.",
        TITLE_LIMIT,
    ).format(role=role_label(role), limit=TITLE_LIMIT)


def headcount_question() -> str:
    return _("How many people do you want to hire for it? Send a number from 1 to {limit}.").format(
        limit=HEADCOUNT_LIMIT
    )


def requirements_question() -> str:
    return _(
        "What does a candidate need to bring (up to {limit} character)? Experience, languages, background…",
        "What does a candidate need to bring (up to {limit} characters)? Experience, languages, background…",
        REQUIREMENTS_LIMIT,
    ).format(limit=REQUIREMENTS_LIMIT)


def form_problem(problem: FormProblem) -> str:
    if problem is FormProblem.TOO_LONG:
        return _("That is too long; please make it shorter.")
    if problem is FormProblem.NOT_A_NUMBER:
        return _("Please send a whole number from 1 to {limit}.").format(limit=HEADCOUNT_LIMIT)
    return _("Please send it as text.")


def form_stale() -> str:
    return _("This form has expired. Please start again with /hiring.")


# --- The candidate's interview -------------------------------------------------------------------------------


def apply_intro(position: Position) -> tuple[str, InlineKeyboardMarkup]:
    text = "\n\n".join(
        [
            f"<b>{quote(position.title)}</b> · {role_label(Role(position.role))}",
            quote(position.requirements),
            _(
                "To apply, answer four short questions: your name, a phone number, your experience and why you "
                "want this job. Only the agency's hiring managers read your answers; they are stored encrypted, "
                "and you can ask the agency to delete them at any time."
            ),
        ]
    )
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Start my application"), callback_data=ApplyButton(ref=position.id.hex))
    return text, builder.as_markup()


def not_open() -> str:
    return _("Sorry, this position is no longer open.")


def no_position() -> str:
    return _("Sorry, this job link is not valid. Please ask the agency for a new one.")


def already_staff() -> str:
    return _("You are already on the agency's staff.")


def already_applied() -> str:
    return _("You have already applied for this position. The agency will contact you.")


def name_question() -> str:
    return _("What is your full name?")


def phone_question() -> str:
    return _("What phone number can the agency reach you on? Type it, or share it with the button below.")


def experience_question() -> str:
    return _("Tell us briefly about your experience: work with people, counselling, customer service…")


def motivation_question() -> str:
    return _("Why do you want this job?")


def answer_problem(problem: AnswerProblem, limit: int) -> str:
    if problem is AnswerProblem.NOT_A_NAME:
        return _("Please send your name in letters, on one line (no links or emoji).")
    if problem is AnswerProblem.NOT_A_PHONE:
        return _("That does not look like a phone number. Please type it with the country code, e.g. +86 138 0013 8000")
    if problem is AnswerProblem.TOO_SHORT:
        return _("Please write a little more.")
    if problem is AnswerProblem.TOO_LONG:
        return _(
            "That is too long; please keep it to {limit} character.",
            "That is too long; please keep it to {limit} characters.",
            limit,
        ).format(limit=limit)
    return _("Please answer in text.")


def applied(title: str) -> str:
    return _("Thank you! Your application for “{title}” has been received. The agency will contact you.").format(
        title=quote(title)
    )


def application_stale() -> str:
    return _("This application has expired. Please open the job link again.")


# --- Messages through the outbox -------------------------------------------------------------------------------


def new_candidate_alert(title: str, name: str, candidate_id: UUID) -> OutboundMessage:
    text = _("🧑‍💼 A new candidate for “{title}”: {name}.").format(
        title=quote_clipped(title, TITLE_LIMIT), name=quote_clipped(name, NAME_LIMIT)
    )
    button = InlineButton(
        _("Open the candidate"), callback_data=HiringButton(act=HiringAct.CANDIDATE, ref=candidate_id.hex).pack()
    )
    return OutboundMessage(text=text, keyboard=((button,),))


def hired_notice(title: str, role: Role, invite_payload: str, hours: int, bot_username: str | None) -> OutboundMessage:
    lines = [
        _("🎉 Congratulations! The agency hires you as {role} (“{title}”).").format(
            role=role_label(role), title=quote_clipped(title, TITLE_LIMIT)
        ),
        _(
            "To join the team, send this within {hours} hour:",
            "To join the team, send this within {hours} hours:",
            hours,
        ).format(hours=hours),
        f"<code>/start {invite_payload}</code>",
    ]
    if bot_username:
        lines.append(_("or open this link:\n{link}").format(link=f"https://t.me/{bot_username}?start={invite_payload}"))
    return OutboundMessage(text="\n".join(lines))
