"""The outbox as managers see it: counts by state and the newest failures, by number, channel, attempts and the
Bot API's error; never their content or recipient (those stay sealed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.delivery import DeliveryState
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.punctuation import labelled
from handlers.views.texts import quote
from storage.repositories.delivery import OutboxEntry

ERROR_BUDGET = 120


class OutboxButton(CallbackData, prefix="outbox"):
    retry: int  # the outbox message to try again; 0: refresh the view


def state_label(state: DeliveryState) -> str:
    return {
        DeliveryState.PENDING: _("waiting"),
        DeliveryState.SENDING: _("sending"),
        DeliveryState.SENT: _("sent"),
        DeliveryState.FAILED: _("failed"),
        DeliveryState.CANCELLED: _("cancelled"),
    }[state]


def outbox_view(counts: Mapping[DeliveryState, int], failed: Sequence[OutboxEntry]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("📮 <b>Outbox</b>")]
    lines.append(" · ".join(labelled(state_label(state), counts.get(state, 0)) for state in DeliveryState))
    builder = InlineKeyboardBuilder()
    if failed:
        lines += ["", _("<b>Failed</b> (newest first):")]
    for entry in failed:
        error = quote((entry.last_error or "—")[:ERROR_BUDGET])
        lines.append(
            _(
                "#{id} · {channel} · {attempts} attempt · {error}",
                "#{id} · {channel} · {attempts} attempts · {error}",
                entry.attempts,
            ).format(id=entry.id, channel=entry.channel, attempts=entry.attempts, error=error)
        )
        builder.button(text=_("🔁 Retry #{id}").format(id=entry.id), callback_data=OutboxButton(retry=entry.id))
    builder.button(text=_("↻ Refresh"), callback_data=OutboxButton(retry=0))
    builder.adjust(2)
    return "\n".join(lines), builder.as_markup()
