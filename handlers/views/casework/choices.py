"""The screens on which staff choose for a client's case: the next stage, why a case closes, the next
follow-up, the counselor to look after the client, and the candidate to propose to them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.casework import FOLLOW_UP_CHOICES, ClosingReason, follow_up_day
from domain.pipeline import Stage
from handlers.views.casework import screens as views
from handlers.views.casework.buttons import CaseAction, CaseButton, short
from handlers.views.keyboards import InlineKeyboardBuilder
from storage.records import ClientProfile, StaffMember

Screen = tuple[str, InlineKeyboardMarkup]


def _back(builder: InlineKeyboardBuilder, client_id: UUID, to: CaseAction = CaseAction.OPEN) -> None:
    builder.button(text=_("« Back"), callback_data=CaseButton(action=to, client=client_id))


def stage_choice(client_id: UUID, profile: ClientProfile, current: Stage | None) -> Screen:
    builder = InlineKeyboardBuilder()
    for stage in Stage:
        if stage is not current and stage is not Stage.NEW:
            builder.button(
                text=views.stage_label(stage),
                callback_data=CaseButton(action=CaseAction.STAGE, client=client_id, arg=stage.value),
            )
    _back(builder, client_id)
    builder.adjust(2)
    text = _("The case of {client} is now “{stage}”. Move it to:").format(
        client=views.client_reference(client_id, profile), stage=views.stage_label(current)
    )
    return text, builder.as_markup()


def closing_choice(client_id: UUID) -> Screen:
    builder = InlineKeyboardBuilder()
    for reason in ClosingReason:
        builder.button(
            text=views.closing_reason_label(reason),
            callback_data=CaseButton(action=CaseAction.CLOSE, client=client_id, arg=reason.value),
        )
    _back(builder, client_id, CaseAction.STAGES)
    builder.adjust(1)
    return _("Why is the case closed?"), builder.as_markup()


def follow_up_choice(client_id: UUID, profile: ClientProfile, current: date | None, today: date) -> Screen:
    builder = InlineKeyboardBuilder()
    for days in FOLLOW_UP_CHOICES:
        day = follow_up_day(today, days)
        assert day is not None
        builder.button(
            text=_("in {days} d · {date}").format(days=days, date=day.strftime("%m-%d")),
            callback_data=CaseButton(action=CaseAction.FOLLOW_UP_SET, client=client_id, arg=str(days)),
        )
    builder.button(
        text=_("No follow-up"), callback_data=CaseButton(action=CaseAction.FOLLOW_UP_SET, client=client_id, arg="0")
    )
    _back(builder, client_id)
    builder.adjust(3, 2, 1)
    text = _("When should {client} be followed up next? Now: {date}.").format(
        client=views.client_reference(client_id, profile), date=views.follow_up_text(current, today)
    )
    return text, builder.as_markup()


def counselor_choice(
    client_id: UUID, profile: ClientProfile, counselors: Sequence[tuple[StaffMember, int]], current: UUID | None
) -> Screen:
    """The counselors who may take the client, with how many clients each has; ✓ marks the current one."""
    builder = InlineKeyboardBuilder()
    for member, load in counselors:
        mark = "✓ " if member.account_id == current else ""
        name = (member.display_name or "?")[:24]
        builder.button(
            text=_("{mark}{name} (clients: {count})").format(mark=mark, name=name, count=load),
            callback_data=CaseButton(action=CaseAction.ASSIGN_TO, client=client_id, arg=short(member.account_id)),
        )
    _back(builder, client_id)
    text = _("Who should look after {client}? Counselors who passed their training:").format(
        client=views.client_reference(client_id, profile)
    )
    return text, builder.as_markup()


def candidate_choice(
    client_id: UUID, profile: ClientProfile, ideas: Sequence[tuple[UUID, ClientProfile | None]], today: date
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Whom to propose to the client: a typed reference, or one of the matcher's ideas."""
    builder = InlineKeyboardBuilder()
    lines = [
        _(
            "Whom would you like to propose to {client}? Send the candidate's reference (the 8 characters in "
            "/clients), or choose one of the matcher's best ideas. /cancel to stop."
        ).format(client=views.client_reference(client_id, profile))
    ]
    for candidate_id, candidate in ideas:
        lines.append(views.list_line(candidate_id, candidate, None, today))
        builder.button(
            text=f"{views.button_name(candidate)} · {short(candidate_id)}",
            callback_data=CaseButton(action=CaseAction.CANDIDATE, client=client_id, arg=short(candidate_id)),
        )
    return "\n".join(lines), builder.as_markup() if ideas else None
