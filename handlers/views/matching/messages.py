"""What matching says: suggestion cards, introductions, contacts, notices to the other side, staff alerts.

Every message is an `OutboundMessage`, so the same text goes out directly (the person who pressed) or
through the outbox (the other side, counselors), within Telegram's limits: a caption under 1024 characters
with a photo, a text under 4096 without one. User text is escaped and clipped.
"""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import gettext as _

from domain.delivery import MAX_CAPTION, MAX_TEXT, Attachment, OutboundMessage
from domain.matching.decisions import ReportReason, Source
from domain.profile import ProfileData, from_fields
from handlers.views.cards import first_name, public_facts
from handlers.views.dates.buttons import propose_date_button
from handlers.views.matching.buttons import matches_buttons, share_buttons, suggestion_buttons
from handlers.views.matching.reasons import reason_lines
from handlers.views.texts import quote, quote_clipped
from storage.records import Account, ClientProfile, Introduction, SuggestionRecord

ABOUT_WITH_PHOTO = 300
ABOUT_WITHOUT_PHOTO = 1200
NOTE_BUDGET = 300


def name_of(profile: ClientProfile | None) -> str:
    """The other client's name as shown to clients (escaped)."""
    return quote(first_name(None if profile is None else profile.display_name))


def _card(
    header: list[str], profile: ClientProfile, today: date, photo: str | None, footer: list[str], *, about: int
) -> tuple[str, Attachment | None]:
    data = from_fields(ProfileData, profile)
    lines = [*header, *public_facts(data, today, name=first_name(profile.display_name))]
    if profile.about_me:
        lines += ["", quote_clipped(profile.about_me, about)]
    lines += footer
    limit = MAX_CAPTION if photo else MAX_TEXT
    text = "\n".join(lines)
    if len(text) > limit:  # only with unusually long reasons or notes: drop the about-me text
        text = "\n".join([*header, *public_facts(data, today, name=first_name(profile.display_name)), *footer])
    attachment = Attachment("photo", photo) if photo else None
    return text[:limit], attachment


def demo_label(demo: bool) -> list[str]:
    return [_("🧪 <i>Demo profile: a made-up person for trying the service.</i>")] if demo else []


def suggestion_card(
    record: SuggestionRecord, profile: ClientProfile, today: date, *, photo: str | None, demo: bool
) -> OutboundMessage:
    """A suggestion as the asker sees it: public facts, why we suggest them, and who proposed it."""
    header = demo_label(demo)
    if record.source == Source.COUNSELOR:
        header.append(_("💌 <b>Your counselor's pick for you</b>"))
        if record.note:
            header.append("<i>" + quote_clipped(record.note, NOTE_BUDGET) + "</i>")
    elif record.source == Source.INTEREST:
        header.append(_("💌 <b>This person is interested in you.</b>"))
    footer = []
    reasons = reason_lines(record.reasons)
    if reasons:
        footer = ["", _("<b>Why we suggest them</b>"), *reasons]
    text, attachment = _card(
        header, profile, today, photo, footer, about=ABOUT_WITH_PHOTO if photo else ABOUT_WITHOUT_PHOTO
    )
    return OutboundMessage(text=text, attachment=attachment, keyboard=suggestion_buttons(record.id))


def introduction_card(
    introduction: Introduction, other: ClientProfile, today: date, *, photo: str | None, demo: bool
) -> OutboundMessage:
    """Both said Interested: the other's full public profile and the question about sharing contacts."""
    name = name_of(other)
    header = [_("🎉 <b>It's a match!</b> You and {name} are both interested.").format(name=name), *demo_label(demo)]
    footer = [
        "",
        _(
            "Would you like to share your contact with {name}? You will receive theirs when both of you agree; "
            "until then nothing is shared."
        ).format(name=name),
    ]
    text, attachment = _card(header, other, today, photo, footer, about=ABOUT_WITH_PHOTO if photo else 2000)
    return OutboundMessage(text=text, attachment=attachment, keyboard=share_buttons(introduction.id))


def contact_message(introduction: Introduction, other: ClientProfile, account: Account) -> OutboundMessage:
    """The other's contact, once both agreed: a Telegram link by id (survives a changed username), the phone
    they gave, or the agency's relay for web chat clients."""
    name = name_of(other)
    lines = [_("🤝 <b>{name} agreed to share contacts.</b> Here is how to reach them:").format(name=name)]
    if account.channel == "telegram" and account.external_id:
        lines.append(_('💬 Telegram: <a href="tg://user?id={id}">{name}</a>').format(id=account.external_id, name=name))
    if other.phone:
        lines.append(_("📞 Phone: {phone}").format(phone=quote(other.phone)))
    if not (account.channel == "telegram" or other.phone):
        relay = _("💬 {name} uses the agency's web chat: your counselor will pass your messages on.")
        lines.append(relay.format(name=name))
    lines.append("")
    lines.append(
        _("Be kind, take your time, and tell your counselor how it goes. Never send money to anyone you meet here.")
    )
    return OutboundMessage(text="\n".join(lines), keyboard=((propose_date_button(introduction.id),),))


def waiting_for_other(other: ClientProfile | None) -> str:
    return _("Thank you. I will send you {name}'s contact as soon as they agree too.").format(name=name_of(other))


def declined_notice(other: ClientProfile | None) -> OutboundMessage:
    return OutboundMessage(
        text=_(
            "{name} decided not to exchange contacts this time. Don't be discouraged: there are more suggestions "
            "waiting for you."
        ).format(name=name_of(other)),
        keyboard=matches_buttons(),
    )


def interest_notice() -> OutboundMessage:
    return OutboundMessage(
        text=_("💌 Someone is interested in you! They are at the front of your suggestions."),
        keyboard=matches_buttons(),
    )


def daily_offer(count: int) -> OutboundMessage:
    return OutboundMessage(
        text=_("☀️ Good morning! I have {count} new suggestions for you today.").format(count=count),
        keyboard=matches_buttons(),
    )


def reference(account_id: object) -> str:
    return f"<code>{str(account_id)[:8]}</code>"


def introduction_alert(introduction: Introduction) -> OutboundMessage:
    return OutboundMessage(
        text=_("💞 Introduction: clients {first} and {second} both said Interested. Please follow up.").format(
            first=reference(introduction.first_id), second=reference(introduction.second_id)
        )
    )


def connected_alert(introduction: Introduction) -> OutboundMessage:
    return OutboundMessage(
        text=_("🤝 Clients {first} and {second} exchanged contacts.").format(
            first=reference(introduction.first_id), second=reference(introduction.second_id)
        )
    )


def report_reason_label(reason: ReportReason) -> str:
    return {
        ReportReason.FAKE: _("Fake profile"),
        ReportReason.OFFENSIVE: _("Offensive"),
        ReportReason.SCAM: _("Scam or asks for money"),
        ReportReason.OTHER: _("Something else"),
    }[reason]


def complaint_alert(reporter_id: object, reported_id: object, reason: ReportReason) -> OutboundMessage:
    return OutboundMessage(
        text=_("⚠️ Complaint: client {reporter} reported client {reported} ({reason}). Please review.").format(
            reporter=reference(reporter_id), reported=reference(reported_id), reason=report_reason_label(reason)
        )
    )
