"""The poller against a Bot API double that holds every call open until the test releases it.

Hypothesis draws interleavings of several users' messages, Telegram answering getUpdates, and the bot's replies
being released in any order, with handlers that commit before replying or not. Whatever the interleaving: each
user's messages are handled one at a time in the order sent; every user with work waiting has a handler running
(users overlap); the offset never passes an update that is neither committed nor finished; with the cap reached no
getUpdates is sent; a re-delivered update is not handled twice; an update whose handler raised is finished all the
same. Then: stopping waits for the updates in flight (up to the grace period) and acknowledges what finished, and
only that.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.base import BaseSession
from aiogram.methods import GetUpdates, SendMessage, TelegramMethod
from aiogram.types import CallbackQuery, Chat, Message, PollAnswer, Update, User
from aiogram.types import Poll as TelegramPoll
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.acknowledge import committed
from bot.polling import UpdatePoller, lane_key
from tests.botclient import TEST_TOKEN

USERS = (101, 202, 303, 404)
NEVER = 3600.0  # the poller's re-poll interval here: it only asks again after a finish


@dataclass
class Poll:
    offset: int | None
    limit: int | None
    answer: asyncio.Future[list[Update]]


@dataclass
class HeldReply:
    chat_id: int
    text: str
    done: asyncio.Future[Message]


class HeldAPI(BaseSession):
    """Telegram as far as the poller sees it: updates kept until an offset passes them, every call held."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = cap
        self.pushed: list[Update] = []
        self.poll: Poll | None = None
        self.polls: list[Poll] = []
        self.replies: list[HeldReply] = []
        self.poller: UpdatePoller | None = None
        self.unfinished: set[int] = set()  # pushed, not yet handled to the end (the test's view)
        self.problems: list[str] = []

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        loop = asyncio.get_running_loop()
        if isinstance(method, GetUpdates):
            assert self.poller is not None
            if method.offset is not None and self.unfinished and method.offset > min(self.unfinished):
                self.problems.append(f"offset {method.offset} passes unfinished {min(self.unfinished)}")
            if method.timeout and self.poller.offsets.held >= self.cap:
                self.problems.append(f"getUpdates with {self.poller.offsets.held} in flight, cap {self.cap}")
            if method.offset is not None:
                self.pushed = [u for u in self.pushed if u.update_id >= method.offset]
            poll = Poll(method.offset, method.limit, loop.create_future())
            self.polls.append(poll)
            if method.timeout == 0:  # the final acknowledgement
                return []
            self.poll = poll
            return await poll.answer
        if isinstance(method, SendMessage):
            reply = HeldReply(int(method.chat_id), method.text, loop.create_future())
            self.replies.append(reply)
            return await reply.done
        raise AssertionError(f"unexpected {type(method).__name__}")

    def answer_poll(self) -> None:
        """Telegram answers a waiting getUpdates with what it holds from the offset on (nothing: a timeout)."""
        if self.poll is None:
            return
        poll, self.poll = self.poll, None
        if poll.answer.done():  # cancelled: the poller stopped
            return
        offset = poll.offset or 0
        waiting = [u for u in self.pushed if u.update_id >= offset]
        poll.answer.set_result(waiting[: poll.limit or 100])

    def release(self, index: int) -> None:
        reply = self.replies.pop(index % len(self.replies))
        chat = Chat(id=reply.chat_id, type="private")
        reply.done.set_result(Message(message_id=1, date=datetime.now(UTC), chat=chat, text=reply.text))

    async def close(self) -> None:
        return None

    def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        raise AssertionError("no downloads here")


@dataclass
class Effects:
    """What each user's handler did, in order: ('start', text) and ('end', text)."""

    by_user: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    running: set[int] = field(default_factory=set)

    def add(self, user: int, what: str, text: str) -> None:
        self.by_user.setdefault(user, []).append((what, text))
        if what == "start":
            self.running.add(user)
        else:
            self.running.discard(user)


def recording_dispatcher(effects: Effects, api: HeldAPI, *, commits: bool = False) -> Dispatcher:
    """Each message is echoed. With `commits`, the handler commits before replying, as the bot's updates do (its
    reply insured by then): the update may be acknowledged from then on, though it still runs."""
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        assert message.from_user is not None and message.text is not None
        user = message.from_user.id
        update_id = int(message.text.split(":")[1])
        effects.add(user, "start", message.text)
        if commits:
            api.unfinished.discard(update_id)
            await committed()
        await message.answer(message.text)
        effects.add(user, "end", message.text)
        api.unfinished.discard(update_id)
        if message.text.startswith("boom"):
            raise RuntimeError("the handler failed after replying")

    dp = Dispatcher()
    dp.include_router(router)
    return dp


_message_ids = itertools.count(1)


def text_update(update_id: int, user: int, text: str) -> Update:
    person = User(id=user, is_bot=False, first_name="P")
    message = Message(
        message_id=next(_message_ids),
        date=datetime.now(UTC),
        chat=Chat(id=user, type="private"),
        from_user=person,
        text=text,
    )
    return Update(update_id=update_id, message=message)


async def settle() -> None:
    """Let every task run until each is waiting on the double again (no I/O here: a bounded number of turns)."""
    for _ in range(200):
        await asyncio.sleep(0)


@dataclass(frozen=True)
class Step:
    kind: str  # "push", "poll" or "release"
    pick: int = 0
    fails: bool = False


STEPS = st.one_of(
    st.builds(Step, kind=st.just("push"), pick=st.integers(0, len(USERS) - 1), fails=st.booleans()),
    st.builds(Step, kind=st.just("poll")),
    st.builds(Step, kind=st.just("release"), pick=st.integers(0, 1000)),
)


async def interleaving(cap: int, steps: list[Step], *, commits: bool = False) -> None:
    api = HeldAPI(cap=cap)
    effects = Effects()
    bot = Bot(TEST_TOKEN, session=api)
    poller = UpdatePoller(
        recording_dispatcher(effects, api, commits=commits),
        bot,
        max_in_flight=cap,
        repoll_interval=NEVER,
        shutdown_grace=0.0,
    )
    api.poller = poller
    sent: dict[int, list[str]] = {user: [] for user in USERS}
    update_ids = itertools.count(1)
    running = asyncio.create_task(poller.run())

    def push(user: int, fails: bool) -> None:
        update_id = next(update_ids)
        text = f"{'boom' if fails else 'hi'}:{update_id}"
        sent[user].append(text)
        api.pushed.append(text_update(update_id, user, text))
        api.unfinished.add(update_id)

    def check_quiet() -> None:
        # Every user with a received, unfinished update has a handler running: users overlap.
        waiting_users = {
            user
            for user, texts in sent.items()
            for text in texts
            if int(text.split(":")[1]) in poller.offsets.unfinished
        }
        assert effects.running == waiting_users, (effects.running, waiting_users)
        assert len(api.replies) == len(waiting_users)
        # Back-pressure: with the cap reached the poller waits for a finish instead of fetching.
        if poller.offsets.held >= cap:
            assert api.poll is None

    try:
        await settle()
        for step in steps:
            if step.kind == "push":
                push(USERS[step.pick], step.fails)
            elif step.kind == "poll":
                api.answer_poll()
            elif api.replies:
                api.release(step.pick)
            await settle()
            check_quiet()
        # Then Telegram and the bot's replies keep going until everything pushed is handled.
        for _ in range(10 * len(steps) + 10):
            if not api.unfinished and not poller.offsets.held:
                break
            if api.replies:
                api.release(0)
            else:
                api.answer_poll()
            await settle()
            check_quiet()
        assert not api.unfinished
    finally:
        poller.stop()
        await settle()
        api.answer_poll()
        await running
    assert not api.problems, api.problems
    for user, texts in sent.items():
        # Each message handled exactly once, start to end before the next, in the order sent.
        expected = [(what, text) for text in texts for what in ("start", "end")]
        assert effects.by_user.get(user, []) == expected, user
    last = len([t for texts in sent.values() for t in texts])
    final_offset = api.polls[-1].offset if api.polls else None
    assert last == 0 or final_offset == last + 1  # everything acknowledged at the end, nothing more


@settings(deadline=None, max_examples=150, database=None)
@given(cap=st.integers(1, 5), steps=st.lists(STEPS, min_size=1, max_size=40), commits=st.booleans())
def test_random_interleavings_keep_each_users_order_and_never_acknowledge_unfinished_work(
    cap: int, steps: list[Step], commits: bool
) -> None:
    asyncio.run(interleaving(cap, steps, commits=commits))


def test_a_committed_update_is_acknowledged_while_its_reply_is_on_its_way_and_still_counts_against_the_cap() -> None:
    async def run() -> None:
        api = HeldAPI(cap=2)
        effects = Effects()
        poller = UpdatePoller(
            recording_dispatcher(effects, api, commits=True),
            Bot(TEST_TOKEN, session=api),
            max_in_flight=2,
            repoll_interval=NEVER,
        )
        api.poller = poller
        api.pushed = [text_update(1, USERS[0], "hi:1"), text_update(2, USERS[0], "hi:2")]
        api.unfinished = {1, 2}
        running = asyncio.create_task(poller.run())
        await settle()
        api.answer_poll()
        await settle()
        # Update 1 committed, its reply is held at the Bot API; update 2 waits its turn behind it (same user).
        assert [r.text for r in api.replies] == ["hi:1"]
        assert poller.offsets.low_water == 2  # Telegram may forget update 1, not update 2
        assert poller.offsets.held == 2 and api.poll is None  # both still count: the cap is reached, no fetching
        api.release(0)
        await settle()
        assert [r.text for r in api.replies] == ["hi:2"] and poller.offsets.low_water == 3
        assert api.poll is not None and api.poll.offset == 3  # room again: a long poll past both
        api.release(0)
        await settle()
        poller.stop()
        await settle()
        api.answer_poll()
        await running
        assert effects.by_user[USERS[0]] == [("start", "hi:1"), ("end", "hi:1"), ("start", "hi:2"), ("end", "hi:2")]

    asyncio.run(run())


def test_two_users_are_handled_at_the_same_time_and_one_users_messages_wait() -> None:
    async def run() -> None:
        api = HeldAPI(cap=8)
        effects = Effects()
        poller = UpdatePoller(
            recording_dispatcher(effects, api), Bot(TEST_TOKEN, session=api), max_in_flight=8, repoll_interval=NEVER
        )
        api.poller = poller
        api.pushed = [
            text_update(1, USERS[0], "hi:1"),
            text_update(2, USERS[0], "hi:2"),
            text_update(3, USERS[1], "hi:3"),
        ]
        api.unfinished = {1, 2, 3}
        running = asyncio.create_task(poller.run())
        await settle()
        api.answer_poll()
        await settle()
        # Both users' first messages are being handled at once; the first user's second one waits its turn.
        assert sorted((r.chat_id, r.text) for r in api.replies) == [(USERS[0], "hi:1"), (USERS[1], "hi:3")]
        assert poller.offsets.low_water == 1
        api.release(1)  # the second user's reply goes out first
        await settle()
        assert [(r.chat_id, r.text) for r in api.replies] == [(USERS[0], "hi:1")]
        # Update 3 finished, but 1 and 2 did not: the offset stays at 1.
        assert poller.offsets.low_water == 1
        api.release(0)
        await settle()
        assert [(r.chat_id, r.text) for r in api.replies] == [(USERS[0], "hi:2")]
        assert poller.offsets.low_water == 2
        api.release(0)
        await settle()
        assert poller.offsets.low_water == 4
        poller.stop()
        await settle()
        api.answer_poll()
        await running
        assert api.polls[-1].offset == 4

    asyncio.run(run())


def test_back_pressure_no_get_updates_until_one_finishes() -> None:
    async def run() -> None:
        api = HeldAPI(cap=2)
        effects = Effects()
        poller = UpdatePoller(
            recording_dispatcher(effects, api), Bot(TEST_TOKEN, session=api), max_in_flight=2, repoll_interval=NEVER
        )
        api.poller = poller
        api.pushed = [text_update(n, USERS[n - 1], f"hi:{n}") for n in (1, 2, 3)]
        api.unfinished = {1, 2, 3}
        running = asyncio.create_task(poller.run())
        await settle()
        assert api.polls[0].limit == 2  # no more than the room left
        api.answer_poll()
        await settle()
        assert len(api.polls) == 1 and api.poll is None  # full: no getUpdates
        api.release(0)
        await settle()
        assert len(api.polls) == 2 and api.poll is not None  # one finished: fetching again
        assert api.polls[1].offset == 2
        api.answer_poll()
        await settle()
        assert sorted(r.text for r in api.replies) == ["hi:2", "hi:3"]
        api.release(0)
        api.release(0)
        await settle()
        poller.stop()
        await settle()
        api.answer_poll()
        await running
        assert api.polls[-1].offset == 4

    asyncio.run(run())


def test_lane_of_an_update_is_its_user_else_its_chat_else_a_shared_one() -> None:
    user = User(id=7, is_bot=False, first_name="P")
    group = Chat(id=-100, type="group")
    message = Message(message_id=1, date=datetime.now(UTC), chat=group, from_user=user, text="x")
    channel_post = Message(message_id=2, date=datetime.now(UTC), chat=Chat(id=-200, type="channel"), text="x")
    query = CallbackQuery(id="q", from_user=user, chat_instance="c", data="d")
    vote = PollAnswer(poll_id="p", option_ids=[0], option_persistent_ids=["0"], user=user)
    assert lane_key(Update(update_id=1, message=message)) == lane_key(Update(update_id=2, callback_query=query))
    assert lane_key(Update(update_id=3, poll_answer=vote)) == lane_key(Update(update_id=4, message=message))
    assert lane_key(Update(update_id=5, channel_post=channel_post)) == ("chat", -200)
    assert lane_key(Update(update_id=1, message=message)) == ("user", 7)
    poll = TelegramPoll(
        id="p",
        question="?",
        options=[],
        total_voter_count=0,
        is_closed=True,
        is_anonymous=True,
        type="regular",
        allows_multiple_answers=False,
        allows_revoting=False,
        members_only=False,
    )
    shared = lane_key(Update(update_id=6, poll=poll))
    assert shared == lane_key(Update(update_id=7)) and shared not in {("user", 7), ("chat", -200)}


def test_stopping_lets_the_update_in_flight_finish_then_acknowledges_it() -> None:
    async def run() -> None:
        api = HeldAPI(cap=4)
        effects = Effects()
        poller = UpdatePoller(
            recording_dispatcher(effects, api), Bot(TEST_TOKEN, session=api), max_in_flight=4, repoll_interval=NEVER
        )
        api.poller = poller
        api.pushed = [text_update(1, USERS[0], "hi:1")]
        api.unfinished = {1}
        running = asyncio.create_task(poller.run())
        await settle()
        api.answer_poll()
        await settle()
        polls = len(api.polls)
        poller.stop()  # SIGTERM
        await settle()
        assert not running.done() and len(api.polls) == polls  # no more fetching; the update is still running
        api.release(0)
        await running
        assert effects.by_user[USERS[0]] == [("start", "hi:1"), ("end", "hi:1")]
        assert api.polls[-1].offset == 2  # acknowledged on the way out

    asyncio.run(run())


def test_an_update_still_running_after_the_grace_period_is_not_acknowledged() -> None:
    async def run() -> None:
        api = HeldAPI(cap=4)
        effects = Effects()
        poller = UpdatePoller(
            recording_dispatcher(effects, api),
            Bot(TEST_TOKEN, session=api),
            max_in_flight=4,
            repoll_interval=NEVER,
            shutdown_grace=0.0,
        )
        api.poller = poller
        api.pushed = [text_update(1, USERS[0], "hi:1"), text_update(2, USERS[1], "hi:2")]
        api.unfinished = {1, 2}
        running = asyncio.create_task(poller.run())
        await settle()
        api.answer_poll()
        await settle()
        api.release(1)  # user 2's update finishes; user 1's is stuck
        await settle()
        poller.stop()
        await running
        # Update 1 was cancelled: Telegram must send it again, so the offset stays at 1 (nothing to acknowledge).
        assert {p.offset for p in api.polls} == {None, 1} and poller.offsets.low_water == 1

    asyncio.run(run())
