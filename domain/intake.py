"""The registration interview (资料登记) and the partner preferences (择偶要求), one step per field.

A step says what kind of answer it takes, whether it may be skipped, and how an answer becomes profile or
preference fields. Answers are plain JSON values while they travel (FSM data, callback payloads); the
`*_changes` functions turn them into the typed fields the repositories store.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from domain.answers import (
    Invalid,
    PhoneNormaliser,
    Problem,
    clean_text,
    parse_age_range,
    parse_birth_date,
    parse_free_text,
    parse_height,
    parse_height_range,
    parse_name,
    parse_phone,
)
from domain.income import DEFAULT_THRESHOLDS, income_bands
from domain.names import suggested_short_name
from domain.profile import PreferencesData, ProfileData
from domain.regions import RegionBook, RegionMatch

# A JSON value: what an answer is between the user and the repository.
Value = Any


class Flow(StrEnum):
    INTAKE = "intake"
    PREFERENCES = "preferences"


class Kind(StrEnum):
    TEXT = "text"  # typed, parsed by the step's parser
    CHOICE = "choice"  # one button (a typed label is accepted too)
    MULTI = "multi"  # toggles and Done; some steps take own words as well
    REGION = "region"  # a typed place, matched to the region list, or a button
    PHONE = "phone"  # typed or shared with Telegram's contact button
    PHOTOS = "photos"  # up to 5 photos, then Done (or Skip: a profile may wait for its photo)


GENDERS = ("male", "female")
EDUCATION_LEVELS = ("high_school", "associate", "bachelor", "master", "doctorate")
MARITAL_HISTORIES = ("never", "divorced", "widowed")
YES_NO = ("yes", "no")
WANTS_CHILDREN = ("yes", "no", "maybe")
PERSONALITY = (
    "cheerful",
    "gentle",
    "steady",
    "humorous",
    "considerate",
    "independent",
    "outgoing",
    "quiet",
    "optimistic",
    "ambitious",
    "family_minded",
    "romantic",
)
HOBBIES = (
    "reading",
    "travel",
    "cooking",
    "fitness",
    "hiking",
    "music",
    "movies",
    "photography",
    "gaming",
    "pets",
    "art",
    "tea",
    "dancing",
    "singing",
    "volunteering",
    "ball_games",
)
# The preference criteria a client can mark as a must-have (the rest are nice-to-haves).
CRITERIA = ("age", "height", "education", "regions", "marital", "children")

NAME_LIMIT = 40
OCCUPATION_LIMIT = 100
ABOUT_LIMIT = 1000
ABOUT_MINIMUM = 10
HISTORY_LIMIT = 1000
HOBBIES_TEXT_LIMIT = 200
MAX_PERSONALITY = 3


@dataclass(frozen=True)
class AnswerRules:
    """What the rules need from outside: today's date, the agency's settings, the phone number parser."""

    today: date
    min_age: int
    currency: str
    regions: RegionBook
    phone: PhoneNormaliser
    income_thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS


@dataclass(frozen=True)
class Step:
    name: str
    flow: Flow
    kind: Kind
    optional: bool = False
    options: tuple[str, ...] = ()
    min_picks: int = 0
    max_picks: int | None = None
    own_words: bool = False  # MULTI: typed words are kept as well

    def options_for(self, rules: AnswerRules) -> tuple[str, ...]:
        if self.name == "income":
            return tuple(band.code for band in income_bands(rules.currency, rules.income_thresholds))
        if self.name == "p_regions":
            return tuple(region.code for region in rules.regions.provinces)
        return self.options


INTAKE_STEPS: tuple[Step, ...] = (
    Step("name", Flow.INTAKE, Kind.TEXT),
    Step("preferred_name", Flow.INTAKE, Kind.TEXT, optional=True),
    Step("gender", Flow.INTAKE, Kind.CHOICE, options=GENDERS),
    Step("birth_date", Flow.INTAKE, Kind.TEXT),
    Step("height", Flow.INTAKE, Kind.TEXT),
    Step("education", Flow.INTAKE, Kind.CHOICE, options=EDUCATION_LEVELS),
    Step("occupation", Flow.INTAKE, Kind.TEXT),
    Step("income", Flow.INTAKE, Kind.CHOICE, optional=True),
    Step("region", Flow.INTAKE, Kind.REGION),
    Step("marital", Flow.INTAKE, Kind.CHOICE, options=MARITAL_HISTORIES),
    Step("has_children", Flow.INTAKE, Kind.CHOICE, options=YES_NO),
    Step("wants_children", Flow.INTAKE, Kind.CHOICE, options=WANTS_CHILDREN),
    Step("personality", Flow.INTAKE, Kind.MULTI, options=PERSONALITY, min_picks=1, max_picks=MAX_PERSONALITY),
    Step("hobbies", Flow.INTAKE, Kind.MULTI, options=HOBBIES, min_picks=1, own_words=True),
    Step("about", Flow.INTAKE, Kind.TEXT),
    Step("history", Flow.INTAKE, Kind.TEXT, optional=True),
    Step("phone", Flow.INTAKE, Kind.PHONE, optional=True),
    Step("photos", Flow.INTAKE, Kind.PHOTOS, optional=True),
)
PREFERENCE_STEPS: tuple[Step, ...] = (
    Step("p_gender", Flow.PREFERENCES, Kind.CHOICE, options=GENDERS),
    Step("p_age", Flow.PREFERENCES, Kind.TEXT, optional=True),
    Step("p_height", Flow.PREFERENCES, Kind.TEXT, optional=True),
    Step("p_education", Flow.PREFERENCES, Kind.CHOICE, optional=True, options=EDUCATION_LEVELS),
    Step("p_regions", Flow.PREFERENCES, Kind.MULTI, optional=True, min_picks=1),
    Step("p_marital", Flow.PREFERENCES, Kind.MULTI, optional=True, options=MARITAL_HISTORIES, min_picks=1),
    Step("p_children", Flow.PREFERENCES, Kind.CHOICE, optional=True, options=YES_NO),
    Step("p_must", Flow.PREFERENCES, Kind.MULTI, optional=True, options=CRITERIA),
)
STEPS: dict[str, Step] = {step.name: step for step in (*INTAKE_STEPS, *PREFERENCE_STEPS)}
ONBOARDING: tuple[Step, ...] = (*INTAKE_STEPS, *PREFERENCE_STEPS)
FIRST_STEP = INTAKE_STEPS[0]
REVIEW = "review"  # the intake_step of a profile waiting for the client's confirmation


def step_named(name: str | None) -> Step | None:
    return STEPS.get(name or "")


def flow_steps(flow: Flow) -> tuple[Step, ...]:
    return INTAKE_STEPS if flow is Flow.INTAKE else PREFERENCE_STEPS


def progress(step: Step) -> tuple[int, int]:
    """(position, count) of the step in its flow, counted from 1."""
    steps = flow_steps(step.flow)
    return steps.index(step) + 1, len(steps)


def applicable(step: Step, prefs: PreferencesData) -> bool:
    """The must-have question makes sense only once some criterion has a preference."""
    return step.name != "p_must" or bool(set_criteria(prefs))


def next_step(step: Step, prefs: PreferencesData) -> Step | None:
    """The step after this one in the whole onboarding; None after the last (the review comes next)."""
    later = ONBOARDING[ONBOARDING.index(step) + 1 :]
    return next((s for s in later if applicable(s, prefs)), None)


def previous_step(step: Step, prefs: PreferencesData) -> Step | None:
    """The step before this one; None before the first (the introduction)."""
    earlier = ONBOARDING[: ONBOARDING.index(step)]
    return next((s for s in reversed(earlier) if applicable(s, prefs)), None)


def set_criteria(prefs: PreferencesData) -> tuple[str, ...]:
    """The criteria that hold a preference, in their fixed order."""
    present = {
        "age": prefs.age_min is not None or prefs.age_max is not None,
        "height": prefs.height_min is not None or prefs.height_max is not None,
        "education": prefs.min_education is not None,
        "regions": bool(prefs.regions),
        "marital": bool(prefs.marital),
        "children": prefs.children is not None,
    }
    return tuple(name for name in CRITERIA if present[name])


# --- answers -------------------------------------------------------------------------------------------
def _as_value(result: Any, convert: Callable[[Any], Value] = lambda v: v) -> Value | Invalid:
    return result if isinstance(result, Invalid) else convert(result)


def read_text(step: Step, text: str, rules: AnswerRules) -> Value | Invalid:
    """A typed answer to a TEXT, REGION or PHONE step."""
    match step.name:
        case "name" | "preferred_name":
            return parse_name(text, limit=NAME_LIMIT)
        case "birth_date":
            return _as_value(parse_birth_date(text, today=rules.today, min_age=rules.min_age), date.isoformat)
        case "height":
            return parse_height(text)
        case "occupation":
            return parse_free_text(text, limit=OCCUPATION_LIMIT, minimum=2)
        case "about":
            return parse_free_text(text, limit=ABOUT_LIMIT, minimum=ABOUT_MINIMUM)
        case "history":
            return parse_free_text(text, limit=HISTORY_LIMIT)
        case "phone":
            return parse_phone(text, rules.phone)
        case "region":
            return read_region(text, rules.regions)
        case "p_age":
            return _as_value(parse_age_range(text, min_age=rules.min_age), list)
        case "p_height":
            return _as_value(parse_height_range(text), list)
    if step.kind in (Kind.CHOICE, Kind.MULTI):
        return Invalid(Problem.CHOICE_NEEDED)
    return Invalid(Problem.PHOTO_NEEDED)


def read_region(text: str, regions: RegionBook) -> Value | Invalid:
    cleaned = clean_text(text)
    if not cleaned:
        return Invalid(Problem.TEXT_EMPTY)
    if len(cleaned) > 100:
        return Invalid(Problem.TEXT_TOO_LONG, {"limit": 100, "length": len(cleaned)})
    found = _match_place(regions, cleaned)
    if len(found.codes) == 1:
        return {"code": found.codes[0], "text": cleaned}
    if found.codes:
        return Invalid(Problem.REGION_AMBIGUOUS, options=found.codes)
    return Invalid(Problem.REGION_UNKNOWN, options=found.suggestions)


# Russian declines place names: "в Шанхае", "из Уханя", "в Шэньчжэне". When the words as typed name no place,
# each word's likely nominative ending is tried (Шанхае -> Шанхай, Уханя -> Ухань, Шэньчжэне -> Шэньчжэнь).
_RUSSIAN_ENDINGS = (("ае", "ай"), ("ая", "ай"), ("е", "ь"), ("я", "ь"), ("е", ""), ("а", ""), ("и", "ь"), ("у", ""))
_CYRILLIC_WORD = re.compile(r"[а-яё]{4,}")


def _match_place(regions: RegionBook, text: str, *, provinces_only: bool = False) -> RegionMatch:
    found = regions.match(text, provinces_only=provinces_only)
    if found.codes:
        return found
    folded = unicodedata.normalize("NFKC", text).casefold()
    for word in _CYRILLIC_WORD.findall(folded):
        for ending, nominative in _RUSSIAN_ENDINGS:
            if word.endswith(ending):
                guess = regions.match(word[: -len(ending)] + nominative, provinces_only=provinces_only)
                if guess.codes:
                    return guess
    return found


def choose(step: Step, code: str, rules: AnswerRules) -> Value | Invalid:
    """A button answer to a CHOICE or REGION step."""
    if step.kind is Kind.REGION:
        return {"code": code, "text": None} if code in rules.regions else Invalid(Problem.CHOICE_NEEDED)
    if step.kind is Kind.CHOICE and code in step.options_for(rules):
        return code
    return Invalid(Problem.CHOICE_NEEDED)


def toggle(step: Step, picked: Sequence[str], code: str, rules: AnswerRules) -> list[str] | Invalid:
    """Add or remove one pick of a MULTI step (the order of the options is kept)."""
    options = step.options_for(rules)
    if code not in options:
        return Invalid(Problem.CHOICE_NEEDED)
    chosen = set(picked) ^ {code}
    if step.max_picks is not None and len(chosen) > step.max_picks:
        return Invalid(Problem.TOO_MANY_PICKS, {"max": step.max_picks})
    return [option for option in options if option in chosen]


def pick_by_text(step: Step, picked: Sequence[str], text: str, rules: AnswerRules) -> list[str] | Invalid:
    """A typed place toggles on its province in the regions question ("上海", "Shenzhen")."""
    if step.name != "p_regions":
        return Invalid(Problem.CHOICE_NEEDED)
    cleaned = clean_text(text)
    if not cleaned:
        return Invalid(Problem.TEXT_EMPTY)
    found = _match_place(rules.regions, cleaned[:100], provinces_only=True)
    if not found.codes:
        return Invalid(Problem.REGION_UNKNOWN, options=found.suggestions)
    options = step.options_for(rules)
    chosen = set(picked) | set(found.codes)
    return [option for option in options if option in chosen]


def finish(step: Step, picked: Sequence[str], own_words: str | None) -> Value | Invalid:
    """Done on a MULTI step."""
    if step.own_words:
        if not picked and not own_words:
            return Invalid(Problem.NO_PICKS)
        return {"picked": list(picked), "text": own_words}
    if len(picked) < step.min_picks:
        return Invalid(Problem.NO_PICKS)
    return list(picked)


def read_own_words(text: str) -> str | Invalid:
    return parse_free_text(text, limit=HOBBIES_TEXT_LIMIT)


def skip(step: Step) -> Value | Invalid:
    """The empty answer of an optional step."""
    if not step.optional:
        return Invalid(Problem.NOT_OPTIONAL)
    return [] if step.kind is Kind.MULTI else None


def suggestion(step: Step, profile: ProfileData) -> str | None:
    """The answer a question offers as a button beside typing one: what to call the client, read from their
    name (domain/names.py); None for the other questions."""
    if step.name == "preferred_name":
        return suggested_short_name(profile.display_name)
    return None


# A plain yes or no answers a yes-or-no question whatever its buttons say ("No children", "They should want
# children"), in every language the bot speaks; "don't know" where the question offers "maybe".
_YES_NO_WORDS: dict[str, tuple[str, ...]] = {
    "yes": ("yes", "y", "yeah", "yep", "да", "ага", "конечно", "是", "是的", "对", "有", "要", "想要"),
    "no": ("no", "n", "nope", "нет", "неа", "否", "不", "不是", "没有", "无", "不要", "不想"),
    "maybe": (
        "maybe",
        "not sure",
        "don't know",
        "i don't know",
        "не знаю",
        "пока не знаю",
        "не уверен",
        "не уверена",
        "может быть",
        "возможно",
        "不确定",
        "不知道",
        "还没想好",
        "说不定",
    ),
}


def match_label(text: str, labels: Mapping[str, Sequence[str]]) -> str | None:
    """The option whose label (in any language) is what the person typed, ignoring case and width; for a
    yes-or-no question also a plain "да", "no", "不知道"."""
    typed = _label_key(text)
    if not typed:
        return None
    for code, names in labels.items():
        if any(_label_key(name) == typed for name in names):
            return code
    if {"yes", "no"} <= labels.keys():
        for code, words in _YES_NO_WORDS.items():
            if code in labels and any(_label_key(word) == typed for word in words):
                return code
    return None


def _label_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(char for char in folded if char.isalnum())


# --- from answers to fields ------------------------------------------------------------------------------
def profile_changes(step: Step, value: Value) -> dict[str, Any]:
    """The profile fields an answer sets (a skipped optional step clears them)."""
    simple = {
        "name": "display_name",
        "preferred_name": "preferred_name",
        "gender": "gender",
        "height": "height_cm",
        "education": "education",
        "occupation": "occupation",
        "income": "income_band",
        "marital": "marital_history",
        "wants_children": "wants_children",
        "about": "about_me",
        "history": "relationship_history",
        "phone": "phone",
    }
    if step.name in simple:
        return {simple[step.name]: value}
    match step.name:
        case "birth_date":
            return {"birth_date": date.fromisoformat(value)}
        case "region":
            return {"region_code": value["code"], "city_text": value["text"]}
        case "has_children":
            return {"has_children": value == "yes"}
        case "personality":
            return {"personality": list(value)}
        case "hobbies":
            return {"hobbies": list(value["picked"]), "hobbies_text": value["text"]}
    raise ValueError(f"step {step.name} sets no profile field")


def apply_preference(prefs: PreferencesData, step: Step, value: Value) -> PreferencesData:
    """The preferences after an answer; a criterion left open is no longer a must-have."""
    changes: dict[str, Any]
    match step.name:
        case "p_gender":
            changes = {"gender_sought": value}
        case "p_age":
            changes = {"age_min": value[0], "age_max": value[1]} if value else {"age_min": None, "age_max": None}
        case "p_height":
            changes = (
                {"height_min": value[0], "height_max": value[1]} if value else {"height_min": None, "height_max": None}
            )
        case "p_education":
            changes = {"min_education": value}
        case "p_regions":
            changes = {"regions": list(value or [])}
        case "p_marital":
            changes = {"marital": list(value or [])}
        case "p_children":
            changes = {"children": value}
        case "p_must":
            changes = {"must_have": list(value or [])}
        case _:
            raise ValueError(f"step {step.name} sets no preference")
    updated = dataclasses.replace(prefs, **changes)
    still_set = set_criteria(updated)
    return dataclasses.replace(updated, must_have=[c for c in updated.must_have if c in still_set])


def current_value(step: Step, profile: ProfileData, prefs: PreferencesData) -> Value:
    """The answer already given to a step, as a Value (None when unanswered)."""
    match step.name:
        case "name":
            return profile.display_name
        case "preferred_name":
            return profile.preferred_name
        case "gender":
            return profile.gender
        case "birth_date":
            return None if profile.birth_date is None else profile.birth_date.isoformat()
        case "height":
            return profile.height_cm
        case "education":
            return profile.education
        case "occupation":
            return profile.occupation
        case "income":
            return profile.income_band
        case "region":
            return None if profile.region_code is None else {"code": profile.region_code, "text": profile.city_text}
        case "marital":
            return profile.marital_history
        case "has_children":
            return None if profile.has_children is None else ("yes" if profile.has_children else "no")
        case "wants_children":
            return profile.wants_children
        case "personality":
            return list(profile.personality) or None
        case "hobbies":
            if not profile.hobbies and not profile.hobbies_text:
                return None
            return {"picked": list(profile.hobbies), "text": profile.hobbies_text}
        case "about":
            return profile.about_me
        case "history":
            return profile.relationship_history
        case "phone":
            return profile.phone
        case "p_gender":
            return prefs.gender_sought
        case "p_age":
            return _range_value(prefs.age_min, prefs.age_max)
        case "p_height":
            return _range_value(prefs.height_min, prefs.height_max)
        case "p_education":
            return prefs.min_education
        case "p_regions":
            return list(prefs.regions) or None
        case "p_marital":
            return list(prefs.marital) or None
        case "p_children":
            return prefs.children
        case "p_must":
            return list(prefs.must_have) or None
    return None


def _range_value(low: int | None, high: int | None) -> Value:
    """A preferred range as its answer: [low, high], None on an open side; None when there is no range."""
    return None if low is None and high is None else [low, high]


def initial_picks(step: Step, profile: ProfileData, prefs: PreferencesData) -> list[str]:
    """What a MULTI step shows ticked when it is asked (the earlier answer, if any)."""
    value = current_value(step, profile, prefs)
    if isinstance(value, dict):
        return list(value.get("picked") or [])
    return list(value or [])


def first_unanswered(profile: ProfileData, prefs: PreferencesData) -> Step | None:
    """The first required step without an answer (None: ready for review). Photos are optional: a client
    without one can register and send them later."""
    for step in ONBOARDING:
        if not step.optional and current_value(step, profile, prefs) is None:
            return step
    return None
