"""What matching says: suggestion cards, introductions, contacts, notices to the other side, staff alerts.

Every message is an `OutboundMessage`, so the same text goes out directly (the person who pressed) or
through the outbox (the other side, counselors), within Telegram's limits: a caption under 1024 characters
with a photo, a text under 4096 without one. User text is escaped and clipped.
"""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import gettext as _

from domain.delivery import MAX_CAPTION, MAX_TEXT, Attachment, OutboundMessage
from domain.identity import Channel
from domain.matching.decisions import ContactRoute, ReportReason, Source, contact_route
from domain.profile import ProfileData, from_fields
from handlers.views.cards import public_facts, short_name
from handlers.views.matching.buttons import contact_buttons, matches_buttons, share_buttons, suggestion_buttons
from handlers.views.matching.reasons import reason_lines
from handlers.views.texts import quote, quote_clipped
from storage.records import Account, ClientProfile, Introduction, SuggestionRecord

ABOUT_WITH_PHOTO = 300
ABOUT_WITHOUT_PHOTO = 1200
NOTE_BUDGET = 300


def name_of(profile: ClientProfile | None) -> str:
    """The other client's name as shown to clients (escaped)."""
    return quote(short_name(profile))


def _card(
    header: list[str], profile: ClientProfile, today: date, photo: str | None, footer: list[str], *, about: int
) -> tuple[str, Attachment | None]:
    data = from_fields(ProfileData, profile)
    lines = [*header, *public_facts(data, today, name=short_name(profile))]
    if profile.about_me:
        lines += ["", quote_clipped(profile.about_me, about)]
    lines += footer
    limit = MAX_CAPTION if photo else MAX_TEXT
    text = "\n".join(lines)
    if len(text) > limit:  # only with unusually long reasons or notes: drop the about-me text
        text = "\n".join([*header, *public_facts(data, today, name=short_name(profile)), *footer])
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


def _share_question(name: str, mine: str, theirs: str) -> str:
    """Whether to share contacts, saying how the two will be put in touch (`mine`, `theirs`: the channels)."""
    if contact_route(mine, theirs) is ContactRoute.TELEGRAM:
        question = _(
            "Would you like to share your contact with {name}? You will receive theirs when both of you agree; "
            "until then nothing is shared."
        )
    elif theirs == Channel.WEB:
        question = _(
            "Would you like to share your contact with {name}? {name} uses the agency's web chat, so a counselor "
            "will put you in touch once you both agree; until then nothing is shared."
        )
    else:
        question = _(
            "Would you like to share your contact with {name}? You use the agency's web chat, so a counselor will "
            "put you in touch once you both agree; until then nothing is shared."
        )
    return question.format(name=name)


def introduction_card(
    introduction: Introduction,
    other: ClientProfile,
    today: date,
    *,
    photo: str | None,
    demo: bool,
    channels: tuple[str, str],
) -> OutboundMessage:
    """Both said Interested: the other's full public profile and the question about sharing contacts
    (`channels`: the recipient's and the other's)."""
    name = name_of(other)
    header = [_("🎉 <b>It's a match!</b> You and {name} are both interested.").format(name=name), *demo_label(demo)]
    footer = ["", _share_question(name, *channels)]
    text, attachment = _card(header, other, today, photo, footer, about=ABOUT_WITH_PHOTO if photo else 2000)
    return OutboundMessage(text=text, attachment=attachment, keyboard=share_buttons(introduction.id))


def contact_message(
    introduction: Introduction, other: ClientProfile, account: Account, *, recipient_channel: str
) -> OutboundMessage:
    """The other's contact (`account`: theirs), once both agreed: between Telegram clients a Telegram link by id
    (survives a changed username); the phone they gave; and when either uses the web chat, which has no contact
    to pass on, the counselor's relay with a button that asks for it."""
    name = name_of(other)
    route = contact_route(recipient_channel, account.channel)
    lines = [_("🤝 <b>{name} agreed to share contacts.</b> Here is how to reach them:").format(name=name)]
    if route is ContactRoute.TELEGRAM and account.external_id:
        lines.append(_('💬 Telegram: <a href="tg://user?id={id}">{name}</a>').format(id=account.external_id, name=name))
    if other.phone:
        lines.append(_("📞 Phone: {phone}").format(phone=quote(other.phone)))
    if route is ContactRoute.COUNSELOR:
        if account.channel == Channel.WEB:
            relay = _("💬 {name} uses the agency's web chat: your counselor will pass your messages on.")
        else:
            relay = _(
                "💬 You use the agency's web chat, where a Telegram contact cannot reach you: your counselor will "
                "pass your messages on."
            )
        lines.append(relay.format(name=name))
        lines.append(_("Tap the button below and a counselor will write to you here to put you in touch."))
    lines.append("")
    lines.append(
        _("Be kind, take your time, and tell your counselor how it goes. Never send money to anyone you meet here.")
    )
    keyboard = contact_buttons(introduction.id, relay=route is ContactRoute.COUNSELOR)
    return OutboundMessage(text="\n".join(lines), keyboard=keyboard)


def relay_asked(other: ClientProfile | None) -> str:
    """The client asked a counselor to put them in touch with `other`."""
    return _("🙋 I have asked a counselor to put you in touch with {name}. They will write to you here.").format(
        name=name_of(other)
    )


def relay_to_demo(other: ClientProfile | None) -> str:
    return _(
        "🧪 {name} is a demo profile, so there is nobody to put you in touch with. With a real client, a counselor "
        "would write to you here."
    ).format(name=name_of(other))


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
        text=_(
            "☀️ Good morning! I have {count} new suggestion for you today.",
            "☀️ Good morning! I have {count} new suggestions for you today.",
            count,
        ).format(count=count),
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


def relay_alert(asker_id: object, other_id: object) -> OutboundMessage:
    """To counselors: a client asks to be put in touch with the one they were introduced to."""
    return OutboundMessage(
        text=_(
            "🤝 Client {asker} asked a counselor to put them in touch with client {other}: they agreed to share "
            "contacts, but one of them uses the web chat. Please claim the request and pass their messages on."
        ).format(asker=reference(asker_id), other=reference(other_id))
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
