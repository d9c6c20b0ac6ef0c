"""The interview's rules without Telegram: the step table, navigation, answers to fields and back."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from domain.answers import Invalid, Problem
from domain.income import IncomeBand, format_amount, income_bands
from domain.intake import (
    CRITERIA,
    FIRST_STEP,
    INTAKE_STEPS,
    ONBOARDING,
    PREFERENCE_STEPS,
    STEPS,
    AnswerRules,
    Kind,
    apply_preference,
    choose,
    current_value,
    finish,
    first_unanswered,
    match_label,
    next_step,
    pick_by_text,
    previous_step,
    profile_changes,
    progress,
    read_text,
    set_criteria,
    skip,
    suggestion,
    toggle,
)
from domain.phones import normalise_phone
from domain.profile import (
    PreferencesData,
    ProfileData,
    ProfileStateError,
    ensure_can_pause,
    ensure_can_resume,
    from_fields,
)
from domain.regions import region_book
from handlers.views.keyboards import AnswerButton, Op

RULES = AnswerRules(today=date(2026, 1, 5), min_age=20, currency="CNY", regions=region_book(), phone=normalise_phone)

# A valid answer to every step, as the handlers pass it on.
ANSWERS: dict[str, object] = {
    "name": "Li Wei",
    "preferred_name": "Wei",
    "gender": "male",
    "birth_date": "1994-05-17",
    "height": 175,
    "education": "master",
    "occupation": "Engineer",
    "income": "CNY:100000-200000",
    "region": {"code": "310000", "text": "Shanghai"},
    "marital": "never",
    "has_children": "no",
    "wants_children": "maybe",
    "personality": ["cheerful", "quiet"],
    "hobbies": {"picked": ["reading"], "text": "choir"},
    "about": "I like long walks.",
    "history": "One long relationship.",
    "phone": "+8613800138000",
    "p_gender": "female",
    "p_age": [25, 32],
    "p_height": [155, 170],
    "p_education": "bachelor",
    "p_regions": ["310000"],
    "p_marital": ["never", "divorced"],
    "p_children": "yes",
    "p_must": ["age", "regions"],
}


def filled() -> tuple[ProfileData, PreferencesData]:
    changes: dict[str, object] = {}
    prefs = PreferencesData()
    for step in ONBOARDING:
        if step.name not in ANSWERS:
            continue
        if step in INTAKE_STEPS:
            changes |= profile_changes(step, ANSWERS[step.name])
        else:
            prefs = apply_preference(prefs, step, ANSWERS[step.name])
    return ProfileData(**changes), prefs  # type: ignore[arg-type]


def test_the_interview_has_eighteen_steps_and_five_optional_ones() -> None:
    assert len(INTAKE_STEPS) == 18 and len(PREFERENCE_STEPS) == 8
    assert [s.name for s in INTAKE_STEPS if s.optional] == ["preferred_name", "income", "history", "phone", "photos"]
    assert FIRST_STEP.name == "name" and INTAKE_STEPS[1].name == "preferred_name"
    assert INTAKE_STEPS[-1].kind is Kind.PHOTOS
    assert progress(STEPS["height"]) == (5, 18)
    assert progress(STEPS["p_age"]) == (2, 8)


def test_every_button_fits_telegrams_64_bytes() -> None:
    for step in ONBOARDING:
        values = [str(i) for i in range(len(step.options_for(RULES)))] or [""]
        if step.kind is Kind.REGION:
            values = [region.code for region in region_book().provinces]
        for op in Op:
            for value in values:
                assert len(AnswerButton(step=step.name, op=op, value=value).pack().encode()) <= 64


def test_navigation_goes_through_intake_then_preferences_and_back() -> None:
    prefs = PreferencesData()
    assert next_step(STEPS["photos"], prefs) == STEPS["p_gender"]
    assert previous_step(STEPS["p_gender"], prefs) == STEPS["photos"]
    assert previous_step(FIRST_STEP, prefs) is None
    # The must-have question only follows when some criterion has a preference.
    assert next_step(STEPS["p_children"], prefs) is None
    assert next_step(STEPS["p_children"], dataclasses.replace(prefs, age_min=20, age_max=30)) == STEPS["p_must"]


def test_each_answer_comes_back_as_the_current_value() -> None:
    profile, prefs = filled()
    for name, value in ANSWERS.items():
        assert current_value(STEPS[name], profile, prefs) == value, name
    assert profile.birth_date == date(1994, 5, 17) and profile.has_children is False


def test_first_unanswered_finds_the_gaps() -> None:
    profile, prefs = filled()
    assert first_unanswered(profile, prefs) is None
    assert first_unanswered(dataclasses.replace(profile, about_me=None), prefs) == STEPS["about"]
    # Optional questions may stay empty (photos too: they can follow later).
    optional_left_empty = dataclasses.replace(profile, phone=None, income_band=None, preferred_name=None)
    assert first_unanswered(optional_left_empty, prefs) is None


def test_what_to_call_the_client_is_suggested_from_their_name() -> None:
    profile, _prefs = filled()
    assert suggestion(STEPS["preferred_name"], dataclasses.replace(profile, display_name="诸葛青云")) == "青云"
    assert suggestion(STEPS["preferred_name"], dataclasses.replace(profile, display_name=None)) is None
    assert suggestion(STEPS["occupation"], profile) is None


def test_clearing_a_criterion_removes_it_from_the_must_haves() -> None:
    _profile, prefs = filled()
    cleared = apply_preference(prefs, STEPS["p_age"], None)
    assert (cleared.age_min, cleared.age_max, cleared.must_have) == (None, None, ["regions"])
    cleared = apply_preference(cleared, STEPS["p_regions"], [])
    assert cleared.must_have == []


def test_skip_only_where_optional() -> None:
    assert skip(STEPS["phone"]) is None
    assert skip(STEPS["preferred_name"]) is None
    assert skip(STEPS["photos"]) is None
    assert skip(STEPS["p_regions"]) == []
    assert skip(STEPS["name"]) == Invalid(Problem.NOT_OPTIONAL)


def test_choices_toggles_and_done() -> None:
    assert choose(STEPS["gender"], "female", RULES) == "female"
    assert choose(STEPS["gender"], "other", RULES) == Invalid(Problem.CHOICE_NEEDED)
    assert choose(STEPS["income"], "CNY:0-50000", RULES) == "CNY:0-50000"
    assert choose(STEPS["region"], "320500", RULES) == {"code": "320500", "text": None}
    picked = toggle(STEPS["personality"], [], "quiet", RULES)
    assert picked == ["quiet"]
    picked = toggle(STEPS["personality"], ["quiet", "gentle"], "cheerful", RULES)
    assert picked == ["cheerful", "gentle", "quiet"]  # in the options' order
    assert toggle(STEPS["personality"], picked, "romantic", RULES) == Invalid(Problem.TOO_MANY_PICKS, {"max": 3})
    assert toggle(STEPS["personality"], picked, "quiet", RULES) == ["cheerful", "gentle"]
    assert finish(STEPS["personality"], [], None) == Invalid(Problem.NO_PICKS)
    assert finish(STEPS["hobbies"], [], "choir") == {"picked": [], "text": "choir"}
    assert finish(STEPS["p_must"], [], None) == []


def test_typed_places_for_the_partner_pick_provinces() -> None:
    assert pick_by_text(STEPS["p_regions"], ["110000"], "深圳", RULES) == ["110000", "440000"]
    unknown = pick_by_text(STEPS["p_regions"], [], "Atlantis", RULES)
    assert isinstance(unknown, Invalid) and unknown.problem is Problem.REGION_UNKNOWN


def test_typed_answers_to_text_steps() -> None:
    assert read_text(STEPS["p_age"], "28到35岁", RULES) == [28, 35]
    assert read_text(STEPS["region"], "上海市", RULES) == {"code": "310000", "text": "上海市"}
    ambiguous = read_text(STEPS["region"], "Taizhou", RULES)
    assert isinstance(ambiguous, Invalid) and ambiguous.options == ("321200", "331000")
    assert read_text(STEPS["gender"], "male", RULES) == Invalid(Problem.CHOICE_NEEDED)


def test_labels_typed_in_any_language_and_case() -> None:
    labels = {"male": ["Man", "男"], "female": ["Woman", "女"]}
    assert match_label(" WOMAN ", labels) == "female"
    assert match_label("男", labels) == "male"
    assert match_label("maybe", labels) is None
    assert match_label("", labels) is None


def test_income_bands_name_their_bounds_and_currency() -> None:
    bands = income_bands("CNY")
    assert [b.code for b in bands][:2] == ["CNY:0-50000", "CNY:50000-100000"]
    assert bands[-1] == IncomeBand("CNY", 1_000_000, None)
    assert IncomeBand.from_code("CNY:1000000-") == bands[-1]
    assert IncomeBand.from_code("nonsense") is None
    assert (format_amount(100_000, "zh"), format_amount(100_000, "en"), format_amount(12_345, "zh")) == (
        "10万",
        "100,000",
        "12,345",
    )
    with pytest.raises(ValueError, match="increasing"):
        income_bands("CNY", (100, 50))


def test_pause_and_resume_rules() -> None:
    ensure_can_pause("active")
    ensure_can_resume("paused")
    with pytest.raises(ProfileStateError):
        ensure_can_pause("draft")
    with pytest.raises(ProfileStateError):
        ensure_can_resume("active")


def test_records_convert_by_field_name() -> None:
    @dataclasses.dataclass
    class Record:
        account_id: int
        display_name: str
        personality: list[str]

    profile = from_fields(ProfileData, Record(1, "Li", ["quiet"]))
    assert (profile.display_name, profile.personality) == ("Li", ["quiet"])
    assert from_fields(PreferencesData, None) == PreferencesData()
    assert set(CRITERIA) == {"age", "height", "education", "regions", "marital", "children"}


# --- Russian answers and open ranges ---------------------------------------------------------------------
def test_yes_no_typed_in_russian_english_or_chinese() -> None:
    # The option labels of the question ("No children") need not be what a person types: a plain yes or no
    # (or "I don't know", where the question offers it) answers it in any language.
    has_children = {"yes": ["Yes, I have children"], "no": ["No children"]}
    assert match_label("да", has_children) == "yes"
    assert match_label("Да!", has_children) == "yes"
    assert match_label("НЕТ", has_children) == "no"
    assert match_label("нет.", has_children) == "no"
    assert match_label("yes", has_children) == "yes"
    assert match_label("没有", has_children) == "no"
    assert match_label("не знаю", has_children) is None  # this question has no "maybe"
    wants = {"yes": ["Yes"], "no": ["No"], "maybe": ["Not sure yet"]}
    assert match_label("не знаю", wants) == "maybe"
    assert match_label("Пока не знаю", wants) == "maybe"
    assert match_label("не уверен", wants) == "maybe"
    assert match_label("не уверена", wants) == "maybe"
    assert match_label("不确定", wants) == "maybe"
    assert match_label("да нет", wants) is None
    # Other questions' codes are untouched by the yes/no words.
    assert match_label("да", {"male": ["Man"], "female": ["Woman"]}) is None


def test_russian_answers_to_text_steps() -> None:
    assert read_text(STEPS["p_age"], "от 28 до 35 лет", RULES) == [28, 35]
    assert read_text(STEPS["p_height"], "выше 175", RULES) == [175, None]
    assert read_text(STEPS["p_height"], "до 180 см", RULES) == [None, 180]
    assert read_text(STEPS["height"], "1,75 м", RULES) == 175
    assert read_text(STEPS["birth_date"], "17 мая 1994 г.", RULES) == "1994-05-17"


def test_an_open_range_keeps_its_open_side() -> None:
    _profile, prefs = filled()
    taller = apply_preference(prefs, STEPS["p_height"], [175, None])
    assert (taller.height_min, taller.height_max) == (175, None)
    assert current_value(STEPS["p_height"], ProfileData(), taller) == [175, None]
    younger = apply_preference(prefs, STEPS["p_age"], [None, 35])
    assert (younger.age_min, younger.age_max) == (None, 35)
    assert current_value(STEPS["p_age"], ProfileData(), younger) == [None, 35]
    # Still a preference that can be a must-have.
    assert "age" in younger.must_have
    assert set_criteria(younger)[:2] == ("age", "height")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Я живу в Шанхае", "310000"),
        ("в Пекине", "110000"),
        ("Шэньчжэнь", "440300"),
        ("живу в Шэньчжэне", "440300"),
        ("из Уханя", "420100"),
        ("г. Харбин", "230100"),
        ("в Гонконге", "810000"),
        ("в Ханчжоу", "330100"),
    ],
)
def test_a_place_named_in_a_russian_sentence(typed: str, code: str) -> None:
    assert read_text(STEPS["region"], typed, RULES) == {"code": code, "text": typed}


def test_a_partner_region_typed_in_russian() -> None:
    assert pick_by_text(STEPS["p_regions"], [], "в Гуанчжоу", RULES) == ["440000"]
    assert pick_by_text(STEPS["p_regions"], ["110000"], "Шанхае", RULES) == ["110000", "310000"]
    unknown = pick_by_text(STEPS["p_regions"], [], "в Москве", RULES)
    assert isinstance(unknown, Invalid) and unknown.problem is Problem.REGION_UNKNOWN
