"""A monograph's own rows kept with it, and the database counting every write to them.

drugs.kept_rows keeps the rows a monograph reads of its names, classes, uses, doses, forms,
side effects, sources, labels and products (KeptRows), and uses them only while the counts
of writes they were read at (MonographVersion) are the current ones. The triggers below
count those writes in the database itself, so that an import's bulk_create, an update()
and raw SQL are counted as a save() is: by medicine, or under subject 0 for the conditions
and classes any medicine's rows may name. They are written out here, table by table, as
they stand at this migration; drugs.kept_rows.COUNTED_TABLES names the same tables and
checks that every trigger is still there before it uses kept rows.
"""

from django.db import migrations, models

SHARED = 0
# Each table, with the SQL naming the medicines a row of it belongs to (in terms of {row},
# NEW or OLD), as one value or as a SELECT of them.
COUNTED = {
    "drugs_drugname": "{row}.drug_id",
    "drugs_drug_classes": "{row}.drug_id",
    "drugs_indication": "{row}.drug_id",
    "drugs_doseguideline": "{row}.drug_id",
    "drugs_formulation": "{row}.drug_id",
    "drugs_strength": "SELECT drug_id FROM drugs_formulation WHERE id = {row}.formulation_id",
    "drugs_sideeffect": "{row}.drug_id",
    "drugs_reference": "{row}.drug_id",
    "drugs_labelsource": "{row}.drug_id",
    "drugs_product": "SELECT drug_id FROM drugs_product_drugs WHERE product_id = {row}.id",
    "drugs_product_drugs": "{row}.drug_id",
    "drugs_condition": str(SHARED),
    "drugs_drugclass": str(SHARED),
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
    vendor = schema_editor.connection.vendor
    for table, subjects in COUNTED.items():
        if vendor == "postgresql":
            body = "\n".join(
                f"IF TG_OP = '{write.upper()}' THEN "
                + " ".join(
                    count(subjects, row, qualified="drugs_monographversion.") for row in rows
                )
                + " END IF;"
                for write, rows in WRITES.items()
            )
            schema_editor.execute(
                f"CREATE FUNCTION kept_{table}() RETURNS trigger LANGUAGE plpgsql AS $$"
                f" BEGIN {body} RETURN NULL; END $$"
            )
            schema_editor.execute(
                f"CREATE TRIGGER kept_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION kept_{table}()"
            )
        else:
            for write, rows in WRITES.items():
                statements = " ".join(count(subjects, row, qualified="") for row in rows)
                schema_editor.execute(
                    f"CREATE TRIGGER kept_{table}_{write} AFTER {write.upper()} ON {table}"
                    f" FOR EACH ROW BEGIN {statements} END"
                )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in COUNTED:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS kept_{table} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS kept_{table}()")
        else:
            for write in WRITES:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS kept_{table}_{write}")


class Migration(migrations.Migration):
    dependencies = [("drugs", "0019_interaction_order_indexes")]

    operations = [
        migrations.CreateModel(
            name="KeptRows",
            fields=[
                (
                    "drug",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE,
                        primary_key=True,
                        related_name="kept_rows",
                        serialize=False,
                        to="drugs.drug",
                    ),
                ),
                ("version", models.PositiveBigIntegerField()),
                ("shared_version", models.PositiveBigIntegerField()),
                ("layout", models.CharField(max_length=64)),
                ("rows", models.BinaryField()),
                ("kept_at", models.DateTimeField()),
            ],
            options={"verbose_name_plural": "kept rows"},
        ),
        migrations.CreateModel(
            name="MonographVersion",
            fields=[
                ("subject", models.PositiveBigIntegerField(primary_key=True, serialize=False)),
                ("version", models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
