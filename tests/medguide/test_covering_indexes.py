"""The PostgreSQL-only covering indexes of what readers can see (drugs 0014 and 0015, articles
0007): made there with their included columns, and not at all on SQLite, whose planner took
them for the wrong queries."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

COVERING = {  # name: table, key columns, included columns
    "drug_published": ("drugs_drug", "(status, published_at)", "INCLUDE (id, generic_name, slug)"),
    "drug_by_id": ("drugs_drug", "(id)", "INCLUDE (status, published_at, generic_name, slug)"),
    "article_published": ("articles_article", "(status, published_at)", "INCLUDE (id)"),
}


def index_definitions() -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
                [list(COVERING)],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN (%s, %s, %s)",
                list(COVERING),
            )
        return dict(cursor.fetchall())


def test_they_exist_on_postgresql_only():
    found = index_definitions()
    if connection.vendor != "postgresql":
        assert found == {}
        return
    assert set(found) == set(COVERING)
    for name, (table, keys, included) in COVERING.items():
        assert f"ON public.{table} USING btree {keys} {included}" in found[name]
