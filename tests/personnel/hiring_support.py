"""Helpers of the hiring tests: a manager opens a position through /hiring and returns its job link's code."""

from __future__ import annotations

import re

from tests.botclient import BotClient

JOB_LINK = re.compile(r"https://t\.me/yuelao_test_bot\?start=apply-([a-z0-9]{8})")
INVITE_COMMAND = re.compile(r"<code>/start (staff-[A-Za-z0-9_-]+)</code>")


async def open_position(
    manager: BotClient, *, role: str = "counselor", title: str = "Counselor, Shanghai office", seats: str = "1"
) -> str:
    """The manager opens a position with the /hiring form; the code of its job link."""
    await manager.send("/hiring")
    await manager.click("➕ New position")
    await manager.click(role)
    await manager.send(title)
    await manager.send(seats)
    await manager.send("Warm, patient, two years of work with people.")
    found = JOB_LINK.search(manager.last_text())
    assert found is not None, manager.last_text()
    return found.group(1)


async def apply(candidate: BotClient, code: str, *, name: str = "Wang Xiaoming") -> None:
    """A candidate opens the job link and answers every question."""
    await candidate.send(f"/start apply-{code}")
    await candidate.click("Start my application")
    await candidate.send(name)
    await candidate.send("+86 138 0013 8000")
    await candidate.send("Two years in customer service at a bank")
    await candidate.send("I like helping people meet")
