"""Satu Atap settings: one module, configured by environment variables.

See the README's "Configuration" table for every variable. Defaults give a safe
embedded run on SQLite under ``var/``; ``SATUATAP_ENV=production`` switches on
the production hardening and refuses to start without the values it needs.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from satuatap.env import dev_fernet_key as _dev_fernet_key
from satuatap.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SATUATAP_VAR_DIR", str(BASE_DIR / "var")))

ENVIRONMENT = env_choice("SATUATAP_ENV", ("development", "production"), "development")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)

_DEV_SECRET = "dev-only-insecure-key-3f9c1a7e2b8d4c6e0a5f1b9d7e3c2a8f6b4d0e1c9a7f5b3d"
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters in production.")

# Personal identifiers (NIK, NPWP) are stored encrypted with these Fernet keys: the first
# encrypts, all of them decrypt, so a key can be rotated by putting a new one first. They are
# looked up by a keyed hash (IDENTIFIER_HASH_KEY), never by their plain value.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [] if PRODUCTION else [_dev_fernet_key(SECRET_KEY)])
IDENTIFIER_HASH_KEY = env_str("IDENTIFIER_HASH_KEY", "" if PRODUCTION else SECRET_KEY + ":identifiers")
if PRODUCTION and (not FIELD_ENCRYPTION_KEYS or len(IDENTIFIER_HASH_KEY) < 32):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS (Fernet keys) and IDENTIFIER_HASH_KEY (at least 32 characters) "
        "must be set in production."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names this server answers to in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "treebeard",
    "simple_history",
    "axes",
    # Two-factor authentication: TOTP apps on a phone, and one-time backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "ninja",
    "satuatap.core",
    "satuatap.regions",
    "satuatap.accounts",
    "satuatap.audit",
    "satuatap.organizations",
    "satuatap.ledger",
    "satuatap.donors",
    "satuatap.collection",
    "satuatap.beneficiaries",
    "satuatap.distribution",
    "satuatap.servicedesk",
    "satuatap.reports",
    "satuatap.outbox",
    "satuatap.api",
    "django_tasks",
    "django_tasks_db",
    "satuatap.demo",
]

# Background work (imports, batch PDFs): the database backend by default, so the embedded run
# needs no extra service; `make run` starts `manage.py db_worker` beside the server.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

MIDDLEWARE = [
    # First: answers 503 with a message while the database is unreachable, instead of a 500.
    "satuatap.core.db_errors.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "satuatap.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "satuatap.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "satuatap.accounts.middleware.IdleSessionMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "satuatap.organizations.middleware.ActiveUnitMiddleware",
    # After the unit middleware, which has read the user's roles (2FA depends on them).
    "satuatap.accounts.middleware.TwoFactorMiddleware",
    # Axes goes last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "satuatap.urls"
WSGI_APPLICATION = "satuatap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "satuatap" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "satuatap.core.context_processors.shell",
            ],
            "builtins": ["satuatap.core.templatetags.formatting"],
        },
    },
]

# --- database ---------------------------------------------------------------
_default_db = f"sqlite:///{VAR_DIR / 'satuatap.sqlite3'}"
_database_url = env_str("DATABASE_URL", _default_db)
try:
    DATABASES = {
        # Health checks: a kept connection that died in a database restart is replaced, not used.
        "default": dj_database_url.parse(
            _database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0), conn_health_checks=True
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL this server understands: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the counter keep writing while a report reads; IMMEDIATE takes the
        # write lock at BEGIN so concurrent writers queue instead of failing.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Tests use a file (one per test process), not shared-cache memory: threads in the
    # concurrency tests then lock and wait as they do in the embedded production run.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        Path(tempfile.gettempdir()) / f"satuatap-test-{os.getpid()}.sqlite3"
    )
else:
    # A database host that drops packets answers 503 after a few seconds instead of hanging a worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Failed logins from one address (any username), per 15 minutes, before its login attempts are
# refused for the rest of the window: against password spraying, which the per-username lockout
# above does not see. High enough for an office whose staff share one public address.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=1)

# A session ends SESSION_AGE_MINUTES after login whatever happens, after SESSION_IDLE_MINUTES
# without a request, and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_AGE_MINUTES", 8 * 60, minimum=5) * 60
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60, minimum=1)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A password reset link works once, and only this long after it was sent (it waits in the outbox meanwhile).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60, minimum=5) * 60

# Two-factor authentication (TOTP, django-otp). Required of administrators, finance staff, office
# heads and operators (Django admin) unless REQUIRE_2FA=false; anyone who has set it up is asked
# for a code at every login either way.
REQUIRE_2FA = env_bool("REQUIRE_2FA", True)
OTP_TOTP_ISSUER = env_str("TOTP_ISSUER", "Satu Atap")
# How many one-time backup codes an enrolment gives (for a lost phone).
TWO_FACTOR_BACKUP_CODES = 10

# --- internationalisation ---------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"
LANGUAGE_COOKIE_NAME = "satuatap_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "satuatap" / "static"]
if not PRODUCTION:
    # The embedded run keeps everything under var/; create it so a fresh clone just works.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    # Beneficiaries' documents (KTP/KK scans, photos): outside the web root, with no URL of their
    # own; a view that checks the permission and logs the read streams them.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Largest document a beneficiary's file may hold (scans and photos from a phone).
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
# Days after a payment by which its evidence (photo, signed receipt, transfer proof) should be in.
EVIDENCE_DAYS = env_int("EVIDENCE_DAYS", 14, minimum=1)

# --- security ---------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy, Permissions-Policy: satuatap.core.security.SecurityHeadersMiddleware.
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- public links and outgoing email -------------------------------------------
# The address printed in receipt QR codes and emailed links (https://zakat.example.org);
# empty: taken from the request that makes the link.
SATUATAP_PUBLIC_URL = env_str("PUBLIC_URL", "").rstrip("/")
# Aid applications one address may send per hour through the public form and API together.
SATUATAP_PUBLIC_APPLICATIONS_PER_HOUR = env_int("PUBLIC_APPLICATIONS_PER_HOUR", 10, minimum=1)
# Email leaves through the outbox (retried when the server is down). Development prints it.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Satu Atap <no-reply@localhost>")

# --- logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

# --- Satu Atap --------------------------------------------------------------
SATUATAP_API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 365, minimum=1)

FORM_RENDERER = "satuatap.core.forms.FormRenderer"
