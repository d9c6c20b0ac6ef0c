"""Phone numbers through Google's libphonenumber: typed numbers default to China's numbering plan."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "CN"


def normalise_phone(text: str) -> str | None:
    """E.164 ("+8613800138000") for a valid number, None otherwise."""
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def normalise_shared_contact(phone_number: str) -> str | None:
    """Telegram sends a shared contact's number in international form, sometimes without the '+'."""
    digits = phone_number.strip()
    if digits and not digits.startswith("+"):
        digits = "+" + digits
    return normalise_phone(digits)
