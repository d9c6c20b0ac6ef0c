"""What editing an event looks like: the form as the event stands, what the organiser is told after an edit,
and the notice to those signed up (domain/event_changes.py)."""

from __future__ import annotations

from datetime import tzinfo

from aiogram.utils.i18n import gettext as _

from domain.delivery import InlineButton, OutboundMessage
from domain.event_changes import Change, price_changed
from domain.events import EventSpec
from handlers.views.dates.messages import venue_name, when
from handlers.views.events import EventAct, EventButton, price_text
from handlers.views.membership import minor
from handlers.views.punctuation import labelled, listed
from handlers.views.texts import current_locale, quote
from storage.repositories.events import EventRecord

CHANGED = "{before} → {now}"  # what it was, and what it is now (the arrow needs no translation)


def edit_usage() -> str:
    return _("Send the event's reference after the command, e.g. <code>/editevent 1a2b3c4d</code> (/events shows it).")


def no_event() -> str:
    return _("No upcoming event has this reference.")


def edit_request(form: str) -> str:
    return "\n".join(
        [
            _("✏️ <b>Edit the event</b>"),
            _(
                "This is the event's form as it stands. Copy it, change what should change and send it back. Those "
                "signed up keep their place; when the time, the venue or the prices change, they are told and may "
                "give up their place without it counting as late."
            ),
            "",
            f"<pre>{quote(form)}</pre>",
            "",
            _("Send /cancel to stop."),
        ]
    )


def edit_again() -> str:
    return _("Please send the edited form as text, or /cancel.")


def change_label(change: Change) -> str:
    return {
        Change.TITLE: _("title"),
        Change.DESCRIPTION: _("description"),
        Change.VENUE: _("venue"),
        Change.REGION: _("region"),
        Change.TIME: _("time"),
        Change.CAPACITY: _("capacity"),
        Change.AGES: _("ages"),
        Change.TIERS: _("tiers invited"),
        Change.PRICES: _("prices"),
        Change.DEADLINE: _("sign-up deadline"),
    }[change]


def edited(title: str, found: list[Change], told: int, promoted: int) -> str:
    if not found:
        return _("Nothing changed: the form says what the event says already.")
    lines = [
        _("✏️ <b>{title}</b> is updated: {changes}.").format(
            title=quote(title), changes=listed([change_label(change) for change in found])
        )
    ]
    if told:
        lines.append(
            _(
                "{count} person signed up was told what changed.",
                "{count} people signed up were told what changed.",
                told,
            ).format(count=told)
        )
    if promoted:
        lines.append(
            _(
                "{count} person waiting got one of the new seats.",
                "{count} people waiting got one of the new seats.",
                promoted,
            ).format(count=promoted)
        )
    return "\n".join(lines)


def change_notice(
    event_now: EventRecord, before: EventSpec, found: list[Change], tier: str, zone: tzinfo, paid_minor: int = 0
) -> OutboundMessage:
    """To a client signed up: what changed in the terms they signed up on, and the button to give up their place
    (a paid seat given up now is refunded in full: `paid_minor`)."""
    spec = event_now.spec
    lines = [_("✏️ <b>{title}</b> has changed:").format(title=quote(spec.title(current_locale())))]
    if Change.TIME in found:
        moved = CHANGED.format(before=when(before.starts_at, zone), now=when(spec.starts_at, zone))
        lines.append(labelled(_("Time"), moved))
    if Change.VENUE in found:
        lines.append(
            labelled(
                _("Venue"),
                CHANGED.format(
                    before=venue_name(code=before.venue_code, text=before.venue_text),
                    now=venue_name(code=spec.venue_code, text=spec.venue_text),
                ),
            )
        )
    if Change.PRICES in found and price_changed(before, spec, tier):
        lines.append(
            CHANGED.format(
                before=price_text(before.price_for(tier), event_now.currency),
                now=price_text(spec.price_for(tier), event_now.currency),
            )
        )
    lines += [
        "",
        _(
            "You keep your place. If it no longer suits you, give it up with the button below: after a change "
            "like this it never counts as a late cancellation."
        ),
    ]
    if paid_minor:
        lines.append(
            _("If you give it up, your payment of {amount} is refunded in full.").format(
                amount=minor(paid_minor, event_now.currency)
            )
        )
    button = InlineButton(
        text=_("Cancel my place"), callback_data=EventButton(act=EventAct.CANCEL, event=event_now.id.hex).pack()
    )
    return OutboundMessage(text="\n".join(lines), keyboard=((button,),))
