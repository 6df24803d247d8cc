"""A medicine's newest guides are kept with its rows (drugs.kept_rows), for the monograph's
Guides section when an editor placed none: so the database counts every write to them as
0008 counts the placed ones.

A link between a guide and a medicine it is about counts that medicine; a guide, the
medicines it is placed on and those it is about (a deleted guide's links are deleted first,
and count theirs). Which kept guides are live is asked as the page is shown, so a scheduled
guide's time coming needs no count. On PostgreSQL the writes are counted when the transaction
commits, and TRUNCATE of the links forgets every kept monograph (drugs 0022's
kept_rows_truncated()); on SQLite, at each row. drugs.kept_rows.COUNTED_TABLES names the
links' table, and a monograph's rows are kept only where every trigger is in place.

Self-contained, as migrations stay: 0008's count() is written out again here, with a guide's
medicines as one list (a medicine both placed on and mentioned by a guide is counted once: an
upsert may not touch a row twice).
"""

from django.db import migrations

LINKS = "articles_article_related_drugs"
PLACED = "SELECT drug_id FROM articles_curatedguide WHERE article_id = {row}.id"
MENTIONED = f"SELECT drug_id FROM {LINKS} WHERE article_id = {{row}}.id"
COUNTED = {
    LINKS: "{row}.drug_id",
    # A top-level WHERE, as count() needs on SQLite.
    "articles_article": (
        f"SELECT drug_id FROM ({PLACED} UNION {MENTIONED}) AS medicines WHERE drug_id IS NOT NULL"
    ),
}
BEFORE = {"articles_article": PLACED}  # what 0008 counted, put back by reversing
WRITES = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}


def count(subjects: str, row: str, *, qualified: str) -> str:
    """One more write for each medicine `subjects` names for `row`."""
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


def sqlite_triggers(table: str, subjects: str) -> list[str]:
    return [
        f"CREATE TRIGGER kept_{table}_{write} AFTER {write.upper()} ON {table} FOR EACH ROW"
        f" BEGIN {' '.join(count(subjects, row, qualified='') for row in rows)} END"
        for write, rows in WRITES.items()
    ]


def postgresql_function(table: str, subjects: str) -> str:
    body = " ".join(
        f"IF TG_OP = '{write.upper()}' THEN "
        + " ".join(count(subjects, row, qualified="drugs_monographversion.") for row in rows)
        + " END IF;"
        for write, rows in WRITES.items()
    )
    return (
        f"CREATE OR REPLACE FUNCTION kept_{table}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {body} RETURN NULL; END $$"
    )


def drop_sqlite_triggers(schema_editor, table: str) -> None:
    for write in WRITES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS kept_{table}_{write}")


def count_mentions(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table, subjects in COUNTED.items():
        if not postgresql:
            drop_sqlite_triggers(schema_editor, table)  # the guide's, 0008's
            for statement in sqlite_triggers(table, subjects):
                schema_editor.execute(statement)
            continue
        schema_editor.execute(postgresql_function(table, subjects))  # the guide's replaced
        if table == LINKS:
            schema_editor.execute(
                f"CREATE CONSTRAINT TRIGGER kept_{table} AFTER INSERT OR UPDATE OR DELETE ON"
                f" {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION"
                f" kept_{table}()"
            )
            schema_editor.execute(
                f"CREATE TRIGGER kept_{table}_truncate AFTER TRUNCATE ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION kept_rows_truncated()"
            )


def count_placements_only(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS kept_{LINKS}_truncate ON {LINKS}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS kept_{LINKS} ON {LINKS}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS kept_{LINKS}()")
    else:
        drop_sqlite_triggers(schema_editor, LINKS)
    for table, subjects in BEFORE.items():
        if postgresql:
            schema_editor.execute(postgresql_function(table, subjects))
            continue
        drop_sqlite_triggers(schema_editor, table)
        for statement in sqlite_triggers(table, subjects):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_kept_rows_counted"),
        ("drugs", "0024_kept_rows_change_log"),
    ]

    operations = [migrations.RunPython(count_mentions, count_placements_only)]
