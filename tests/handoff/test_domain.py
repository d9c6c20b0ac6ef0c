"""The pure rules of domain/handoff.py: who is alerted when, who may claim, counting misunderstandings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from domain.handoff import (
    ClaimRefusal,
    Handoff,
    HandoffReason,
    HandoffState,
    Misunderstandings,
    StaffOnDuty,
    Timing,
    claim_refusal,
    count_misunderstanding,
    first_alert,
    managers_to_tell,
    should_hand_off,
    widened_alert,
)
from domain.staff import Role

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def member(role: Role, *, active: bool = True, trained: bool = True) -> StaffOnDuty:
    return StaffOnDuty(uuid4(), role, active, trained)


def handoff(*, widened: bool = False, state: HandoffState = HandoffState.OPEN) -> Handoff:
    return Handoff(
        id=uuid4(),
        client_id=uuid4(),
        reason=HandoffReason.ASKED,
        state=state,
        counselor_id=None,
        created_at=NOW,
        widened_at=NOW if widened else None,
    )


def test_the_assigned_counselor_on_duty_is_told_first() -> None:
    cora, dan = member(Role.COUNSELOR), member(Role.COUNSELOR)
    plan = first_alert(assigned=cora.account_id, staff=[cora, dan], client_id=uuid4(), has_staff_chat=True)
    assert (plan.recipients, plan.to_staff_chat, plan.widened) == ((cora.account_id,), False, False)


def test_without_an_assigned_counselor_on_duty_everyone_on_duty_is_told() -> None:
    away = member(Role.COUNSELOR, active=False)
    pending = member(Role.CUSTOMER_SERVICE, trained=False)
    owner = member(Role.OWNER, trained=False)  # owners need no training
    finance, dan = member(Role.FINANCE), member(Role.CUSTOMER_SERVICE)
    staff = [away, pending, owner, finance, dan]
    plan = first_alert(assigned=away.account_id, staff=staff, client_id=uuid4(), has_staff_chat=False)
    assert plan.widened and set(plan.recipients) == {owner.account_id, dan.account_id}
    chat = first_alert(assigned=None, staff=staff, client_id=uuid4(), has_staff_chat=True)
    assert chat.to_staff_chat and chat.recipients == ()


def test_widening_skips_who_was_told_and_the_client_themself() -> None:
    cora, dan = member(Role.COUNSELOR), member(Role.COUNSELOR)
    plan = widened_alert(staff=[cora, dan], client_id=dan.account_id, has_staff_chat=False, already=(cora.account_id,))
    assert plan.recipients == ()


def test_managers_then_owners_are_told_on_escalation() -> None:
    owner, manager, counselor = member(Role.OWNER), member(Role.MANAGER), member(Role.COUNSELOR)
    assert managers_to_tell([owner, manager, counselor], uuid4()) == (manager.account_id,)
    assert managers_to_tell([owner, counselor], uuid4()) == (owner.account_id,)
    assert managers_to_tell([counselor], uuid4()) == ()


def test_timing() -> None:
    rules = Timing(claim_minutes=10, escalation_minutes=30)
    assert rules.widen_at(NOW) == NOW + timedelta(minutes=10)
    assert rules.escalate_at(NOW) == NOW + timedelta(minutes=30)
    assert Timing(claim_minutes=40, escalation_minutes=30).escalate_at(NOW) == NOW + timedelta(minutes=40)


def test_who_may_claim() -> None:
    me: UUID = uuid4()
    waiting = handoff()
    assert claim_refusal(waiting, member=me, role=Role.COUNSELOR, assigned=me, serving=None) is None
    assert (
        claim_refusal(waiting, member=me, role=Role.COUNSELOR, assigned=uuid4(), serving=None) is ClaimRefusal.NOT_YOURS
    )
    assert claim_refusal(waiting, member=me, role=Role.COUNSELOR, assigned=None, serving=None) is ClaimRefusal.NOT_YOURS
    assert claim_refusal(waiting, member=me, role=Role.MANAGER, assigned=uuid4(), serving=None) is None
    assert (
        claim_refusal(handoff(widened=True), member=me, role=Role.CUSTOMER_SERVICE, assigned=uuid4(), serving=None)
        is None
    )
    assert claim_refusal(waiting, member=me, role=Role.MANAGER, assigned=None, serving=uuid4()) is ClaimRefusal.BUSY
    taken = handoff(state=HandoffState.CLAIMED)
    assert claim_refusal(taken, member=me, role=Role.OWNER, assigned=None, serving=None) is ClaimRefusal.TAKEN
    ended = handoff(state=HandoffState.CLOSED)
    assert claim_refusal(ended, member=me, role=Role.OWNER, assigned=None, serving=None) is ClaimRefusal.CLOSED


def test_misunderstandings_count_in_a_row() -> None:
    first = count_misunderstanding(None, now=NOW, state=None)
    second = count_misunderstanding(first, now=NOW + timedelta(minutes=9), state=None)
    third = count_misunderstanding(second, now=NOW + timedelta(minutes=18), state=None)
    assert (first.count, second.count, third.count) == (1, 2, 3) and should_hand_off(third)
    assert count_misunderstanding(second, now=NOW + timedelta(minutes=20), state=None).count == 1  # a pause
    assert count_misunderstanding(second, now=NOW + timedelta(minutes=10), state="Journey:fields").count == 1
    assert Misunderstandings.from_json(third.to_json()) == third
    assert Misunderstandings.from_json({"n": "x"}) is None and Misunderstandings.from_json("junk") is None
