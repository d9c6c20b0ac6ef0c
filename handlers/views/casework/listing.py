"""The client lists (/clients: a page at a time; the member's own by stage, every client and the unassigned
ones by last activity; the clients a search found) and the buttons under a client's card."""

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
from handlers.views.casework.buttons import CaseAction, CaseButton, ListPage, Scope, short
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.texts import quote_clipped
from storage.records import ClientProfile

QUERY_BUDGET = 40


@dataclass(frozen=True)
class ListedClient:
    client_id: UUID
    profile: ClientProfile | None
    stage: Stage
    follow_up: date | None
    last_active: date  # the day of their last activity, in the agency's time zone
    demo: bool = False


@dataclass(frozen=True)
class NameSearch:
    """What a search was for; `limit`: names are sealed, so only that many clients (the most recently active)
    could be searched by name, and there were more."""

    query: str
    limit: int | None = None


@dataclass(frozen=True)
class ClientList:
    """One page of a list of clients. `every_client`: the reader may switch between lists. `demo`: demo
    clients are shown; `demo_hidden`: how many are left out. `search`: the clients a search found (one page,
    the most recently active first)."""

    scope: Scope
    total: int
    page: int
    pages: int
    shown: list[ListedClient]
    today: date
    every_client: bool
    demo: bool = False
    demo_hidden: int = 0
    search: NameSearch | None = None

    @property
    def by_stage(self) -> bool:
        """The member's own clients are grouped by stage (the pipeline's order); the others are by activity."""
        return self.scope is Scope.MINE and self.search is None


def _title(listing: ClientList) -> str:
    if listing.search is not None:
        return _("<b>Clients matching “{query}”</b> ({count})").format(
            query=quote_clipped(listing.search.query, QUERY_BUDGET), count=listing.total
        )
    if listing.scope is Scope.MINE:
        title = _("<b>Your clients</b> ({count})")
    elif listing.scope is Scope.ALL:
        title = _("<b>All clients</b> ({count})")
    else:
        title = _("<b>Unassigned clients</b> ({count})")
    return title.format(count=listing.total)


def activity_text(day: date, today: date) -> str:
    if day >= today:
        return _("active today")
    return _("active {date}").format(date=day.isoformat())


def flat_line(client: ListedClient, today: date) -> str:
    """A client in a list by activity: reference, stage, last activity, and whether they are a demo client."""
    parts = [views.client_reference(client.client_id, client.profile), views.stage_label(client.stage)]
    parts.append(activity_text(client.last_active, today))
    if client.demo:
        parts.append(_("demo"))
    return "• " + " · ".join(parts)


def search_limit_text(limit: int) -> str:
    return _(
        "Names are stored encrypted, so only the {limit} most recently active client was searched by name. "
        "For anyone else, send their reference: /clients REF.",
        "Names are stored encrypted, so only the {limit} most recently active clients were searched by name. "
        "For anyone else, send their reference: /clients REF.",
        limit,
    ).format(limit=limit)


def not_found_text(search: NameSearch) -> str:
    """A search that found nobody."""
    text = _("No client matches “{query}”.").format(query=quote_clipped(search.query, QUERY_BUDGET))
    if search.limit is not None:
        text += "\n" + search_limit_text(search.limit)
    return text


def client_list_view(listing: ClientList) -> tuple[str, InlineKeyboardMarkup]:
    scope, page = listing.scope, listing.page
    lines = [_title(listing)]
    builder = InlineKeyboardBuilder()
    current: Stage | None = None
    if not listing.by_stage and listing.shown:
        lines.append("")
    for client in listing.shown:
        if listing.by_stage:
            if client.stage is not current:
                lines += ["", "<b>" + views.stage_label(client.stage) + "</b>"]
                current = client.stage
            lines.append(views.list_line(client.client_id, client.profile, client.follow_up, listing.today))
        else:
            lines.append(flat_line(client, listing.today))
        builder.button(
            text=f"{views.button_name(client.profile)} · {short(client.client_id)}",
            callback_data=CaseButton(action=CaseAction.OPEN, client=client.client_id),
        )
    if not listing.total:
        lines.append(_("Nobody here yet."))
    if listing.demo_hidden:
        lines.append(_("Demo clients not shown: {count}.").format(count=listing.demo_hidden))
    sizes = [1] * len(listing.shown)
    if listing.search is not None:
        if listing.total > len(listing.shown):
            lines.append(
                _(
                    "The {count} most recently active is shown; type more of the name to narrow it down.",
                    "The {count} most recently active are shown; type more of the name to narrow it down.",
                    len(listing.shown),
                ).format(count=len(listing.shown))
            )
        if listing.search.limit is not None:
            lines.append(search_limit_text(listing.search.limit))
        builder.adjust(*sizes)
        return "\n".join(lines), builder.as_markup()

    def to(page: int, demo: bool, target: Scope = scope) -> CaseButton:
        return CaseButton(action=CaseAction.LIST, arg=ListPage(page, demo).pack(), scope=target)

    navigation = 0
    if page > 0:
        builder.button(text=_("« Newer"), callback_data=to(page - 1, listing.demo))
        navigation += 1
    if page + 1 < listing.pages:
        builder.button(text=_("More »"), callback_data=to(page + 1, listing.demo))
        navigation += 1
    if navigation:
        sizes.append(navigation)
        lines.append(_("Page {page} of {pages}").format(page=page + 1, pages=listing.pages))
    if listing.demo_hidden:
        builder.button(text=_("Show demo clients"), callback_data=to(0, True))
        sizes.append(1)
    elif listing.demo:
        builder.button(text=_("Hide demo clients"), callback_data=to(0, False))
        sizes.append(1)
    if listing.every_client:
        for other, label in (
            (Scope.MINE, _("My clients")),
            (Scope.ALL, _("All clients")),
            (Scope.UNASSIGNED, _("Unassigned")),
        ):
            if other is not scope:
                builder.button(text=label, callback_data=to(0, listing.demo, other))
        sizes.append(2)
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
    if allows(role, Permission.SUPERVISE_QUALITY):
        transcript = CaseButton(action=CaseAction.TRANSCRIPT, client=client_id)
        builder.button(text=_("📜 Transcript"), callback_data=transcript)
    builder.button(text=_("« My clients"), callback_data=CaseButton(action=CaseAction.LIST))
    builder.adjust(3, 2, 1)
    markup = builder.as_markup()
    for button in dates:  # one row each, above the way back
        row = [InlineKeyboardButton(text=button.text, callback_data=button.callback_data)]
        markup.inline_keyboard.insert(len(markup.inline_keyboard) - 1, row)
    return markup
