"""A client with distinctive personal data, so tests can look for each value in the raw database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from storage.records import PartnerPreferences
from storage.unit_of_work import UnitOfWork

TELEGRAM_ID = "5550173946"
WEB_CHAT_ID = "webchat-7c1f0a2e-private"
DISPLAY_NAME = "Zhao Xiaoyun Qingling"
CHINESE_NAME = "赵晓云青玲"
PHONE = "+8613912345678"
OCCUPATION = "Veterinary surgeon at Lakeside clinic"
INCOME_BAND = "band_300k_500k"
CITY_TEXT = "Hangzhou Xihu district"
HOBBIES_TEXT = "restoring antique typewriters"
ABOUT_ME = "I sing kunqu opera every Thursday night"
RELATIONSHIP_HISTORY = "Engaged once to a pilot named Lu Wenbo"
PHOTO_FILE_ID = "AgACAgUAAxkBAAIBZ2Vphotofileid_unique_9931"
STAFF_NAME = "Counselor Meilin Harrowgate"
AUDIT_REASON = "client asked about the Harrowgate introduction"
BIRTH_DATE = date(1991, 3, 17)
USERNAME = "@zhao_xiaoyun_1991"

SECRETS = [
    TELEGRAM_ID,
    WEB_CHAT_ID,
    DISPLAY_NAME,
    CHINESE_NAME,
    PHONE,
    OCCUPATION,
    INCOME_BAND,
    CITY_TEXT,
    HOBBIES_TEXT,
    ABOUT_ME,
    RELATIONSHIP_HISTORY,
    PHOTO_FILE_ID,
    STAFF_NAME,
    AUDIT_REASON,
    BIRTH_DATE.isoformat(),
    USERNAME,
]


@dataclass(frozen=True)
class SampleClient:
    account_id: UUID
    staff_account_id: UUID


async def create_sample_client(uow: UnitOfWork, now: datetime, *, telegram_id: str = TELEGRAM_ID) -> SampleClient:
    """A client with every sealed field filled, a photo, a consent, preferences, and a staff member who
    read the profile (one audit entry with a free-text reason)."""
    account = await uow.accounts.create("telegram", telegram_id, locale="zh", now=now)
    await uow.consents.record(account.id, "2026-01", now=now)
    await uow.profiles.create(account.id, now=now)
    await uow.profiles.update(
        account.id,
        now=now,
        status="active",
        intake_step="done",
        display_name=f"{DISPLAY_NAME} {CHINESE_NAME}",
        gender="female",
        birth_date=BIRTH_DATE,
        height_cm=165,
        education="master",
        occupation=OCCUPATION,
        income_band=INCOME_BAND,
        region_code="CN-ZJ",
        city_text=CITY_TEXT,
        marital_history="never",
        has_children=False,
        wants_children="yes",
        personality=["calm", "curious"],
        hobbies=["music", "travel"],
        hobbies_text=HOBBIES_TEXT,
        about_me=ABOUT_ME,
        relationship_history=RELATIONSHIP_HISTORY,
        phone=PHONE,
        tier="premium",
        last_active_at=now,
    )
    await uow.preferences.save(
        PartnerPreferences(
            account_id=account.id,
            gender_sought="male",
            age_min=30,
            age_max=40,
            height_min=170,
            height_max=190,
            min_education="bachelor",
            regions=["CN-ZJ", "CN-SH"],
            marital=["never", "divorced"],
            children="yes",
            must_have=["age", "region"],
        ),
        now=now,
    )
    await uow.photos.add(account.id, PHOTO_FILE_ID, now=now)
    staff_account = await uow.accounts.create("web", WEB_CHAT_ID, locale="en", now=now)
    await uow.staff.add(staff_account.id, role="counselor", display_name=STAFF_NAME, now=now)
    await uow.audit.record(
        action="profile.read",
        now=now,
        actor_account_id=staff_account.id,
        subject_account_id=account.id,
        reason=AUDIT_REASON,
    )
    return SampleClient(account.id, staff_account.id)
