# The registry list searches by name on PostgreSQL through the (institution, name_key) index
# with byte order, and words inside a name through a trigram index, as donors do (see
# donors/migrations/0002). Nothing here runs on SQLite.

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from satuatap.core.migration_operations import PostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0001_initial"),
        ("donors", "0002_search_indexes"),
    ]

    operations = [
        TrigramExtension(),
        PostgreSQL(
            'ALTER TABLE beneficiaries_beneficiary ALTER COLUMN name_key TYPE varchar(200) COLLATE "C"',
            'ALTER TABLE beneficiaries_beneficiary ALTER COLUMN name_key TYPE varchar(200) COLLATE "default"',
        ),
        PostgreSQL(
            "CREATE INDEX beneficiaries_name_trgm ON beneficiaries_beneficiary USING gin (name_key gin_trgm_ops)",
            "DROP INDEX IF EXISTS beneficiaries_name_trgm",
        ),
    ]
