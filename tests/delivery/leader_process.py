"""A second Yuelao instance in its own process, for the "leader killed" test.

    python -m tests.delivery.leader_process DATABASE_URL BOT_API_BASE

Prints "leading" once it holds the leader lock, then delivers until it is killed.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.delivery.service import Background, BackgroundSettings
from bot.delivery.worker import WorkerConfig
from domain.clock import SystemClock
from storage.database import Database
from storage.keys import KeyMaterial
from tests.db_fixtures import TEST_BLIND_INDEX_KEY, TEST_MASTER_KEY

TOKEN = "4242:TESTtokenTESTtokenTESTtokenTESTtoken00"
SETTINGS = BackgroundSettings(
    worker=WorkerConfig(lease=timedelta(seconds=3), poll_interval=0.1, request_timeout=10),
    leader_retry_interval=0.1,
    leader_check_interval=0.1,
)


async def main(database_url: str, api_base: str) -> None:
    database = await Database.open(database_url, KeyMaterial([TEST_MASTER_KEY], TEST_BLIND_INDEX_KEY))
    bot = Bot(token=TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)))
    background = Background(database, SystemClock(), SETTINGS)
    await background.start({"telegram": bot})
    await background.wait_until_leader()
    print("leading", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
