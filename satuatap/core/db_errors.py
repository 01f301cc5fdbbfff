"""A database that cannot be reached (a restart, a fail-over, a cut network) is answered with a clean
503 and a message in the user's language, never a 500 with a stack trace; the app recovers by itself.

``DatabaseUnavailableMiddleware`` goes first in ``MIDDLEWARE`` so that it sees every failure: one
raised by a view (``process_exception``) and one raised by another middleware (the session, the
active unit), which Django has already turned into a 500 by the time it gets here (the
``got_request_exception`` receiver marks those requests). Nothing in the answer touches the
database. Recovery needs no restart: Django drops a broken connection at the end of the request,
and with ``CONN_HEALTH_CHECKS`` it also checks a kept connection before reusing it.

API clients get the API's error shape with code ``unavailable`` and may retry: a donation sent
again with the same ``Idempotency-Key`` is recorded once.
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Connection lost or refused, server shutting down or starting, lock or statement timeouts: all pass.
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 15
_FAILURE = "_satuatap_database_failure"


def _note_failure(sender, request=None, **kwargs):
    """Remember on the request that the exception Django is turning into a 500 is a database outage."""
    exc = sys.exc_info()[1]
    if request is not None and isinstance(exc, UNAVAILABLE):
        setattr(request, _FAILURE, exc)


got_request_exception.connect(_note_failure, dispatch_uid="satuatap.core.db_errors")


def _language(request) -> str:
    """The language ``LanguageMiddleware`` would pick (it may not have run, or its choice may be gone)."""
    supported = {code for code, _name in settings.LANGUAGES}
    if request.path.startswith("/api/"):
        language = translation.get_language_from_request(request)
    else:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if language in supported else settings.LANGUAGE_CODE


def _page(title: str, message: str, hint: str, language: str) -> str:
    # A page of its own rather than a template extending the layout: the layout asks the database
    # for the menu and the unit switcher.
    return format_html(
        '<!doctype html><html lang="{}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>{} · Satu Atap</title>"
        '<link rel="stylesheet" href="{}"><link rel="stylesheet" href="{}"></head>'
        '<body><main class="container py-5"><div class="row justify-content-center"><div class="col-md-8 col-lg-6">'
        '<div class="sa-card text-center py-5"><p class="display-6 text-muted">503</p><h1 class="h3">{}</h1>'
        '<p>{}</p><p class="text-muted">{}</p><a class="btn btn-primary" href="">{}</a></div></div></div></main>'
        "</body></html>",
        language,
        title,
        static("vendor/bootstrap/bootstrap.min.css"),
        static("css/app.css"),
        title,
        message,
        hint,
        _("Try again"),
    )


# Headers of the 500 answer a 503 replaces that describe that answer, not the site.
_OWN_HEADERS = {"content-type", "content-length", "content-language", "content-disposition", "cache-control"}


def unavailable_response(request, exc: BaseException, replacing: HttpResponse | None = None) -> HttpResponse:
    """The 503 answer: JSON in the API's error shape under ``/api/``, a small HTML page elsewhere.
    When it replaces a 500 that the other middleware has already finished, it keeps that answer's
    security headers (CSP, HSTS, frame and referrer policies)."""
    logger.warning("Database unavailable, answered 503: %s %s: %s", request.method, request.path, exc)
    language = _language(request)
    with translation.override(language):
        if request.path.startswith("/api/"):
            message = _(
                "The database cannot be reached for a moment. Send the request again shortly; "
                "with the same Idempotency-Key it is recorded only once."
            )
            response = JsonResponse({"error": {"code": "unavailable", "message": message, "fields": {}}}, status=503)
        else:
            body = _page(
                _("Briefly unavailable"),
                _("Satu Atap cannot reach its database for a moment. Please try again in a minute."),
                _("If you were saving something, check whether it was saved before entering it again."),
                language,
            )
            response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    for header, value in replacing.items() if replacing is not None else ():
        if header.lower() not in _OWN_HEADERS:
            response.headers.setdefault(header, value)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


class DatabaseUnavailableMiddleware:
    """First in ``MIDDLEWARE``: answers 503 while the database cannot be reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except UNAVAILABLE as exc:  # the 500 page itself failed on the database
            return unavailable_response(request, exc)
        failure = getattr(request, _FAILURE, None)
        if failure is not None and response.status_code >= 500:
            return unavailable_response(request, failure, replacing=response)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE):
            return unavailable_response(request, exception)
        return None
