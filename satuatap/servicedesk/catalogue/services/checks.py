"""The small checks every write of the catalogue shares: typed text, whole numbers in a range,
yes/no answers, and the changes an audit event records."""

from django.utils.translation import gettext as _

from satuatap.core.text import squash
from satuatap.servicedesk.errors import CatalogueRefused

CONFIGURE = "servicedesk.configure"
APPROVE = "servicedesk.approve"

# Limits a form, the API and the services share.
MAX_QUOTA = 10_000
MAX_STEPS = 30
MAX_REQUIREMENTS = 40
MAX_TEXT = 4_000


# --- small checks -----------------------------------------------------------------------------------


def text_of(value, field: str, limit: int, *, required: bool = False, message: str = "", lines: bool = False) -> str:
    """Typed text: one line squashed, or (``lines``) several lines each squashed, blank lines dropped."""
    if value is not None and not isinstance(value, str):
        raise CatalogueRefused(_("Enter text."), field=field)
    if lines:
        text = "\n".join(line for line in (squash(line) for line in (value or "").splitlines()) if line)
    else:
        text = squash(value)
    if required and not text:
        raise CatalogueRefused(message or _("This field is required."), field=field)
    if len(text) > limit:
        raise CatalogueRefused(_("This text is too long (at most %(max)s characters).") % {"max": limit}, field=field)
    return text


def number_of(value, field: str, low: int, high: int, *, optional: bool = False) -> int | None:
    if value is None or value == "":
        if optional:
            return None
        raise CatalogueRefused(_("Enter a whole number."), field=field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CatalogueRefused(_("Enter a whole number."), field=field)
    if not low <= value <= high:
        raise CatalogueRefused(
            _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}, field=field
        )
    return value


def flag_of(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise CatalogueRefused(_("Answer yes or no."), field=field)
    return value


def changes_of(row, before: dict, fields) -> dict:
    return {
        name: [before.get(name), getattr(row, name)]
        for name in fields
        if before.get(name) != getattr(row, name) and not isinstance(getattr(row, name), list)
    } | {
        name: {"from": before.get(name), "to": getattr(row, name)}
        for name in fields
        if isinstance(getattr(row, name), list) and before.get(name) != getattr(row, name)
    }
