"""Cleaning the identifiers a donor gives: NIK, NPWP, phone, email, names.

Each ``clean_*`` returns the canonical form or raises ``DonorRefused`` with a
message for the person at the counter, naming the field.
"""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.id import nik as stdnum_nik
from stdnum.id import npwp as stdnum_npwp

from satuatap.donors.errors import DonorRefused


def clean_nik(value: str | None) -> str:
    """16 digits whose region and birth-date parts are real (python-stdnum ``id.nik``)."""
    raw = (value or "").strip()
    if not raw:
        return ""
    try:
        return stdnum_nik.validate(raw)
    except InvalidLength:
        message = _("A NIK has 16 digits; this one has %(count)s.") % {"count": len(re.sub(r"\D", "", raw))}
    except InvalidFormat:
        message = _("A NIK contains digits only.")
    except InvalidComponent:
        message = _("This NIK's region code or birth date (digits 7 to 12) is not valid.")
    except ValidationError:
        message = _("This is not a valid NIK.")
    raise DonorRefused(message, field="nik")


def clean_npwp(value: str | None) -> str:
    """15 digits (old form) or 16 digits (a NIK or 0 + the old form) with a valid check digit."""
    raw = (value or "").strip()
    if not raw:
        return ""
    digits = re.sub(r"[\s.\-]", "", raw)
    try:
        if len(digits) == 16 and not digits.startswith("0"):
            return stdnum_nik.validate(digits)  # since 2024 a person's NPWP is their NIK
        return stdnum_npwp.validate(digits)
    except InvalidLength:
        message = _("An NPWP has 15 or 16 digits; this one has %(count)s.") % {"count": len(re.sub(r"\D", "", raw))}
    except InvalidFormat:
        message = _("An NPWP contains digits (and dots or dashes) only.")
    except InvalidChecksum:
        message = _("This NPWP's check digit is wrong; check the number on the NPWP card.")
    except (InvalidComponent, ValidationError):
        message = _("This is not a valid NPWP.")
    raise DonorRefused(message, field="npwp")


def format_npwp(value: str) -> str:
    if len(value) == 15:
        return stdnum_npwp.format(value)
    return value


def clean_phone(value: str | None) -> str:
    """An Indonesian (or international, with +) number in E.164 form: ``+628123456789``."""
    raw = (value or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException:
        raise DonorRefused(_("This is not a phone number."), field="phone") from None
    if not phonenumbers.is_valid_number(number):
        raise DonorRefused(
            _("This phone number is not valid; write it as 08xx or +62 8xx with all its digits."), field="phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    if not value:
        return ""
    number = phonenumbers.parse(value, "ID")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def clean_email(value: str | None) -> str:
    raw = (value or "").strip()
    if not raw:
        return ""
    try:
        validate_email(raw)
    except DjangoValidationError:
        raise DonorRefused(_("This is not a valid email address."), field="email") from None
    local, _at, domain = raw.rpartition("@")
    return f"{local}@{domain.lower()}"


# Spelling variants of common Indonesian name parts, mapped to one form, so that
# "Moh. Nur Hidayat", "Muhammad Noor Hidayat" and "MUH NUR HIDAJAT" match.
_NAME_VARIANTS = {
    "muhammad": "muhammad",
    "muhamad": "muhammad",
    "mohammad": "muhammad",
    "mohamad": "muhammad",
    "mochammad": "muhammad",
    "mochamad": "muhammad",
    "muhammed": "muhammad",
    "mohammed": "muhammad",
    "moh": "muhammad",
    "mohd": "muhammad",
    "muh": "muhammad",
    "mhd": "muhammad",
    "moch": "muhammad",
    "m": "muhammad",
    "siti": "siti",
    "sitti": "siti",
    "st": "siti",
    "nur": "nur",
    "noor": "nur",
    "nuur": "nur",
    "nurul": "nurul",
    "abd": "abdul",
    "abdoel": "abdul",
    "achmad": "ahmad",
    "akhmad": "ahmad",
    "ahmat": "ahmad",
}
# Old (pre-1972) spelling still found on documents: Soekarno = Sukarno, Djoko = Joko, Tjipto = Cipto.
_OLD_SPELLING = [("oe", "u"), ("dj", "j"), ("tj", "c"), ("nj", "ny"), ("sj", "sy"), ("ch", "kh")]


def name_key(name: str | None) -> str:
    """A normalised form of a name for matching: lower case, no accents or punctuation, old
    spelling modernised and common variants of Muhammad/Siti/Nur made one."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    words = []
    for word in text.split():
        word = _NAME_VARIANTS.get(word, word)
        if word not in _NAME_VARIANTS.values():
            for old, new in _OLD_SPELLING:
                word = word.replace(old, new)
        words.append(word)
    return " ".join(words)
