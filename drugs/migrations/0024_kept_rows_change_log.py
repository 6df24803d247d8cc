"""A monograph's change log is kept with its rows (drugs.kept_rows), so the database counts
every write to it as drugs 0020 and 0022 count the rest: an entry counts its medicine (both
medicines, when an entry is moved to another). On PostgreSQL the writes are counted when the
transaction commits, and TRUNCATE forgets every kept monograph (drugs 0022's
kept_rows_truncated()); on SQLite, at each row. drugs.kept_rows.COUNTED_TABLES names the
table and checks that every trigger is there before it uses kept rows.
"""

from django.db import migrations

TABLE = "drugs_changelogentry"
WRITES = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}


def count(row: str, *, qualified: str) -> str:
    """One more write for the medicine `row` belongs to. SQLite needs the WHERE to tell the
    upsert's ON CONFLICT from a join's ON."""
    return (
        f"INSERT INTO drugs_monographversion (subject, version) SELECT {row}.drug_id, 1"
        f" WHERE true ON CONFLICT (subject) DO UPDATE SET version = {qualified}version + 1;"
    )


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        for write, rows in WRITES.items():
            statements = " ".join(count(row, qualified="") for row in rows)
            schema_editor.execute(
                f"CREATE TRIGGER kept_{TABLE}_{write} AFTER {write.upper()} ON {TABLE}"
                f" FOR EACH ROW BEGIN {statements} END"
            )
        return
    body = " ".join(
        f"IF TG_OP = '{write.upper()}' THEN "
        + " ".join(count(row, qualified="drugs_monographversion.") for row in rows)
        + " END IF;"
        for write, rows in WRITES.items()
    )
    schema_editor.execute(
        f"CREATE FUNCTION kept_{TABLE}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {body} RETURN NULL; END $$"
    )
    schema_editor.execute(
        f"CREATE CONSTRAINT TRIGGER kept_{TABLE} AFTER INSERT OR UPDATE OR DELETE ON {TABLE}"
        f" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kept_{TABLE}()"
    )
    schema_editor.execute(
        f"CREATE TRIGGER kept_{TABLE}_truncate AFTER TRUNCATE ON {TABLE}"
        " FOR EACH STATEMENT EXECUTE FUNCTION kept_rows_truncated()"
    )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS kept_{TABLE}_truncate ON {TABLE}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS kept_{TABLE} ON {TABLE}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS kept_{TABLE}()")
    else:
        for write in WRITES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS kept_{TABLE}_{write}")


class Migration(migrations.Migration):
    dependencies = [("drugs", "0023_kept_interactions_shown_columns")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
