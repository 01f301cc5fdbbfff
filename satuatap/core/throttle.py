"""Guards of the public forms against spam and abuse, without a third-party service: a per-address
rate limit kept in Django's cache, and a honeypot field that people never see and robots fill in.

The client's address is the one the login lockout (django-axes) uses, so a proxy set up for one
is set up for both. Addresses are kept in the cache only as keyed hashes.
"""

import hashlib
import hmac
import time
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

# The name of the honeypot field: plausible enough for a robot to fill, never autofilled by browsers.
HONEYPOT_FIELD = "leave_empty"


@dataclass(frozen=True)
class Rate:
    """At most ``count`` requests of one address per ``seconds`` (a fixed window)."""

    count: int
    seconds: int


def client_address(request) -> str:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"


def _key(scope: str, address: str, window: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
    return f"throttle:{scope}:{digest}:{window}"


def throttle_hit(request, scope: str, rate: Rate) -> int | None:
    """Count one request of the client in ``scope``: None while within ``rate``, otherwise the
    seconds until the window ends (for a ``Retry-After`` header)."""
    now = time.time()
    window = int(now // rate.seconds)
    key = _key(scope, client_address(request), window)
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: this is the first request of a new window
        cache.set(key, 1, timeout=rate.seconds + 1)
        count = 1
    if count <= rate.count:
        return None
    return max(int((window + 1) * rate.seconds - now), 1)


class HoneypotField(forms.CharField):
    """A field hidden from people (and from screen readers and the keyboard) that must stay empty."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Leave this field empty"))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1", "class": "form-control"})
        )
        super().__init__(**kwargs)


def honeypot_filled(data) -> bool:
    """Whether the submitted data (``request.POST``) has something in the honeypot field."""
    return bool((data.get(HONEYPOT_FIELD) or "").strip())
