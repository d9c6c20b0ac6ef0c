"""Gettext catalogs, shipped as package data: `<locale>/LC_MESSAGES/messages.po` and the `messages.mo` compiled
from it by the wheel build (`setup.py`) or, in a source checkout, by `make catalogs`."""
