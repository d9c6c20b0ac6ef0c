"""Punctuation that follows the language: a list, a label and its value, an aside in brackets, each joined as the
catalog writes it ("Gender: Woman", "性别：女"; "Cheerful, Gentle", "开朗、温柔"; "Staff (3)", "员工（3）")."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.utils.i18n import gettext as _


def listed(items: Iterable[str]) -> str:
    """The items of one list, with the language's separator between them."""
    return _(", ").join(items)


def labelled(label: str, value: object) -> str:
    """A label and its value on one line."""
    return _("{label}: {value}").format(label=label, value=value)


def with_aside(text: str, aside: object) -> str:
    """Text followed by a short aside in brackets: a count, a role, how strong a wish is."""
    return _("{text} ({aside})").format(text=text, aside=aside)
