# Donor search at a million donors on PostgreSQL (see donors/selectors.py and bench/README.md).
# Every operation here does nothing on SQLite, where the search runs on the plain indexes of 0001.

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from satuatap.core.migration_operations import PostgreSQL


class Migration(migrations.Migration):

    dependencies = [
        ("donors", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        # name_key holds only a-z, 0-9 and spaces: byte order (collation "C") is its natural order,
        # and under it the (institution, name_key) index answers "name starts with ..." as an index
        # range read in name order, which stops after one page of rows.
        PostgreSQL(
            'ALTER TABLE donors_donor ALTER COLUMN name_key TYPE varchar(200) COLLATE "C"',
            "ALTER TABLE donors_donor ALTER COLUMN name_key TYPE varchar(200) COLLATE \"default\"",
        ),
        # Words anywhere in the name ("hidayat" in "muhammad nur hidayat"): trigram index.
        PostgreSQL(
            "CREATE INDEX donors_donor_name_trgm ON donors_donor USING gin (name_key gin_trgm_ops)",
            "DROP INDEX IF EXISTS donors_donor_name_trgm",
        ),
        # A branch's donors by name: the rows of one registering unit in name order, read from the
        # index alone (a branch clerk's search never touches the other units' rows).
        PostgreSQL(
            "CREATE INDEX donors_donor_unit_name ON donors_donor (registered_unit_id, name_key) "
            "INCLUDE (id, merged_into_id)",
            "DROP INDEX IF EXISTS donors_donor_unit_name",
        ),
        # Donor numbers typed in part ("BENCH-2500012"): LIKE 'prefix%' under any collation.
        PostgreSQL(
            "CREATE INDEX donors_donor_number_like ON donors_donor (number varchar_pattern_ops)",
            "DROP INDEX IF EXISTS donors_donor_number_like",
        ),
    ]
