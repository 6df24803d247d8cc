"""On PostgreSQL, an index of the guides readers can see, holding their ids, as drugs 0014 is
for medicines: joining them to a tag's taggings then reads this index, not 50,000 wide rows
(the count of a tag's 4,245 guides at scale 40 -> 9 ms; the guide list's medicine filter
85 -> 60 ms). SQLite has no INCLUDE, and its planner is served by article_published_newest.
"""

from django.db import migrations

from medguide.editorial.operations import RunSQLOnPostgreSQL

CREATE = (
    "CREATE INDEX IF NOT EXISTS article_published ON articles_article (status, published_at) "
    "INCLUDE (id)"
)
DROP = "DROP INDEX IF EXISTS article_published"


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_category_newest_index")]

    operations = [RunSQLOnPostgreSQL(CREATE, DROP, elidable=False)]
