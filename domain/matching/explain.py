"""Why a candidate was suggested: the strongest three reasons, as codes with parameters.

Each reason stands for a part of the two one-way scores (`domain.matching.scoring`), and its strength is that
part's share of score(asker -> candidate) + score(candidate -> asker):

| code | when | strength |
| --- | --- | --- |
| `mutual_<criterion>_fit` | both stated the criterion and each fully meets the other's | both preference shares |
| `<criterion>_fit` | the candidate fully meets a criterion the asker stated | the asker's preference share |
| `fits_their_wishes` | the asker fully meets every criterion the candidate stated | the candidate's shares left over |
| `shared_hobbies` | at least one hobby in common | 2 * W_HOBBIES * Jaccard |
| `personality_match` | compatibility >= `PERSONALITY_MATCH` | 2 * W_PERSONALITY * (compatibility - neutral) |
| `recently_active` | active within `RECENT_DAYS` days | W_RECENCY * recency |

A criterion's preference share is W_PREFERENCES * its weight / the weights of all criteria the person stated
(must-haves included: here they explain, they do not rank). `<criterion>` is age, height, education, region,
marital or children. Equal strengths keep the order of `ReasonCode`. Parameters name the candidate's coarse
facts that the profile card shows anyway (age, height, codes), never free text; `describe` renders English for
tests and docs, handlers localise the codes.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from domain.matching.criteria import grade
from domain.matching.model import Criterion, K, MatchProfile, Reason, ReasonParam
from domain.matching.personality import NEUTRAL, compatibility, known_codes, traits_side_by_side
from domain.matching.scoring import (
    CRITERION_WEIGHTS,
    W_HOBBIES,
    W_PERSONALITY,
    W_PREFERENCES,
    W_RECENCY,
    hobby_overlap,
    recency,
    shared_hobbies,
)

MAX_REASONS = 3
PERSONALITY_MATCH = 0.7
RECENT_DAYS = 3


class ReasonCode(StrEnum):
    MUTUAL_AGE_FIT = "mutual_age_fit"
    MUTUAL_REGION_FIT = "mutual_region_fit"
    MUTUAL_CHILDREN_FIT = "mutual_children_fit"
    MUTUAL_EDUCATION_FIT = "mutual_education_fit"
    MUTUAL_HEIGHT_FIT = "mutual_height_fit"
    MUTUAL_MARITAL_FIT = "mutual_marital_fit"
    SHARED_HOBBIES = "shared_hobbies"
    PERSONALITY_MATCH = "personality_match"
    FITS_THEIR_WISHES = "fits_their_wishes"
    AGE_FIT = "age_fit"
    REGION_FIT = "region_fit"
    CHILDREN_FIT = "children_fit"
    EDUCATION_FIT = "education_fit"
    HEIGHT_FIT = "height_fit"
    MARITAL_FIT = "marital_fit"
    RECENTLY_ACTIVE = "recently_active"


_NAMES = {
    Criterion.AGE: "age",
    Criterion.HEIGHT: "height",
    Criterion.EDUCATION: "education",
    Criterion.REGIONS: "region",
    Criterion.MARITAL: "marital",
    Criterion.CHILDREN: "children",
}
_ORDER = {code: i for i, code in enumerate(ReasonCode)}


def _preference_shares(person: MatchProfile[K]) -> dict[Criterion, float]:
    stated = person.preferences.stated
    total = sum(CRITERION_WEIGHTS[c] for c in stated)
    return {c: W_PREFERENCES * CRITERION_WEIGHTS[c] / total for c in stated}


def _fact(criterion: Criterion, candidate: MatchProfile[K], day: date) -> dict[str, ReasonParam]:
    value: ReasonParam | None
    match criterion:
        case Criterion.AGE:
            key, value = "age", candidate.age(day)
        case Criterion.HEIGHT:
            key, value = "height_cm", candidate.height_cm
        case Criterion.EDUCATION:
            key, value = "education", candidate.education
        case Criterion.REGIONS:
            key, value = "region", candidate.region_code
        case Criterion.MARITAL:
            key, value = "marital", candidate.marital_history
        case Criterion.CHILDREN:
            key, value = "wants_children", candidate.wants_children
    return {} if value is None else {key: value}


def _criterion_reasons(asker: MatchProfile[K], candidate: MatchProfile[K], day: date) -> list[tuple[float, Reason]]:
    found: list[tuple[float, Reason]] = []
    asker_shares, candidate_shares = _preference_shares(asker), _preference_shares(candidate)
    left_over = 0.0
    met_all_theirs = bool(candidate_shares)
    for criterion in Criterion:
        name = _NAMES[criterion]
        they_fit = criterion in asker_shares and grade(criterion, asker.preferences, candidate, day) == 1.0
        you_fit = criterion in candidate_shares and grade(criterion, candidate.preferences, asker, day) == 1.0
        if criterion in candidate_shares and not you_fit:
            met_all_theirs = False
        if they_fit and you_fit:
            strength = asker_shares[criterion] + candidate_shares[criterion]
            found.append((strength, Reason(f"mutual_{name}_fit")))
            continue
        if you_fit:
            left_over += candidate_shares[criterion]
        if they_fit:
            found.append((asker_shares[criterion], Reason(f"{name}_fit", _fact(criterion, candidate, day))))
    if met_all_theirs and left_over > 0:
        found.append((left_over, Reason(ReasonCode.FITS_THEIR_WISHES)))
    return found


def reasons(asker: MatchProfile[K], candidate: MatchProfile[K], day: date) -> tuple[Reason, ...]:
    """The strongest `MAX_REASONS` reasons to suggest `candidate` to `asker`, strongest first."""
    found = _criterion_reasons(asker, candidate, day)
    shared = shared_hobbies(asker.hobbies, candidate.hobbies)
    if shared:
        overlap = hobby_overlap(asker.hobbies, candidate.hobbies)
        found.append((2 * W_HOBBIES * overlap, Reason(ReasonCode.SHARED_HOBBIES, {"hobbies": shared})))
    fit = compatibility(asker.personality, candidate.personality)
    if fit >= PERSONALITY_MATCH:
        params: dict[str, ReasonParam] = {
            "asker": known_codes(asker.personality),
            "candidate": known_codes(candidate.personality),
        }
        found.append((2 * W_PERSONALITY * (fit - NEUTRAL), Reason(ReasonCode.PERSONALITY_MATCH, params)))
    if candidate.last_active is not None:
        days = max(0, (day - candidate.last_active).days)
        if days <= RECENT_DAYS:
            strength = W_RECENCY * recency(candidate.last_active, day)
            found.append((strength, Reason(ReasonCode.RECENTLY_ACTIVE, {"days": days})))
    found.sort(key=lambda item: (-item[0], _ORDER[ReasonCode(item[1].code)]))
    return tuple(reason for _, reason in found[:MAX_REASONS])


_MUTUAL_TEMPLATES: dict[str, str] = {
    ReasonCode.MUTUAL_AGE_FIT: "You are each within the age range the other asked for.",
    ReasonCode.MUTUAL_REGION_FIT: "You each live where the other hoped.",
    ReasonCode.MUTUAL_CHILDREN_FIT: "You agree about children.",
    ReasonCode.MUTUAL_EDUCATION_FIT: "You each meet the other's wish for education.",
    ReasonCode.MUTUAL_HEIGHT_FIT: "You are each within the height range the other asked for.",
    ReasonCode.MUTUAL_MARITAL_FIT: "Your marital histories suit each other's wishes.",
    ReasonCode.FITS_THEIR_WISHES: "You are what they are looking for.",
}
# One-sided fits: (parameter, template with its value).
_FIT_TEMPLATES: dict[str, tuple[str, str]] = {
    ReasonCode.AGE_FIT: ("age", "At {}, within the age range you asked for."),
    ReasonCode.REGION_FIT: ("region", "Lives in a region you asked for ({})."),
    ReasonCode.CHILDREN_FIT: ("wants_children", "Their wish for children ({}) is what you asked for."),
    ReasonCode.EDUCATION_FIT: ("education", "Education ({}) meets your wish."),
    ReasonCode.HEIGHT_FIT: ("height_cm", "{} cm, within the height range you asked for."),
    ReasonCode.MARITAL_FIT: ("marital", "Marital history ({}) as you asked."),
}


def _words(codes: list[str]) -> str:
    names = [code.replace("_", " ") for code in codes]
    if not names:
        return "nothing"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _codes(value: ReasonParam | None) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def describe(reason: Reason) -> str:
    """Plain English for one reason (tests and docs; the bot localises the codes itself)."""
    params = reason.params
    if reason.code in _MUTUAL_TEMPLATES:
        return _MUTUAL_TEMPLATES[reason.code]
    if reason.code in _FIT_TEMPLATES:
        key, template = _FIT_TEMPLATES[reason.code]
        value = params.get(key)
        if value is None:
            return f"Meets your wish for {reason.code.removesuffix('_fit')}."
        return template.format(str(value).replace("_", " "))
    match reason.code:
        case ReasonCode.SHARED_HOBBIES:
            return f"You both enjoy {_words(_codes(params.get('hobbies')))}."
        case ReasonCode.PERSONALITY_MATCH:
            both, mine, theirs = traits_side_by_side(_codes(params.get("asker")), _codes(params.get("candidate")))
            also = " also" if both else ""
            parts = [f"you are both {_words(both)}"] if both else []
            parts += [f"you are{also} {_words(mine)}"] if mine else []
            parts += [f"they are{also} {_words(theirs)}"] if theirs else []
            return f"Your personalities go well together: {'; '.join(parts)}."
        case ReasonCode.RECENTLY_ACTIVE:
            days = params.get("days", 0)
            return "Active today." if days == 0 else "Active yesterday." if days == 1 else f"Active {days} days ago."
    return reason.code.replace("_", " ").capitalize() + "."
