"""The search log off the request path: on Redis a search is one counter there, moved into the
database in batches; no count is lost or added twice when a flush dies part way."""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from medguide.search import log as search_log
from medguide.search.models import SearchLog, SearchLogBatch
from tests.caches import empty, own_redis, require_redis

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_redis(settings):
    """The default cache on Redis under a prefix of this test's own; its keys go after."""
    require_redis()
    settings.CACHES = {**settings.CACHES, "default": own_redis()}
    yield search_log._redis()
    empty(caches["default"])


def searched(client, query: str, times: int = 1) -> None:
    for _ in range(times):
        assert client.get("/search/", {"q": query}).status_code == 200


def logged() -> dict[str, tuple[int, int]]:
    return {row.query: (row.searches, row.results) for row in SearchLog.objects.all()}


def waiting(redis) -> dict:
    raw = redis.hgetall(search_log._key(search_log.WAITING))
    return {tuple(json.loads(field)): int(value) for field, value in raw.items()}


def test_on_redis_a_search_writes_no_row_until_the_counts_are_flushed(
    on_redis, client, baclofen, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(search_log, "_next_check", float("inf"))  # no flush after responses
    with django_assert_max_num_queries(0, info="no write for the log"):
        search_log.record_search("Baclofen", results=1)
    searched(client, "baclofen", times=2)
    searched(client, "zzqx")
    today = timezone.localdate().isoformat()
    assert waiting(on_redis)[("searches", today, "baclofen")] == 3
    assert logged() == {}

    assert search_log.flush() == 4

    assert logged() == {"baclofen": (3, 1), "zzqx": (1, 0)}
    assert waiting(on_redis) == {}
    assert search_log.flush() == 0, "nothing moves twice"
    assert logged() == {"baclofen": (3, 1), "zzqx": (1, 0)}


def test_a_batch_left_by_a_flush_that_died_before_writing_is_written_by_the_next(on_redis):
    search_log.record_search("baclofen", results=2)
    name = "a" * 32
    on_redis.eval(  # what a flush does first, and then its process is killed
        search_log.TAKE_BATCH,
        3,
        search_log._key(search_log.WAITING),
        search_log._batch_key(name),
        search_log._key(search_log.IN_FLIGHT),
        name,
    )
    search_log.record_search("baclofen", results=2)  # counted meanwhile, in a new hash

    assert search_log.flush() == 2

    assert logged() == {"baclofen": (2, 2)}
    assert on_redis.smembers(search_log._key(search_log.IN_FLIGHT)) == set()
    assert not on_redis.exists(search_log._batch_key(name))


def test_a_batch_already_written_by_a_flush_that_died_before_deleting_it_adds_nothing(on_redis):
    search_log.record_search("baclofen", results=2)
    search_log.flush()
    name = "b" * 32  # written, as its record says, but still in Redis
    SearchLogBatch.objects.create(name=name)
    today = timezone.localdate().isoformat()
    on_redis.hset(search_log._batch_key(name), json.dumps(["searches", today, "baclofen"]), 5)
    on_redis.sadd(search_log._key(search_log.IN_FLIGHT), name)

    assert search_log.flush() == 0

    assert logged() == {"baclofen": (1, 2)}
    assert not on_redis.exists(search_log._batch_key(name))


def test_with_redis_down_a_search_is_counted_in_the_database(settings, client, baclofen, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        },
    }
    searched(client, "baclofen", times=2)
    assert logged() == {"baclofen": (2, 1)}
    assert "counting in the database" in caplog.text


def test_without_redis_a_search_is_counted_in_the_database(client, baclofen):
    searched(client, "baclofen")
    assert logged() == {"baclofen": (1, 1)}
    assert search_log.flush() == 0


def test_counts_reach_the_database_after_a_response_once_a_minute(
    on_redis, client, baclofen, monkeypatch
):
    monkeypatch.setattr(search_log, "_next_check", 0.0)  # this process has not looked yet
    searched(client, "baclofen")  # counted, then flushed after the response
    assert logged() == {"baclofen": (1, 1)}
    searched(client, "baclofen")  # within the minute: waits in Redis
    assert logged() == {"baclofen": (1, 1)}
    monkeypatch.setattr(search_log, "_next_check", 0.0)  # another process, same minute
    searched(client, "baclofen")
    assert logged() == {"baclofen": (1, 1)}, "one flush a minute across servers"


def test_the_editors_report_flushes_first(on_redis, client, baclofen, monkeypatch):
    monkeypatch.setattr(search_log, "_next_check", float("inf"))
    searched(client, "baclofen", times=3)
    editor = Client()
    editor.force_login(User.objects.create_superuser("chief", "chief@example.org", "pw"))
    response = editor.get("/admin/search/searchlog/")
    assert response.status_code == 200
    assert [(row["query"], row["searches"]) for row in response.context["report"]["top"]] == [
        ("baclofen", 3)
    ]


def test_the_command_moves_what_waits(on_redis, client, baclofen, monkeypatch):
    monkeypatch.setattr(search_log, "_next_check", float("inf"))
    searched(client, "baclofen", times=2)
    out = StringIO()
    call_command("flush_search_log", stdout=out)
    assert "Moved 2 searches" in out.getvalue()
    assert logged() == {"baclofen": (2, 1)}


@pytest.mark.parametrize("cache", ["local memory", "redis"])
def test_a_query_that_casefolding_lengthens_is_logged_cut_to_the_log_s_length(
    cache, request, client, db
):
    if cache == "redis":
        request.getfixturevalue("on_redis")
    assert client.get("/search/", {"q": "ß" * 200}).status_code == 200
    search_log.flush()
    assert logged() == {"ss" * 100: (1, 0)}
