"""A second tsvector per document without the body (names, keywords, summary), for queries
matching some of several words (medguide/search/backends.py). On PostgreSQL existing documents
get it here, before its GIN index is built; SQLite has no use for the column."""

import django.contrib.postgres.search
from django.db import migrations

from medguide.editorial.operations import RunSQLOnPostgreSQL

FILL = (
    "UPDATE medguide_searchdocument SET head_vector = "
    "setweight(to_tsvector('english', coalesce(names, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(keywords, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(summary, '')), 'C')"
)
INDEX = "CREATE INDEX medguide_search_head_gin ON medguide_searchdocument USING gin (head_vector)"
DROP = "DROP INDEX IF EXISTS medguide_search_head_gin"


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_search_log_batches"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="head_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        RunSQLOnPostgreSQL([FILL, INDEX], DROP),
    ]
