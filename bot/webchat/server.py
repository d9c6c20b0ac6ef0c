"""The web chat's aiohttp server: the page, its WebSocket and the files it may fetch.

Routes: ``GET /`` the page (``chat.css``, ``chat.js`` next to it), ``GET /ws`` the WebSocket (frames in
`bot.webchat.protocol`), ``GET /files/{token}`` a stored photo or document, given only to a browser whose id
(header ``X-Webchat-User``) belongs to a chat that is shown the file. All paths are relative, so the chat can
be served under a prefix behind a proxy.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.types import Update
from aiohttp import WSCloseCode, WSMsgType, web

from bot import replies
from bot.lanes import OrderedLanes
from bot.webchat.connection import Connection
from bot.webchat.hub import WebChatHub
from bot.webchat.identity import BrowserIdError, WebSender, parse_browser_id, web_sender
from bot.webchat.incoming import IncomingUpdates
from bot.webchat.locale import ChatLocales
from bot.webchat.protocol import (
    MAX_FRAME_BYTES,
    CallbackFrame,
    ClientFrame,
    ContactFrame,
    FrameError,
    Hello,
    PhotoFrame,
    TextFrame,
    error_frame,
    parse_client_frame,
    ready_frame,
)
from bot.webchat.rendering import keyboard_frame, message_frame
from bot.webchat.session import WebChatSession
from domain.clock import Clock
from storage.database import Database

log = logging.getLogger("yuelao.webchat")

# Not a secret: a token of the valid shape, for a Bot that never calls Telegram.
WEBCHAT_BOT_TOKEN = "1:webchat-embedded-channel-no-telegram-token"  # noqa: S105
USER_HEADER = "X-Webchat-User"
STATIC_DIR = Path(__file__).parent / "static"
_WEBCHAT_DIR = Path(__file__).resolve().parent
_PROJECT_ROOT = _WEBCHAT_DIR.parents[1]
_ASSETS = {
    "": ("index.html", "text/html"),
    "chat.css": ("chat.css", "text/css"),
    "chat.js": ("chat.js", "text/javascript"),
}
_PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data: https:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'"
)
_SHUTDOWN_GRACE_SECONDS = 10.0


def create_webchat_bot(hub: WebChatHub, clock: Clock) -> Bot:
    """The Bot whose calls are shown in the web chat; it never talks to Telegram. During an update its calls
    are kept until the commit, as for Telegram (bot/replies.py)."""
    bot = Bot(
        token=WEBCHAT_BOT_TOKEN,
        session=WebChatSession(hub, clock),
        default=DefaultBotProperties(parse_mode="HTML"),
    )
    replies.install(bot)
    return bot


def create_webchat_app(dispatcher: Dispatcher, bot: Bot, hub: WebChatHub, **workflow_data: Any) -> web.Application:
    """The web chat's aiohttp app; updates go to `dispatcher` with `channel="web"` and `workflow_data`. When the
    dispatcher has a `database` (as `bot.app.create_dispatcher` gives it), the chats' histories are kept there."""
    if not isinstance(bot.session, WebChatSession) or bot.session.hub is not hub:
        raise TypeError("create_webchat_app needs the bot made by create_webchat_bot with the same hub")
    database = dispatcher.workflow_data.get("database")
    if isinstance(database, Database):
        hub.keep_history_in(database)
    server = _WebChatServer(dispatcher, bot, hub, bot.session.clock, workflow_data)
    app = web.Application()
    app.router.add_get("/", server.asset)
    app.router.add_get("/{name:chat\\.css|chat\\.js}", server.asset)
    app.router.add_get("/ws", server.socket)
    app.router.add_get("/files/{token}", server.file)
    app.on_shutdown.append(server.shutdown)
    return app


async def run_webchat(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve `app` on host:port (0 picks a free port; see `runner.addresses`); stop with `runner.cleanup()`."""
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


class _WebChatServer:
    def __init__(
        self, dispatcher: Dispatcher, bot: Bot, hub: WebChatHub, clock: Clock, workflow_data: dict[str, Any]
    ) -> None:
        self._dispatcher = dispatcher
        self._bot = bot
        self._hub = hub
        self._feed_data = {**workflow_data, "channel": "web"}
        self._incoming = IncomingUpdates(hub, clock)
        self._locales = ChatLocales(dispatcher, bot, hub)
        self._lanes = OrderedLanes()
        self._open: set[Connection] = set()
        self._assets = {
            name: ((STATIC_DIR / file_name).read_bytes(), content_type)
            for name, (file_name, content_type) in _ASSETS.items()
        }

    async def asset(self, request: web.Request) -> web.Response:
        body, content_type = self._assets[request.match_info.get("name", "")]
        return web.Response(
            body=body,
            content_type=content_type,
            charset="utf-8",
            headers={
                "Cache-Control": "no-cache",
                "Content-Security-Policy": _PAGE_POLICY,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )

    async def file(self, request: web.Request) -> web.Response:
        """A stored file for its chat's browser; anything else is simply not found."""
        try:
            browser_id = parse_browser_id(request.headers.get(USER_HEADER))
        except BrowserIdError:
            return web.Response(status=404)
        token = request.match_info["token"]
        if not self._hub.may_read(self._hub.user_ids.user_id(browser_id), token):
            return web.Response(status=404)
        stored = await self._hub.files.get(token)
        if stored is None:
            return web.Response(status=404)
        headers = {
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        }
        if stored.kind == "photo":
            return web.Response(body=stored.data, content_type=stored.content_type, headers=headers)
        name = quote(stored.name or "document", safe="")
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return web.Response(body=stored.data, content_type="application/octet-stream", headers=headers)

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(heartbeat=25.0, max_msg_size=MAX_FRAME_BYTES)
        await socket.prepare(request)
        connection = Connection(socket)
        connection.start()
        self._open.add(connection)
        try:
            async for message in socket:
                if message.type is WSMsgType.TEXT:
                    await self._on_frame(connection, message.data)
                elif message.type is WSMsgType.BINARY:
                    self._refuse(connection, FrameError("bad_frame"))
                elif message.type is WSMsgType.ERROR:
                    log.info("webchat: a socket failed (%s)", type(socket.exception()).__name__)
        finally:
            self._open.discard(connection)
            self._hub.detach(connection)
            await connection.stop()
        return socket

    async def shutdown(self, _: web.Application) -> None:
        """Close the sockets, then give the updates being handled a few seconds to finish."""
        await asyncio.gather(*(connection.close() for connection in list(self._open)), return_exceptions=True)
        await self._lanes.close(_SHUTDOWN_GRACE_SECONDS)

    async def _on_frame(self, connection: Connection, raw: str) -> None:
        try:
            frame = parse_client_frame(raw)
            if isinstance(frame, Hello):
                await self._hello(connection, frame)
            elif connection.sender is None:
                raise FrameError("hello_first")
            else:
                await self._submit(connection.sender, frame)
        except FrameError as exc:
            self._refuse(connection, exc)
        except Exception as exc:
            log.error("webchat: a frame failed: %s at %s", type(exc).__name__, _where(exc))
            connection.send(error_frame("internal"))

    async def _hello(self, connection: Connection, hello: Hello) -> None:
        if connection.sender is not None:
            raise FrameError("hello_again")
        user_id = self._hub.user_ids.user_id(hello.browser_id)
        try:
            memory = await self._hub.open_chat(user_id)
        except Exception as exc:
            # Its history could not be read: rather than an empty chat, the page is asked to come back later.
            log.error("webchat: a chat could not be opened: %s at %s", type(exc).__name__, _where(exc))
            connection.send(error_frame("internal"))
            await connection.close(WSCloseCode.TRY_AGAIN_LATER)
            return
        sender = web_sender(user_id, hello.language)
        locale = await self._locales.current(sender)
        connection.sender = sender
        self._hub.attach(connection)
        history = [message_frame(message) for message in memory.messages()]
        connection.send(
            ready_frame(history, keyboard_frame(memory.reply_keyboard), self._hub.history_limit, locale=locale)
        )

    async def _submit(self, sender: WebSender, frame: ClientFrame) -> None:
        if isinstance(frame, TextFrame):
            update = await self._incoming.text(sender, frame)
        elif isinstance(frame, ContactFrame):
            update = await self._incoming.contact(sender, frame)
        elif isinstance(frame, PhotoFrame):
            update = await self._incoming.photo(sender, frame)
        elif isinstance(frame, CallbackFrame):
            update = await self._incoming.callback(sender, frame)
        else:
            raise FrameError("hello_again")
        self._lanes.submit(sender.chat.id, partial(self._feed, sender.chat.id, update))
        self._lanes.submit(sender.chat.id, partial(self._locales.follow, sender))  # after the update, in order

    async def _feed(self, chat_id: int, update: Update) -> None:
        try:
            await self._dispatcher.feed_update(self._bot, update, **self._feed_data)
        except Exception as exc:
            log.error("webchat: update %d failed: %s at %s", update.update_id, type(exc).__name__, _where(exc))
            self._hub.broadcast(chat_id, error_frame("internal"))

    @staticmethod
    def _refuse(connection: Connection, error: FrameError) -> None:
        log.info("webchat: refused a frame: %s", error)
        connection.send(error_frame(error.reason, error.field))


def _where(exc: BaseException) -> str:
    """Where an exception comes from, preferring our code outside the web chat (a handler's line): file, line
    and function only, never a value."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "an unknown place"
    ours = [frame for frame in frames if _is_ours(frame.filename)]
    beyond_webchat = [frame for frame in ours if not Path(frame.filename).is_relative_to(_WEBCHAT_DIR)]
    chosen = (beyond_webchat or ours or frames)[-1]
    return f"{_short_path(chosen.filename)}:{chosen.lineno} in {chosen.name}"


def _is_ours(filename: str) -> bool:
    return Path(filename).is_relative_to(_PROJECT_ROOT) and "site-packages" not in filename


def _short_path(filename: str) -> str:
    path = Path(filename)
    return path.relative_to(_PROJECT_ROOT).as_posix() if path.is_relative_to(_PROJECT_ROOT) else path.name
