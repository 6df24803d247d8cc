"""Migration operations the content apps share."""

from django.db import migrations


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL and does nothing on other databases: for what only
    PostgreSQL has or wants (an index with INCLUDE, a GIN index on a tsvector), while SQLite's
    planner is better served without it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
