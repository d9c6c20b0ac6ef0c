"""A client's profile as text: the public card other clients see, the private part, the preferences.

User text is escaped (parse mode is HTML) and clipped so every message stays within Telegram's limits.
"""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import gettext as _

from domain.intake import Step, Value, current_value, set_criteria
from domain.profile import MAX_PHOTOS, PreferencesData, ProfileData
from domain.regions import normalise, region_book
from handlers.views.punctuation import labelled, listed, with_aside
from handlers.views.texts import (
    criterion_label,
    education_label,
    hobby_label,
    income_label,
    marital_label,
    option_label,
    personality_label,
    quote,
    quote_clipped,
    region_label,
    skipped_text,
    step_title,
)

CAPTION_LIMIT = 1024
ABOUT_BUDGET = 1400
HISTORY_BUDGET = 1000
OWN_WORDS_BUDGET = 300
SHORT_BUDGET = 300


def public_caption(profile: ProfileData, today: date) -> str:
    """Photo caption: name, age, city, height, education, occupation (always under 1024 characters). Named
    as other clients see the client named: by their short name."""
    lines = [_("<b>Your profile as other clients will see it</b>"), ""]
    lines += public_facts(profile, today, name=short_name(profile))
    return "\n".join(lines)[:CAPTION_LIMIT]


def short_name(profile: ProfileData | None) -> str:
    """What to call a client wherever a short name is shown (not escaped): the name they chose, else one read
    from their name in its script's order (domain/names.py), never a family name alone; "?" without a name."""
    return (None if profile is None else profile.short_name()) or "?"


def public_facts(profile: ProfileData, today: date, *, name: str) -> list[str]:
    """Name and age, city, height and education, occupation: the public lines of a profile."""
    lines = []
    name = quote_clipped(name, SHORT_BUDGET)
    age = profile.age(today)
    lines.append(_("<b>{name}</b>, {age}").format(name=name, age=age if age is not None else "?"))
    if profile.region_code:
        lines.append("📍 " + quote(region_label(profile.region_code)))
    facts = []
    if profile.height_cm:
        facts.append(_("{height} cm").format(height=profile.height_cm))
    if profile.education:
        facts.append(education_label(profile.education))
    if facts:
        lines.append("📏 " + " · ".join(facts))
    if profile.occupation:
        lines.append("💼 " + quote_clipped(profile.occupation, SHORT_BUDGET))
    return lines


def about_section(profile: ProfileData) -> str:
    return _("<b>About me</b>") + "\n" + quote_clipped(profile.about_me or "—", ABOUT_BUDGET)


def private_section(profile: ProfileData) -> str:
    rows = [
        (_("Name"), quote_clipped(profile.display_name, SHORT_BUDGET) if profile.display_name else None),
        (_("What we call you"), quote_clipped(short_name(profile), SHORT_BUDGET)),
        (_("Gender"), option_label("gender", profile.gender) if profile.gender else None),
        (_("Date of birth"), profile.birth_date.isoformat() if profile.birth_date else None),
        (_("Yearly income"), income_label(profile.income_band) if profile.income_band else None),
        (_("City, as you wrote it"), _own_city_words(profile)),
        (_("Marital history"), marital_label(profile.marital_history) if profile.marital_history else None),
        (_("Has children"), yes_no(profile.has_children)),
        (
            _("Wants children"),
            option_label("wants_children", profile.wants_children) if profile.wants_children else None,
        ),
        (_("Personality"), listed(personality_label(code) for code in profile.personality) or None),
        (_("Hobbies"), _hobbies(profile.hobbies, profile.hobbies_text)),
        (
            _("Relationship history"),
            quote_clipped(profile.relationship_history, HISTORY_BUDGET) if profile.relationship_history else None,
        ),
        (_("Phone"), quote(profile.phone) if profile.phone else None),
    ]
    lines = [_("🔒 <b>Only you and the agency's staff see this</b>")]
    city_words = _("City, as you wrote it")
    lines += [
        labelled(title, value if value is not None else "—")
        for title, value in rows
        if value is not None or title != city_words
    ]
    return "\n".join(lines)


def preferences_section(prefs: PreferencesData) -> str:
    must = set(prefs.must_have)
    strength = {
        criterion: (_("must-have") if criterion in must else _("nice-to-have")) for criterion in set_criteria(prefs)
    }

    def line(title: str, value: str | None, criterion: str | None = None) -> str:
        if value is None:
            return labelled(title, _("no preference"))
        return labelled(title, with_aside(value, strength[criterion]) if criterion in strength else value)

    rows = [
        _("💞 <b>The partner you hope to meet</b>"),
        line(step_title("p_gender"), option_label("p_gender", prefs.gender_sought) if prefs.gender_sought else None),
        line(
            criterion_label("age"),
            age_range_text(prefs.age_min, prefs.age_max),
            "age",
        ),
        line(
            criterion_label("height"),
            height_range_text(prefs.height_min, prefs.height_max),
            "height",
        ),
        line(
            step_title("p_education"),
            _("{level} or higher").format(level=education_label(prefs.min_education)) if prefs.min_education else None,
            "education",
        ),
        line(criterion_label("regions"), listed(region_label(c) for c in prefs.regions) or None, "regions"),
        line(criterion_label("marital"), listed(marital_label(c) for c in prefs.marital) or None, "marital"),
        line(
            criterion_label("children"),
            option_label("p_children", prefs.children) if prefs.children else None,
            "children",
        ),
    ]
    return "\n".join(rows)


def age_range_text(low: int | None, high: int | None) -> str | None:
    """A preferred age range as it was typed: "25 to 32", "30 or older", "up to 35" (None: no preference)."""
    if low is not None and high is not None:
        return _("{low} to {high}").format(low=low, high=high)
    if low is not None:
        return _("{low} or older").format(low=low)
    if high is not None:
        return _("up to {high}").format(high=high)
    return None


def height_range_text(low: int | None, high: int | None) -> str | None:
    """A preferred height range as it was typed: "160 to 175 cm", "175 cm or more", "up to 180 cm"."""
    if low is not None and high is not None:
        return _("{low} to {high} cm").format(low=low, high=high)
    if low is not None:
        return _("{low} cm or more").format(low=low)
    if high is not None:
        return _("up to {high} cm").format(high=high)
    return None


def answer_text(step: Step, profile: ProfileData, prefs: PreferencesData) -> str | None:
    """The current answer to one step, for the "editing" header (None when unanswered)."""
    return value_text(step, current_value(step, profile, prefs))


def answered_line(step: Step, value: Value) -> str:
    """An answer as it reads under its question once given (HTML): what was chosen, or that it was skipped."""
    text = value_text(step, value)
    return f"✅ {text}" if text else "⏭ " + skipped_text(step)


def photos_line(count: int) -> str:
    """The photos question once done, as its answer reads under it."""
    return "✅ " + _("Photos received: {count} of {limit}.").format(count=count, limit=MAX_PHOTOS)


def value_text(step: Step, value: Value) -> str | None:
    """An answer to one step as a person reads it (HTML; None when there is none)."""
    if value is None or value == []:
        return None
    match step.name:
        case "name" | "preferred_name" | "occupation" | "about" | "history" | "phone":
            return quote_clipped(str(value), SHORT_BUDGET)
        case "birth_date":
            return str(value)
        case "height":
            return _("{height} cm").format(height=value)
        case "region":
            text = region_label(value["code"])
            return quote(text)
        case "hobbies":
            return _hobbies(value.get("picked") or [], value.get("text"))
        case "p_age":
            return age_range_text(value[0], value[1])
        case "p_height":
            return height_range_text(value[0], value[1])
    if isinstance(value, list):
        return listed(quote(option_label(step.name, code)) for code in value)
    return quote(option_label(step.name, str(value)))


def yes_no(value: bool | None) -> str | None:
    """A yes-or-no fact on a card ("Has children: No"), capitalised like every other answer on it."""
    if value is None:
        return None
    return _("Yes") if value else _("No")


def _hobbies(picked: list[str], own_words: str | None) -> str | None:
    parts = [hobby_label(code) for code in picked]
    if own_words:
        parts.append(quote_clipped(own_words, OWN_WORDS_BUDGET))
    return listed(parts) or None


def _own_city_words(profile: ProfileData) -> str | None:
    """What the client typed for their city, when it says more than the region's name."""
    if not profile.city_text:
        return None
    region = region_book().get(profile.region_code or "")
    if region is not None and normalise(profile.city_text) in (normalise(region.en), normalise(region.zh)):
        return None
    return quote_clipped(profile.city_text, SHORT_BUDGET)
