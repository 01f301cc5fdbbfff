"""A migration operation run on PostgreSQL only, shared by the apps' migrations."""

from django.db import migrations


class PostgreSQL(migrations.RunSQL):
    """Raw SQL run on PostgreSQL only; the model state is unchanged."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
