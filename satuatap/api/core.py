"""The REST API: one NinjaAPI, token or session authentication, one error shape.

Each app contributes a ``Router`` from its own ``api.py``; every endpoint reads
through the app's scoped selectors and writes through its services.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from satuatap.api.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sat_…``"""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class TokenHeaderAuth(APIKeyHeader):
    """``X-API-Key: sat_…`` for clients that cannot set a bearer token."""

    param_name = "X-API-Key"

    def authenticate(self, request, key):
        return TokenAuth().authenticate(request, key)


api = NinjaAPI(
    title="Satu Atap API",
    version="1",
    description=(
        "Scoped to the units of the authenticated user. Authenticate with a personal token "
        "(`Authorization: Bearer sat_…`) created on the API tokens page. Errors always have the shape "
        '`{"error": {"code", "message", "fields"}}`; send `Accept-Language: en` for English messages.'
    ),
    urls_namespace="api-v1",
    auth=[TokenAuth(), TokenHeaderAuth(), django_auth],
)


def error(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(
        request, {"error": {"code": code, "message": message, "fields": fields or {}}}, status=status
    )


@api.exception_handler(SchemaValidationError)
def on_schema_error(request, exc):
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [str(part) for part in item.get("loc", []) if part not in ("body", "payload", "query", "path")]
        fields.setdefault(".".join(loc) or "__all__", []).append(item.get("msg", _("Invalid value.")))
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


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return error(request, exc.status_code, "error", str(exc))


def _register_routers():
    from satuatap.audit.api import router as audit_router
    from satuatap.ledger.api import router as ledger_router
    from satuatap.organizations.api import router as organizations_router

    api.add_router("/", organizations_router)
    api.add_router("/", audit_router)
    api.add_router("/ledger", ledger_router)


_register_routers()
