"""The matcher's reasons (`domain.matching.explain` codes with parameters) in the client's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from aiogram.utils.i18n import gettext as _

from domain.matching.explain import ReasonCode
from domain.matching.model import ReasonParam
from domain.matching.personality import traits_side_by_side
from handlers.views.texts import (
    education_label,
    hobby_label,
    marital_label,
    option_label,
    personality_label,
    quote,
    region_label,
)


def _codes(value: ReasonParam | None) -> list[str]:
    return [str(code) for code in value] if isinstance(value, list) else []


def _list(value: ReasonParam | None, label: Callable[[str], str]) -> str:
    return _(", ").join(label(code) for code in _codes(value))


def _personalities(asker: ReasonParam | None, candidate: ReasonParam | None) -> str:
    """Whose traits are whose: the ones both have, then each one's own ("you are also ..." after shared ones)."""
    both, mine, theirs = traits_side_by_side(_codes(asker), _codes(candidate))
    parts = [_("you are both {traits}").format(traits=_list(both, personality_label))] if both else []
    if mine:
        mine_text = _("you are also {traits}") if both else _("you are {traits}")
        parts.append(mine_text.format(traits=_list(mine, personality_label)))
    if theirs:
        theirs_text = _("they are also {traits}") if both else _("they are {traits}")
        parts.append(theirs_text.format(traits=_list(theirs, personality_label)))
    return _("Your personalities go well together: {details}.").format(details=_("; ").join(parts))


def _mutual() -> dict[str, str]:
    return {
        ReasonCode.MUTUAL_AGE_FIT: _("You are each within the age range the other asked for."),
        ReasonCode.MUTUAL_REGION_FIT: _("You each live where the other hoped."),
        ReasonCode.MUTUAL_CHILDREN_FIT: _("You agree about children."),
        ReasonCode.MUTUAL_EDUCATION_FIT: _("You each meet the other's wish for education."),
        ReasonCode.MUTUAL_HEIGHT_FIT: _("You are each within the height range the other asked for."),
        ReasonCode.MUTUAL_MARITAL_FIT: _("Your marital histories suit each other's wishes."),
        ReasonCode.FITS_THEIR_WISHES: _("You are what they are looking for."),
    }


def describe(code: str, params: Mapping[str, ReasonParam]) -> str:
    """One reason as a sentence (user-independent values only: codes and numbers, never free text)."""
    mutual = _mutual()
    if code in mutual:
        return mutual[code]
    match code:
        case ReasonCode.AGE_FIT if isinstance(params.get("age"), int):
            return _("At {age}, within the age range you asked for.").format(age=params["age"])
        case ReasonCode.HEIGHT_FIT if isinstance(params.get("height_cm"), int):
            return _("{height} cm, within the height range you asked for.").format(height=params["height_cm"])
        case ReasonCode.EDUCATION_FIT if isinstance(params.get("education"), str):
            return _("Education ({education}) meets your wish.").format(
                education=education_label(str(params["education"]))
            )
        case ReasonCode.REGION_FIT if isinstance(params.get("region"), str):
            return _("Lives in a region you asked for ({region}).").format(
                region=quote(region_label(str(params["region"])))
            )
        case ReasonCode.MARITAL_FIT if isinstance(params.get("marital"), str):
            return _("Marital history ({marital}) as you asked.").format(marital=marital_label(str(params["marital"])))
        case ReasonCode.CHILDREN_FIT if isinstance(params.get("wants_children"), str):
            return _("Their wish for children ({wish}) is what you asked for.").format(
                wish=option_label("wants_children", str(params["wants_children"]))
            )
        case ReasonCode.SHARED_HOBBIES:
            return _("You both enjoy {hobbies}.").format(hobbies=_list(params.get("hobbies"), hobby_label))
        case ReasonCode.PERSONALITY_MATCH:
            return _personalities(params.get("asker"), params.get("candidate"))
        case ReasonCode.RECENTLY_ACTIVE:
            days = params.get("days", 0)
            if days == 0:
                return _("Active today.")
            if days == 1:
                return _("Active yesterday.")
            return _("Active {days} day ago.", "Active {days} days ago.", days).format(days=days)
    return _("Fits what you are looking for.")


def reason_lines(reasons: list[dict[str, object]]) -> list[str]:
    """Stored reasons (`{"code": ..., "params": {...}}`) as bullet lines."""
    lines = []
    for reason in reasons:
        code = reason.get("code")
        params = reason.get("params")
        if isinstance(code, str):
            lines.append("• " + describe(code, params if isinstance(params, dict) else {}))
    return lines
