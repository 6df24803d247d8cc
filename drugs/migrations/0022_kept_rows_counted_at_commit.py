"""On PostgreSQL, a monograph's kept rows are counted stale when a transaction commits, and a
table emptied by TRUNCATE forgets every kept monograph.

drugs 0020 counted each write to a medicine's rows at once, so a writer took that medicine's
MonographVersion row at its first write and held it until it committed: an import's batch
held a row for each medicine it wrote, and the conditions' and classes' shared one, for the
whole batch, and an editor saving one of them waited for the batch; two writers that also
shared another row could each hold what the other waited for, and one would end as a
deadlock. Here the same counting runs as deferred constraint triggers, which PostgreSQL fires
when the transaction commits (as drugs 0021 counts kept interactions), so the rows are taken
last and held only while the transaction commits. The counting functions are 0020's, unchanged:
at commit they see each written row as it was written (OLD and NEW), and look up a strength's
or product's medicines as the transaction leaves them, which is what a reader then sees; a
link that changed in the same transaction counts both medicines through its own table.

TRUNCATE fires no row's trigger and names no medicine, so it forgets every kept monograph (it
is what `flush` and a reset do, never an edit). SQLite has row triggers only and one writer
at a time, so nothing changes there. drugs.kept_rows.trigger_names() names these triggers.
"""

from django.db import migrations

COUNTED = (
    "drugs_drugname",
    "drugs_drug_classes",
    "drugs_indication",
    "drugs_doseguideline",
    "drugs_formulation",
    "drugs_strength",
    "drugs_sideeffect",
    "drugs_reference",
    "drugs_labelsource",
    "drugs_product",
    "drugs_product_drugs",
    "drugs_condition",
    "drugs_drugclass",
)


def triggers(*, deferred: bool) -> list[str]:
    timing = " DEFERRABLE INITIALLY DEFERRED" if deferred else ""
    kind = "CONSTRAINT TRIGGER" if deferred else "TRIGGER"
    return [
        f"CREATE {kind} kept_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}{timing}"
        f" FOR EACH ROW EXECUTE FUNCTION kept_{table}()"
        for table in COUNTED
    ]


def count_at_commit(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in COUNTED:
        schema_editor.execute(f"DROP TRIGGER kept_{table} ON {table}")
    for statement in triggers(deferred=True):
        schema_editor.execute(statement)
    schema_editor.execute(
        "CREATE FUNCTION kept_rows_truncated() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN DELETE FROM drugs_keptrows; RETURN NULL; END $$"
    )
    for table in COUNTED:
        schema_editor.execute(
            f"CREATE TRIGGER kept_{table}_truncate AFTER TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION kept_rows_truncated()"
        )


def count_at_once(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in COUNTED:
        schema_editor.execute(f"DROP TRIGGER kept_{table}_truncate ON {table}")
        schema_editor.execute(f"DROP TRIGGER kept_{table} ON {table}")
    schema_editor.execute("DROP FUNCTION kept_rows_truncated()")
    for statement in triggers(deferred=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("drugs", "0021_kept_interactions")]

    operations = [migrations.RunPython(count_at_commit, count_at_once)]
