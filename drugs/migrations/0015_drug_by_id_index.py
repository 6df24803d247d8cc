"""On PostgreSQL, the drugs by id with what lists filter, sort and link by (status,
publication time, generic name, slug): drug_published (0014) read by id.

A list that starts from a condition's, a class's or a drug's own rows (its indications, its
class links, its interactions) and keeps the medicines readers can see then looks each one up
in this index, not in the wide rows (a label page's row holds its label text), and not by
hashing all 19,608 published medicines from drug_published, as it did for any list of more
than a few hundred. At 20,000 medicines, the database server's CPU for a page: a condition of
1,085 medicines 11.0-11.5 -> 4.5-6.0 ms, a class of 682 9.0-9.5 -> 5.5-7.5, the class members
in a label page's JSON 9-10 -> 7-9 (its query 6.4 -> 3.0 ms); no page slower. SQLite gets none,
as it got none of drug_published.
"""

from django.db import migrations

from medguide.editorial.operations import RunSQLOnPostgreSQL

CREATE = (
    "CREATE INDEX IF NOT EXISTS drug_by_id ON drugs_drug (id) "
    "INCLUDE (status, published_at, generic_name, slug)"
)
DROP = "DROP INDEX IF EXISTS drug_by_id"


class Migration(migrations.Migration):
    dependencies = [("drugs", "0014_drug_published_index")]

    operations = [RunSQLOnPostgreSQL(CREATE, DROP, elidable=False)]
