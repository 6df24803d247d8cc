"""On PostgreSQL, trigram indexes of the generic and brand names as Django's icontains and
istartswith compare them (UPPER(name) LIKE UPPER(pattern)).

The interaction checker looks for the names a reader may have meant by each name it does not
know: those sharing its first two letters or its last four (drugs.checker._names_like). Read
by scanning, ten unknown names (an address anyone can send) made the server test 18 patterns
against each of 38,000 names at 20,000 medicines: 147 ms of its CPU for the one query. With
these indexes each pattern is a bitmap index scan: 15 ms. SQLite gets none (it has no such
index); the admin's name search uses them too.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from medguide.editorial.operations import RunSQLOnPostgreSQL

INDEXES = [
    ("drug_generic_name_trgm", "drugs_drug", "generic_name"),
    ("drugname_name_trgm", "drugs_drugname", "name"),
]


class Migration(migrations.Migration):
    dependencies = [("drugs", "0015_drug_by_id_index")]

    operations = [
        TrigramExtension(),  # already there for search; nothing on SQLite
        *(
            RunSQLOnPostgreSQL(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin ((UPPER({column}::text)) gin_trgm_ops)",
                f"DROP INDEX IF EXISTS {name}",
                elidable=False,
            )
            for name, table, column in INDEXES
        ),
    ]
