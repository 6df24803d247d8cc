"""The search log: how often readers search which words and what those found, for the editors'
report (admin: Site search, Search queries). No reader, no address, no time of day.

Counting costs no database write per search. Where the default cache is Redis, which every
server shares, a search adds one to a counter in a Redis hash: one round trip. The counts move
into SearchLog in batches: after a response has gone out (request_finished), at most once a
minute across all servers; whenever the report is opened; and on `manage.py flush_search_log`.

A killed process loses no count and adds none twice. A flush first renames the waiting hash to
a batch of its own, atomically with adding the batch's name to the set of batches in flight
(a Lua script, so a search counted meanwhile starts a new hash). It then writes the batch to
the database in one transaction that also records the batch's name (SearchLogBatch), and only
then deletes it from Redis. A flush that dies before its commit leaves the batch to the next
one; one that dies after it leaves a name the next finds already recorded, so it only deletes.

Without Redis (local memory: one developer's process), or while Redis does not answer, a search
writes its row directly, as every search once did.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from datetime import date, timedelta

from django.core.cache import cache, caches
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

from medguide.search.models import SearchLog, SearchLogBatch
from medguide.search.query import normalise_query

logger = logging.getLogger(__name__)

FLUSH_EVERY_SECONDS = 60
KEEP_BATCH_NAMES = timedelta(days=1)  # far longer than any flush takes
WAITING = "search-log:waiting"  # the hash searches count into
IN_FLIGHT = "search-log:in-flight"  # the set of batch names taken from it, not yet deleted

# KEYS: the waiting hash, the new batch's hash, the in-flight set; ARGV: the batch's name.
TAKE_BATCH = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('SADD', KEYS[3], ARGV[1])
  return 1
end
return 0
"""

Counts = dict[tuple[str, str], tuple[int, int]]  # (day, query) → (searches, latest results)

_next_check = 0.0  # this process's next look at whether a flush is due (time.monotonic)


def record_search(query: str, *, results: int) -> None:
    """Count a search: the words and what they found, nothing else."""
    # Cut again after casefold(), which can lengthen it ("ß" is "ss"), to what the log holds.
    query = normalise_query(query).casefold()[: SearchLog._meta.get_field("query").max_length]
    query = query.strip()
    if not query:
        return
    day = timezone.localdate().isoformat()
    redis = _redis()
    if redis is not None:
        try:
            with redis.pipeline(transaction=True) as pipe:
                pipe.hincrby(_key(WAITING), json.dumps(["searches", day, query]), 1)
                pipe.hset(_key(WAITING), json.dumps(["results", day, query]), results)
                pipe.execute()
            return
        except RedisError:
            logger.warning("Search log: Redis does not answer; counting in the database")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A lost count is harmless, but waiting for the disk on every search is not:
            # readers searching the same words queue on this row until each commit is on disk.
            # https://www.postgresql.org/docs/current/wal-async-commit.html
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        _add({(day, query): (1, results)})


def flush() -> int:
    """Move the counts waiting in Redis into the database; the number of searches moved."""
    redis = _redis()
    if redis is None:
        return 0
    name = uuid.uuid4().hex
    redis.eval(TAKE_BATCH, 3, _key(WAITING), _batch_key(name), _key(IN_FLIGHT), name)
    moved = 0
    for member in sorted(redis.smembers(_key(IN_FLIGHT))):
        name = member.decode()
        counts = _counts(redis.hgetall(_batch_key(name)))
        with transaction.atomic():
            try:
                with transaction.atomic():
                    SearchLogBatch.objects.create(name=name)
            except IntegrityError:
                pass  # written by a flush that died before deleting it, or by one running now
            else:
                moved += _add(counts)
        redis.delete(_batch_key(name))
        redis.srem(_key(IN_FLIGHT), name)
    if moved:
        SearchLogBatch.objects.filter(written_at__lt=timezone.now() - KEEP_BATCH_NAMES).delete()
    return moved


def flush_when_due(**kwargs) -> None:
    """After a response (request_finished): flush if a minute has passed, on one server."""
    global _next_check
    if time.monotonic() < _next_check or _redis() is None:
        return
    _next_check = time.monotonic() + FLUSH_EVERY_SECONDS
    try:
        if cache.add("search-log:flushing", 1, timeout=FLUSH_EVERY_SECONDS):
            flush()
    except Exception:  # the response has gone: nothing to answer, the counts stay in Redis
        logger.warning("Search log: flush failed; the counts wait for the next", exc_info=True)
    finally:
        if not connection.in_atomic_block:  # (a test's transaction)
            close_old_connections()  # as Django did when the request finished


def report_since(days: int = 30) -> dict[str, list[dict]]:
    """Top and zero-result queries of the last `days` days, for the admin."""
    logs = SearchLog.objects.since(timezone.localdate() - timedelta(days=days - 1))
    return {
        "top": list(logs.top()[:50]),
        "zero": list(logs.filter(results=0).top()[:50]),
    }


def _redis():
    """The default cache's Redis client, or None when the cache is not Redis."""
    return get_redis_connection("default") if isinstance(caches["default"], RedisCache) else None


def _key(name: str) -> str:
    return cache.make_key(name)  # under the cache's prefix, as every key of the site is


def _batch_key(name: str) -> str:
    return _key(f"search-log:batch:{name}")


def _counts(fields: dict[bytes, bytes]) -> Counts:
    searches: dict[tuple[str, str], int] = {}
    results: dict[tuple[str, str], int] = {}
    for field, value in fields.items():
        kind, day, query = json.loads(field)
        (searches if kind == "searches" else results)[day, query] = int(value)
    return {key: (count, results.get(key, 0)) for key, count in searches.items()}


def _add(counts: Counts) -> int:
    """Add the counts to their rows, creating the missing ones; within a transaction."""
    for (day, query), (searches, results) in counts.items():
        today = date.fromisoformat(day)
        rows = SearchLog.objects.filter(day=today, query=query)
        if rows.update(searches=F("searches") + searches, results=results):
            continue
        try:
            with transaction.atomic():
                SearchLog.objects.create(day=today, query=query, results=results, searches=searches)
        except IntegrityError:  # another request logged it first
            rows.update(searches=F("searches") + searches, results=results)
    return sum(searches for searches, _results in counts.values())
