"""Cleaning the identifiers a donor gives: NIK, NPWP, phone, email, names.

Each ``clean_*`` returns the canonical form or raises ``DonorRefused`` with a
message for the person at the counter, naming the field.
"""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.id import nik as stdnum_nik
from stdnum.id import npwp as stdnum_npwp

from satuatap.core import identifiers as core_identifiers
from satuatap.core import names
from satuatap.donors.errors import DonorRefused


def name_key(name: str | None) -> str:
    """Donors' one name normaliser: ``core.names.name_key`` without honorifics and degrees, so that
    "Budi Santoso, M.Kom." is found as Budi Santoso and never as a Muhammad (M. is Muhammad)."""
    return names.name_key(name, drop_titles=True)


def clean_nik(value: str | None) -> str:
    """16 digits whose region and birth-date parts are real (python-stdnum ``id.nik``)."""
    return core_identifiers.clean_nik(value, DonorRefused)


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
    return core_identifiers.clean_phone(value, DonorRefused)


format_phone = core_identifiers.format_phone


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
