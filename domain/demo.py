"""The demo pool: synthetic clients, generated deterministically, so a fresh web chat demo has suggestions.

`demo_people(count, seed=..., today=...)` returns people numbered 1..count. Person n depends only on (seed, n,
today), so a larger count keeps the first people and adds new ones. Half speak English (English first names and
texts), half Chinese (given names such as 晓雯 or 小雨, Chinese texts); men and women alternate. Everything is
in the intake's codes (domain/intake.py), and every required intake answer is given except photos (demo
clients have none). Preferences are realistic and lenient: the opposite gender, an age range around their own,
a wide height range, often their own province, at most two must-haves; so a typical newcomer fits many of them.

Pure: no storage, no Telegram; `storage/demo_pool.py` writes them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from domain.answers import age_on
from domain.income import income_bands
from domain.intake import EDUCATION_LEVELS, HOBBIES, MAX_PERSONALITY, PERSONALITY
from domain.profile import PreferencesData, ProfileData, Status
from domain.regions import region_book

DEFAULT_SEED = 20261127
DEMO_EXTERNAL_PREFIX = "demo-"
MIN_DEMO_AGE = 22
MAX_DEMO_AGE = 55
MIN_PARTNER_AGE = 20

T = TypeVar("T")


@dataclass(frozen=True)
class DemoPreferences:
    """Partner preferences in the intake's codes (`PreferencesData` field names)."""

    gender_sought: str
    age_min: int | None = None
    age_max: int | None = None
    height_min: int | None = None
    height_max: int | None = None
    min_education: str | None = None
    regions: tuple[str, ...] = ()
    marital: tuple[str, ...] = ()
    children: str | None = None
    must_have: tuple[str, ...] = ()

    def as_data(self) -> PreferencesData:
        return PreferencesData(
            gender_sought=self.gender_sought,
            age_min=self.age_min,
            age_max=self.age_max,
            height_min=self.height_min,
            height_max=self.height_max,
            min_education=self.min_education,
            regions=list(self.regions),
            marital=list(self.marital),
            children=self.children,
            must_have=list(self.must_have),
        )


@dataclass(frozen=True)
class DemoPerson:
    """One synthetic client: the profile fields (`ProfileData` names), preferences and recent activity."""

    number: int
    locale: str
    display_name: str
    gender: str
    birth_date: date
    height_cm: int
    education: str
    occupation: str
    income_band: str | None
    region_code: str
    city_text: str
    marital_history: str
    has_children: bool
    wants_children: str
    personality: tuple[str, ...]
    hobbies: tuple[str, ...]
    hobbies_text: str | None
    about_me: str
    relationship_history: str | None
    phone: str | None
    preferences: DemoPreferences
    active_hours_ago: int  # last activity, hours before the moment of seeding

    @property
    def external_id(self) -> str:
        """The web chat id of the demo account: `demo-<number>`."""
        return demo_external_id(self.number)

    def age(self, today: date) -> int:
        return age_on(self.birth_date, today)

    def as_profile(self) -> ProfileData:
        """The active profile as the intake rules see it (no photos)."""
        return ProfileData(
            status=Status.ACTIVE,
            intake_step=None,
            display_name=self.display_name,
            gender=self.gender,
            birth_date=self.birth_date,
            height_cm=self.height_cm,
            education=self.education,
            occupation=self.occupation,
            income_band=self.income_band,
            region_code=self.region_code,
            city_text=self.city_text,
            marital_history=self.marital_history,
            has_children=self.has_children,
            wants_children=self.wants_children,
            personality=list(self.personality),
            hobbies=list(self.hobbies),
            hobbies_text=self.hobbies_text,
            about_me=self.about_me,
            relationship_history=self.relationship_history,
            phone=self.phone,
        )


def with_article(noun: str) -> str:
    """"an engineer", "a teacher" (by the first letter, which is right for the occupations listed here)."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def demo_external_id(number: int) -> str:
    return f"{DEMO_EXTERNAL_PREFIX}{number}"


# --- names -------------------------------------------------------------------------------------------------
EN_NAMES = {
    "male": (
        "James", "Daniel", "Michael", "David", "Ryan", "Kevin", "Jason", "Eric", "Brian", "Andrew",
        "Thomas", "Mark", "Peter", "Lucas", "Ethan", "Oliver", "Henry", "Samuel", "Adam", "Nathan",
        "Leo", "Victor", "Simon", "Aaron", "Jack", "Owen", "Alex", "Chris", "Patrick", "Martin",
    ),
    "female": (
        "Emma", "Olivia", "Sophie", "Grace", "Chloe", "Emily", "Hannah", "Lily", "Amy", "Rachel",
        "Sarah", "Laura", "Jessica", "Anna", "Claire", "Julia", "Helen", "Vivian", "Irene", "Natalie",
        "Zoe", "Ella", "Fiona", "Karen", "Lucy", "Mia", "Stella", "Alice", "Kate", "Nora",
    ),
}  # fmt: skip
ZH_NAMES = {
    "male": (
        "浩然", "子轩", "宇航", "俊杰", "明轩", "志强", "建华", "晨阳", "嘉豪", "文博",
        "天宇", "思远", "家乐", "立新", "海涛", "小军", "小伟", "小龙", "小东", "小峰",
    ),
    "female": (
        "晓雯", "雨桐", "梓涵", "欣怡", "思琪", "佳慧", "诗涵", "婉清", "静怡", "美琳",
        "若曦", "梦瑶", "丽娟", "雅琴", "小雨", "小燕", "小敏", "小婷", "小娟", "小玲",
    ),
}  # fmt: skip

# --- places: (region code, weight); larger cities more often ------------------------------------------------
CITIES: tuple[tuple[str, int], ...] = (
    ("310000", 16), ("110000", 14), ("440300", 12), ("440100", 10), ("330100", 9), ("510100", 8),
    ("320100", 6), ("320500", 6), ("420100", 6), ("500000", 5), ("610100", 5), ("120000", 4),
    ("430100", 4), ("370200", 3), ("350200", 3), ("210200", 2), ("530100", 2), ("410100", 3),
)  # fmt: skip
ZH_DISTRICT_STYLE = ("{city}", "{city}", "{city}市", "我在{city}")
EN_DISTRICT_STYLE = ("{city}", "{city}", "{city}, China", "I live in {city}")

# --- work: (minimum education index, English, Chinese) -----------------------------------------------------
OCCUPATIONS: tuple[tuple[int, str, str], ...] = (
    (0, "Shop owner", "个体经营者"),
    (0, "Chef", "厨师"),
    (0, "Hairdresser", "美发师"),
    (0, "Sales representative", "销售代表"),
    (0, "Driver", "司机"),
    (1, "Nurse", "护士"),
    (1, "Electrician", "电工"),
    (1, "Office administrator", "行政专员"),
    (1, "Graphic designer", "平面设计师"),
    (1, "Kindergarten teacher", "幼儿园老师"),
    (2, "Software engineer", "软件工程师"),
    (2, "Accountant", "会计"),
    (2, "Primary school teacher", "小学老师"),
    (2, "Marketing manager", "市场经理"),
    (2, "Civil servant", "公务员"),
    (2, "Architect", "建筑师"),
    (2, "Bank clerk", "银行职员"),
    (2, "Product manager", "产品经理"),
    (3, "Doctor", "医生"),
    (3, "Lawyer", "律师"),
    (3, "Financial analyst", "金融分析师"),
    (3, "Data scientist", "数据科学家"),
    (4, "University lecturer", "大学讲师"),
    (4, "Research scientist", "研究员"),
)

# --- words for the texts -----------------------------------------------------------------------------------
HOBBY_WORDS: dict[str, tuple[str, str]] = {
    "reading": ("reading", "看书"),
    "travel": ("travelling", "旅行"),
    "cooking": ("cooking", "做饭"),
    "fitness": ("going to the gym", "健身"),
    "hiking": ("hiking", "爬山"),
    "music": ("music", "听音乐"),
    "movies": ("films", "看电影"),
    "photography": ("photography", "摄影"),
    "gaming": ("video games", "打游戏"),
    "pets": ("my cat", "养宠物"),
    "art": ("painting", "画画"),
    "tea": ("tea", "喝茶"),
    "dancing": ("dancing", "跳舞"),
    "singing": ("karaoke", "唱歌"),
    "volunteering": ("volunteering", "做志愿者"),
    "ball_games": ("badminton", "打羽毛球"),
}
TRAIT_WORDS: dict[str, tuple[str, str]] = {
    "cheerful": ("cheerful", "开朗"),
    "gentle": ("gentle", "温柔"),
    "steady": ("steady", "稳重"),
    "humorous": ("a bit of a joker", "幽默"),
    "considerate": ("considerate", "体贴"),
    "independent": ("independent", "独立"),
    "outgoing": ("outgoing", "外向"),
    "quiet": ("quiet", "安静"),
    "optimistic": ("optimistic", "乐观"),
    "ambitious": ("ambitious", "上进"),
    "family_minded": ("family-minded", "顾家"),
    "romantic": ("romantic", "浪漫"),
}
EN_OPENINGS = (
    "Friends say I am {traits}.",
    "I would call myself {traits}.",
    "People who know me say I am {traits}.",
)
ZH_OPENINGS = ("朋友说我性格{traits}。", "我是一个{traits}的人。", "熟悉我的人都说我{traits}。")
EN_HOBBY_LINES = (
    "In my free time I enjoy {hobbies}.",
    "Weekends are for {hobbies}.",
    "I spend my evenings on {hobbies}.",
)
ZH_HOBBY_LINES = ("业余时间喜欢{hobbies}。", "周末一般会{hobbies}。", "平时爱好{hobbies}。")
EN_WORK_LINES = ("I work as {job} in {city}.", "I am {job} and have lived in {city} for a few years.")
ZH_WORK_LINES = ("我在{city}做{job}。", "我是一名{job}，在{city}生活了几年。")
EN_WISHES = (
    "I am looking for someone kind and honest to build a home with.",
    "I hope to meet someone easy to talk to, who likes a quiet life.",
    "Looking for a sincere partner who values family.",
    "I would like to meet someone who makes me laugh and shares my plans.",
    "I hope to find someone steady to grow old with.",
)
ZH_WISHES = (
    "希望找一个善良真诚的人，一起经营一个温暖的家。",
    "想认识一个聊得来、喜欢安稳生活的人。",
    "希望遇到一位真诚、重视家庭的伴侣。",
    "想找一个能一起笑、一起规划未来的人。",
    "希望找到一个踏实的人，相伴到老。",
)
EN_OWN_WORDS = ("board games", "baking bread", "growing herbs on the balcony", "learning Japanese", "jigsaw puzzles")
ZH_OWN_WORDS = ("下围棋", "烘焙", "在阳台种花", "学日语", "拼图")
EN_HISTORY = {
    "never": ("One serious relationship in my twenties; we parted as friends.", "Nothing long-term so far."),
    "divorced": ("Divorced a few years ago, amicably.", "Married young; we divorced and I have moved on."),
    "widowed": ("I lost my spouse some years ago and feel ready to meet someone again.",),
}
ZH_HISTORY = {
    "never": ("谈过一段认真的恋爱，和平分手。", "还没有过长期的感情。"),
    "divorced": ("几年前和平离婚。", "年轻时结过婚，后来离婚了，已经走出来了。"),
    "widowed": ("几年前爱人去世，现在准备好重新开始。",),
}


def demo_people(count: int, *, seed: int = DEFAULT_SEED, today: date, currency: str = "CNY") -> list[DemoPerson]:
    """People 1..count; the same arguments always give the same people."""
    if count < 0:
        raise ValueError("count must not be negative")
    return [demo_person(number, seed=seed, today=today, currency=currency) for number in range(1, count + 1)]


def demo_person(number: int, *, seed: int = DEFAULT_SEED, today: date, currency: str = "CNY") -> DemoPerson:
    """Person `number` (from 1) of the pool of `seed`: independent of how many others there are."""
    if number < 1:
        raise ValueError("demo people are numbered from 1")
    rng = random.Random(seed * 1_000_003 + number)  # an int seed: no hash randomisation
    locale = "en" if number % 2 == 1 else "zh"
    gender = "male" if (number - 1) // 2 % 2 == 0 else "female"
    zh = locale == "zh"

    age = _age(rng)
    birth_date = today - timedelta(days=round(age * 365.25) + rng.randrange(365))
    age = age_on(birth_date, today)
    height = _height(rng, gender)
    education_index = _pick_weighted(rng, range(len(EDUCATION_LEVELS)), (15, 20, 42, 18, 5))
    education = EDUCATION_LEVELS[education_index]
    job_en, job_zh = rng.choice(
        [(en, zh_) for level, en, zh_ in OCCUPATIONS if education_index - 2 <= level <= education_index]
    )
    income = _income(rng, education_index, age, currency)
    region_code = _pick_weighted(rng, [code for code, _ in CITIES], [weight for _, weight in CITIES])
    region = region_book().get(region_code)
    assert region is not None, region_code
    city_name = region.name(locale)
    city_text = rng.choice(ZH_DISTRICT_STYLE if zh else EN_DISTRICT_STYLE).format(city=city_name)
    marital = _marital(rng, age)
    has_children = rng.random() < {"never": 0.03, "divorced": 0.5, "widowed": 0.6}[marital]
    wants_children = _wants_children(rng, age, has_children)
    personality = tuple(_sample_in_order(rng, PERSONALITY, rng.randint(1, MAX_PERSONALITY)))
    hobbies = tuple(_sample_in_order(rng, HOBBIES, rng.randint(2, 5)))
    hobbies_text = rng.choice(ZH_OWN_WORDS if zh else EN_OWN_WORDS) if rng.random() < 0.2 else None
    about_me = _about(rng, zh, personality, hobbies, job_en if not zh else job_zh, city_name)
    history = _history(rng, zh, marital)
    names = (ZH_NAMES if zh else EN_NAMES)[gender]
    preferences = _preferences(rng, gender, age, height, education_index, region.province_code, marital, wants_children)
    return DemoPerson(
        number=number,
        locale=locale,
        display_name=names[rng.randrange(len(names))],
        gender=gender,
        birth_date=birth_date,
        height_cm=height,
        education=education,
        occupation=job_zh if zh else job_en,
        income_band=income,
        region_code=region_code,
        city_text=city_text,
        marital_history=marital,
        has_children=has_children,
        wants_children=wants_children,
        personality=personality,
        hobbies=hobbies,
        hobbies_text=hobbies_text,
        about_me=about_me,
        relationship_history=history,
        phone=None,  # never a number that could belong to someone
        preferences=preferences,
        active_hours_ago=_active_hours_ago(rng),
    )


# --- the parts ---------------------------------------------------------------------------------------------
def _age(rng: random.Random) -> int:
    """Mostly late twenties to late thirties, a tail up to 55."""
    raw = rng.gauss(32, 6) if rng.random() < 0.75 else rng.uniform(MIN_DEMO_AGE, MAX_DEMO_AGE)
    return min(MAX_DEMO_AGE, max(MIN_DEMO_AGE, round(raw)))


def _height(rng: random.Random, gender: str) -> int:
    if gender == "male":
        return min(195, max(158, round(rng.gauss(173, 6))))
    return min(182, max(148, round(rng.gauss(161, 5.5))))


def _income(rng: random.Random, education_index: int, age: int, currency: str) -> str | None:
    if rng.random() < 0.1:
        return None  # the income question may be skipped
    bands = income_bands(currency)
    level = 1 + education_index * 0.5 + min(age - MIN_DEMO_AGE, 20) * 0.05 + rng.gauss(0, 0.8)
    return bands[min(len(bands) - 1, max(0, round(level)))].code


def _marital(rng: random.Random, age: int) -> str:
    if age < 30:
        weights = (92, 8, 0)
    elif age < 40:
        weights = (70, 27, 3)
    else:
        weights = (40, 50, 10)
    return _pick_weighted(rng, ("never", "divorced", "widowed"), weights)


def _wants_children(rng: random.Random, age: int, has_children: bool) -> str:
    if has_children:
        weights = (20, 50, 30)
    elif age < 36:
        weights = (60, 10, 30)
    else:
        weights = (30, 35, 35)
    return _pick_weighted(rng, ("yes", "no", "maybe"), weights)


def _about(
    rng: random.Random, zh: bool, personality: Sequence[str], hobbies: Sequence[str], job: str, city: str
) -> str:
    index = 1 if zh else 0
    traits = [TRAIT_WORDS[code][index] for code in personality]
    liked = [HOBBY_WORDS[code][index] for code in hobbies[:3]]
    if zh:
        parts = (
            rng.choice(ZH_OPENINGS).format(traits="、".join(traits)),
            rng.choice(ZH_WORK_LINES).format(job=job, city=city),
            rng.choice(ZH_HOBBY_LINES).format(hobbies="、".join(liked)),
            rng.choice(ZH_WISHES),
        )
        return "".join(parts)
    parts = (
        rng.choice(EN_OPENINGS).format(traits=_english_list(traits)),
        rng.choice(EN_WORK_LINES).format(job=with_article(job.lower()), city=city),
        rng.choice(EN_HOBBY_LINES).format(hobbies=_english_list(liked)),
        rng.choice(EN_WISHES),
    )
    return " ".join(parts)


def _english_list(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _history(rng: random.Random, zh: bool, marital: str) -> str | None:
    if marital == "never" and rng.random() < 0.6:
        return None  # the question may be skipped
    return rng.choice((ZH_HISTORY if zh else EN_HISTORY)[marital])


def _preferences(
    rng: random.Random,
    gender: str,
    age: int,
    height: int,
    education_index: int,
    province: str,
    marital: str,
    wants_children: str,
) -> DemoPreferences:
    male = gender == "male"
    sought = "female" if male else "male"
    stated: list[str] = []
    age_min = age_max = height_min = height_max = None
    if rng.random() < 0.85:
        below, above = (5, 7) if male else (3, 8)
        age_min = max(MIN_PARTNER_AGE, age - below - rng.randint(0, 2))
        age_max = age + above + rng.randint(0, 2)
        stated.append("age")
    if rng.random() < 0.55:
        if male:
            height_min, height_max = 145, max(165, min(200, height + rng.randint(0, 10)))
        else:
            height_min, height_max = max(155, min(180, height + rng.randint(-4, 6))), 200
        stated.append("height")
    min_education = None
    if rng.random() < 0.35 and education_index > 0:
        min_education = EDUCATION_LEVELS[max(0, education_index - rng.randint(1, 2))]
        stated.append("education")
    regions: tuple[str, ...] = ()
    draw = rng.random()
    if draw < 0.45:
        regions = (province,)
    elif draw < 0.55:
        other = rng.choice([region_book().province_of(code) or code for code, _ in CITIES])
        regions = tuple(sorted({province, other}))
    if regions:
        stated.append("regions")
    marital_wish: tuple[str, ...] = ()
    if rng.random() < 0.3:
        marital_wish = ("never",) if marital == "never" and age < 32 else ("never", "divorced")
        stated.append("marital")
    children = None
    if wants_children in ("yes", "no") and rng.random() < 0.25:
        children = wants_children
        stated.append("children")
    how_many = min(len(stated), _pick_weighted(rng, (0, 1, 2), (45, 35, 20)))
    picked = set(rng.sample(stated, how_many))
    must_have = tuple(code for code in stated if code in picked)
    return DemoPreferences(
        gender_sought=sought,
        age_min=age_min,
        age_max=age_max,
        height_min=height_min,
        height_max=height_max,
        min_education=min_education,
        regions=regions,
        marital=marital_wish,
        children=children,
        must_have=must_have,
    )


def _active_hours_ago(rng: random.Random) -> int:
    """Most within the last three days, some up to three weeks ago."""
    if rng.random() < 0.7:
        return rng.randrange(72)
    return rng.randrange(72, 21 * 24)


def _pick_weighted(rng: random.Random, options: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(options, weights=weights)[0]


def _sample_in_order(rng: random.Random, options: Sequence[str], count: int) -> list[str]:
    chosen = set(rng.sample(options, count))
    return [option for option in options if option in chosen]
