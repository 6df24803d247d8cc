"""Names are found spelt like a query only where their document's kind is in SPELT_KINDS
(medicines, conditions), not guide titles (medguide/search/models.py). On PostgreSQL the
trigram index becomes partial (WHERE fuzzy); prefix lookups keep the key's own btree
(varchar_pattern_ops) index. On SQLite the guides' rows leave the trigram table."""

from django.db import migrations, models

SPELT_KINDS = ("drug", "condition")  # as medguide.search.models.SPELT_KINDS on this day
TRIGRAMS = "medguide_search_name_trgm"
NAMES_TABLE = "medguide_search_names_fts"


def spelt_names_only(apps, schema_editor):
    SearchName = apps.get_model("search", "SearchName")
    SearchName.objects.exclude(document__kind__in=SPELT_KINDS).update(fuzzy=False)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAMS}")
        schema_editor.execute(
            f"CREATE INDEX {TRIGRAMS} ON medguide_searchname USING gin (key gin_trgm_ops) "
            "WHERE fuzzy"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"DELETE FROM {NAMES_TABLE} WHERE rowid IN "
            "(SELECT id FROM medguide_searchdocument WHERE kind NOT IN (%s, %s))",
            SPELT_KINDS,
        )


def every_name(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAMS}")
        schema_editor.execute(
            f"CREATE INDEX {TRIGRAMS} ON medguide_searchname USING gin (key gin_trgm_ops)"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"INSERT INTO {NAMES_TABLE} (rowid, keys) "
            "SELECT document_id, group_concat(key, char(10)) FROM medguide_searchname "
            "WHERE NOT fuzzy GROUP BY document_id"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_names_vocabulary"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchname",
            name="fuzzy",
            field=models.BooleanField(default=True),
        ),
        migrations.RunPython(spelt_names_only, every_name, elidable=False),
    ]
