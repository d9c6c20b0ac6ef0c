"""`/start <source>`: the channel of a deep link is recorded for a client only when they consent (the notice says
so); an unknown code is ignored, a returning client keeps their first channel, and nothing is stored before."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from domain.clock import FakeClock
from storage.database import Database
from storage.models.finance import ClientChannelRow
from storage.repositories.channels import ChannelsRepository
from tests.botclient import BotClient

AGREE = "I agree, let's begin"


async def _channel_count(database: Database) -> int:
    async with database.unit_of_work(read_only=True) as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(ClientChannelRow)) or 0)


async def test_the_channel_is_recorded_at_consent(
    make_person: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    async with app_database.unit_of_work() as uow:
        wechat = await ChannelsRepository.of(uow).create("wechat", "WeChat", created_by=None, now=clock.now())
        await ChannelsRepository.of(uow).create("flyers", "Flyers", created_by=None, now=clock.now())
    li = make_person(user_id=630_000_001)
    await li.send("/start WeChat")
    assert "we note which link it was (only its name)" in li.last_text()
    assert "(version 2026-12.2)" in li.last_text()
    assert await _channel_count(app_database) == 0  # nothing before consent
    await li.click("English")
    await li.click(AGREE)
    async with app_database.unit_of_work(read_only=True) as uow:
        account = await uow.accounts.find_by_external("telegram", str(630_000_001))
        assert account is not None
        assert await ChannelsRepository.of(uow).channel_of(account.id) == wechat.id
        brought = await ChannelsRepository.of(uow).brought(clock.now().date(), clock.now().date().replace(day=28))
    assert brought[wechat.id].new_clients == 1
    await li.send("/start flyers")  # a returning client keeps the channel that brought them
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await ChannelsRepository.of(uow).channel_of(account.id) == wechat.id

    wang = make_person(user_id=630_000_002)
    await wang.send("/start no-such-channel")
    await wang.click(AGREE)
    zhao = make_person(user_id=630_000_003)
    await zhao.send("/start")
    await zhao.click(AGREE)
    assert await _channel_count(app_database) == 1
