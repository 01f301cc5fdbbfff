"""Small helpers shared by the thin views of every app."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from satuatap.organizations.permissions import require


def apply_service_error(form, exc: ValidationError) -> None:
    """Show a service's refusal on the form, next to the field it names when that field exists."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def active_unit(request, capability: str):
    """The unit chosen in the unit switcher, if the user's role there has ``capability``; 403 otherwise."""
    unit = request.active_unit
    if unit is None:
        raise PermissionDenied(_("Your account has no role on any unit yet."))
    require(request.user, capability, unit)
    return unit


def query_int(value, default: int | None = None, *, minimum: int = 1) -> int | None:
    """A whole number from a query string or form value (an id, a page offset), or ``default`` when
    it is missing, not a number or below ``minimum`` (1 for ids, 0 for offsets)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number >= minimum else default


def throttled_page(request, wait: int):
    """The 429 page of a public page or form that one address used too often (``core.throttle``)."""
    minutes = max(round(wait / 60), 1)
    message = ngettext(
        "Too many requests came from your connection. Please try again in %(minutes)s minute.",
        "Too many requests came from your connection. Please try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}
    context = {"status": 429, "title": _("Too many requests"), "message": message}
    response = render(request, "error.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response
