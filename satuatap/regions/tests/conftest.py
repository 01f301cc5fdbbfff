import pytest

from satuatap.regions import dataset
from satuatap.regions.models import Area


@pytest.fixture
def areas(db):
    """The areas loaded by the migration (a test that flushes the database empties them: load again)."""
    if not Area.objects.filter(code="33.18").exists():
        Area.objects.all().delete()
        dataset.load()


from satuatap.collection.tests.conftest import desk  # noqa: E402, F401  (fixtures re-exported)
from satuatap.distribution.tests.conftest import _english, books, registry  # noqa: E402, F401
