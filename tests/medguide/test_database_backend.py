"""The database connection as the settings make it: on PostgreSQL, parameters bound on the
server and statements prepared (docs/decisions/prepared-statements.md), and on either
engine, writes and reads of more rows than one statement may carry parameters for."""

import pytest
from django.db import connection

from drugs.models import Drug, DrugName, NameKind
from tests.factories import DrugFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's server-side binding"
)


def test_more_rows_than_one_statement_takes_are_written_and_read():
    """PostgreSQL takes 65,535 parameters a statement once they are bound on the server;
    Django splits a write or a read by id only for a limit it knows of (medguide.postgresql)."""
    drug = DrugFactory()
    limit = 2**16 - 1
    columns = 4  # drug, name, kind, note
    rows = limit // columns + 10
    DrugName.objects.bulk_create(
        DrugName(drug=drug, name=f"Other name {n}", kind=NameKind.OTHER) for n in range(rows)
    )
    assert drug.names.count() == rows
    ids = list(DrugName.objects.values_list("pk", flat=True))
    assert len(DrugName.objects.in_bulk([*ids, *range(-limit, 0)])) == rows
    Drug.objects.filter(pk=drug.pk).delete()  # the cascade deletes the names in batches
    assert not DrugName.objects.exists()


@postgresql_only
def test_postgresql_prepares_a_statement_a_connection_repeats():
    def prepared() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {row[0] for row in cursor.fetchall()}

    drug = DrugFactory(slug="prepared")
    for _ in range(3):
        assert Drug.objects.filter(slug=drug.slug).get() == drug
    statements = [s for s in prepared() if '"drugs_drug"."slug" = $1' in s]
    assert statements, "a statement run three times on one connection is prepared"


@postgresql_only
def test_postgresql_plans_a_prepared_statement_for_each_run_s_values():
    """A plan made once for any values misjudged how many rows "published by now" keeps."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_custom_plan"


@postgresql_only
def test_postgresql_binds_parameters_on_the_server():
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_typeof(%s)::text", [7])
        assert cursor.fetchone()[0] in {"smallint", "integer", "bigint"}
