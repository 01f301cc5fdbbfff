"""Shared fixtures: a small world of two institutions and named personas.

Institution ALPHA: root > region R1 > area A1 > branches BRA and BRB.
Institution BETA (a separate tenant) with its own branch.
Everything a branch-A persona must never see carries the marker SECRET.

Personas (healthchecks-style): alice = admin of branch A, bob = admin of branch B,
carol = admin of the ALPHA root, audrey = auditor of branch A, frank = front office
of branch A, eve = admin of BETA, nina = an account with no role.
"""

import os
import threading
from types import SimpleNamespace

import pytest
from django.db import transaction

from satuatap.organizations.models import Role, UnitKind
from satuatap.regions import dataset as regions_dataset
from satuatap.regions.models import Area as RegionArea
from tests.factories import PASSWORD, UserFactory, grant, make_institution, make_unit

pytest_plugins = ["tests.browser_support", "tests.access_report_plugin"]

SECRET = "SECRET"


@pytest.fixture(autouse=True)
def _fast_passwords(settings, tmp_path_factory):
    # Argon2 is the production hasher (tested in test_settings); tests use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run at once, in the test's process and database (production: db_worker).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Uploaded documents go to a temporary folder, never to var/.
    private = dict(settings.STORAGES["private"], OPTIONS={"location": tmp_path_factory.getbasetemp() / "private"})
    settings.STORAGES = {**settings.STORAGES, "private": private}


@pytest.fixture(autouse=True)
def _two_factor_not_required(settings):
    """The suite logs its personas in with force_login and no phone: two-factor authentication is not
    required of them. Its enforcement is tested in satuatap/accounts/tests/test_two_factor.py, which
    turns REQUIRE_2FA back on (someone who has set up a phone is asked for a code either way)."""
    settings.REQUIRE_2FA = False


@pytest.fixture
def world(db):
    carol = UserFactory(username="carol")
    alpha = make_institution("ALPHA", "LAZ Alpha", admin=carol)
    region = make_unit(alpha, "R1", "Wilayah Satu", UnitKind.REGION)
    area = make_unit(region, "A1", "Kabupaten Satu", UnitKind.AREA)
    branch_a = make_unit(area, "BRA", "Cabang Anggrek")
    branch_a_sub = make_unit(branch_a, "BRAS1", "Layanan Anggrek", UnitKind.SERVICE)
    branch_b = make_unit(area, "BRB", f"Cabang {SECRET} Bakung")
    branch_b_sub = make_unit(branch_b, "BRBS1", f"Layanan {SECRET} Bakung", UnitKind.SERVICE)

    eve = UserFactory(username="eve")
    beta = make_institution("BETA", f"LAZ {SECRET} Xenon", admin=eve)
    beta_branch = make_unit(beta, "BRA", f"Cabang {SECRET} Xenon")

    alice = UserFactory(username="alice")
    bob = UserFactory(username=f"bob{SECRET.lower()}")
    audrey = UserFactory(username="audrey")
    frank = UserFactory(username="frank")
    nina = UserFactory(username="nina")
    memberships = SimpleNamespace(
        alice=grant(alice, branch_a, Role.ADMIN),
        bob=grant(bob, branch_b, Role.ADMIN),
        audrey=grant(audrey, branch_a, Role.AUDITOR),
        frank=grant(frank, branch_a, Role.FRONT_OFFICE),
    )
    for unit in (alpha, region, area, branch_a, branch_b, beta):
        unit.refresh_from_db()
    return SimpleNamespace(
        alpha=alpha,
        region=region,
        area=area,
        branch_a=branch_a,
        branch_a_sub=branch_a_sub,
        branch_b=branch_b,
        branch_b_sub=branch_b_sub,
        beta=beta,
        beta_branch=beta_branch,
        alice=alice,
        bob=bob,
        carol=carol,
        audrey=audrey,
        frank=frank,
        eve=eve,
        nina=nina,
        memberships=memberships,
        password=PASSWORD,
    )


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing may be skipped for want of a service: a skip there is a failure."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which is not allowed: {report.longrepr}"


@pytest.fixture
def parallel_threads(monkeypatch):
    """The names of the threads ``core.parallel.parallel_reads`` runs reads on during the test
    (none where the reads run in turn on the caller's thread)."""
    from satuatap.core import parallel

    threads: list[str] = []
    own_connection = parallel._on_own_connection

    def counted(read, **kwargs):
        threads.append(threading.current_thread().name)
        return own_connection(read, **kwargs)

    monkeypatch.setattr(parallel, "_on_own_connection", counted)
    return threads


@pytest.fixture
def areas(django_db_setup, django_db_blocker):
    """The areas the migration loaded. A test on a live server flushes the database, areas too: they
    are loaded again, outside any test's transaction, so they stay for the tests after it."""
    with django_db_blocker.unblock():
        if not RegionArea.objects.filter(code="33.18").exists():
            with transaction.atomic():
                RegionArea.objects.all().delete()
                regions_dataset.load()
