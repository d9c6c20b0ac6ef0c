"""Quality supervision: complaints as cases (category, severity, owner, the SLA clock, the outcome and the
client's satisfaction with how it was handled).

Pure rules; `handlers/services/quality.py` applies them with storage and delivery. Every check looks only at
codes, so its exception carries no personal data.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum, StrEnum

from domain.staff import Permission, PermissionDenied, Role, ensure

MAX_COMPLAINT_TEXT = 1000  # characters a client may write in one complaint or suggestion
REPORTS_FOR_HIGH = 2  # complaints about one person within REPEAT_WINDOW that make the next one high priority
REPORTS_FOR_URGENT = 3
REPEAT_WINDOW = timedelta(days=90)  # earlier complaints about the same person count this long, resolved or not
LOW_CONVERSATION_RATING = 2  # a conversation with a counselor rated at or below this opens a case


class Source(StrEnum):
    """Where a case came from."""

    COMPLAIN = "complain"  # the client's /complain
    REPORT = "report"  # a profile report on a suggestion card
    DATE_FEEDBACK = "date_feedback"  # a low date rating, a no-show or feedback marked as a complaint
    HANDOFF_RATING = "handoff_rating"  # a low rating of a conversation with a counselor
    SURVEY = "survey"  # a low score in the monthly satisfaction survey


class Category(StrEnum):
    """What a case is about; it decides the owner and the starting severity."""

    STAFF = "staff"  # a counselor or another staff member
    CLIENT = "client"  # another client (a report, a date)
    SERVICE = "service"  # the agency's service as a whole
    FEES = "fees"  # money: fees, payments, refunds
    SUGGESTION = "suggestion"  # not a complaint: an idea for the agency


class Severity(IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3
    URGENT = 4

    @property
    def code(self) -> str:
        return self.name.lower()


class CaseState(StrEnum):
    OPEN = "open"  # nobody has answered yet
    IN_PROGRESS = "in_progress"  # a handler took it (the first response)
    RESOLVED = "resolved"


class Owner(StrEnum):
    """Who owns a case: customer service by default, a manager when it is about staff."""

    CUSTOMER_SERVICE = "customer_service"
    MANAGER = "manager"


class Outcome(StrEnum):
    UPHELD = "upheld"  # the client was right; something was done
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"  # looked into; nothing wrong was found
    NOTED = "noted"  # a suggestion taken on board


class EventKind(StrEnum):
    """One line of a case's timeline."""

    OPENED = "opened"
    RESPONDED = "responded"  # a handler took the case
    ESCALATED = "escalated"  # an SLA target was missed
    RESOLVED = "resolved"
    SATISFIED = "satisfied"  # the client was satisfied with how it was handled
    UNSATISFIED = "unsatisfied"
    NOTE = "note"  # a handler's note (sealed under the client's key; only staff read it)


class Breach(IntEnum):
    """How far behind its SLA a case is; a case is escalated once per level."""

    NONE = 0
    FIRST_RESPONSE = 1  # nobody answered in time
    RESOLUTION = 2  # not resolved in time


SOURCES = tuple(item.value for item in Source)
CATEGORIES = tuple(item.value for item in Category)
SEVERITIES = tuple(item.code for item in Severity)
CASE_STATES = tuple(item.value for item in CaseState)
OWNERS = tuple(item.value for item in Owner)
OUTCOMES = tuple(item.value for item in Outcome)
EVENT_KINDS = tuple(item.value for item in EventKind)


def severity_of(code: str) -> Severity:
    return Severity[code.upper()]


@dataclass(frozen=True)
class Sla:
    first_response: timedelta
    resolution: timedelta


# The agency's targets by severity (docs/quality.md).
SLAS: dict[Severity, Sla] = {
    Severity.URGENT: Sla(first_response=timedelta(hours=1), resolution=timedelta(days=1)),
    Severity.HIGH: Sla(first_response=timedelta(hours=4), resolution=timedelta(days=2)),
    Severity.NORMAL: Sla(first_response=timedelta(days=1), resolution=timedelta(days=5)),
    Severity.LOW: Sla(first_response=timedelta(days=2), resolution=timedelta(days=10)),
}


@dataclass(frozen=True)
class Deadlines:
    first_response: datetime
    resolution: datetime


def deadlines(severity: Severity, opened_at: datetime) -> Deadlines:
    sla = SLAS[severity]
    return Deadlines(opened_at + sla.first_response, opened_at + sla.resolution)


def rating_needs_case(stars: int) -> bool:
    return stars <= LOW_CONVERSATION_RATING


def owner_for(category: Category) -> Owner:
    return Owner.MANAGER if category is Category.STAFF else Owner.CUSTOMER_SERVICE


def raised(severity: Severity, steps: int = 1) -> Severity:
    return Severity(min(Severity.URGENT, max(Severity.LOW, severity + steps)))


def starting_severity(category: Category, *, earlier_about_same: int = 0, serious: bool = False) -> Severity:
    """How urgent a new case is: staff conduct is high, a suggestion low, the rest normal; `serious` (a scam,
    a no-show) raises it one step; earlier complaints about the same person (within REPEAT_WINDOW, resolved or
    not: see `repeat_window_start`) raise it further."""
    if category is Category.SUGGESTION:
        return Severity.LOW
    severity = Severity.HIGH if category is Category.STAFF else Severity.NORMAL
    if serious:
        severity = raised(severity)
    count = earlier_about_same + 1
    if count >= REPORTS_FOR_URGENT:
        return Severity.URGENT
    if count >= REPORTS_FOR_HIGH:
        return max(severity, Severity.HIGH)
    return severity


def repeat_window_start(now: datetime) -> datetime:
    """Complaints about a person opened since this moment count towards the priority of the next one."""
    return now - REPEAT_WINDOW


def breach(due: Deadlines, *, responded_at: datetime | None, resolved_at: datetime | None, now: datetime) -> Breach:
    """Which SLA target the case has missed by `now` (a resolved case misses nothing more)."""
    if resolved_at is not None:
        return Breach.NONE
    if now >= due.resolution:
        return Breach.RESOLUTION
    if responded_at is None and now >= due.first_response:
        return Breach.FIRST_RESPONSE
    return Breach.NONE


def escalation_due(current_level: int, missed: Breach) -> Breach | None:
    """The level to escalate to now, or None when this breach was escalated already."""
    return missed if missed > current_level else None


class CaseRefusal(StrEnum):
    RESOLVED = "resolved"  # the case is closed already
    NOT_TAKEN = "not_taken"  # resolve before anyone took it: take it first


def ensure_can_handle(role: Role | None, owner: Owner, *, trained: bool = True) -> Role:
    """Handling complaints needs HANDLE_COMPLAINTS; a case about staff is a manager's, which needs
    SUPERVISE_QUALITY too. Raises `PermissionDenied` naming what is missing."""
    role = ensure(role, Permission.HANDLE_COMPLAINTS, trained=trained)
    if owner is Owner.MANAGER:
        ensure(role, Permission.SUPERVISE_QUALITY, trained=trained)
    return role


def may_handle(role: Role | None, owner: Owner) -> bool:
    try:
        ensure_can_handle(role, owner)
    except PermissionDenied:
        return False
    return True


def resolve_refusal(state: CaseState) -> CaseRefusal | None:
    if state is CaseState.RESOLVED:
        return CaseRefusal.RESOLVED
    if state is CaseState.OPEN:
        return CaseRefusal.NOT_TAKEN
    return None


def outcome_fits(category: Category, outcome: Outcome) -> bool:
    """A suggestion is noted; a complaint is upheld, partly upheld or not upheld."""
    return (outcome is Outcome.NOTED) == (category is Category.SUGGESTION)


class TextProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


def complaint_text(typed: str) -> str | TextProblem:
    text = typed.strip()
    if not text:
        return TextProblem.EMPTY
    if len(text) > MAX_COMPLAINT_TEXT:
        return TextProblem.TOO_LONG
    return text


# --- Report moderation ----------------------------------------------------------------------------------------


class Moderation(StrEnum):
    """What a handler decides about a reported profile (each decision also resolves the case), and LIFT, which
    ends a suspension from any case about the profile, resolved or not (it resolves nothing)."""

    DISMISS = "dismiss"  # nothing wrong was found
    WARN = "warn"  # the reported client is warned
    HIDE_7 = "hide7"  # hidden from everyone's suggestions for 7 days
    HIDE_30 = "hide30"
    SUSPEND = "suspend"  # hidden until someone who handles complaints lifts it (LIFT); the client is told
    LIFT = "lift"  # the suspension ends: the profile is shown again; the client is told

    @property
    def hidden_days(self) -> int | None:
        return {Moderation.HIDE_7: 7, Moderation.HIDE_30: 30}.get(self)

    @property
    def outcome(self) -> Outcome:
        return Outcome.NOT_UPHELD if self is Moderation.DISMISS else Outcome.UPHELD


DECISIONS = tuple(action for action in Moderation if action is not Moderation.LIFT)  # what closes a report's case


class ModerationState(StrEnum):
    CLEAR = "clear"
    WARNED = "warned"
    HIDDEN = "hidden"  # until `hidden_until`
    SUSPENDED = "suspended"


MODERATION_STATES = tuple(item.value for item in ModerationState)


def moderation_state(action: Moderation) -> ModerationState:
    return {
        Moderation.DISMISS: ModerationState.CLEAR,
        Moderation.WARN: ModerationState.WARNED,
        Moderation.HIDE_7: ModerationState.HIDDEN,
        Moderation.HIDE_30: ModerationState.HIDDEN,
        Moderation.SUSPEND: ModerationState.SUSPENDED,
        Moderation.LIFT: ModerationState.CLEAR,
    }[action]


def hidden_until(action: Moderation, now: datetime) -> datetime | None:
    days = action.hidden_days
    return None if days is None else now + timedelta(days=days)


def is_hidden(state: ModerationState, until: datetime | None, now: datetime) -> bool:
    """Whether a profile is kept out of suggestions at `now`."""
    if state is ModerationState.SUSPENDED:
        return True
    return state is ModerationState.HIDDEN and until is not None and now < until


# --- Staff penalties -------------------------------------------------------------------------------------------


class PenaltyKind(StrEnum):
    WARNING = "warning"
    FINE = "fine"  # an amount in the agency's currency
    SUSPENSION = "suspension"  # no access until reactivated
    DISMISSAL = "dismissal"  # the staff member is deactivated


class AppealDecision(StrEnum):
    KEPT = "kept"
    LIFTED = "lifted"


PENALTY_KINDS = tuple(item.value for item in PenaltyKind)
TAKES_ACCESS = frozenset({PenaltyKind.SUSPENSION, PenaltyKind.DISMISSAL})  # the member is deactivated


def takes_access(kind: str) -> bool:
    """A suspension or a dismissal: the member is inactive while it stands."""
    return kind in TAKES_ACCESS


def bars_access(kind: str, decision: str | None) -> bool:
    """A penalty that keeps its member inactive: a suspension or dismissal not lifted."""
    return takes_access(kind) and decision != AppealDecision.LIFTED.value


APPEAL_DECISIONS = tuple(item.value for item in AppealDecision)
MAX_PENALTY_REASON = 500
MAX_APPEAL_TEXT = 1000


class PenaltyRefusal(StrEnum):
    SELF = "self"  # nobody penalises themselves
    OUTRANKS = "outranks"  # a manager may penalise counselors and customer service only


def ensure_can_penalise(actor: Role | None, member: Role, *, is_self: bool) -> PenaltyRefusal | None:
    """A penalty needs SUPERVISE_QUALITY, and authority over the member's role (the owner over everyone, a
    manager over counselors, team leads and customer service). Raises PermissionDenied for a missing permission; returns
    the refusal for the rest."""
    role = ensure(actor, Permission.SUPERVISE_QUALITY)
    if is_self:
        return PenaltyRefusal.SELF
    if role is not Role.OWNER and member not in (Role.COUNSELOR, Role.TEAM_LEAD, Role.CUSTOMER_SERVICE):
        return PenaltyRefusal.OUTRANKS
    return None


@dataclass(frozen=True)
class PenaltyOrder:
    """What `/penalty REF KIND [AMOUNT] REASON` asks for (the amount still as typed)."""

    member: str  # the start of the member's reference (hex digits)
    kind: PenaltyKind
    amount: str | None
    reason: str


class OrderProblem(StrEnum):
    USAGE = "usage"  # not REF KIND [AMOUNT] REASON
    NO_AMOUNT = "no_amount"  # a fine without an amount
    NO_REASON = "no_reason"
    TOO_LONG = "too_long"


def parse_penalty_order(text: str) -> PenaltyOrder | OrderProblem:
    """`1a2b3c4d warning Late to answer`, `1a2b3c4d fine 200 Leaked a phone number #ab12cd34`."""
    parts = text.split(maxsplit=2)
    if len(parts) < 2 or not 4 <= len(parts[0].lstrip("#")) <= 32:
        return OrderProblem.USAGE
    try:
        kind = PenaltyKind(parts[1].lower())
    except ValueError:
        return OrderProblem.USAGE
    rest = parts[2].strip() if len(parts) > 2 else ""
    amount = None
    if kind is PenaltyKind.FINE:
        pieces = rest.split(maxsplit=1)
        if not pieces or not any(char.isdigit() for char in pieces[0]):
            return OrderProblem.NO_AMOUNT
        amount, rest = pieces[0], (pieces[1].strip() if len(pieces) > 1 else "")
    if not rest:
        return OrderProblem.NO_REASON
    if len(rest) > MAX_PENALTY_REASON:
        return OrderProblem.TOO_LONG
    return PenaltyOrder(member=parts[0].lstrip("#").lower(), kind=kind, amount=amount, reason=rest)


def complaint_reference_in(text: str) -> str | None:
    """A case reference (`#` and 8 hex digits) given as evidence in a reason."""
    return _reference_in(text, "#")


AUDIT_REFERENCE_PREFIX = "audit#"  # how /audit shows an entry's reference: audit#1a2b3c4d


def audit_reference_in(text: str) -> str | None:
    """An audit-log entry reference (`audit#` and 8 hex digits, as /audit shows it) given as evidence."""
    return _reference_in(text, AUDIT_REFERENCE_PREFIX)


def _reference_in(text: str, prefix: str) -> str | None:
    for word in text.split():
        token = word.strip(".,;:()").lower()
        digits = token.removeprefix(prefix)
        if token.startswith(prefix) and len(digits) == 8 and all(c in "0123456789abcdef" for c in digits):
            return digits
    return None


# --- The monthly satisfaction survey --------------------------------------------------------------------------

NPS_SCORES = range(0, 11)  # "how likely are you to recommend us?" 0-10
COUNSELOR_SCORES = range(1, 6)  # "how satisfied are you with your counselor?" 1-5
LOW_NPS = 4  # at or below: a case about the service
LOW_COUNSELOR_SCORE = 2  # at or below: a case about the counselor
NEW_CLIENT_DAYS = 30  # clients registered more recently are not asked yet
SURVEY_DAY_HOUR = 10  # the survey goes out on the 1st of the month at this hour (agency time)
REMINDER_DAYS = 3  # one reminder this many days later


def survey_month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_before(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def next_survey_at(now: datetime, zone: tzinfo) -> datetime:
    """The next 1st of a month at SURVEY_DAY_HOUR in `zone`, strictly after `now`."""
    local = now.astimezone(zone)
    candidate = datetime(local.year, local.month, 1, SURVEY_DAY_HOUR, tzinfo=zone)
    if candidate <= local:
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        candidate = datetime(year, month, 1, SURVEY_DAY_HOUR, tzinfo=zone)
    return candidate


def to_ask(status: str, registered_at: datetime | None, now: datetime) -> bool:
    """Active clients registered for at least NEW_CLIENT_DAYS are asked (not paused, not new ones)."""
    if status != "active" or registered_at is None:
        return False
    return now - registered_at >= timedelta(days=NEW_CLIENT_DAYS)


def valid_nps(value: int) -> bool:
    return value in NPS_SCORES


def valid_counselor_score(value: int) -> bool:
    return value in COUNSELOR_SCORES


def low_score_category(nps: int | None, counselor_score: int | None) -> Category | None:
    """A low counselor score opens a case about staff; otherwise a low NPS one about the service."""
    if counselor_score is not None and counselor_score <= LOW_COUNSELOR_SCORE:
        return Category.STAFF
    if nps is not None and nps <= LOW_NPS:
        return Category.SERVICE
    return None


def net_promoter_score(scores: list[int]) -> int | None:
    """Promoters (9-10) minus detractors (0-6), in percent of the answers; None without answers."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return round(100 * (promoters - detractors) / len(scores))


def average(scores: list[int]) -> Decimal | None:
    """The mean to one decimal place (exact, half up); None without answers."""
    if not scores:
        return None
    return (Decimal(sum(scores)) / Decimal(len(scores))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


NUMBER_WORDS = {
    **{word: n for n, word in enumerate(("zero", "one", "two", "three", "four", "five"))},
    **{word: n for n, word in enumerate(("six", "seven", "eight", "nine", "ten"), start=6)},
    **{word: n for n, word in enumerate("零一二三四五六七八九十")},
    "〇": 0,
    "两": 2,
    "兩": 2,
    **{word: n for n, word in enumerate(("ноль", "один", "два", "три", "четыре", "пять"))},
    **{word: n for n, word in enumerate(("шесть", "семь", "восемь", "девять", "десять"), start=6)},
    "нуль": 0,
    "одна": 1,
    "две": 2,
}


def typed_score(text: str) -> int | None:
    """A score typed instead of pressed: digits (also full-width, maybe signed) or a number word in English,
    Chinese (either script) or Russian from 0 to 10 ("7", "７", "-1", "seven", "七", "七分", "семь"); None when it
    is not a number. The caller checks the range."""
    cleaned = unicodedata.normalize("NFKC", text).strip().lower().removesuffix("分").rstrip(".!。！")
    digits = cleaned.removeprefix("-").removeprefix("+")
    if digits.isascii() and digits.isdigit() and len(digits) <= 6:
        return -int(digits) if cleaned.startswith("-") else int(digits)
    return NUMBER_WORDS.get(cleaned)
