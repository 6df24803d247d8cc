"""The guides an editor placed on a medicine's page are kept with its rows (drugs.kept_rows),
so the database counts every write to them as drugs 0020 and 0022 count the rest.

A placement counts its medicine; a guide, the medicines it is placed on (a deleted guide's
placements are deleted first, and count theirs); a category, which any placed guide's card
names, every medicine (MonographVersion's subject 0). Which placed guides are live is asked
as the page is shown, so a scheduled guide's time coming needs no count. On PostgreSQL the
writes are counted when the transaction commits, and TRUNCATE forgets every kept monograph
(drugs 0022's kept_rows_truncated()); on SQLite, at each row. drugs.kept_rows.COUNTED_TABLES
names the same tables and checks that every trigger is there before it uses kept rows.
"""

from django.db import migrations

SHARED = 0
COUNTED = {
    "articles_curatedguide": "{row}.drug_id",
    "articles_article": "SELECT drug_id FROM articles_curatedguide WHERE article_id = {row}.id",
    "articles_category": str(SHARED),
}
WRITES = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}


def count(subjects: str, row: str, *, qualified: str) -> str:
    """One more write for each medicine (or SHARED) `subjects` names for `row`."""
    subjects = subjects.format(row=row)
    if subjects.startswith("SELECT "):
        chosen = subjects.replace("SELECT drug_id", "SELECT drug_id, 1", 1)
    else:
        chosen = f"SELECT {subjects}, 1 WHERE {subjects} IS NOT NULL"
    # SQLite needs the WHERE to tell the upsert's ON CONFLICT from a join's ON.
    where = "" if " WHERE " in chosen else " WHERE true"
    return (
        f"INSERT INTO drugs_monographversion (subject, version) {chosen}{where}"
        f" ON CONFLICT (subject) DO UPDATE SET version = {qualified}version + 1;"
    )


def create_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table, subjects in COUNTED.items():
        if not postgresql:
            for write, rows in WRITES.items():
                statements = " ".join(count(subjects, row, qualified="") for row in rows)
                schema_editor.execute(
                    f"CREATE TRIGGER kept_{table}_{write} AFTER {write.upper()} ON {table}"
                    f" FOR EACH ROW BEGIN {statements} END"
                )
            continue
        body = " ".join(
            f"IF TG_OP = '{write.upper()}' THEN "
            + " ".join(count(subjects, row, qualified="drugs_monographversion.") for row in rows)
            + " END IF;"
            for write, rows in WRITES.items()
        )
        schema_editor.execute(
            f"CREATE FUNCTION kept_{table}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {body} RETURN NULL; END $$"
        )
        schema_editor.execute(
            f"CREATE CONSTRAINT TRIGGER kept_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}"
            f" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kept_{table}()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER kept_{table}_truncate AFTER TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION kept_rows_truncated()"
        )


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table in COUNTED:
        if postgresql:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS kept_{table}_truncate ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS kept_{table} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS kept_{table}()")
        else:
            for write in WRITES:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS kept_{table}_{write}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_article_published_index"),
        ("drugs", "0022_kept_rows_counted_at_commit"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
