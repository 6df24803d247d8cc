"""On PostgreSQL, an index of the drugs readers can see, holding what lists sort, join and link
by (id, generic name, slug).

Counting them (A–Z, drugs.json, sitemaps) or joining them to a condition's or a class's rows
then reads this index, not the wide rows (1,042 pages at 20,000 medicines): the count 6.6 →
1.4 ms, a condition of 1,085 medicines 9.4 → 3.5 ms, a class of 682 6.9 → 2.2 ms, the 575
medicines of the classes a label page's interactions name 24.9 → 5.3 ms. SQLite
gets none: its planner took it for the A–Z letter's union (4.6 → 17.5 ms) and for the
sitemap's count of classes (12 → 92 ms), where the name and membership indexes serve.
"""

from django.db import migrations

from medguide.editorial.operations import RunSQLOnPostgreSQL

CREATE = (
    "CREATE INDEX IF NOT EXISTS drug_published ON drugs_drug (status, published_at) "
    "INCLUDE (id, generic_name, slug)"
)
DROP = "DROP INDEX IF EXISTS drug_published"


class Migration(migrations.Migration):
    dependencies = [("drugs", "0013_condition_label_wording")]

    operations = [RunSQLOnPostgreSQL(CREATE, DROP, elidable=False)]
