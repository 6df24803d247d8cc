"""Scale benchmark: the site at about 20,000 medicines and 50,000 guides, on PostgreSQL and on
SQLite, with every cache off. It prints figures; it fails only when a page errs.

Run with `make bench-scale` (not part of `make test`; it needs a local PostgreSQL). For each
engine it builds its own catalogue (tests/benchmarks/catalogue.py: the real FDA labels
imported and varied, guides assembled from their sentences), then in fresh processes, so that
each one's peak memory is its own: times rebuilding the search index (medguide.search.index
.rebuild), and asks for pages in-process with django.test.Client, one request at a time, as a
browser would (gzip accepted, no session): search and suggestions for a fixed set of 240
queries (names, brands, misspellings, prefixes, conditions, questions) and, on a line of their
own, words nearly every label holds (COMMON_WORDS), and the CPU each public
page type costs, the median of several requests. These two-core machines are noisy, so each
process first times a bare view that answers "ok" through the same middleware, and every
figure is also given as a multiple of it. On PostgreSQL the database server's CPU for the
request (its backend process, /proc) is added to the page's own. The figures are in
docs/operations.md ("Scale benchmark").

Settings (environment): MEDGUIDE_BENCH_SCALE (default 1: 20,000 medicines and 50,000 guides;
0.1 builds a tenth), MEDGUIDE_BENCH_SCALE_ENGINES (default "postgresql,sqlite"),
MEDGUIDE_BENCH_SCALE_KEEP=1 keeps the databases (PostgreSQL medguide_bench_scale, SQLite in
the temporary folder) and measures the kept ones again without building.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark

PROJECT = Path(__file__).resolve().parents[2]
POSTGRES = "postgres://postgres@127.0.0.1:5432"
DATABASE = "medguide_bench_scale"
SCALE = float(os.environ.get("MEDGUIDE_BENCH_SCALE", "1"))
ENGINES = os.environ.get("MEDGUIDE_BENCH_SCALE_ENGINES", "postgresql,sqlite").split(",")
KEEP = bool(os.environ.get("MEDGUIDE_BENCH_SCALE_KEEP"))
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}

BASELINE_REQUESTS = 300
MIN_REQUESTS, MAX_REQUESTS, SECONDS_PER_PAGE = 3, 30, 2.0
ONE_REQUEST_ONLY = 10  # seconds: a page this slow is measured by its first request alone

# The issue's targets (milliseconds; the rebuild in seconds for 70,000 documents).
SEARCH_P95 = {"postgresql": 50, "sqlite": 100}
SUGGEST_P95 = {"postgresql": 15, "sqlite": 30}
REBUILD_SECONDS, REBUILD_DOCUMENTS = 60, 70_000
# The bare view's CPU on the machine the issue measured and set those targets on. These
# machines differ by more than two times from day to day, so the table also says which
# targets each figure meets once scaled by the bare view's CPU in the same run.
ISSUE_BARE_CPU_MS = 0.25

# Words nearly every label holds, typed as readers type them. None is among the fixed
# queries, whose p95 the target is about; they are timed on their own line so that every run
# shows what a word in most of the catalogue costs ("dose": 68,609 of 70,238 documents).
COMMON_WORDS = (
    "dose",
    "tablet",
    "side effects",
    "pain",
    "blood pressure",
    "pregnancy",
    "children",
    "kidney",
)


# The measuring processes ----------------------------------------------------------------------
# Each phase runs as `python -m tests.benchmarks.test_scale <phase> <output.json>` with the
# engine's DATABASE_URL, and writes what it measured as JSON.


def configure() -> None:
    """Caches off, whatever the environment's settings, and the bare view at /bench-ok/ in
    front of the site's own URLs (tests/benchmarks/serving_urls.py)."""
    from django.conf import settings
    from django.urls import clear_url_caches

    settings.CACHE_MIDDLEWARE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 0
    settings.ROOT_URLCONF = "tests.benchmarks.serving_urls"
    clear_url_caches()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) / 1024


class DatabaseClock:
    """CPU seconds of the PostgreSQL backend serving this process's connection, from /proc
    (clock ticks, so only a mean over many requests is exact). Zero on SQLite, whose work is
    this process's own."""

    def __init__(self) -> None:
        from django.db import connection

        self.pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
        self.tick = os.sysconf("SC_CLK_TCK")

    def __call__(self) -> float:
        if self.pid is None:
            return 0.0
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick  # utime + stime

    def still_same(self) -> bool:
        return self.pid is None or DatabaseClock().pid == self.pid


def new_client():
    from django.test import Client

    return Client(headers={"accept-encoding": "gzip"})


def request(client, path: str, clock: DatabaseClock) -> dict:
    database = clock()
    cpu, wall = time.process_time(), time.perf_counter()
    response = client.get(path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if response.status_code != 200:
        raise AssertionError(f"{path} answered {response.status_code}")
    return {"wall": wall * 1000, "cpu": cpu * 1000, "db": (clock() - database) * 1000}


def baseline(client, clock: DatabaseClock) -> dict:
    """The bare view's median wall time and CPU, in milliseconds."""
    request(client, "/bench-ok/", clock)
    runs = [request(client, "/bench-ok/", clock) for _ in range(BASELINE_REQUESTS)]
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
    }


class QueryLog:
    """Every SQL statement a block runs, with its parameters and time, for the slowest ones'
    plans (connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.rows: list[tuple[float, str, tuple]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.rows.append(((time.perf_counter() - started) * 1000, sql, params))


def connection_wrapper(log: QueryLog):
    from django.db import connection

    return connection.execute_wrapper(log)


def queries_of(client, path: str) -> QueryLog:
    log = QueryLog()
    with connection_wrapper(log):
        client.get(path)
    return log


def explain(sql: str, params) -> str:
    from django.db import connection

    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else ""
    prefix = prefix or "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())


def page_paths() -> dict[str, str]:
    """One address of every public page type, the largest of its kind where sizes differ."""
    from django.db.models import Count, Q
    from django.db.models.functions import Lower, Substr
    from taggit.models import Tag

    from articles.models import Article, Category
    from drugs import checker
    from drugs.models import (
        AZCursor,
        ClassKind,
        Condition,
        Drug,
        DrugClass,
        DrugName,
        Indication,
        NameKind,
        Origin,
    )

    published = Drug.objects.published()

    def most_common_start(within: str = "") -> str:
        """The start one letter longer than `within` that most generic names have."""
        return (
            published.annotate(start=Lower(Substr("generic_name", 1, len(within) + 1)))
            .filter(start__startswith=within)
            .values("start")
            .annotate(n=Count("pk"))
            .order_by("-n", "start")[0]["start"]
        )

    letter = most_common_start()
    letters = most_common_start(letter)  # the A–Z's two-letter page with the most names
    drug_class = (
        DrugClass.objects.filter(kind=ClassKind.THERAPEUTIC)
        .annotate(n=Count("drugs", filter=Q(drugs__in=published)))
        .order_by("-n", "pk")[0]
    )
    condition = Condition.objects.annotate(
        n=Count("indications", filter=Q(indications__drug__in=published))
    ).order_by("-n", "pk")[0]
    # A real label page (the import's, made before the varied ones), of the middle pk.
    label_pages = list(
        published.filter(origin=Origin.LABEL).order_by("pk").values_list("slug", flat=True)[:800]
    )
    label_page = label_pages[len(label_pages) // 2]
    with_interactions = list(
        published.filter(origin=Origin.LABEL)
        .annotate(n=Count("interactions"))
        .order_by("-n", "pk")
        .values_list("generic_name", flat=True)[:2]
    )
    # The medicine most rows of others name (phenytoin and warfarin, 3,700 and 3,600 at
    # scale): its page ranks them all, and it is among the medicines most looked up.
    most_named = (
        published.annotate(n=Count("interactions_as_interactant"))
        .order_by("-n", "pk")
        .values_list("slug", "n")[0]
    )
    # The A–Z halfway through its 38,000 names: the cursor of the page there (its links carry
    # such cursors), each kind's name at its middle.
    generic_keys = published.annotate(key=Lower("generic_name")).order_by("key")
    brand_keys = (
        DrugName.objects.filter(drug__in=published, kind=NameKind.BRAND)
        .annotate(key=Lower("name"))
        .order_by("key")
    )
    halfway = AZCursor(
        generic=generic_keys.values_list("key", flat=True)[generic_keys.count() // 2],
        brand=brand_keys.values_list("key", flat=True)[brand_keys.count() // 2],
    )
    guides = Article.objects.published()
    guide = guides.order_by("pk")[guides.count() // 2]
    category = Category.objects.annotate(n=Count("articles")).order_by("-n", "pk")[0]
    tag = Tag.objects.annotate(n=Count("taggit_taggeditem_items")).order_by("-n", "pk")[0]
    assert Indication.objects.filter(condition=condition).exists()
    return {
        "home": "/",
        "A–Z, every medicine (first page)": "/drugs/",
        f"A–Z, letter {letter.upper()}": f"/drugs/?letter={letter}",
        f"A–Z, letters {letters.capitalize()}": f"/drugs/?letter={letters}",
        "A–Z, halfway (a cursor)": f"/drugs/?cursor={halfway}",
        f"class ({drug_class.n} medicines)": drug_class.get_absolute_url(),
        "conditions list": "/conditions/",
        f"condition ({condition.n} medicines)": condition.get_absolute_url(),
        "monograph, label page": f"/drugs/{label_page}/",
        "monograph, editorial (baclofen)": "/drugs/baclofen/",
        "monograph, professional view": "/drugs/baclofen/?view=pro",
        f"monograph, named by {most_named[1]:,} rows": f"/drugs/{most_named[0]}/",
        "drug JSON": f"/drugs/{label_page}.json",
        f"drug JSON, named by {most_named[1]:,} rows": f"/drugs/{most_named[0]}.json",
        "drugs.json (first page)": "/drugs.json",
        "change log": "/drugs/baclofen/changes/",
        "interactions (baclofen)": "/drugs/baclofen/interactions/",
        "change log feed": "/drugs/baclofen/changes/feed/",
        "diary": "/drugs/baclofen/diary/",
        "report form": "/drugs/baclofen/feedback/?section=dosage",
        "checker, 3 medicines": "/interactions/?"
        + checker.query_string(["Baclofen", *with_interactions]),
        "guide": guide.get_absolute_url(),
        "guides list": "/articles/",
        f"guide category ({category.n})": category.get_absolute_url(),
        f"guide tag ({tag.n})": f"/articles/tag/{tag.slug}/",
        "guides feed": "/articles/feed/",
        "editorial policy": "/about/editorial-policy/",
        "sitemap.xml (the index)": "/sitemap.xml",
        "sitemap-drugs.xml (first page)": "/sitemap-drugs.xml",
        "sitemap-interactions.xml (first page)": "/sitemap-interactions.xml",
    }


def measure_page(client, path: str, clock: DatabaseClock, *, before=lambda: None) -> dict:
    """The median of several requests after a first one, which fills the process's own caches
    and whose queries are kept; a page whose first request takes minutes is that one alone.
    `before()` runs before each request, untimed."""
    log = QueryLog()
    before()
    with connection_wrapper(log):
        first = request(client, path, clock)
    runs, started = [], time.monotonic()
    while first["wall"] < ONE_REQUEST_ONLY * 1000 and (
        len(runs) < MIN_REQUESTS
        or (len(runs) < MAX_REQUESTS and time.monotonic() - started < SECONDS_PER_PAGE)
    ):
        before()
        runs.append(request(client, path, clock))
    runs = runs or [first]
    slowest = sorted(log.rows, key=lambda row: -row[0])[:3]
    return {
        "path": path,
        "requests": len(runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "db": statistics.mean(r["db"] for r in runs),
        "wall": statistics.median(r["wall"] for r in runs),
        "queries": len(log.rows),
        "query_ms": sum(row[0] for row in log.rows),
        "slowest": [(ms, sql, list(map(str, params or ()))) for ms, sql, params in slowest],
    }


# The monographs measured again with their own rows and interactions read afresh each request.
AFRESH = ("monograph, label page", "monograph, editorial (baclofen)")


def forget_kept(path: str):
    """A function that forgets the rows and interactions kept for the monograph at `path`."""
    from drugs.models import KeptInteractions, KeptRows

    slug = path.strip("/").split("/")[-1]

    def forget() -> None:
        KeptRows.objects.filter(drug__slug=slug).delete()
        KeptInteractions.objects.filter(drug__slug=slug).delete()

    return forget


PUBLISHED = "monograph, editorial (baclofen)"  # measured again after a publish


def published_again(path: str):
    """A function that writes the rows of the monograph at `path` and keeps them, as a
    reviewer's publish does (drugs.keeping.keep_when_committed), in one transaction."""
    from django.db import transaction
    from django.db.models import F

    from drugs.keeping import keep_when_committed
    from drugs.models import Drug, DrugName

    slug = path.strip("/").split("/")[-1]

    def publish() -> None:
        with transaction.atomic():
            DrugName.objects.filter(drug__slug=slug).update(name=F("name"))
            keep_when_committed(Drug.objects.filter(slug=slug))

    return publish


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_queries(client, clock: DatabaseClock, address: str, queries) -> dict:
    from urllib.parse import urlencode

    for _kind, text in queries[:5]:  # the process's own first-use costs, not counted
        client.get(address + "?" + urlencode({"q": text}))
    runs = []
    for kind, text in queries:
        run = request(client, address + "?" + urlencode({"q": text}), clock)
        runs.append({**run, "kind": kind, "query": text})
    walls = [r["wall"] for r in runs]
    cpus = [r["cpu"] + r["db"] for r in runs]
    slowest = sorted(runs, key=lambda r: -r["wall"])[:3]
    plans = []
    for run in slowest:
        log = queries_of(client, address + "?" + urlencode({"q": run["query"]}))
        ms, sql, params = max(log.rows, key=lambda row: row[0])
        plans.append(
            {
                "query": run["query"],
                "kind": run["kind"],
                "wall": run["wall"],
                "queries": len(log.rows),
                "sql_total_ms": sum(row[0] for row in log.rows),
                "sql_ms": ms,
                "sql": sql,
                "plan": explain(sql, params),
            }
        )
    by_kind = {}
    for kind in dict.fromkeys(r["kind"] for r in runs):
        by_kind[kind] = statistics.median(r["wall"] for r in runs if r["kind"] == kind)
    return {
        "p50": percentile(walls, 0.50),
        "p95": percentile(walls, 0.95),
        "p99": percentile(walls, 0.99),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "db": statistics.mean(r["db"] for r in runs),
        "cpu_p50": percentile(cpus, 0.50),
        "cpu_p95": percentile(cpus, 0.95),
        "cpu_p99": percentile(cpus, 0.99),
        "by_kind": by_kind,
        "slowest": plans,
    }


def phase_build() -> dict:
    from django.core.management import call_command

    from tests.benchmarks import catalogue

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    migrated = time.monotonic() - started
    built = catalogue.build(
        drugs=round(catalogue.DRUGS * SCALE), guides=round(catalogue.GUIDES * SCALE)
    )
    return {
        "migrate_s": migrated,
        "build_s": time.monotonic() - started - migrated,
        "catalogue": {k: v for k, v in vars(built).items() if k != "steps"},
        "steps": built.steps,
        "peak_mb": peak_mb(),
    }


def phase_rebuild() -> dict:
    from django.db import connection

    from medguide.editorial.planner import refresh_planner_statistics
    from medguide.search import index as search_index
    from medguide.search.models import SearchDocument

    clock = DatabaseClock()
    ok_figures = baseline(new_client(), clock)
    bare_mb = rss_mb()
    wall, cpu, database = time.perf_counter(), time.process_time(), clock()
    documents = search_index.rebuild()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    database = clock() - database if clock.still_same() else None
    result = {
        "ok": ok_figures,
        "bare_mb": bare_mb,
        "documents": documents,
        "stored": SearchDocument.objects.count(),
        "rebuild_s": wall,
        "rebuild_cpu_s": cpu,
        "rebuild_db_cpu_s": database,
        "peak_mb": peak_mb(),
    }
    started = time.monotonic()
    if connection.vendor == "postgresql":
        # Planner statistics and a clean heap, as autovacuum leaves a running site.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:  # as the rebuild and import commands leave it
        refresh_planner_statistics()
    result["vacuum_s"] = time.monotonic() - started
    return result


def phase_measure() -> dict:
    from django.core.cache import caches

    from tests.benchmarks.catalogue import fixed_queries

    client, clock = new_client(), DatabaseClock()
    bare_mb = rss_mb()
    queries = fixed_queries()
    result = {"bare_mb": bare_mb, "queries": len(queries)}
    result["query_digest"] = hashlib.sha256(json.dumps(queries).encode()).hexdigest()[:8]
    oks = []

    oks.append(baseline(client, clock))
    result["search"] = measure_queries(client, clock, "/search/", queries)
    result["search"]["ok"] = oks[-1]

    oks.append(baseline(client, clock))
    result["suggest"] = measure_queries(client, clock, "/search/suggest/", queries)
    result["suggest"]["ok"] = oks[-1]

    common = [("common word", word) for word in COMMON_WORDS]
    result["common"] = measure_queries(client, clock, "/search/", common)

    pages = {}
    paths = page_paths()
    for name, path in paths.items():
        ok_figures = baseline(client, clock)
        oks.append(ok_figures)
        pages[name] = {**measure_page(client, path, clock), "ok": ok_figures}
    # A monograph's own rows and first interactions are kept after its first request
    # (drugs.kept_rows, drugs.kept_interactions), so the figures above read them kept, as
    # every reader does once a publish or keep_monographs has kept them (drugs.keeping).
    # Read afresh, and kept, on every request: what a reader pays whom nothing kept them
    # for, after an import or a deploy until keep_monographs runs.
    for name in AFRESH:
        ok_figures = baseline(client, clock)
        oks.append(ok_figures)
        forget = forget_kept(paths[name])
        pages[f"{name}, read afresh"] = {
            **measure_page(client, paths[name], clock, before=forget),
            "ok": ok_figures,
        }
    # What its first reader pays after a publish: its rows written (one of its names, as a
    # publish writes its rows) and kept as the reviewer's publish keeps them once it commits.
    name = PUBLISHED
    ok_figures = baseline(client, clock)
    oks.append(ok_figures)
    pages[f"{name}, first reader after its publish"] = {
        **measure_page(client, paths[name], clock, before=published_again(paths[name])),
        "ok": ok_figures,
    }
    result["pages"] = pages
    result["ok"] = {
        "wall": statistics.median(o["wall"] for o in oks),
        "cpu": statistics.median(o["cpu"] for o in oks),
    }
    result["same_database_process"] = clock.still_same()
    # Caches off means nothing stored but the page cache's generation (and Django's list of
    # the headers pages vary on): a page or fragment kept would make every figure wrong.
    kept = [key for alias in ("default", "pages") for key in getattr(caches[alias], "_cache", {})]
    if len(kept) > 3:
        raise AssertionError(f"caches were not off: {len(kept)} keys kept, e.g. {kept[:5]}")
    result["peak_mb"] = peak_mb()
    return result


PHASES = {"build": phase_build, "rebuild": phase_rebuild, "measure": phase_measure}


def main(phase: str, output: str) -> None:
    import django

    django.setup()
    configure()
    Path(output).write_text(json.dumps(PHASES[phase](), default=str))


# The benchmark ---------------------------------------------------------------------------------


def psql(*commands: str) -> None:
    arguments = [arg for command in commands for arg in ("-c", command)]
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", *arguments],
        check=True,
    )


def postgres_database_exists() -> bool:
    found = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tA",
            "-c",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return found.stdout.strip() == "1"


def load_average() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run_phase(phase: str, *, env: dict[str, str], folder: Path, engine: str) -> dict:
    output, log = folder / f"{engine}-{phase}.json", folder / f"{engine}-{phase}.log"
    started = time.monotonic()
    with log.open("w") as handle:
        finished = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.test_scale", phase, str(output)],
            cwd=PROJECT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    if finished.returncode:
        tail = "\n".join(log.read_text().splitlines()[-30:])
        pytest.fail(f"{engine} {phase} failed (log {log}):\n{tail}")
    print(f"  {ENGINE_NAMES[engine]} {phase}: {time.monotonic() - started:.0f} s")
    return json.loads(output.read_text())


def environment(engine: str, folder: Path, database_file: Path) -> dict[str, str]:
    url = f"{POSTGRES}/{DATABASE}" if engine == "postgresql" else f"sqlite:///{database_file}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "medguide.settings",
        "DATABASE_URL": url,
        "DATABASE_REPLICA_URL": "",
        "REDIS_URL": "",  # caches of the process's own, whatever .env says
        "CACHE_URL": "locmemcache://medguide-bench-scale",
        "PAGE_CACHE_SECONDS": "0",
        "FRAGMENT_CACHE_SECONDS": "0",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "MEDIA_ROOT": str(folder / "media"),
        "PYTHONHASHSEED": "0",  # the same catalogue on both engines, set order included
        "CONN_MAX_AGE": "86400",  # one connection, so its server process's CPU can be read
    }


def test_scale(tmp_path):
    if "postgresql" in ENGINES and not shutil.which("psql"):
        pytest.fail("psql is not installed (apt-get install postgresql-client)")
    kept_file = Path(tempfile.gettempdir()) / f"{DATABASE}.sqlite3"
    database_file = kept_file if KEEP else tmp_path / f"{DATABASE}.sqlite3"
    results, load = {}, [load_average()]
    print(f"\nScale benchmark, scale {SCALE:g}; logs and plans in {tmp_path}")
    try:
        for engine in ENGINES:
            env = environment(engine, tmp_path, database_file)
            exists = database_file.exists() if engine == "sqlite" else postgres_database_exists()
            figures = {}
            if not (KEEP and exists):
                if engine == "postgresql":
                    psql(f"DROP DATABASE IF EXISTS {DATABASE}", f"CREATE DATABASE {DATABASE}")
                else:
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{database_file}{suffix}").unlink(missing_ok=True)
                figures["build"] = run_phase("build", env=env, folder=tmp_path, engine=engine)
                figures["rebuild"] = run_phase("rebuild", env=env, folder=tmp_path, engine=engine)
            figures["measure"] = run_phase("measure", env=env, folder=tmp_path, engine=engine)
            results[engine] = figures
            load.append(load_average())
    finally:
        if not KEEP:
            if "postgresql" in ENGINES:
                psql(f"DROP DATABASE IF EXISTS {DATABASE}")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database_file}{suffix}").unlink(missing_ok=True)
    (tmp_path / "results.json").write_text(json.dumps(results, indent=1, default=str))
    report = table(results, load=load)
    (tmp_path / "table.txt").write_text(report)
    print(report)
    (tmp_path / "slowest.txt").write_text(slowest_report(results))
    print(f"The slowest queries' SQL and plans: {tmp_path / 'slowest.txt'}")


# The table -------------------------------------------------------------------------------------


def verdict(value: float | None, target: float | None) -> str:
    if value is None or target is None:
        return ""
    return "pass" if value <= target else "FAIL"


def page_target(name: str) -> float | None:
    if name.startswith(("A–Z", "class", "condition")):
        return 15
    if name.startswith("monograph"):
        return 15
    if name.startswith("drug JSON"):
        return 10
    if name in ("home", "guide", "checker, 3 medicines", "drugs.json (first page)"):
        return 10
    return None


def table(results: dict, *, load: list[str]) -> str:
    engines = list(results)

    def ms(value: float) -> str:
        return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"

    def times(value: float, ok_value: float) -> str:
        return f"{value / ok_value:,.0f}x" if ok_value else ""

    first = results[engines[0]]
    # A kept catalogue is measured only: its engine has no build or rebuild figures this run.
    built = [e for e in engines if "build" in results[e]]
    kept = ("kept", "", "", "", "")
    lines = []
    if built:
        c = results[built[0]]["build"]["catalogue"]
        lines.append(
            f"Catalogue: {c['drugs']:,} medicines ({c['published_drugs']:,} published), "
            f"{c['guides']:,} guides, {c['conditions']:,} conditions, {c['classes']:,} classes, "
            f"{c['brand_names']:,} brand names, {c['label_sources']:,} labels, "
            f"{c['interactions']:,} interactions, {c['tags']:,} tags."
        )
    measure = first["measure"]
    digests = ", ".join(dict.fromkeys(results[e]["measure"]["query_digest"] for e in engines))
    lines.append(
        f"{measure['queries']} fixed queries (digest {digests}), single client, "
        "page and fragment caches off, DEBUG off, gzip accepted."
    )
    lines += [f"Load: {entry}" for entry in load]
    header = f"{'figure':<38}{'target':>9}"
    for engine in engines:
        header += f" | {ENGINE_NAMES[engine]:>11}{'x ok':>10}{'wall':>9}{'q':>4} {'':4}"
    lines += ["", header, "-" * len(header)]

    def row(figure: str, target: str, cells: list[tuple[str, str, str, str, str]]) -> None:
        line = f"{figure:<38}{target:>9}"
        for value, multiple, wall, count, mark in cells:
            line += f" | {value:>11}{multiple:>10}{wall:>9}{count:>4} {mark:4}"
        lines.append(line)

    row(
        'bare view "ok", wall ms',
        "",
        [(ms(results[e]["measure"]["ok"]["wall"]), "1x", "", "", "") for e in engines],
    )
    row(
        'bare view "ok", CPU ms',
        "",
        [(f"{results[e]['measure']['ok']['cpu']:.2f}", "1x", "", "", "") for e in engines],
    )
    for block, label, targets in (
        ("search", "search", SEARCH_P95),
        ("suggest", "suggestions", SUGGEST_P95),
    ):
        for share in ("p50", "p95", "p99"):
            cells, cpu_cells = [], []
            for e in engines:
                figures = results[e]["measure"][block]
                value, cpu = figures[share], figures[f"cpu_{share}"]
                target = targets[e] if share == "p95" else None
                cells.append(
                    (ms(value), times(value, figures["ok"]["wall"]), "", "", verdict(value, target))
                )
                cpu_cells.append((ms(cpu), times(cpu, figures["ok"]["cpu"]), "", "", ""))
            target_text = "/".join(str(targets[e]) for e in engines) if share == "p95" else ""
            row(f"{label} {share}, wall ms", target_text, cells)
            row(f"{label} {share}, CPU ms", "", cpu_cells)
    if all("common" in results[e]["measure"] for e in engines):
        row(
            f"search, {len(COMMON_WORDS)} common words, p50/max ms",
            "",
            [
                (
                    f"{ms(results[e]['measure']['common']['p50'])}"
                    f"/{ms(results[e]['measure']['common']['p99'])}",
                    "",
                    "",
                    "",
                    "",
                )
                for e in engines
            ],
        )
    lines.append("CPU per request, uncached (median; PostgreSQL's includes the database server's):")
    for name in first["measure"]["pages"]:
        target = page_target(name)
        cells = []
        for e in engines:
            page = results[e]["measure"]["pages"].get(name)
            if page is None:
                cells.append(("", "", "", "", ""))
                continue
            cpu = page["cpu"] + page["db"]
            cells.append(
                (
                    ms(cpu) + ("*" if page["requests"] == 1 else ""),
                    times(cpu, page["ok"]["cpu"]),
                    ms(page["wall"]),
                    str(page["queries"]),
                    verdict(cpu, target),
                )
            )
        row(f"  {name}", "" if target is None else f"{target}", cells)
    if built:
        cells = []
        for e in engines:
            if e not in built:
                cells.append(kept)
                continue
            rebuild = results[e]["rebuild"]
            target = REBUILD_SECONDS * rebuild["documents"] / REBUILD_DOCUMENTS
            value = rebuild["rebuild_s"]
            cells.append(
                (
                    f"{value:,.0f}",
                    times(value * 1000, rebuild["ok"]["wall"]),
                    "",
                    "",
                    verdict(value, target),
                )
            )
        documents = results[built[0]]["rebuild"]["documents"]
        target = REBUILD_SECONDS * documents / REBUILD_DOCUMENTS
        row(f"index rebuild s ({documents:,} documents)", f"{target:.0f}", cells)
        row(
            "  CPU s: app + its own connection",
            "",
            [
                (
                    f"{results[e]['rebuild']['rebuild_cpu_s']:.0f}"
                    f"+{results[e]['rebuild']['rebuild_db_cpu_s'] or 0:.0f}",
                    "",
                    "",
                    "",
                    "",
                )
                if e in built
                else kept
                for e in engines
            ],
        )
    for phase, label in (
        ("build", "peak memory MB: building"),
        ("rebuild", "peak memory MB: rebuilding"),
        ("measure", "peak memory MB: serving"),
    ):
        if not any(phase in results[e] for e in engines):
            continue
        cells = []
        for e in engines:
            if phase not in results[e]:
                cells.append(kept)
                continue
            figures = results[e][phase]
            bare = figures.get("bare_mb") or results[e]["measure"]["bare_mb"]
            cells.append(
                (f"{figures['peak_mb']:,.0f}", f"{figures['peak_mb'] / bare:.1f}x", "", "", "")
            )
        row(label, "", cells)
    if built:
        row(
            "build s (migrate + catalogue)",
            "",
            [
                (
                    f"{results[e]['build']['migrate_s'] + results[e]['build']['build_s']:,.0f}",
                    "",
                    "",
                    "",
                    "",
                )
                if e in built
                else kept
                for e in engines
            ],
        )
    lines.append("")
    lines.append(
        "x ok: the figure over the bare view's (wall for latencies and the rebuild, CPU for "
        "pages, resident memory of the bare process for peak memory), measured in the same "
        "process just before. *: one request only, the first (over "
        f"{ONE_REQUEST_ONLY} s). q: SQL queries of the page."
    )
    lines += scaled_verdicts(results)
    for e in engines:
        kinds = results[e]["measure"]["search"]["by_kind"]
        lines.append(
            f"{ENGINE_NAMES[e]} search median by kind, ms: "
            + ", ".join(f"{k} {ms(v)}" for k, v in kinds.items())
        )
    return "\n".join(lines) + "\n"


def scaled_verdicts(results: dict) -> list[str]:
    """Each target, met or not once the figure is scaled to the issue's machine: divided by
    this run's bare-view CPU over ISSUE_BARE_CPU_MS. The bare view is measured before each
    figure; the median of those readings scales them all, since one reading taken in a
    moment of noise (0.67 ms among 0.35s) made the professional view look twice as fast."""
    lines = []
    for engine, figures in results.items():
        measure = figures["measure"]
        readings = [measure["ok"], measure["search"]["ok"], measure["suggest"]["ok"]]
        readings += [page["ok"] for page in measure["pages"].values()]
        bare = statistics.median(reading["cpu"] for reading in readings)
        factor = bare / ISSUE_BARE_CPU_MS
        checks = []  # (figure, scaled value, target)
        for block, label, targets in (
            ("search", "search p95", SEARCH_P95),
            ("suggest", "suggestions p95", SUGGEST_P95),
        ):
            checks.append((label, measure[block]["p95"] / factor, targets[engine]))
        for name, page in measure["pages"].items():
            target = page_target(name)
            if target is not None:
                checks.append((name, (page["cpu"] + page["db"]) / factor, target))
        if "rebuild" in figures:
            rebuild = figures["rebuild"]
            target = REBUILD_SECONDS * rebuild["documents"] / REBUILD_DOCUMENTS
            checks.append(("index rebuild s", rebuild["rebuild_s"] / factor, target))

        lines.append(
            f"{ENGINE_NAMES[engine]} scaled to the issue's machine (its bare view "
            f"{ISSUE_BARE_CPU_MS} ms of CPU, this run's median {bare:.2f}: figures "
            f"÷{factor:.1f}). Met: {_listed(checks, met=True)}. "
            f"Not met: {_listed(checks, met=False)}."
        )
    return lines


def _listed(checks: list[tuple[str, float, float]], *, met: bool) -> str:
    chosen = [f"{name} {value:,.1f}" for name, value, target in checks if (value <= target) == met]
    return "; ".join(chosen) or "none"


def slowest_report(results: dict) -> str:
    lines = []
    for engine, figures in results.items():
        measure = figures["measure"]
        lines.append(f"=== {ENGINE_NAMES[engine]}")
        for block in ("search", "suggest"):
            for slow in measure[block]["slowest"]:
                lines += [
                    f"--- {block} {slow['query']!r} ({slow['kind']}): {slow['wall']:.0f} ms, "
                    f"{slow['queries']} queries, the slowest {slow['sql_ms']:.0f} ms:",
                    slow["sql"],
                    slow["plan"],
                    "",
                ]
        pages = sorted(measure["pages"].items(), key=lambda item: -item[1]["wall"])
        for name, page in pages:
            lines.append(
                f"--- page {name} {page['path']}: {page['wall']:.0f} ms wall, "
                f"{page['queries']} queries taking {page['query_ms']:.0f} ms"
            )
            for ms, sql, params in page["slowest"]:
                lines.append(f"  {ms:.1f} ms: {sql[:600]} {params[:8]}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main(*sys.argv[1:])
