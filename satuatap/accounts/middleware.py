"""Session lifetime and the two-factor step between login and everything else."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from satuatap.accounts.services import SESSION_LOGIN_AT, SESSION_SEEN_AT, pending_step
from satuatap.api.services import api_token_authenticate

# Write the last-seen time at most this often, so that a request rarely costs a session write.
SEEN_RESOLUTION_SECONDS = 60


class IdleSessionMiddleware:
    """Logs out a session idle for SESSION_IDLE_MINUTES, or older than SESSION_COOKIE_AGE since login.

    Django's own expiry moves forward whenever the session is saved, so it cannot cap a session's
    whole life; the login time kept in the session does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request):
        session = request.session
        now = int(time.time())
        seen = session.get(SESSION_SEEN_AT)
        login_at = session.get(SESSION_LOGIN_AT)
        if seen is None or login_at is None:  # a session from before these stamps: start counting now
            session[SESSION_SEEN_AT] = seen or now
            session[SESSION_LOGIN_AT] = login_at or now
            return
        idle_limit = settings.SESSION_IDLE_MINUTES * 60
        if now - seen > idle_limit or now - login_at > settings.SESSION_COOKIE_AGE:
            logout(request)
            if now - seen > idle_limit:
                message = _("You were logged out after %(minutes)s minutes without activity.") % {
                    "minutes": settings.SESSION_IDLE_MINUTES
                }
            else:
                message = _("Your session has ended; please log in again.")
            messages.info(request, message)
            return
        if now - seen >= SEEN_RESOLUTION_SECONDS:
            session[SESSION_SEEN_AT] = now


# Views a user who still owes the second factor may reach.
EXEMPT_VIEWS = frozenset(
    {
        "accounts:two_factor_verify",
        "accounts:two_factor_setup",
        "accounts:logout",
        "set_language",
    }
)


class TwoFactorMiddleware:
    """Sends a logged-in user who owes a code (or must set up a phone) to that page first.

    The API answers 403 to such a session instead. A request that carries a working API token is
    left to the token (the API then acts as the token's owner, not the session's); a header with
    a made-up token does not let the session through.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEWS:
            return None
        step = pending_step(request)
        if step is None:
            return None
        if request.path.startswith("/api/"):
            if _sends_working_token(request):
                return None
            message = _("Enter your two-factor code in the browser first.")
            body = {"error": {"code": "two_factor_required", "message": message, "fields": {}}}
            return JsonResponse(body, status=403)
        url = reverse("accounts:two_factor_verify" if step == "verify" else "accounts:two_factor_setup")
        if request.method in ("GET", "HEAD"):
            url += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)


def _sends_working_token(request) -> bool:
    """Whether the request carries an API token that the API will accept, read as the API reads
    it (``Authorization: Bearer …`` or ``X-API-Key``)."""
    scheme, _sep, bearer = request.headers.get("Authorization", "").partition(" ")
    keys = (bearer if scheme.lower() == "bearer" else "", request.headers.get("X-API-Key", ""))
    return any(api_token_authenticate(key) is not None for key in keys)
