"""Rupiah and Indonesian date formatting."""

import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import formats, timezone

_PLAIN_FIGURES = ContextVar("plain_figures", default=False)


def rupiah(amount) -> str:
    """Whole rupiah with dot thousands separators: 1250000 -> 'Rp1.250.000' ('1.250.000' under
    ``figures_in_rupiah``)."""
    if amount is None or amount == "":
        return ""
    value = int(amount)
    sign = "-" if value < 0 else ""
    prefix = "" if _PLAIN_FIGURES.get() else "Rp"
    return f"{sign}{prefix}{abs(value):,}".replace(",", ".")


@contextmanager
def figures_in_rupiah():
    """Inside, ``rupiah`` leaves out the 'Rp': for a statement that says "(dalam Rupiah)" once
    under its title, as an accountant's statement does, instead of on every figure."""
    token = _PLAIN_FIGURES.set(True)
    try:
        yield
    finally:
        _PLAIN_FIGURES.reset(token)


# num2words says "seribu" only for a number that starts with a thousand; after juta, miliar or
# triliun it leaves "satu ribu", where Indonesian says "seribu" (but "dua puluh satu ribu" stays).
_SATU_RIBU = re.compile(r"(^|\b(?:juta|miliar|triliun) )satu ribu\b")


def amount_in_words(amount: int) -> str:
    """1250000 -> 'satu juta dua ratus lima puluh ribu rupiah': the terbilang every receipt carries."""
    from num2words import num2words

    words = _SATU_RIBU.sub(r"\1seribu", num2words(int(amount), lang="id"))
    return f"{words} rupiah"


def tanggal(value, with_time: bool = False) -> str:
    """A date (or an ISO date string) in the active language's long form: '22 November 2026'."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        fmt = "j F Y, H.i" if with_time else "j F Y"
        return formats.date_format(value, fmt)
    if isinstance(value, date):
        return formats.date_format(value, "j F Y")
    if isinstance(value, str):  # an ISO date kept in JSON (an import's preview)
        try:
            return formats.date_format(date.fromisoformat(value), "j F Y")
        except ValueError:
            pass
    return str(value)
