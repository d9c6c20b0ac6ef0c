"""The client list (/clients, a page at a time, by stage) and the buttons under a client's card."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.delivery import InlineButton
from domain.pipeline import Stage
from domain.staff import Permission, Role, allows
from handlers.views.casework import screens as views
from handlers.views.casework.buttons import CaseAction, CaseButton, Scope, short
from handlers.views.keyboards import InlineKeyboardBuilder
from storage.records import ClientProfile


@dataclass(frozen=True)
class ListedClient:
    client_id: UUID
    profile: ClientProfile | None
    stage: Stage
    follow_up: date | None


@dataclass(frozen=True)
class ClientList:
    """One page of a list of clients, in pipeline order. `every_client`: the reader may switch between lists."""

    scope: Scope
    total: int
    page: int
    pages: int
    shown: list[ListedClient]
    today: date
    every_client: bool


def _title(scope: Scope) -> str:
    if scope is Scope.MINE:
        return _("<b>Your clients</b> ({count})")
    return _("<b>All clients</b> ({count})") if scope is Scope.ALL else _("<b>Unassigned clients</b> ({count})")


def client_list_view(listing: ClientList) -> tuple[str, InlineKeyboardMarkup]:
    scope, page = listing.scope, listing.page
    lines = [_title(scope).format(count=listing.total)]
    builder = InlineKeyboardBuilder()
    current: Stage | None = None
    for client in listing.shown:
        if client.stage is not current:
            lines += ["", "<b>" + views.stage_label(client.stage) + "</b>"]
            current = client.stage
        lines.append(views.list_line(client.client_id, client.profile, client.follow_up, listing.today))
        builder.button(
            text=f"{views.button_name(client.profile)} · {short(client.client_id)}",
            callback_data=CaseButton(action=CaseAction.OPEN, client=client.client_id),
        )
    if not listing.total:
        lines.append(_("Nobody here yet."))
    sizes = [1] * len(listing.shown)
    navigation = 0
    if page > 0:
        builder.button(
            text=_("« Newer"), callback_data=CaseButton(action=CaseAction.LIST, arg=str(page - 1), scope=scope)
        )
        navigation += 1
    if page + 1 < listing.pages:
        builder.button(
            text=_("More »"), callback_data=CaseButton(action=CaseAction.LIST, arg=str(page + 1), scope=scope)
        )
        navigation += 1
    if navigation:
        sizes.append(navigation)
        lines.append(_("Page {page} of {pages}").format(page=page + 1, pages=listing.pages))
    if listing.every_client:
        for other, label in (
            (Scope.MINE, _("My clients")),
            (Scope.ALL, _("All clients")),
            (Scope.UNASSIGNED, _("Unassigned")),
        ):
            if other is not scope:
                builder.button(text=label, callback_data=CaseButton(action=CaseAction.LIST, scope=other))
        sizes.append(2)
    if sizes:
        builder.adjust(*sizes)
    return "\n".join(lines), builder.as_markup()


def card_keyboard(role: Role, client_id: UUID, dates: Sequence[InlineButton] = ()) -> InlineKeyboardMarkup:
    """What the reader may do with the client (by role), and a "Date with …" button per connected pair."""
    builder = InlineKeyboardBuilder()
    if allows(role, Permission.SERVE_CLIENTS):
        builder.button(text=_("📌 Stage"), callback_data=CaseButton(action=CaseAction.STAGES, client=client_id))
        builder.button(text=_("📝 Add a note"), callback_data=CaseButton(action=CaseAction.NOTE, client=client_id))
        builder.button(text=_("⏰ Follow-up"), callback_data=CaseButton(action=CaseAction.FOLLOW_UP, client=client_id))
    if allows(role, Permission.RECOMMEND):
        builder.button(
            text=_("💌 Propose a candidate"), callback_data=CaseButton(action=CaseAction.CURATE, client=client_id)
        )
    if allows(role, Permission.ASSIGN_CLIENTS):
        builder.button(text=_("👤 Reassign"), callback_data=CaseButton(action=CaseAction.REASSIGN, client=client_id))
    builder.button(text=_("« My clients"), callback_data=CaseButton(action=CaseAction.LIST))
    builder.adjust(3, 2, 1)
    markup = builder.as_markup()
    for button in dates:  # one row each, above the way back
        row = [InlineKeyboardButton(text=button.text, callback_data=button.callback_data)]
        markup.inline_keyboard.insert(len(markup.inline_keyboard) - 1, row)
    return markup
