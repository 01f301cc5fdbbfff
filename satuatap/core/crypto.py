"""Personal identifiers at rest: encrypted fields and keyed-hash look-ups.

NIK and NPWP are stored encrypted (Fernet, AES-128-CBC + HMAC, from the
``cryptography`` package) and found by a keyed hash (HMAC-SHA256 with
``IDENTIFIER_HASH_KEY``), so a stolen database dump gives neither the numbers nor a
way to test guesses against them without the key.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong or missing key must stop loudly, never show garbage
        raise ValueError("An encrypted value cannot be read with the configured FIELD_ENCRYPTION_KEYS.") from exc


def blind_index(kind: str, value: str) -> str:
    """The keyed hash by which an identifier of ``kind`` ("nik", "npwp") is looked up; "" for no value."""
    if not value:
        return ""
    message = f"{kind}:{value}".encode()
    return hmac.new(settings.IDENTIFIER_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


def mask(value: str, visible: int = 4) -> str:
    """``3174********0001``-style: all but the first and last ``visible`` characters hidden."""
    if not value:
        return ""
    if len(value) <= 2 * visible:
        return "*" * len(value)
    return value[:visible] + "*" * (len(value) - 2 * visible) + value[-visible:]


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; Python sees the plain value. Not searchable: pair it
    with a ``blind_index`` column."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)
