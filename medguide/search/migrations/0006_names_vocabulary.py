"""On SQLite, a view of how many names hold each trigram (FTS5's own fts5vocab table over the
names' trigram index), so that names spelt like a query are looked for by its rarer trigrams
(medguide/search/backends.py). PostgreSQL's pg_trgm index needs nothing of the kind."""

from django.db import migrations

CREATE = (
    "CREATE VIRTUAL TABLE medguide_search_names_vocab "
    "USING fts5vocab(medguide_search_names_fts, row)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS medguide_search_names_vocab")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_head_vector"),
    ]

    operations = [migrations.RunPython(create, drop)]
