"""How amounts, percentages and dates read, in Indonesian and in English: one place for all.

Templates use the same functions through the filters in ``core/templatetags/formatting.py``
(``rupiah``, ``percent``, ``basis_points``, ``tanggal``, ``tanggal_jam``); Python messages call them
directly. Indonesian writes 12,5% and 7 Desember 2026; English 12.5% and 7 December 2026.
"""

import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


def tanggal(value, with_time: bool = False, tz=None) -> str:
    """A date (or an ISO date string) in the active language's long form: '22 November 2026'.
    A moment is shown in ``tz``, or the active time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, tz)
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


def format_rupiah(amount) -> str:
    """The name this module's other helpers share; the same as ``rupiah``."""
    return rupiah(amount)


def format_percent(value, decimals: int | None = None) -> str:
    """A percentage in the active language: 12.5 -> '12,5%' (Indonesian), '12.5%' (English).

    ``value`` is already in percent. ``decimals=None`` shows as many decimals as the value has
    (trailing zeros dropped: 20 -> '20%'); a number rounds to that many places (35.4, 0 -> '35%').
    """
    if value is None or value == "" or isinstance(value, bool):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if decimals is None:
        number = number.normalize()
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
        text = formats.number_format(number, use_l10n=True)
    else:
        # Half up, as people round (Django's number_format would round half to even).
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = formats.number_format(number, decimals, use_l10n=True)
    return f"{text}%"


def format_fraction(value) -> str:
    """A share between 0 and 1 as a whole percentage: 0.873 -> '87%' (a match score, a similarity)."""
    if value is None or value == "":
        return ""
    return format_percent(Decimal(str(value)) * 100, 0)


def format_basis_points(value) -> str:
    """A rate kept in basis points: 1250 -> '12,5%' (or '12.5%' in English)."""
    if value is None or value == "":
        return ""
    return format_percent(Decimal(int(value)) / 100)


def format_date(value) -> str:
    """A date in the active language's long form: '7 Desember 2026' / '7 December 2026'."""
    return tanggal(value)


def format_datetime(value, unit=None) -> str:
    """A moment in the active language, in ``unit``'s time zone when one is given (else the active zone)."""
    return tanggal(value, with_time=True, tz=unit.tzinfo if unit is not None else None)
