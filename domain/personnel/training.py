"""Training on the service standard (《婚姻介绍服务规范》): modules, their versions, quizzes, and who is due.

The agency keeps its training in `domain/data/training/`: one `<code>.json` per module (its version, the pass
mark, the questions in English and Simplified Chinese) and the module's text in `<code>.<locale>.md`. Traditional
Chinese is made from the Simplified text; any other language reads the English (docs/training.md).

A member may see client data when every required module is passed at its current version, or was passed at
an earlier version and the new version's grace period (`grace_days` from its `published` day) has not ended.
A module added later gives members trained before it the same grace. A new member passes every required
module first. The owner is exempt (`domain.staff.needs_training`). Days are UTC days.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.languages import SIMPLIFIED, TRADITIONAL, to_traditional

CATALOG_LOCALES = ("en", SIMPLIFIED)  # every text exists in these; others fall back to English
MAX_QUESTIONS = 10  # an attempt stores one digit per answer
MAX_ANSWERS = 6
CODE_LIMIT = 40


def packaged_catalog_dir() -> Path:
    """The training shipped with the bot, edited by the agency: `domain/data/training/`."""
    return Path(str(resources.files("domain.data").joinpath("training")))


@dataclass(frozen=True)
class Localized:
    """A text in English and Simplified Chinese."""

    en: str
    zh: str

    def text(self, locale: str) -> str:
        if locale == TRADITIONAL:
            return to_traditional(self.zh)
        return self.zh if locale == SIMPLIFIED else self.en


@dataclass(frozen=True)
class Question:
    prompt: Localized
    answers: tuple[Localized, ...]
    correct: int  # index into `answers`
    passage: Localized  # the lines of the module's text to re-read after a wrong answer


@dataclass(frozen=True)
class Module:
    code: str
    version: int
    title: Localized
    text: Localized  # the module's text (markdown-like: `# ` lines are headings)
    required: bool
    pass_mark: int  # percent of the questions answered right
    introduced: date  # when its first version was published
    published: date  # when this version was published
    grace_days: int  # who passed an earlier version (or was trained before it was introduced) has this long
    changes: Localized | None  # what changed in this version (None for the first)
    questions: tuple[Question, ...]

    def passes(self, correct: int) -> bool:
        return correct * 100 >= self.pass_mark * len(self.questions)

    def needed(self) -> int:
        """How many right answers pass."""
        return -(-self.pass_mark * len(self.questions) // 100)


@dataclass(frozen=True)
class Catalog:
    modules: tuple[Module, ...]  # in the order the member takes them

    def get(self, code: str) -> Module | None:
        return next((module for module in self.modules if module.code == code), None)

    @property
    def required(self) -> tuple[Module, ...]:
        return tuple(module for module in self.modules if module.required)


# --- Loading the agency's data ---------------------------------------------------------------------------


class CatalogError(ValueError):
    """A training data file is unusable; the message names the file."""


def _localized(value: Any, where: str) -> Localized:
    if not isinstance(value, dict) or not all(
        isinstance(value.get(locale), str) and value[locale].strip() for locale in CATALOG_LOCALES
    ):
        raise CatalogError(f"{where}: needs a non-empty text for each of {', '.join(CATALOG_LOCALES)}")
    return Localized(en=value["en"].strip(), zh=value["zh"].strip())


def _document(directory: Path, code: str) -> Localized:
    texts = {}
    for locale in CATALOG_LOCALES:
        path = directory / f"{code}.{locale}.md"
        if not path.is_file():
            raise CatalogError(f"{path.name}: missing (each module's text exists in {', '.join(CATALOG_LOCALES)})")
        texts[locale] = path.read_text(encoding="utf-8")
    return _localized(texts, f"{code}.*.md")


def _question(value: Any, where: str) -> Question:
    if not isinstance(value, dict):
        raise CatalogError(f"{where}: a question is an object")
    answers = value.get("answers")
    if not isinstance(answers, list) or not 2 <= len(answers) <= MAX_ANSWERS:
        raise CatalogError(f"{where}: between 2 and {MAX_ANSWERS} answers")
    correct = value.get("correct")
    if not isinstance(correct, int) or not 0 <= correct < len(answers):
        raise CatalogError(f"{where}: `correct` is the index of one of the answers")
    return Question(
        prompt=_localized(value.get("question"), f"{where} question"),
        answers=tuple(_localized(answer, f"{where} answer {i}") for i, answer in enumerate(answers)),
        correct=correct,
        passage=_localized(value.get("passage"), f"{where} passage"),
    )


def _day(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CatalogError(f"{where}: a day as YYYY-MM-DD") from None


def _module(directory: Path, path: Path) -> tuple[int, Module]:
    where = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise CatalogError(f"{where}: {error}") from None
    code = path.stem
    if not code.isidentifier() or len(code) > CODE_LIMIT:
        raise CatalogError(f"{where}: the file name is the module's code (letters, digits, _)")
    version, pass_mark, grace = data.get("version"), data.get("pass_mark"), data.get("grace_days", 14)
    if not isinstance(version, int) or version < 1:
        raise CatalogError(f"{where}: `version` is a whole number from 1")
    if not isinstance(pass_mark, int) or not 1 <= pass_mark <= 100:
        raise CatalogError(f"{where}: `pass_mark` is a percentage from 1 to 100")
    if not isinstance(grace, int) or grace < 0:
        raise CatalogError(f"{where}: `grace_days` is a whole number of days")
    questions = data.get("questions")
    if not isinstance(questions, list) or not 1 <= len(questions) <= MAX_QUESTIONS:
        raise CatalogError(f"{where}: between 1 and {MAX_QUESTIONS} questions")
    changes = data.get("changes")
    module = Module(
        code=code,
        version=version,
        title=_localized(data.get("title"), f"{where} title"),
        text=_document(directory, code),
        required=bool(data.get("required", True)),
        pass_mark=pass_mark,
        introduced=_day(data.get("introduced"), f"{where} introduced"),
        published=_day(data.get("published"), f"{where} published"),
        grace_days=grace,
        changes=None if changes is None else _localized(changes, f"{where} changes"),
        questions=tuple(_question(q, f"{where} question {i + 1}") for i, q in enumerate(questions)),
    )
    if module.published < module.introduced:
        raise CatalogError(f"{where}: `published` cannot be before `introduced`")
    order = data.get("order", 0)
    return (order if isinstance(order, int) else 0), module


def load_catalog(directory: Path) -> Catalog:
    """Every module in `directory` (the files are read again when one of them changes)."""
    stats = [(path.name, path.stat()) for path in directory.iterdir()]
    signature = tuple(sorted((name, stat.st_mtime_ns, stat.st_size) for name, stat in stats))
    return _load(directory, signature)


@lru_cache(maxsize=8)
def _load(directory: Path, signature: tuple[tuple[str, int, int], ...]) -> Catalog:
    del signature  # the cache key: an edit of any file loads the catalog again
    modules = sorted((_module(directory, path) for path in sorted(directory.glob("*.json"))), key=lambda pair: pair[0])
    return Catalog(tuple(module for _order, module in modules))


# --- Where a member stands --------------------------------------------------------------------------------


class Status(StrEnum):
    PASSED = "passed"  # the current version is passed
    DUE = "due"  # to (re)take by `due_by`; client data stays open meanwhile
    OVERDUE = "overdue"  # `due_by` has passed: client data is closed until it is passed
    NEW = "new"  # never passed and no grace (a new member): client data is closed until it is passed


@dataclass(frozen=True)
class Passed:
    """The highest version of one module a member passed, and when they first passed the module."""

    version: int
    at: datetime


@dataclass(frozen=True)
class Record:
    """What a member passed: module code -> the highest version passed."""

    passed: Mapping[str, Passed]

    @property
    def first_pass(self) -> date | None:
        """The UTC day of the member's first pass of any module (None: never trained)."""
        days = [passed.at.date() for passed in self.passed.values()]
        return min(days) if days else None


EMPTY = Record({})


@dataclass(frozen=True)
class Standing:
    module: Module
    status: Status
    passed_version: int | None  # the highest version passed (None: never)
    due_by: date | None  # the last day of the grace period (DUE and OVERDUE)

    @property
    def blocks(self) -> bool:
        """Keeps client data closed."""
        return self.module.required and self.status in (Status.OVERDUE, Status.NEW)

    @property
    def retake(self) -> bool:
        """An earlier version was passed: the member re-reads what changed."""
        return self.passed_version is not None and self.status is not Status.PASSED


def standing(module: Module, record: Record, today: date) -> Standing:
    passed = record.passed.get(module.code)
    if passed is not None and passed.version >= module.version:
        return Standing(module, Status.PASSED, passed.version, None)
    first = record.first_pass
    if passed is not None:
        due_by = module.published + timedelta(days=module.grace_days)
    elif first is not None and first < module.introduced <= today:
        # Trained before this module existed: the same grace as a new version.
        due_by = module.introduced + timedelta(days=module.grace_days)
    else:
        return Standing(module, Status.NEW, None, None)
    status = Status.DUE if today <= due_by else Status.OVERDUE
    return Standing(module, status, None if passed is None else passed.version, due_by)


def standings(catalog: Catalog, record: Record, today: date) -> list[Standing]:
    return [standing(module, record, today) for module in catalog.modules]


def cleared(catalog: Catalog, record: Record, today: date) -> bool:
    """Client data is open to the member (as far as training goes)."""
    return not any(standing(module, record, today).blocks for module in catalog.required)


# --- A quiz ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    standings: list[Standing]
    exempt: bool  # the owner: training is open to them, never required
    cleared: bool  # client data is open (as far as training goes)


@dataclass(frozen=True)
class QuizStep:
    """An attempt and the question it is on (`index`), or the end when `question` is None."""

    module: Module
    attempt_id: UUID
    index: int

    @property
    def question(self) -> Question | None:
        return self.module.questions[self.index] if self.index < len(self.module.questions) else None


@dataclass(frozen=True)
class Answered:
    """One answer taken: was it right, the question it answered, and what comes next."""

    question: Question
    right: bool
    next: QuizStep
    result: Result | None  # at the end of the quiz


@dataclass(frozen=True)
class Result:
    module: Module
    correct: int
    passed: bool
    cleared_now: bool  # this pass opened client data to the member


@dataclass(frozen=True)
class MemberStanding:
    name: str | None  # the name clients see (None: not chosen yet)
    standing: Standing


@dataclass(frozen=True)
class ModuleTeam:
    """Who stands where on one module: the active members who need training."""

    module: Module
    passed: int
    due: list[MemberStanding]
    overdue: list[MemberStanding]  # OVERDUE and NEW: client data is closed to them


def decode_answers(stored: str) -> list[int]:
    return [int(char) for char in stored]


def correct_count(module: Module, answers: Iterable[int]) -> int:
    return sum(1 for question, answer in zip(module.questions, answers, strict=False) if answer == question.correct)


def percent(correct: int, total: int) -> int:
    return round(correct * 100 / total) if total else 0


# --- The catalog in use ------------------------------------------------------------------------------------

# Where the bot reads its training; None: the packaged `domain/data/training/` (a test points it elsewhere).
CATALOG_DIR: Path | None = None


def current_catalog() -> Catalog:
    return load_catalog(CATALOG_DIR or packaged_catalog_dir())


def training_day(now: datetime) -> date:
    """The day deadlines are counted in: the UTC day (the same for every instance and every check)."""
    return now.astimezone(UTC).date()
