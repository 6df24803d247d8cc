"""A medicine's first interactions kept with it, and the database counting every write that
could change any medicine's.

drugs.kept_interactions keeps the first interactions a monograph shows, with how many there
are of each severity (KeptInteractions), and uses them only while InteractionsVersion is the
count they were read at. Unlike a monograph's own rows (drugs 0020), an interaction is read
on the page of every medicine it names or whose class it names, and what is shown of it
(the other medicine's name, address and publication, the classes' tree, the substances a
class reaches, the label it quotes) comes from rows of other medicines: so one count for the
whole catalogue, moved by a write to any of these tables: on PostgreSQL once a transaction,
when it commits (an import's batch of thousands of rows moves it once); on SQLite, which has
row triggers only and one writer at a time, once a row.
drugs.kept_interactions.COUNTED_TABLES names the same tables and checks that every trigger is
still there before it uses kept interactions.
"""

import django.db.models.deletion
from django.db import migrations, models

COUNTED = (
    "drugs_interaction",
    "drugs_drug",
    "drugs_drug_classes",
    "drugs_drugclass",
    "drugs_drugclass_included_in",
    "drugs_substance",
    "drugs_substance_classes",
    "drugs_labelsource",
)
WRITES = ("insert", "update", "delete")
COUNT = (
    "INSERT INTO drugs_interactionsversion (id, version) VALUES (1, 1)"
    " ON CONFLICT (id) DO UPDATE SET version = {qualified}version + 1;"
)


# On PostgreSQL the count moves when the transaction commits, once: each write queues a
# deferred event, and the events fire together at COMMIT, so the count's one row is taken
# last and held only while the transaction commits. Taken at the first write instead, two
# writers could each hold a row the other waits for (an editor saving a label page the
# import's batch in progress also writes) and one of them would end as a deadlock. Events
# fired together share their statement's start time, by which the count moves once for
# them; SET CONSTRAINTS … IMMEDIATE fires the events so far at once (the tests do).
COUNT_ONCE = (
    "IF current_setting('medguide.interactions_counted_at', true)"
    " IS DISTINCT FROM statement_timestamp()::text THEN"
    " PERFORM set_config('medguide.interactions_counted_at', statement_timestamp()::text, true);"
    " {count} END IF;"
)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        count = COUNT.format(qualified="drugs_interactionsversion.")
        schema_editor.execute(
            "CREATE FUNCTION kept_interactions() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {COUNT_ONCE.format(count=count)} RETURN NULL; END $$"
        )
        # TRUNCATE fires no row's event, and takes the whole table: counted at once.
        schema_editor.execute(
            "CREATE FUNCTION kept_interactions_truncated() RETURNS trigger LANGUAGE plpgsql AS"
            f" $$ BEGIN {count} RETURN NULL; END $$"
        )
        for table in COUNTED:
            schema_editor.execute(
                f"CREATE CONSTRAINT TRIGGER kept_interactions_{table}"
                f" AFTER INSERT OR UPDATE OR DELETE ON {table}"
                " DEFERRABLE INITIALLY DEFERRED"
                " FOR EACH ROW EXECUTE FUNCTION kept_interactions()"
            )
            schema_editor.execute(
                f"CREATE TRIGGER kept_interactions_{table}_truncate AFTER TRUNCATE ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION kept_interactions_truncated()"
            )
        return
    count = COUNT.format(qualified="")
    for table in COUNTED:
        for write in WRITES:
            schema_editor.execute(
                f"CREATE TRIGGER kept_interactions_{table}_{write} AFTER {write.upper()}"
                f" ON {table} FOR EACH ROW BEGIN {count} END"
            )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in COUNTED:
            for trigger in (f"kept_interactions_{table}", f"kept_interactions_{table}_truncate"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS kept_interactions()")
        schema_editor.execute("DROP FUNCTION IF EXISTS kept_interactions_truncated()")
        return
    for table in COUNTED:
        for write in WRITES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS kept_interactions_{table}_{write}")


class Migration(migrations.Migration):
    dependencies = [("drugs", "0020_kept_rows")]

    operations = [
        migrations.CreateModel(
            name="InteractionsVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("version", models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="KeptInteractions",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("stop", models.PositiveIntegerField()),
                ("version", models.PositiveBigIntegerField()),
                ("valid_until", models.DateTimeField(null=True)),
                ("layout", models.CharField(max_length=64)),
                ("rows", models.BinaryField()),
                ("kept_at", models.DateTimeField()),
                (
                    "drug",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="kept_interactions",
                        to="drugs.drug",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "kept interactions",
                "constraints": [
                    models.UniqueConstraint(fields=("drug", "stop"), name="kept_interactions_once")
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
