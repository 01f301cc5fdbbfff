"""Indonesian personal identifiers shared by donors and beneficiaries: NIK, KK, phone.

Each ``clean_*`` returns the canonical form ("" for no value) or raises ``error`` (a
``DomainError`` subclass of the caller's app) with a message for the person at the desk,
naming ``field``. NIK validation is python-stdnum's ``id.nik``; a KK number (Kartu
Keluarga) has the same region prefix and a DDMMYY issue date, checked against the same
python-stdnum table of regions.
"""

import datetime
import re

import phonenumbers
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.id import nik as stdnum_nik
from stdnum.util import clean as stdnum_clean

from satuatap.core.errors import DomainError


def _digits_count(raw: str) -> int:
    return len(re.sub(r"\D", "", raw))


def clean_nik(value: str | None, error: type[DomainError] = DomainError, field: str = "nik") -> str:
    """16 digits whose region and birth-date parts are real (python-stdnum ``id.nik``)."""
    raw = (value or "").strip()
    if not raw:
        return ""
    try:
        nik = stdnum_nik.validate(raw)
    except InvalidLength:
        message = _("A NIK has 16 digits; this one has %(count)s.") % {"count": _digits_count(raw)}
    except InvalidFormat:
        message = _("A NIK contains digits only.")
    except InvalidComponent:
        message = _("This NIK's region code or birth date (digits 7 to 12) is not valid.")
    except ValidationError:
        message = _("This is not a valid NIK.")
    else:
        if not _district_known(nik):
            message = _(
                "This NIK's first six digits (%(code)s) are not the code of a district (kecamatan) of Indonesia."
            ) % {"code": f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}"}
        else:
            return nik
    raise error(message, field=field)


def _district_known(nik: str) -> bool:
    """Digits 1 to 6 name a district of the official list (``regions/data``). A regency that is no
    longer on the list (split or renumbered since the NIK was issued) is not held against it: people
    keep their NIK."""
    from satuatap.regions.selectors import district_digits, regency_digits

    if nik[:4] not in regency_digits():
        return True
    return nik[:6] in district_digits()


def clean_kk(value: str | None, error: type[DomainError] = DomainError, field: str = "kk") -> str:
    """A family card number: 16 digits, a known region code and a real DDMMYY issue date."""
    raw = (value or "").strip()
    if not raw:
        return ""
    # As for a NIK, python-stdnum folds look-alike forms ("𝟠", full-width digits, dashes) to ASCII.
    digits = re.sub(r"\s", "", stdnum_clean(raw, ".-"))
    if not (digits.isascii() and digits.isdigit()):  # "²" or "١" are digits to Python, not on a KK
        raise error(_("A KK number contains digits only."), field=field)
    if len(digits) != 16:
        raise error(_("A KK number has 16 digits; this one has %(count)s.") % {"count": len(digits)}, field=field)
    if not numdb.get("id/loc").info(digits[:4])[0][1]:
        raise error(_("This KK number's region code (its first digits) is not known."), field=field)
    day, month, year = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    try:
        datetime.date(2000 + year, month, day)
    except ValueError:
        raise error(_("This KK number's issue date (digits 7 to 12) is not a real date."), field=field) from None
    return digits


def clean_phone(value: str | None, error: type[DomainError] = DomainError, field: str = "phone") -> str:
    """An Indonesian (or international, with +) number in E.164 form: ``+628123456789``."""
    raw = (value or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException:
        raise error(_("This is not a phone number."), field=field) from None
    if not phonenumbers.is_valid_number(number):
        raise error(_("This phone number is not valid; write it as 08xx or +62 8xx with all its digits."), field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    if not value:
        return ""
    number = phonenumbers.parse(value, "ID")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
