"""What the client reads during the journey: questions, option labels, explanations of refused answers.

Every string goes through gettext in the locale of the update. Labels of coded answers live here, once, and
are reused by the questions, the review, the profile and the export.
"""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from domain.answers import Invalid, Problem
from domain.income import IncomeBand, format_amount
from domain.intake import Flow, Step, progress
from domain.languages import is_chinese
from domain.regions import region_book


def current_locale() -> str:
    return get_i18n().current_locale


def quote(text: str) -> str:
    """User text made safe for HTML parse mode."""
    return escape(text, quote=False)


def quote_clipped(text: str, budget: int) -> str:
    """User text escaped, cut (with an ellipsis) so the escaped form takes at most `budget` characters."""
    quoted = quote(text)
    if len(quoted) <= budget:
        return quoted
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if len(quote(text[:middle])) + 1 <= budget:
            low = middle
        else:
            high = middle - 1
    return quote(text[:low]) + "…"


def help_text() -> str:
    return _(
        "Here is what I can do:\n"
        "/start: begin or continue your registration\n"
        "/matches: today's suggestions\n"
        "/dates: your dates: propose, reschedule or cancel\n"
        "/profile: see or change your profile, pause or resume suggestions\n"
        "/preferences: the partner you hope to meet\n"
        "/ranking: how your suggestions are ranked; switch learning from your answers off or on\n"
        "/human: talk to a counselor\n"
        "/membership: your membership tier, what it includes, buy, renew or upgrade\n"
        "/refund: ask for a refund of your membership\n"
        "/mydata: get everything we hold about you, as a file\n"
        "/delete: delete your data for good\n"
        "/language: choose your language\n"
        "/cancel: stop what we are doing\n"
        "/help: this list"
    )


# --- titles and options --------------------------------------------------------------------------------------
def step_title(name: str) -> str:
    """The short name of a field: review lines, the edit list."""
    titles = {
        "name": _("Name"),
        "preferred_name": _("What we call you"),
        "gender": _("Gender"),
        "birth_date": _("Date of birth"),
        "height": _("Height"),
        "education": _("Education"),
        "occupation": _("Occupation"),
        "income": _("Yearly income"),
        "region": _("City"),
        "marital": _("Marital history"),
        "has_children": _("Has children"),
        "wants_children": _("Wants children"),
        "personality": _("Personality"),
        "hobbies": _("Hobbies"),
        "about": _("About me"),
        "history": _("Relationship history"),
        "phone": _("Phone"),
        "photos": _("Photos"),
        "p_gender": _("Looking for"),
        "p_age": _("Age range"),
        "p_height": _("Height range"),
        "p_education": _("Minimum education"),
        "p_regions": _("Where they live"),
        "p_marital": _("Their marital history"),
        "p_children": _("Their wish for children"),
        "p_must": _("Must-haves"),
    }
    return titles[name]


def option_label(step: str, code: str) -> str:
    if step == "income":
        return income_label(code)
    if step in ("region", "p_regions"):
        return region_label(code)
    if step in ("gender",):
        return {"male": _("Man"), "female": _("Woman")}.get(code, code)
    if step == "p_gender":
        return {"male": _("A man"), "female": _("A woman")}.get(code, code)
    if step in ("education", "p_education"):
        return education_label(code)
    if step in ("marital", "p_marital"):
        return marital_label(code)
    if step == "has_children":
        return {"yes": _("Yes, I have children"), "no": _("No children")}.get(code, code)
    if step == "wants_children":
        return {"yes": _("Yes"), "no": _("No"), "maybe": _("Not sure yet")}.get(code, code)
    if step == "p_children":
        return {
            "yes": _("They should want children"),
            "no": _("They should not want children"),
        }.get(code, code)
    if step == "personality":
        return personality_label(code)
    if step == "hobbies":
        return hobby_label(code)
    if step == "p_must":
        return criterion_label(code)
    return code


def education_label(code: str) -> str:
    return {
        "high_school": _("High school or below"),
        "associate": _("Associate degree"),
        "bachelor": _("Bachelor's degree"),
        "master": _("Master's degree"),
        "doctorate": _("Doctorate"),
    }.get(code, code)


def marital_label(code: str) -> str:
    return {"never": _("Never married"), "divorced": _("Divorced"), "widowed": _("Widowed")}.get(code, code)


def personality_label(code: str) -> str:
    return {
        "cheerful": _("Cheerful"),
        "gentle": _("Gentle"),
        "steady": _("Steady"),
        "humorous": _("Humorous"),
        "considerate": _("Considerate"),
        "independent": _("Independent"),
        "outgoing": _("Outgoing"),
        "quiet": _("Quiet"),
        "optimistic": _("Optimistic"),
        "ambitious": _("Ambitious"),
        "family_minded": _("Family-minded"),
        "romantic": _("Romantic"),
    }.get(code, code)


def hobby_label(code: str) -> str:
    return {
        "reading": _("Reading"),
        "travel": _("Travel"),
        "cooking": _("Cooking"),
        "fitness": _("Fitness"),
        "hiking": _("Hiking"),
        "music": _("Music"),
        "movies": _("Films"),
        "photography": _("Photography"),
        "gaming": _("Video games"),
        "pets": _("Pets"),
        "art": _("Painting and calligraphy"),
        "tea": _("Tea"),
        "dancing": _("Dancing"),
        "singing": _("Singing"),
        "volunteering": _("Volunteering"),
        "ball_games": _("Ball games"),
    }.get(code, code)


def criterion_label(code: str) -> str:
    return {
        "age": _("Age"),
        "height": _("Height"),
        "education": _("Education"),
        "regions": _("Where they live"),
        "marital": _("Marital history"),
        "children": _("Wish for children"),
    }.get(code, code)


def currency_name(currency: str) -> str:
    """How an income band names the currency: 元 in Chinese (either script), else its ISO code."""
    if currency == "CNY" and is_chinese(current_locale()):
        return "元"
    return currency


def income_label(code: str) -> str:
    band = IncomeBand.from_code(code)
    if band is None:
        return code
    locale = current_locale()
    currency = currency_name(band.currency)
    if band.low == 0 and band.high is not None:
        return _("Under {amount} {currency}").format(amount=format_amount(band.high, locale), currency=currency)
    if band.high is None:
        return _("{amount} {currency} or more").format(amount=format_amount(band.low, locale), currency=currency)
    return _("{low} to {high} {currency}").format(
        low=format_amount(band.low, locale), high=format_amount(band.high, locale), currency=currency
    )


def region_label(code: str) -> str:
    return region_book().label(code, current_locale())


# --- questions ------------------------------------------------------------------------------------------------
def progress_line(step: Step) -> str:
    position, count = progress(step)
    if step.flow is Flow.INTAKE:
        return _("Step {position} of {count}").format(position=position, count=count)
    return _("Partner preferences: question {position} of {count}").format(position=position, count=count)


def question(name: str, *, min_age: int, web: bool = False) -> str:
    """The question of a step; `web`: asked in the web chat, where there is no account with a phone number."""
    questions = {
        "name": _(
            "What is your name? Your counselor sees it; other clients see only the name you like to be called "
            "by, which I ask next."
        ),
        "preferred_name": _(
            "What would you like to be called? Your counselor and the clients we introduce you to will call you "
            "this. You may skip it."
        ),
        "gender": _("Are you a man or a woman?"),
        "birth_date": _(
            "What is your date of birth? For example 1994-05-17, 17.05.1994 or 1994年5月17日. "
            "The agency registers clients aged {min_age} and over."
        ).format(min_age=min_age),
        "height": _("How tall are you, in centimetres? For example 172."),
        "education": _("What is your highest level of education?"),
        "occupation": _("What do you do for a living? For example: teacher, software engineer, runs a café."),
        "income": _("What is your yearly income, roughly? Only you and your counselor see this. You may skip it."),
        "region": _("Which city do you live in? Tap one below or type its name (for example 上海 or Chengdu)."),
        "marital": _("What is your marital history?"),
        "has_children": _("Do you have children?"),
        "wants_children": _("Would you like to have children (or more children) in the future?"),
        "personality": _("Which words describe you best? Pick up to 3, then tap Done."),
        "hobbies": _(
            "What do you enjoy in your free time? Tap as many as you like. "
            "You can also write others in a message. Then tap Done."
        ),
        "about": _(
            "Tell other clients a little about yourself: what matters to you, what a good weekend looks like. "
            "Between 10 and 1000 characters."
        ),
        "history": _(
            "If you wish, tell your counselor about your past relationships: it helps them advise you. "
            "Only you and the agency's staff see this. You may skip it."
        ),
        "phone": _(
            "What phone number can your counselor call you on? Type it, or enter it with the button at the "
            "bottom of the screen. You may skip it."
        )
        if web
        else _(
            "What phone number can your counselor call you on? Type it, or share this account's number with "
            "the button at the bottom of the screen. You may skip it."
        ),
        "photos": _(
            "Please send 1 to 5 photos of yourself. A clear, recent photo of your face works best. "
            "Tap Done when you have sent them, or continue without a photo and send one later."
        ),
        "p_gender": _("Who would you like to meet?"),
        "p_age": _("What age range would you like your partner to be in? For example 28-35."),
        "p_height": _("What height range do you prefer for your partner, in centimetres? For example 160-180."),
        "p_education": _("What is the lowest level of education you would like your partner to have?"),
        "p_regions": _(
            "Where should your partner live? Tap one or more provinces, or type a city's name, then tap Done."
        ),
        "p_marital": _("Which marital histories are acceptable to you? Tap all that apply, then tap Done."),
        "p_children": _("How do you feel about your partner's wish for children?"),
        "p_must": _(
            "Which of these are must-haves? The others count as nice-to-haves: we prefer matches that meet "
            "them, but do not insist. Tap any, then tap Done."
        ),
    }
    return questions[name]


def skip_label(step: Step) -> str:
    if step.name == "p_must":
        return _("None: all are nice-to-haves")
    if step.name == "photos":
        return _("Continue without a photo")
    return _("No preference") if step.flow is Flow.PREFERENCES else _("Skip")


def skip_words(step: Step) -> list[str]:
    """What a person may type instead of tapping Skip: the button's label, and for the photos a plain "no
    photo" (the labels of every language are matched, see `handlers.journey.questions.skip_labels`)."""
    words = [skip_label(step), _("Skip")]
    if step.name == "photos":
        words += [_("No photo"), _("Later")]
    return words


def skipped_text(step: Step) -> str:
    """An optional question left unanswered, as its answer reads under the question."""
    return skip_label(step) if step.flow is Flow.PREFERENCES else _("Skipped")


# --- refused answers ------------------------------------------------------------------------------------------
def problem_text(invalid: Invalid) -> str:
    params = dict(invalid.params)
    match invalid.problem:
        case Problem.TEXT_EMPTY:
            return _("That message has no text I can use.")
        case Problem.TEXT_TOO_LONG:
            return _(
                "That is {length} character; the limit here is {limit}. Please shorten it.",
                "That is {length} characters; the limit here is {limit}. Please shorten it.",
                int(params["length"]),
            ).format(**params)
        case Problem.TEXT_TOO_SHORT:
            return _(
                "Please write at least {minimum} character.",
                "Please write at least {minimum} characters.",
                int(params["minimum"]),
            ).format(**params)
        case Problem.NAME_CHARACTERS:
            return _("A name can contain letters, spaces, hyphens and apostrophes, but no digits or emoji.")
        case Problem.DATE_FORMAT:
            return _("I could not read that date. Please write it like 1994-05-17, 17.05.1994 or 1994年5月17日.")
        case Problem.DATE_INVALID:
            return _("That date does not exist in the calendar. Please check the day and the month.")
        case Problem.DATE_AMBIGUOUS:
            return _(
                "That date can be read two ways (day first or month first). "
                "Please write it as year-month-day, for example 1994-05-06."
            )
        case Problem.DATE_FUTURE:
            return _("That date is in the future. Please enter your date of birth.")
        case Problem.TOO_YOUNG:
            return _(
                "The agency registers clients aged {min_age} and over, so I cannot accept this date of birth. "
                "If it was a typing mistake, please enter it again."
            ).format(**params)
        case Problem.TOO_OLD:
            return _("Please check the year: that date would make you over 100.")
        case Problem.HEIGHT_FORMAT:
            return _("Please give your height as a number of centimetres, for example 172 or 172 cm.")
        case Problem.HEIGHT_RANGE:
            return _("Please enter a height between {min} and {max} cm.").format(**params)
        case Problem.RANGE_FORMAT:
            return _("Please give the lowest and the highest value, for example 28-35.")
        case Problem.RANGE_REVERSED:
            return _("The lower number should come first: did you mean {high}-{low}?").format(**params)
        case Problem.AGE_BOUNDS:
            return _("Please choose ages between {min} and {max}.").format(**params)
        case Problem.HEIGHT_BOUNDS:
            return _("Please choose heights between {min} and {max} cm.").format(**params)
        case Problem.PHONE_INVALID:
            return _(
                "That does not look like a phone number I can call. Please type it with its area or country code, "
                "for example 138 0013 8000 or +44 20 7946 0958."
            )
        case Problem.PHONE_NOT_OWN:
            return _("That is someone else's contact. Please share your own number, or type it.")
        case Problem.REGION_UNKNOWN:
            if invalid.options:
                return _("I could not find that place. Did you mean one of these?")
            return _(
                "I could not find that place in my list. Please type the city's name, for example 上海 or Shanghai."
            )
        case Problem.REGION_AMBIGUOUS:
            return _("Several places have that name. Which one do you mean?")
        case Problem.CHOICE_NEEDED:
            return _("Please answer with the buttons below.")
        case Problem.TOO_MANY_PICKS:
            return _("You can pick up to {max}. Untick one first.").format(**params)
        case Problem.NO_PICKS:
            return _("Please pick at least one, then tap Done.")
        case Problem.PHOTO_NEEDED:
            return _("Please send a photo here, or tap Continue without a photo.")
        case Problem.PHOTO_AS_FILE:
            return _("Please send the picture as a photo rather than as a file, so that it displays properly.")
        case Problem.TOO_MANY_PHOTOS:
            return _(
                "You already have {max} photo, the most a profile can hold.",
                "You already have {max} photos, the most a profile can hold.",
                int(params["max"]),
            ).format(**params)
        case Problem.TEXT_NEEDED:
            return _(
                "I can only read written answers or the buttons here, not stickers, photos, voice messages or files."
            )
        case Problem.NOT_OPTIONAL:
            return _("This question cannot be skipped.")
    return _("Please answer with the buttons below.")
