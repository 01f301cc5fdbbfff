"""Public codes: every code a person types or scans to find their own record (an aid application's
tracking code, a queue ticket's phone link, a booking, a service request, a complaint) is made and
read back here, one way.

A code is ``length`` characters from an alphabet without look-alikes (no I, O, 0, 1), made by
``secrets``: 10 characters give 32**10 ≈ 10**15 codes, so one cannot be guessed from another.
People type them as they like ("abcde 23456", "ABCDE-23456"); ``code_clean`` gives the stored form,
or "" when the text cannot be a code, so a lookup never queries for junk.
"""

import re
import secrets
from collections.abc import Callable

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 10
# Tries before giving up on a free code (each collides with odds of about n / 10**15).
TRIES = 8

__all__ = ["ALPHABET", "LENGTH", "code_clean", "code_is_valid", "code_make", "code_unique"]


def code_make(length: int = LENGTH) -> str:
    """A fresh random code of ``length`` characters without look-alikes."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _pattern(length: int) -> re.Pattern:
    return re.compile(rf"^[{ALPHABET}]{{{length}}}$")


def code_is_valid(code: str, length: int = LENGTH) -> bool:
    return bool(_pattern(length).match(code or ""))


def code_clean(raw, length: int = LENGTH) -> str:
    """A code as people type it (spaces, dashes, dots, lower case) in its stored form; "" if it
    cannot be one."""
    code = re.sub(r"[\s\-.]", "", str(raw or "")).upper()[: length * 4]
    return code if code_is_valid(code, length) else ""


def code_unique(taken: Callable[[str], bool], length: int = LENGTH) -> str:
    """A fresh code for which ``taken(code)`` is false (a database check of the table it goes in;
    a unique constraint there still guards the race)."""
    for _ in range(TRIES):
        code = code_make(length)
        if not taken(code):
            return code
    raise RuntimeError("no free code found")  # pragma: no cover - odds of about 10**-100
