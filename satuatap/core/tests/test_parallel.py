import threading

import pytest
from django.db import connection, transaction

from satuatap.core.parallel import parallel_reads
from satuatap.organizations.models import Unit
from tests.factories import make_institution


def _reader(seen: list, value):
    def read():
        seen.append(threading.current_thread().name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM organizations_unit WHERE code = %s", [value])
            return value, cursor.fetchone()[0]

    return read


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_postgresql_reads_at_once_on_connections_of_their_own():
    make_institution("PAR", "Paralel")
    seen = []
    results = parallel_reads(*(_reader(seen, code) for code in ("PAR", "NONE", "PAR")))
    assert results == [("PAR", 1), ("NONE", 0), ("PAR", 1)]  # in the order asked, committed rows seen
    if connection.vendor == "postgresql":
        assert len(seen) == 3 and all(name.startswith("parallel-read") for name in seen)
    else:  # SQLite has one writer and no server to spread the work over: in turn, on this thread
        assert seen == [threading.current_thread().name] * 3


@pytest.mark.django_db
def test_inside_a_transaction_they_run_in_turn_and_see_its_uncommitted_rows():
    with transaction.atomic():
        make_institution("PAR", "Paralel")
        seen = []
        assert parallel_reads(_reader(seen, "PAR"), _reader(seen, "PAR")) == [("PAR", 1), ("PAR", 1)]
    assert seen == [threading.current_thread().name] * 2


@pytest.mark.django_db(transaction=True)
def test_a_failing_read_raises_in_the_caller():
    def broken():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    with pytest.raises(Exception, match="no_such_table"):
        parallel_reads(_reader([], "X"), broken)
    assert Unit.objects.count() == 0  # and the caller's connection still works


@pytest.mark.django_db(transaction=True)
def test_each_read_speaks_the_callers_language_and_time_zone():
    from django.utils import timezone, translation
    from django.utils.translation import gettext

    def spoken():
        return translation.get_language(), gettext("Not found"), str(timezone.get_current_timezone())

    with translation.override("en"), timezone.override("Asia/Jayapura"):
        english = parallel_reads(spoken, spoken)
    with translation.override("id"), timezone.override("Asia/Makassar"):
        indonesian = parallel_reads(spoken, spoken)
    assert english == [("en", "Not found", "Asia/Jayapura")] * 2
    assert indonesian == [("id", "Tidak ditemukan", "Asia/Makassar")] * 2
