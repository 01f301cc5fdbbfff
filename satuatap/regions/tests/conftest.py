import pytest
from django.db import transaction

from satuatap.regions import dataset
from satuatap.regions.models import Area


@pytest.fixture
def areas(django_db_setup, django_db_blocker):
    """The areas the migration loaded. A test on a live server flushes the database, areas too: they
    are loaded again, outside any test's transaction, so they stay for the tests after it."""
    with django_db_blocker.unblock():
        if not Area.objects.filter(code="33.18").exists():
            with transaction.atomic():
                Area.objects.all().delete()
                dataset.load()


from satuatap.collection.tests.conftest import desk  # noqa: E402, F401  (fixtures re-exported)
from satuatap.distribution.tests.conftest import _english, books, registry  # noqa: E402, F401
