"""Kept interactions are counted stale by an update of a medicine or a label only when it
changes what interactions show of it.

drugs 0021 counted every update of drugs_drug and drugs_labelsource, so an editor saving a
monograph's summary, a pending draft or a label's text made every medicine's kept
interactions stale, and each monograph's next reader read its interactions afresh. What an
interaction shows of a medicine is its name, address and whether it is public, and of a label
its set id and medicine (drugs.interactions.SHOWN_OF_RELATED: nothing else of them is read).
An update is now counted only when one of those columns changes (a WHEN condition, which the
database evaluates as the row is written); inserts and deletes are counted as before. On
PostgreSQL the update has a deferred trigger of its own (`…_update`, since an INSERT trigger's
condition cannot name OLD), counted at commit as 0021's are.
"""

from django.db import migrations

SHOWN = {
    "drugs_drug": ("generic_name", "slug", "status", "published_at"),
    "drugs_labelsource": ("set_id", "drug_id"),
}
COUNT = (
    "INSERT INTO drugs_interactionsversion (id, version) VALUES (1, 1)"
    " ON CONFLICT (id) DO UPDATE SET version = version + 1;"
)


def changed(columns: tuple[str, ...], *, differ: str) -> str:
    return " OR ".join(f"OLD.{column} {differ} NEW.{column}" for column in columns)


def postgresql_triggers(table: str, columns: tuple[str, ...] | None) -> list[str]:
    """0021's one deferred trigger for `table`, or, with `columns`, one for inserts and
    deletes and one for updates that change them."""
    deferred = "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
    if columns is None:
        return [
            f"CREATE CONSTRAINT TRIGGER kept_interactions_{table}"
            f" AFTER INSERT OR UPDATE OR DELETE ON {table} {deferred}"
            " EXECUTE FUNCTION kept_interactions()"
        ]
    return [
        f"CREATE CONSTRAINT TRIGGER kept_interactions_{table} AFTER INSERT OR DELETE"
        f" ON {table} {deferred} EXECUTE FUNCTION kept_interactions()",
        f"CREATE CONSTRAINT TRIGGER kept_interactions_{table}_update AFTER UPDATE ON {table}"
        f" {deferred} WHEN ({changed(columns, differ='IS DISTINCT FROM')})"
        " EXECUTE FUNCTION kept_interactions()",
    ]


def sqlite_update_trigger(table: str, columns: tuple[str, ...] | None) -> str:
    when = f" WHEN {changed(columns, differ='IS NOT')}" if columns else ""
    return (
        f"CREATE TRIGGER kept_interactions_{table}_update AFTER UPDATE ON {table}"
        f" FOR EACH ROW{when} BEGIN {COUNT} END"
    )


def narrow(apps, schema_editor, *, shown=SHOWN):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table, columns in shown.items():
        if postgresql:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS kept_interactions_{table} ON {table}")
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS kept_interactions_{table}_update ON {table}"
            )
            for statement in postgresql_triggers(table, columns):
                schema_editor.execute(statement)
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS kept_interactions_{table}_update")
            schema_editor.execute(sqlite_update_trigger(table, columns))


def widen(apps, schema_editor):
    narrow(apps, schema_editor, shown=dict.fromkeys(SHOWN))


class Migration(migrations.Migration):
    dependencies = [("drugs", "0022_kept_rows_counted_at_commit")]

    operations = [migrations.RunPython(narrow, widen)]
