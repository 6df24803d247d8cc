"""The tests' own caches. Local memory belongs to one test process; on a shared Redis server a
test keeps to a key prefix of its own and deletes only the keys under it, never the database
(which people and other test runs use)."""

import os
import uuid

import pytest
import redis
from django.core.cache import BaseCache
from django_redis.cache import RedisCache

from medguide.editorial import caching

REDIS_URL = os.environ.get("MEDGUIDE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def require_redis() -> None:
    """Skip the test when no Redis answers; fail it in CI, which starts one."""
    try:
        if redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping():
            return
    except redis.exceptions.RedisError:
        pass
    if os.environ.get("CI"):
        pytest.fail(f"Redis does not answer at {REDIS_URL}")
    pytest.skip(f"Redis does not answer at {REDIS_URL}")


def own_local_memory(location: str = "medguide-tests") -> dict:
    """Settings for a local-memory cache that nothing outside this process can reach."""
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": location,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }


def own_caches() -> dict:
    """CACHES for the suite: `default` and `pages`, each its own local memory."""
    return {"default": own_local_memory(), "pages": own_local_memory("medguide-tests-pages")}


def own_redis() -> dict:
    """Settings for the Redis server under a prefix no other test, worker or run shares."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"medguide-test-{uuid.uuid4().hex}",
    }


def empty(store: BaseCache) -> None:
    """Delete what this test's cache holds. django-redis's clear() is FLUSHDB, which would
    take everyone's keys with it: on Redis, only the keys under the test's own prefix go."""
    if isinstance(store, RedisCache):
        assert store.key_prefix.startswith("medguide-test-"), store.key_prefix
        store.delete_pattern("*")
    else:
        store.clear()


def pages_cached(settings):
    """Turn the page and fragment caches on; yields their cache, emptied before and after."""
    settings.CACHE_MIDDLEWARE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 600
    store = caching.cache()
    empty(store)
    caching.invalidate()  # and this thread's memory of the generation
    yield store
    empty(store)
