"""What a page costs the page cache: the monograph rendered (a miss), served from the cache (a
hit), and at addresses with a parameter the page does not read (?utm_source=…), in time and in
bytes stored in Redis; and what the server's process spends on a request of each kind that
never renders a page (a stored page, /healthz, a search whose results are kept, a suggestion)
against a bare view that answers "ok" through the same middleware.

Run with `make bench` or `pytest -m benchmark -s tests/benchmarks/test_page_cache_costs.py`.
It builds its own PostgreSQL database with the demo, starts one gunicorn worker over it and
Redis (keys under a prefix of its own, deleted at the end), and asks one page at a time, as a
browser does (Accept-Encoding: gzip). The figures are in docs/operations.md.

Settings (environment): MEDGUIDE_BENCH_PAGES_DATABASE (default medguide_bench_pages),
MEDGUIDE_BENCH_PAGES_REQUESTS (per measurement, default 30), MEDGUIDE_BENCH_SERVING_REQUESTS
(per kind and round of the CPU measurement, default 1000), REDIS_URL (default
redis://127.0.0.1:6379/2).
"""

from __future__ import annotations

import http.client
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
SERVING_REQUESTS = int(os.environ.get("MEDGUIDE_BENCH_SERVING_REQUESTS", "1000"))
SERVING_ROUNDS = 3
TICKS = os.sysconf("SC_CLK_TCK")
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
        "GUNICORN_MAX_REQUESTS": "0",  # one worker process throughout, whose CPU is read
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.serving_settings",  # adds /bench-ok/
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
        with gunicorn(env, log) as (base, pid):
            yield base, pid
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
    server, _pid = server
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


# What a request costs the server's process ---------------------------------------------------

# Requests that render no page: the figures issue 16 sets targets for (a stored page at most
# twice the bare view; /healthz no dearer than a stored page).
SERVING = {
    "bare view (the baseline)": "/bench-ok/",
    "stored page (a hit)": PAGE,
    "/healthz": "/healthz",
    "search, results kept": "/search/?q=baclofen",
    "suggestions": "/search/suggest/?q=bac",
}


def worker_of(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert len(children) == 1, f"expected one gunicorn worker, found {children}"
    return int(children[0])


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process so far, from /proc (clock ticks, 10 ms here)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def ask(connection: http.client.HTTPConnection, path: str) -> int:
    connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
    response = connection.getresponse()
    response.read()
    return response.status


def test_what_a_request_costs_the_server(server):
    """CPU of the one worker process per request, each kind in turn, several rounds so that a
    noisy moment cannot favour one kind; one kept-alive connection, one request at a time."""
    base, master = server
    worker = worker_of(master)
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
    for path in SERVING.values():  # the first request of each kind fills what it keeps
        assert ask(connection, path) == 200, path
    rounds: dict[str, list[tuple[float, float]]] = {name: [] for name in SERVING}
    for _ in range(SERVING_ROUNDS):
        for name, path in SERVING.items():
            cpu, wall = cpu_seconds(worker), time.perf_counter()
            for _ in range(SERVING_REQUESTS):
                assert ask(connection, path) == 200, path
            wall, cpu = time.perf_counter() - wall, cpu_seconds(worker) - cpu
            rounds[name].append((cpu * 1000 / SERVING_REQUESTS, wall * 1000 / SERVING_REQUESTS))
    connection.close()

    cpu_ms = {name: statistics.median(c for c, _w in runs) for name, runs in rounds.items()}
    bare = cpu_ms["bare view (the baseline)"]
    print(
        f"\nServer CPU per request: one gunicorn worker over PostgreSQL and Redis, median of "
        f"{SERVING_ROUNDS} rounds of {SERVING_REQUESTS} (/proc, {1000 / TICKS:.0f} ms ticks):"
    )
    print(f"{'request':<28}{'CPU ms':>8}{'x bare':>8}{'wall ms':>9}")
    for name, runs in rounds.items():
        wall = statistics.median(w for _c, w in runs)
        print(f"{name:<28}{cpu_ms[name]:>8.2f}{cpu_ms[name] / bare:>8.1f}{wall:>9.2f}")
