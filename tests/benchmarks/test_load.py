"""Load benchmark: gunicorn over PostgreSQL and Redis, driven by wrk, as in production.

Run with `make bench-load` (not part of `make test`). It builds its own PostgreSQL database
(the demo plus the real FDA labels and interaction table from ../shared/data), starts
gunicorn with the repository's gunicorn.conf.py on 127.0.0.1, and measures each page with
wrk right after measuring /healthz, three times over, so every page's throughput is compared
with the baseline under the same machine load (the median of the three ratios counts). Then
it soaks the server for 60 s at 32 connections and checks that the workers' memory stays
flat. It prints requests per second, p50/p99 latency, errors and the ratio of each page to
/healthz, and fails when a target is missed.

Settings (environment): MEDGUIDE_BENCH_DATABASE (default medguide_bench),
MEDGUIDE_BENCH_SECONDS (per measurement, default 5), MEDGUIDE_BENCH_ROUNDS (default 3),
MEDGUIDE_BENCH_SOAK_SECONDS (default 60), REDIS_URL (default redis://127.0.0.1:6379/2),
MEDGUIDE_BENCH_KEEP_DATABASE=1 to reuse the last run's database.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from tests.servers import gunicorn
from tests.shared_data import LABELS
from tests.shared_data import NDFRT as INTERACTIONS

pytestmark = pytest.mark.benchmark

PROJECT = Path(__file__).resolve().parents[2]
POSTGRES = "postgres://postgres@127.0.0.1:5432"
DATABASE = os.environ.get("MEDGUIDE_BENCH_DATABASE", "medguide_bench")
SECONDS = int(os.environ.get("MEDGUIDE_BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("MEDGUIDE_BENCH_ROUNDS", "3"))
SOAK_SECONDS = int(os.environ.get("MEDGUIDE_BENCH_SOAK_SECONDS", "60"))
CONNECTIONS = 16
SEARCH = "/search/?q=muscle+spasm"
SOAK_CONNECTIONS = 32

# The targets: each page's throughput as a share of /healthz's.
CACHED_TARGET = 0.8
UNCACHED_DRUG_TARGET = 0.3
SEARCH_TARGET = 0.2
# The soak's memory may settle a little after warm-up, never climb.
MEMORY_GROWTH_LIMIT = 0.10


@dataclass
class Run:
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx responses plus socket errors


def wrk(url: str, *, seconds: int, connections: int, script: Path | None = None) -> Run:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["-H", "Accept-Encoding: gzip"]  # as every browser sends it
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    return parse_wrk(url, output)


def parse_wrk(url: str, output: str) -> Run:
    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Run(
        path=urlsplit(url).path,
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        errors=(int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(map(int, sockets.groups())) if sockets else 0),
    )


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=env, check=True)


def psql(*commands: str) -> None:
    arguments = [arg for command in commands for arg in ("-c", command)]
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", *arguments],
        check=True,
    )


def resident_megabytes(master: int) -> float:
    """Resident memory of gunicorn's master and workers together."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total_kb = 0
    for pid in [master, *map(int, children)]:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:  # a worker being replaced
            continue
        total_kb += int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
    return total_kb / 1024


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    for tool in ("wrk", "psql"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is not installed (apt-get install wrk postgresql-client)")
    if not LABELS.exists():
        pytest.fail(f"The FDA labels are missing: {LABELS}")
    static_root = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2"),
        "CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # wrk speaks plain HTTP; production has a TLS proxy
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
        "GUNICORN_MAX_REQUESTS": "0",  # no recycling, so the soak would show a leak
    }
    started = time.monotonic()
    if not os.environ.get("MEDGUIDE_BENCH_KEEP_DATABASE"):  # set it to rerun on the last one
        psql(f"DROP DATABASE IF EXISTS {DATABASE}", f"CREATE DATABASE {DATABASE}")
        manage("migrate", "-v0", env=env)
        manage("load_demo", env=env)
        manage("import_labels", str(LABELS), env=env)
        manage("import_interactions", str(INTERACTIONS), env=env)
        # Fresh planner statistics, as autovacuum would have gathered on a running site.
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-q", "-c", "ANALYZE"],
            check=True,
        )
    manage("collectstatic", "--no-input", "-v0", env=env)
    print(f"\nBenchmark database {DATABASE} ready in {time.monotonic() - started:.0f} s")
    yield env
    # What the run left in Redis (the page cache's generation, the search log's counts),
    # under its own prefix: no one else's keys.
    client = redis.Redis.from_url(env["REDIS_URL"])
    left = list(client.scan_iter(f"{env['CACHE_KEY_PREFIX']}*"))
    if left:
        client.delete(*left)


def guide_path(base: str) -> str:
    with urllib.request.urlopen(f"{base}/sitemap-guides.xml") as response:
        sitemap = response.read().decode()
    return re.search(r"<loc>https?://[^/]+(/articles/[^<]+/)</loc>", sitemap).group(1)


def warm(base: str, path: str) -> None:
    """Fill the cache for the compressed copy wrk asks for, and the workers' own caches."""
    request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
    for _ in range(8):
        with urllib.request.urlopen(request) as response:
            assert response.status == 200, path


def against_healthz(base: str, path: str) -> tuple[Run, Run]:
    """Measure /healthz and the page back to back, ROUNDS times, so that both see the same
    machine load; the round with the median ratio stands for the page."""
    warm(base, path)
    rounds = []
    for _ in range(ROUNDS):
        baseline = wrk(f"{base}/healthz", seconds=SECONDS, connections=CONNECTIONS)
        page = wrk(base + path, seconds=SECONDS, connections=CONNECTIONS)
        rounds.append((page.requests_per_second / baseline.requests_per_second, baseline, page))
    rounds.sort(key=lambda r: r[0])
    _ratio, baseline, page = rounds[len(rounds) // 2]
    # Errors in any round count.
    page.errors = sum(r[2].errors for r in rounds)
    baseline.errors = sum(r[1].errors for r in rounds)
    return baseline, page


def report(rows: list[tuple[str, Run, Run, float]]) -> None:
    print()
    print(
        f"{'page':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'healthz req/s':>15}{'ratio':>8}{'target':>8}"
    )
    for label, baseline, page, target in rows:
        ratio = page.requests_per_second / baseline.requests_per_second
        print(
            f"{label:<34}{page.requests_per_second:>9.0f}{page.p50_ms:>9.1f}{page.p99_ms:>9.1f}"
            f"{page.errors:>8}{baseline.requests_per_second:>15.0f}{ratio:>8.2f}"
            f"{target or '–':>8}"
        )


def test_pages_keep_up_with_healthz(environment, tmp_path):
    rows = []
    with gunicorn(environment, tmp_path / "cached.log") as (base, _pid):
        for label, path in [
            ("home (page cache)", "/"),
            ("A–Z (page cache)", "/drugs/"),
            ("Baclofen (page cache)", "/drugs/baclofen/"),
            ("guide (page cache)", guide_path(base)),
        ]:
            rows.append((label, *against_healthz(base, path), CACHED_TARGET))
    # The page cache off, as for an editor or a page asked something new (a converter
    # question): the view runs and renders the page; the monograph's body and the search's
    # results come from the fragment cache. Searches are never page-cached: this is every one.
    with gunicorn(environment, tmp_path / "uncached.log", PAGE_CACHE_SECONDS="0") as (base, _):
        rows.append(
            (
                "Baclofen (no page cache)",
                *against_healthz(base, "/drugs/baclofen/"),
                UNCACHED_DRUG_TARGET,
            )
        )
        rows.append(("search (no page cache)", *against_healthz(base, SEARCH), SEARCH_TARGET))
    # For the record, no target: nothing cached at all, every part computed every time.
    nothing = {"PAGE_CACHE_SECONDS": "0", "FRAGMENT_CACHE_SECONDS": "0"}
    with gunicorn(environment, tmp_path / "cold.log", **nothing) as (base, _pid):
        rows.append(("Baclofen (nothing cached)", *against_healthz(base, "/drugs/baclofen/"), 0))
        rows.append(("search (nothing cached)", *against_healthz(base, SEARCH), 0))
    report(rows)

    for label, baseline, page, target in rows:
        assert baseline.errors == 0, f"/healthz had errors beside {label}"
        assert page.errors == 0, f"{label}: {page.errors} errors"
        ratio = page.requests_per_second / baseline.requests_per_second
        assert ratio >= target, f"{label}: {ratio:.2f} of /healthz, target {target}"


# The soak cycles through the pages; every fifth request asks the monograph's converter a
# question of its own, which the page cache never stores, so the view renders it around the
# body every question shares. (An unknown parameter such as ?visit= would not do: the page
# cache ignores it.)
SOAK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  if counter %% 5 == 0 then
    return wrk.format("GET", "/drugs/baclofen/?amount=" .. counter)
  end
  return wrk.format("GET", paths[counter %% #paths + 1])
end
"""


def test_soak_has_no_errors_and_flat_memory(environment, tmp_path):
    with gunicorn(environment, tmp_path / "soak.log") as (base, master):
        paths = [
            "/",
            "/drugs/",
            "/drugs/baclofen/",
            "/drugs/baclofen/?view=pro",
            guide_path(base),
            "/search/?q=baclofen",
            "/search/?q=muscle+spasm",
            "/search/?q=seizures",
            "/drugs/diazepam/",
            "/drugs/gabapentin/?view=pro",
            "/interactions/?drugs=baclofen,diazepam",
            "/healthz",
        ]
        for path in paths:
            warm(base, path)
        script = tmp_path / "mix.lua"
        script.write_text(SOAK_SCRIPT % ", ".join(f'"{p}"' for p in paths))

        samples: list[float] = []
        soak = subprocess.Popen(
            [
                "wrk",
                "-t1",
                f"-c{SOAK_CONNECTIONS}",
                f"-d{SOAK_SECONDS}s",
                "--latency",
                "-H",
                "Accept-Encoding: gzip",
                "-s",
                str(script),
                base + "/",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        while soak.poll() is None:
            samples.append(resident_megabytes(master))
            time.sleep(2)
        run = parse_wrk(base + "/", soak.stdout.read())

    settled = samples[len(samples) // 6]  # after the first tenth of a minute's warm-up
    peak_after = max(samples[len(samples) // 6 :])
    print(
        f"\nSoak: {SOAK_SECONDS} s at {SOAK_CONNECTIONS} connections over {len(paths)} pages: "
        f"{run.requests} requests, {run.requests_per_second:.0f} req/s, p50 {run.p50_ms:.1f} ms, "
        f"p99 {run.p99_ms:.1f} ms, {run.errors} errors; memory (master + workers) "
        f"{samples[0]:.0f} MB at start, {settled:.0f} MB settled, {peak_after:.0f} MB peak, "
        f"{samples[-1]:.0f} MB at the end"
    )
    assert run.errors == 0
    assert peak_after <= settled * (1 + MEMORY_GROWTH_LIMIT)
