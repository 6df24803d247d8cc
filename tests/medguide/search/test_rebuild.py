"""A rebuild outside a transaction, as `rebuild_search_index` runs it: on PostgreSQL the server
indexes batches on connections of their own while the next batch is assembled."""

import pytest
from django.db import connection

from articles.models import Article
from drugs.models import Condition, Drug
from medguide.search import index as search_index
from medguide.search.backends import backend
from medguide.search.models import SearchDocument
from tests.factories import ArticleFactory, DrugFactory
from tests.search_results import titles

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def writers_connections(monkeypatch) -> list:
    """The DB-API connection each batch's vectors were written on."""
    engine = type(backend())
    write, used = engine.write, []

    def recorded(self, documents):
        write(self, documents)
        used.append(connection.connection)  # the writing thread's own

    monkeypatch.setattr(engine, "write", recorded)
    return used


def test_a_rebuild_indexes_every_document_of_every_batch(monkeypatch, writers_connections):
    monkeypatch.setattr(search_index, "REBUILD_BATCH", 2)
    for n in range(7):
        DrugFactory(generic_name=f"Batchazole {n}", summary=f"Eases cramp, kind{n}.")
    ArticleFactory(title="Walking", body="Walking eases a cramp of kind9.")
    SearchDocument.objects.all().delete()
    writers_connections.clear()  # saving the items indexed them too, in this thread

    written = search_index.rebuild()

    assert written == Drug.objects.count() + Condition.objects.count() + Article.objects.count()
    assert SearchDocument.objects.count() == written
    for n in range(7):  # found by a word of its text: the engine indexed it
        assert titles(f"kind{n}") == [f"Batchazole {n}"]
    assert titles("kind9") == ["Walking"]
    if connection.vendor == "postgresql":
        assert not SearchDocument.objects.filter(vector__isnull=True).exists()
        assert writers_connections, "every batch written"
        assert connection.connection not in writers_connections, "on connections of their own"
        assert all(used.closed for used in writers_connections), "and closed afterwards"


def test_a_batch_the_engine_cannot_index_fails_the_rebuild(monkeypatch):
    DrugFactory.create_batch(5)
    monkeypatch.setattr(search_index, "REBUILD_BATCH", 2)
    written = []

    def write_then_fail(self, documents):
        if written:
            raise RuntimeError("the engine refused a batch")
        written.append(documents)

    monkeypatch.setattr(type(backend()), "write", write_then_fail)
    with pytest.raises(RuntimeError, match="refused a batch"):
        search_index.rebuild()
