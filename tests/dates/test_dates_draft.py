"""The draft of a proposal in the conversation state: JSON there and back, drafts written before it was typed,
and data that is not a draft."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from handlers.services.dates.draft import DRAFT, DateDraft, DraftMode

LATER, EARLIER = datetime(2026, 1, 7, 11, 30, tzinfo=UTC), datetime(2026, 1, 6, 4, 0, tzinfo=UTC)


class Store:
    def __init__(self) -> None:
        self.saved: dict[str, object] = {"other": "kept"}

    async def data(self) -> dict[str, object]:
        return dict(self.saved)

    async def set_data(self, data: dict[str, object]) -> None:
        self.saved = dict(data)


async def test_a_draft_goes_through_the_state_and_comes_back_the_same() -> None:
    me, other, introduction, counselor = uuid4(), uuid4(), uuid4(), uuid4()
    draft = DateDraft.start(
        DraftMode.NEW, proposer=me, other=other, introduction=introduction, for_client=True, counselor=counselor
    )
    draft = draft.with_slot(LATER).with_slot(EARLIER)
    assert draft.slots == (EARLIER, LATER) and draft.people == (me, other)
    store = Store()
    await draft.save(store)
    assert store.saved["other"] == "kept"
    assert await DateDraft.load(store) == draft
    assert (await DateDraft.load(store) or draft).without_last_slot().slots == (EARLIER,)
    by_owner = DateDraft.start(DraftMode.NEW, proposer=me, other=other, introduction=introduction, for_client=True)
    assert by_owner.to_json()["by"] == "agency" and DateDraft.from_json(by_owner.to_json()) == by_owner


def test_a_draft_written_as_a_plain_dict_still_reads() -> None:
    me, other, introduction, date = uuid4(), uuid4(), uuid4(), uuid4()
    written = {
        "flow": "a1b2c3",
        "mode": "move",
        "intro": introduction.hex,
        "date": date.hex,
        "round": 2,
        "people": [me.hex, other.hex],
        "other": other.hex,
        "slots": [LATER.isoformat()],
        "reason": "work",
    }
    draft = DateDraft.from_json(written)
    assert draft == DateDraft(
        flow="a1b2c3",
        mode=DraftMode.MOVE,
        introduction=introduction,
        proposer=me,
        other=other,
        date=date,
        round=2,
        slots=(LATER,),
        reason="work",
    )
    assert draft.to_json() == written


def test_what_is_not_a_draft_reads_as_none() -> None:
    assert DateDraft.from_json(None) is None
    assert DateDraft.from_json({"flow": "a1b2c3"}) is None
    assert DateDraft.from_json({"flow": "x", "mode": "dance", "people": [], "intro": ""}) is None
    assert DRAFT == "date_draft"
