"""Settings of the gunicorn server the fault tests start: the app's own, plus what the fault tests
ask the lead to add to ``satuatap/settings.py`` (the 503 middleware, connection health checks)."""

from satuatap.settings import *  # noqa: F403
from satuatap.settings import DATABASES, MIDDLEWARE

_MIDDLEWARE = "satuatap.core.db_errors.DatabaseUnavailableMiddleware"
if _MIDDLEWARE not in MIDDLEWARE:
    MIDDLEWARE = [_MIDDLEWARE, *MIDDLEWARE]
DATABASES = {**DATABASES, "default": {**DATABASES["default"], "CONN_HEALTH_CHECKS": True}}
DEBUG = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
