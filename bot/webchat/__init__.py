"""The embedded web chat: the bot's production handlers, in a browser, without Telegram.

An aiohttp server (`server`) serves one page (`static/`) and a WebSocket (frames: `protocol`). Frames become
aiogram Updates for the same Dispatcher as Telegram (`incoming`), and the bot's Bot API calls become frames
through a custom aiogram session (`session`, `outgoing`). Shared state (sockets, per-chat memory, encrypted
files) lives in the hub; the history of a chat that belongs to an account is also kept in the database
(`history`), so a restart loses nothing the page showed.

Wiring::

    hub = WebChatHub(data_dir / "webchat", key32)        # key: 32 secret bytes, stable across restarts
    bot = create_webchat_bot(hub, clock)
    app = create_webchat_app(dispatcher, bot, hub, **workflow_data)  # histories in dispatcher["database"], if any
    runner = await run_webchat(app, host, port)          # later: await runner.cleanup()
"""

from bot.webchat.hub import WebChatHub
from bot.webchat.server import create_webchat_app, create_webchat_bot, run_webchat
from bot.webchat.session import WebChatSession

__all__ = ["WebChatHub", "WebChatSession", "create_webchat_app", "create_webchat_bot", "run_webchat"]
