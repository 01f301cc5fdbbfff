"""What a restricted line written by the ledger itself may name: a purpose of the institution.

Manual entries, opening balances and transfers take a restriction from a person or an API client;
it must name a purpose ``ledger.hooks`` knows (a program's key, or the key of a campaign that raises
for no program; a program's code or id is taken for its key), so restricted money never lands in a
pot no program can spend. The one exception is a tag left from before programs were named by
reference (``manage.py restrictions_unmatched``) that the institution's ledger still holds: a
manual entry may name it to move its money to the program it was meant for.
"""

from dataclasses import replace

from django.utils.translation import gettext as _

from satuatap.ledger.errors import EntryRefused
from satuatap.ledger.hooks import purpose_resolve, purposes_held
from satuatap.ledger.models import LedgerBalance


class UnknownPurpose(EntryRefused):
    """A restricted line names no purpose of the institution; ``line`` is its number (1-based) or None."""

    def __init__(self, message, *, field: str, line: int | None = None):
        super().__init__(message, field=field)
        self.line = line


def restriction_key(institution_id: int, value: str, *, held_tags: bool = False) -> str | None:
    """The ledger key ``value`` names in the institution (itself for a key, a program's key for its
    code or id), or None when it names no purpose. With ``held_tags``, an old tag the ledger still
    holds names itself."""
    value = (value or "").strip()
    known = {purpose.key for purpose in purposes_held(institution_id)}
    if value in known:
        return value
    purpose = purpose_resolve(institution_id, value)
    if purpose is not None and purpose.key in known:
        return purpose.key
    if held_tags and LedgerBalance.objects.filter(institution_id=institution_id, restriction=value).exists():
        return value
    return None


def _refusal(value: str) -> str:
    return _("%(value)s is no program or campaign of this institution; choose one from the list.") % {"value": value}


def restricted_specs(institution_id: int, specs, *, field: str = "lines", held_tags: bool = False) -> list:
    """``specs`` (``LineSpec``) with each restriction replaced by its key; refused on the first line
    that names no purpose. Lines without a restriction pass as they are (the posting rules say which
    fund needs one)."""
    checked = []
    for number, spec in enumerate(specs, start=1):
        value = getattr(spec, "restriction", "")
        if isinstance(value, str) and value.strip():
            key = restriction_key(institution_id, value, held_tags=held_tags)
            if key is None:
                message = _("Line %(number)s: %(message)s") % {"number": number, "message": _refusal(value.strip())}
                raise UnknownPurpose(message, field=field, line=number)
            spec = replace(spec, restriction=key)
        checked.append(spec)
    return checked


def restriction_checked(institution_id: int, value: str, *, field: str = "restriction") -> str:
    """One restriction (a transfer's) as its key; "" stays ""."""
    if not (value or "").strip():
        return ""
    key = restriction_key(institution_id, value, held_tags=True)
    if key is None:
        raise UnknownPurpose(_refusal(value.strip()), field=field)
    return key
