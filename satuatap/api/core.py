"""The REST API: one NinjaAPI, token or session authentication, one error shape.

Each app contributes a ``Router`` from its own ``api.py``; every endpoint reads
through the app's scoped selectors and writes through its services.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from satuatap.accounts.services import pending_step
from satuatap.api.services import api_token_authenticate, api_token_waits_for_two_factor


class TwoFactorRequired(Exception):
    """A credential that is refused until its owner passes or sets up the second factor."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sat_…``"""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        elif api_token_waits_for_two_factor(token):
            raise TwoFactorRequired(
                401, _("Your role requires two-factor authentication: set it up in the browser, then use this token.")
            )
        return user


class TokenHeaderAuth(APIKeyHeader):
    """``X-API-Key: sat_…`` for clients that cannot set a bearer token."""

    param_name = "X-API-Key"

    def authenticate(self, request, key):
        return TokenAuth().authenticate(request, key)


class VerifiedSessionAuth(SessionAuth):
    """The browser session (with Django's CSRF check), once it has passed its second factor.

    Whatever other headers come with the request: a made-up token must not let a session that
    has given only its password through.
    """

    def authenticate(self, request, key):
        if pending_step(request) is not None:
            raise TwoFactorRequired(403, _("Enter your two-factor code in the browser first."))
        return super().authenticate(request, key)


def _nul_at(value, path: tuple = ()) -> tuple | None:
    """Where a NUL character is in parsed JSON (a key or a string), or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return (*path, key)
        found = _nul_at(item, (*path, key))
        if found is not None:
            return found
    return None


class NulRefusingParser(Parser):
    """JSON bodies and query strings without NUL characters: PostgreSQL cannot store or compare them
    (a 500 before); Django's forms refuse them the same way."""

    @staticmethod
    def _refuse_nul(data, location: str):
        path = _nul_at(data)
        if path is not None:
            raise SchemaValidationError([{"loc": (location, *path), "type": "null_character", "msg": ""}])
        return data

    def parse_body(self, request):
        return self._refuse_nul(super().parse_body(request), "body")

    def parse_querydict(self, data, list_fields, request):
        return self._refuse_nul(super().parse_querydict(data, list_fields, request), "query")


api = NinjaAPI(
    title="Satu Atap API",
    version="1",
    description=(
        "Scoped to the units of the authenticated user. Authenticate with a personal token "
        "(`Authorization: Bearer sat_…`) created on the API tokens page. Errors always have the shape "
        '`{"error": {"code", "message", "fields"}}`; send `Accept-Language: en` for English messages.'
    ),
    urls_namespace="api-v1",
    auth=[TokenAuth(), TokenHeaderAuth(), VerifiedSessionAuth()],
    parser=NulRefusingParser(),
)


def error(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(
        request, {"error": {"code": code, "message": message, "fields": fields or {}}}, status=status
    )


# Pydantic's messages are English only: the common ones are said again in the request's language.
SCHEMA_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_type": gettext_lazy("Enter a number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "decimal_type": gettext_lazy("Enter a number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "greater_than": gettext_lazy("Enter a number greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("Enter a number of at least %(ge)s."),
    "less_than": gettext_lazy("Enter a number less than %(lt)s."),
    "less_than_equal": gettext_lazy("Enter a number of at most %(le)s."),
    "string_type": gettext_lazy("Enter text."),
    "string_too_short": gettext_lazy("Enter at least %(min_length)s characters."),
    "string_too_long": gettext_lazy("Enter at most %(max_length)s characters."),
    "string_pattern_mismatch": gettext_lazy("The value does not have the expected form."),
    "bool_type": gettext_lazy("Enter true or false."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "date_type": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "datetime_type": gettext_lazy("Enter a date and time in ISO 8601 form."),
    "datetime_parsing": gettext_lazy("Enter a date and time in ISO 8601 form."),
    "datetime_from_date_parsing": gettext_lazy("Enter a date and time in ISO 8601 form."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "list_type": gettext_lazy("Send a list."),
    "too_short": gettext_lazy("Too few items: at least %(min_length)s."),
    "too_long": gettext_lazy("Too many items: at most %(max_length)s."),
    "model_type": gettext_lazy("Send an object."),
    "model_attributes_type": gettext_lazy("Send an object."),
    "dict_type": gettext_lazy("Send an object."),
    "json_invalid": gettext_lazy("The request body is not valid JSON."),
    "extra_forbidden": gettext_lazy("This field is not accepted."),
    "null_character": gettext_lazy("Null characters are not allowed."),
}


def _schema_message(item: dict) -> str:
    template = SCHEMA_MESSAGES.get(item.get("type", ""))
    if template is None:
        return item.get("msg") or _("Invalid value.")
    try:
        return str(template) % {key: value for key, value in (item.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return item.get("msg") or _("Invalid value.")


@api.exception_handler(SchemaValidationError)
def on_schema_error(request, exc):
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [str(part) for part in item.get("loc", []) if part not in ("body", "payload", "query", "path", "header")]
        fields.setdefault(".".join(loc) or "__all__", []).append(_schema_message(item))
    return error(request, 422, "invalid_input", _("Some values are missing or invalid."), fields)


@api.exception_handler(ValidationError)
def on_domain_error(request, exc):
    if hasattr(exc, "error_dict"):
        fields = {key: [str(m) for e in errors for m in e.messages] for key, errors in exc.error_dict.items()}
        message = next(iter(next(iter(fields.values()), [])), _("The request was refused."))
    else:
        fields = {}
        message = " ".join(exc.messages)
    return error(request, 400, "refused", message, fields)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error(request, 403, "forbidden", str(exc) or _("Your role does not allow this action."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", _("Not found, or outside your units."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(request, 401, "unauthenticated", _("Send a valid API token: Authorization: Bearer <token>."))


@api.exception_handler(TwoFactorRequired)
def on_two_factor_required(request, exc):
    return error(request, exc.status, "two_factor_required", exc.message)


HTTP_CODES = {409: "conflict"}


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if isinstance(exc.__cause__, SchemaValidationError):  # ninja wraps the parser's refusal of a body
        return on_schema_error(request, exc.__cause__)
    return error(request, exc.status_code, HTTP_CODES.get(exc.status_code, "error"), str(exc))


def _register_routers():
    from satuatap.audit.api import router as audit_router
    from satuatap.beneficiaries.api import router as beneficiaries_router
    from satuatap.collection.api import receipts_router
    from satuatap.collection.api import router as donations_router
    from satuatap.collection.api import setup_router as collection_setup_router
    from satuatap.distribution.api import limits_router
    from satuatap.distribution.api import router as distribution_router
    from satuatap.distribution.batches.api import router as batches_router
    from satuatap.distribution.loans.api import router as loans_router
    from satuatap.distribution.public.api import router as public_applications_router
    from satuatap.distribution.stock.api import router as stock_router
    from satuatap.donors.api import router as donors_router
    from satuatap.ledger.api import router as ledger_router
    from satuatap.organizations.api import router as organizations_router
    from satuatap.regions.api import router as regions_router
    from satuatap.servicedesk import api as servicedesk_api

    api.add_router("/", organizations_router)
    api.add_router("/", regions_router)
    api.add_router("/", audit_router)
    api.add_router("/ledger", ledger_router)
    api.add_router("/donors", donors_router)
    api.add_router("/donations", donations_router)
    api.add_router("/collection", collection_setup_router)
    api.add_router("/beneficiaries", beneficiaries_router)
    api.add_router("/distribution", distribution_router)
    api.add_router("/distribution", batches_router)
    api.add_router("/distribution", stock_router)
    api.add_router("/distribution", loans_router)
    api.add_router("/distribution", limits_router)
    # The public application form and status: no token (paths under /public/).
    api.add_router("/", public_applications_router)
    # The receipts router names its own paths (/receipts/..., and the public verification).
    api.add_router("/", receipts_router)
    # The service desk: catalogue, queue, appointments, requests, figures (public routes inside).
    for router in (
        servicedesk_api.catalogue_router,
        servicedesk_api.queue_router,
        servicedesk_api.appointments_router,
        servicedesk_api.requests_router,
        servicedesk_api.figures_router,
    ):
        api.add_router("/servicedesk", router)


_register_routers()
