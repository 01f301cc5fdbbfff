"""Set Django up on the generated benchmark database (not a test database: pytest-django is off).

The database is BENCH_DATABASE_URL, else a PostgreSQL DATABASE_URL, else
postgres://postgres@127.0.0.1:5432/bench; ``python -m bench.generate`` fills it.
"""

import os

import pytest

from bench.generate import DEFAULT_URL, INSTITUTION_CODE, YEAR


def _database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT_URL
    return url


os.environ["DATABASE_URL"] = _database_url()
os.environ["DEBUG"] = "0"  # as in production: no query log, no debug toolbar work
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satuatap.settings")

import django  # noqa: E402

django.setup()


@pytest.fixture(scope="session")
def world():
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench.generate import year_lines
    from satuatap.ledger.selectors import MonthRange
    from satuatap.organizations.models import Unit, UnitKind

    try:
        root = Unit.objects.filter(code=INSTITUTION_CODE, depth=1).first()
    except Exception as exc:  # noqa: BLE001 - no database / not migrated
        pytest.exit(f"benchmark database not reachable ({exc}); run `make bench` or python -m bench.generate", 2)
    if root is None:
        pytest.exit("no benchmark data: run `make bench` or python -m bench.generate first", 2)
    branches = list(Unit.objects.filter(institution=root, kind=UnitKind.BRANCH).order_by("path"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version')")
        server = cursor.fetchone()[0]
    return SimpleNamespace(
        root=root,
        region=Unit.objects.filter(institution=root, kind=UnitKind.REGION).order_by("path").first(),
        branches=branches,
        user=get_user_model().objects.get(username="bench-admin"),
        year=MonthRange.year(YEAR),
        lines=year_lines(root.pk),
        units=Unit.objects.filter(institution=root).count(),
        server=server,
    )


def signed_in_client(user):
    """A test client logged in as ``user`` who has passed the second factor, as after a real login:
    administrators, finance and heads must use two-factor authentication (``TwoFactorMiddleware``),
    so the pages are measured with the middleware checking a verified session."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from satuatap.accounts.services import SESSION_ENROLLED

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_ENROLLED] = True
    session.save()
    return client
