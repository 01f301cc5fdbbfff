"""Failed logins counted per client address, whatever the username.

django-axes locks a username tried from one address; this stops one address from trying a few
passwords on many usernames (password spraying). Every failed authentication counts (the staff
login, the operator login, wrong two-factor codes); once an address has failed
``LOGIN_ADDRESS_FAILURE_LIMIT`` times in a 15-minute window, its login attempts are refused until
the window ends. Counters live in Django's cache under a keyed hash of the address.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache

from satuatap.core.throttle import client_address

WINDOW_SECONDS = 15 * 60


def _key(request, window: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), client_address(request).encode(), hashlib.sha256).hexdigest()
    return f"login-failures:{digest[:32]}:{window}"


def address_blocked(request) -> int | None:
    """Seconds until this address may try to log in again, or None if it may now."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    if (cache.get(_key(request, window)) or 0) < settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return None
    return max(int((window + 1) * WINDOW_SECONDS - now), 1)


def address_failed(request) -> None:
    window = int(time.time() // WINDOW_SECONDS)
    key = _key(request, window)
    cache.add(key, 0, timeout=WINDOW_SECONDS + 1)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: the first failure of a new window
        cache.set(key, 1, timeout=WINDOW_SECONDS + 1)


def _on_login_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        address_failed(request)


def connect_signals() -> None:
    user_login_failed.connect(_on_login_failed, dispatch_uid="satuatap.accounts.throttling.on_login_failed")
