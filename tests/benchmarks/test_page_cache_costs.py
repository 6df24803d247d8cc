"""What a page costs the page cache: the monograph rendered (a miss), served from the cache (a
hit), and at addresses with a parameter the page does not read (?utm_source=…), in time and in
bytes stored in Redis.

Run with `make bench` or `pytest -m benchmark -s tests/benchmarks/test_page_cache_costs.py`.
It builds its own PostgreSQL database with the demo, starts one gunicorn worker over it and
Redis (keys under a prefix of its own, deleted at the end), and asks one page at a time, as a
browser does (Accept-Encoding: gzip). The figures are in docs/operations.md.

Settings (environment): MEDGUIDE_BENCH_PAGES_DATABASE (default medguide_bench_pages),
MEDGUIDE_BENCH_PAGES_REQUESTS (per measurement, default 30), REDIS_URL (default
redis://127.0.0.1:6379/2).
"""

from __future__ import annotations

import os
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.servers import gunicorn

pytestmark = pytest.mark.benchmark

PROJECT = Path(__file__).resolve().parents[2]
DATABASE = os.environ.get("MEDGUIDE_BENCH_PAGES_DATABASE", "medguide_bench_pages")
REQUESTS = int(os.environ.get("MEDGUIDE_BENCH_PAGES_REQUESTS", "30"))
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")
PAGE = "/drugs/baclofen/"


def psql(command: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", command],
        check=True,
    )


@pytest.fixture(scope="module")
def redis_keys():
    """A Redis client and the key prefix this run's server uses; its keys go at the end."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"bench-pages-{secrets.token_hex(4)}"
    yield client, prefix
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


@pytest.fixture(scope="module")
def server(redis_keys, tmp_path_factory):
    _client, prefix = redis_keys
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
        "PAGE_CACHE_SECONDS": "600",
        "FRAGMENT_CACHE_SECONDS": "600",
        "WEB_CONCURRENCY": "1",
    }
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE}")
    try:
        for command in (["migrate", "-v0"], ["load_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=PROJECT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
        with gunicorn(env, log) as (base, _pid):
            yield base
    finally:
        psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def get(base: str, path: str) -> tuple[float, str]:
    """Milliseconds to the last byte, and the X-Page-Cache header ("" when absent)."""
    request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        response.read()
        assert response.status == 200, path
        return (time.perf_counter() - started) * 1000, response.headers.get("X-Page-Cache", "")


def stored(client, prefix: str) -> tuple[int, int]:
    """How many keys this run has in Redis, and the bytes Redis uses for them."""
    keys = list(client.scan_iter(match=f"{prefix}*"))
    return len(keys), sum(client.memory_usage(key) or 0 for key in keys)


def forget_everything(client, prefix: str) -> None:
    """Every page, fragment and generation of this run gone: the next request renders all."""
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


def test_miss_hit_and_an_unread_parameter(server, redis_keys):
    client, prefix = redis_keys
    get(server, PAGE)  # the worker's own first-request costs (imports, templates) out of the way

    misses = []
    for _ in range(REQUESTS):
        forget_everything(client, prefix)
        misses.append(get(server, PAGE))

    forget_everything(client, prefix)
    get(server, PAGE)
    keys_one, bytes_one = stored(client, prefix)
    hits = [get(server, PAGE) for _ in range(REQUESTS)]
    tracked = [get(server, f"{PAGE}?utm_source=newsletter-{n}") for n in range(REQUESTS)]
    keys_all, bytes_all = stored(client, prefix)

    print(f"\n{PAGE} over gunicorn (1 worker), PostgreSQL and Redis; median of {REQUESTS}:")
    print(f"{'request':<36}{'ms':>8}  X-Page-Cache")
    for label, runs in [
        ("rendered (nothing cached)", misses),
        ("stored page (hit)", hits),
        ("?utm_source=<new each time>", tracked),
    ]:
        headers = ", ".join(sorted({header or "-" for _ms, header in runs}))
        print(f"{label:<36}{statistics.median(ms for ms, _h in runs):>8.1f}  {headers}")
    print(
        f"Redis after the page: {keys_one} keys, {bytes_one / 1024:.1f} KB; after "
        f"{REQUESTS} more addresses with ?utm_source: {keys_all} keys, "
        f"{bytes_all / 1024:.1f} KB ({(bytes_all - bytes_one) / REQUESTS / 1024:.1f} KB each)"
    )
