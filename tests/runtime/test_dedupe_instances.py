"""An update delivered twice, to one instance or to two, is handled once; one whose handler failed runs again.

The update's id is recorded in its own transaction, so whichever instance commits first wins and the other
skips it; a rolled-back update leaves no record and can be delivered again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.keys import KeyMaterial
from tests.runtime.isolation_instances import (
    CountingHandler,
    Instance,
    count_update,
    next_update_id,
    settle,
    two_instances,
)

ALICE = 6101


@pytest.fixture
def handler() -> CountingHandler:
    return CountingHandler()


@pytest.fixture
async def instances(
    database_url: str, key_material: KeyMaterial, settings: Settings, clock: FakeClock, handler: CountingHandler
) -> AsyncIterator[tuple[Instance, Instance]]:
    async with two_instances(database_url, key_material, settings, clock, handler) as pair:
        yield pair


async def test_the_same_update_at_both_instances_at_once_is_handled_once(
    instances: tuple[Instance, Instance], handler: CountingHandler, caplog: pytest.LogCaptureFixture
) -> None:
    one, two = instances
    update = count_update(ALICE, "once")
    release = handler.gate("once")
    first = one.start(update)
    await asyncio.wait_for(handler.started["once"].wait(), 10)
    repeat = two.start(update)  # Telegram gave it to the other instance too, while the first still runs
    await asyncio.wait_for(two.reached.wait(), 10)

    release.set_result(None)
    with caplog.at_level(logging.INFO, logger="yuelao.updates"):
        await settle([first, repeat])

    assert handler.runs("once") == 1
    assert await two.count(ALICE) == 1
    assert await one.recorded_updates() == [update.update_id]
    dropped = [record.getMessage() for record in caplog.records if "already handled" in record.getMessage()]
    assert dropped == ["update type=message channel=telegram dropped: already handled"]  # no ids, no text


async def test_an_update_delivered_again_later_to_either_instance_is_skipped(
    instances: tuple[Instance, Instance], handler: CountingHandler
) -> None:
    one, two = instances
    update = count_update(ALICE, "later")

    await one.feed(update)
    await two.feed(update)
    await one.feed(update)

    assert handler.runs("later") == 1
    assert await one.count(ALICE) == 1


async def test_an_update_whose_handler_failed_runs_again_when_delivered_again(
    instances: tuple[Instance, Instance], handler: CountingHandler
) -> None:
    one, two = instances
    update = count_update(ALICE, "flaky")
    handler.fail_once.add("flaky")

    await one.feed(update)  # the handler raises: its transaction, the update's record included, is rolled back
    assert await one.recorded_updates() == []
    assert await one.count(ALICE) == 0

    await two.feed(update)  # delivered again (to the other instance): it runs, and this time commits
    await one.feed(update)  # a third delivery finds it done

    assert handler.timeline == [
        "flaky started",
        "flaky read 0",
        "flaky raised",
        "flaky started",
        "flaky read 0",
        "flaky finished",
    ]
    assert await one.count(ALICE) == 1
    assert await two.recorded_updates() == [update.update_id]


async def test_web_chat_updates_are_not_recorded(
    instances: tuple[Instance, Instance], handler: CountingHandler
) -> None:
    one, _ = instances
    update_id = next_update_id()

    await one.dispatcher.feed_update(one.bot, count_update(ALICE, "web", update_id=update_id), channel="web")
    await one.dispatcher.feed_update(one.bot, count_update(ALICE, "web", update_id=update_id), channel="web")
    await one.feed(count_update(ALICE, "telegram", update_id=update_id))

    # the web chat numbers its updates itself, from 1 in every process: a repeated id there is not a repeat
    assert handler.runs("web") == 2
    assert handler.runs("telegram") == 1
    assert await one.recorded_updates() == [update_id]
