"""The fault suite (`make chaos`): real gunicorn, SQLite or PostgreSQL and Redis clients on
loopback, and what each fault costs. Not part of `make test`; each scenario prints a line.

- the cache server unreachable: pages still served, saves and reports still accepted,
  /healthz answers 503 naming the cache;
- the database unreachable: a friendly error page, never a traceback; /healthz names it;
- a worker killed under load: how many requests failed, and how soon all answer again;
- a label import killed (SIGKILL) at several points and run again: the same rows, classes,
  interactions and search documents as one clean run;
- an interaction import (NDF-RT) killed the same way on PostgreSQL with the Redis page cache:
  the same interactions, search documents, table sizes and cache generation as one clean run.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.servers import PROJECT, free_port, gunicorn
from tests.shared_data import DATA, NDFRT
from tests.shared_data import LABELS as SHARED_LABELS

pytestmark = pytest.mark.chaos

LABELS = PROJECT / "tests" / "fixtures" / "labels"
# When to kill, as parts of a clean run's time: early, in the middle, near the end.
KILL_AT = [0.3, 0.5, 0.7, 0.9]
GENERATED_LABELS = 600


def report(scenario: str, cost: str) -> None:
    print(f"\n  {scenario:<46} {cost}")


def manage(env: dict[str, str], *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        **kwargs,
    )


def base_env(tmp_path: Path, name: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / f'{name}.sqlite3'}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A migrated SQLite database with the demo and the fixture labels, and collected static."""
    tmp_path = tmp_path_factory.mktemp("chaos")
    env = base_env(tmp_path, "site")
    for command in (["migrate", "-v0"], ["load_demo"], ["import_labels", str(LABELS)]):
        assert manage(env, *command).returncode == 0, command
    assert manage(env, "collectstatic", "--no-input", "-v0").returncode == 0
    return tmp_path, env


def get(url: str, *, data: bytes | None = None, timeout: float = 5) -> tuple[int, str]:
    """(status, body); status 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, data=data, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def test_cache_server_unreachable_costs_speed_not_data(site):
    tmp_path, env = site
    down = {**env, "REDIS_URL": "redis://127.0.0.1:9/0"}  # the discard port: nothing answers
    # /healthz answers 503 all along: readiness is robots.txt, which needs neither.
    with gunicorn(down, tmp_path / "cache-down.log", ready="/robots.txt") as (base, _pid):
        started = time.perf_counter()
        page, _ = get(f"{base}/drugs/baclofen/")
        page_ms = (time.perf_counter() - started) * 1000
        health, body = get(f"{base}/healthz")
        form = b"section=dosage&message=The+kidney+dose+is+missing+its+unit.&website="
        reported, _ = get(f"{base}/drugs/baclofen/feedback/", data=form)
    assert page == 200
    assert health == 503
    assert json.loads(body)["cache"] == "unavailable"
    assert reported in (200, 302)
    report("cache unreachable", f"page {page_ms:.0f} ms, report accepted, healthz 503")


def test_database_unreachable_is_a_friendly_page(site):
    tmp_path, env = site
    down = {**env, "DATABASE_URL": "postgres://postgres@127.0.0.1:9/none"}
    port = free_port()
    log = tmp_path / "db-down.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "medguide.wsgi"],
            cwd=PROJECT,
            env={**down, "BIND": f"127.0.0.1:{port}"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            # gunicorn starts without touching the database: wait for it to listen.
            for _ in range(100):
                if get(f"http://127.0.0.1:{port}/robots.txt")[0]:
                    break
                time.sleep(0.1)
            page, html = get(f"http://127.0.0.1:{port}/drugs/baclofen/")
            health, body = get(f"http://127.0.0.1:{port}/healthz")
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert page == 500
    assert "Traceback" not in html
    assert health == 503
    assert json.loads(body)["database"] == "unavailable"
    report("database unreachable", "friendly 500 page, healthz 503 naming the database")


def test_a_worker_killed_under_load(site):
    tmp_path, env = site
    results: list[int] = []
    stop = threading.Event()
    with gunicorn({**env, "WEB_CONCURRENCY": "2"}, tmp_path / "kill.log") as (base, master):

        def load() -> None:
            while not stop.is_set():
                status, _ = get(f"{base}/drugs/baclofen/", timeout=10)
                results.append(status)

        clients = [threading.Thread(target=load) for _ in range(4)]
        for client in clients:
            client.start()
        deadline = time.monotonic() + 30
        while len(results) < 20 and time.monotonic() < deadline:
            time.sleep(0.1)  # the load is on before the kill
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        os.kill(int(children[0]), signal.SIGKILL)
        killed_at = len(results)
        time.sleep(3)
        stop.set()
        for client in clients:
            client.join(timeout=15)
        after = results[killed_at:]
    failed = sum(status >= 500 or status == 0 for status in results)
    assert results[:killed_at], "requests were served before the kill"
    assert after, "and after it"
    assert all(status == 200 for status in after[-20:]), "every worker answers again"
    report("worker killed under load", f"{failed} of {len(results)} requests failed")


# A killed import ------------------------------------------------------------------------


def generated_labels(path: Path) -> Path:
    """GENERATED_LABELS labels made from the real fixtures, each its own drug and brand."""
    template = json.loads((LABELS / "tolvaptan-new-format.json").read_text())["results"][0]
    records = []
    for n in range(GENERATED_LABELS):
        record = json.loads(json.dumps(template))
        record["id"], record["set_id"] = f"chaos-spl-{n}", f"chaos-set-{n}"
        record["openfda"] |= {
            "generic_name": [f"CHAOSTINE {n}"],
            "brand_name": [f"Chaosbrand {n}"],
            "pharm_class_epc": [f"Chaos Class {n % 7} [EPC]"],
        }
        records.append(record)
    path.write_text(json.dumps({"meta": {}, "results": records}))
    return path


# An import's result by natural keys, database ids left out; plain SQL for SQLite and PostgreSQL.
STATE_QUERIES = {
    "drugs": "SELECT generic_name, slug, status, summary FROM drugs_drug",
    "names": "SELECT d.generic_name, n.name, n.kind FROM drugs_drugname n "
    "JOIN drugs_drug d ON d.id = n.drug_id",
    "sources": "SELECT spl_id, set_id, content_hash FROM drugs_labelsource",
    "classes": "SELECT d.generic_name, c.name FROM drugs_drug_classes m "
    "JOIN drugs_drug d ON d.id = m.drug_id JOIN drugs_drugclass c ON c.id = m.drugclass_id",
    "interactions": "SELECT d.generic_name, i.source, i.severity, i.evidence "
    "FROM drugs_interaction i JOIN drugs_drug d ON d.id = i.drug_id",
    "search": "SELECT s.kind, s.title, s.names FROM medguide_searchdocument s",
}


def snapshot(connection, queries: dict[str, str]) -> dict[str, list]:
    """Each query's rows, sorted (by repr: a column may mix NULL and text), on any DB-API
    connection."""
    result = {}
    for name, sql in queries.items():
        cursor = connection.cursor()
        cursor.execute(sql)
        result[name] = sorted(cursor.fetchall(), key=repr)
        cursor.close()
    return result


def state(database: Path) -> dict[str, list]:
    """The label import's result in a SQLite database."""
    with sqlite3.connect(database) as connection:
        return snapshot(connection, STATE_QUERIES)


def test_an_import_killed_anywhere_ends_like_one_clean_run(tmp_path):
    labels = generated_labels(tmp_path / "labels.json")
    clean_env = base_env(tmp_path, "clean")
    assert manage(clean_env, "migrate", "-v0").returncode == 0
    started = time.perf_counter()
    assert manage(clean_env, "import_labels", str(labels)).returncode == 0
    clean_seconds = time.perf_counter() - started
    expected = state(tmp_path / "clean.sqlite3")
    assert len(expected["drugs"]) == GENERATED_LABELS

    for delay in (round(part * clean_seconds, 1) for part in KILL_AT):
        env = base_env(tmp_path, f"killed-{delay}")
        assert manage(env, "migrate", "-v0").returncode == 0
        run = subprocess.Popen(
            [sys.executable, "manage.py", "import_labels", str(labels)],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        run.send_signal(signal.SIGKILL)
        run.wait()
        partial = len(state(tmp_path / f"killed-{delay}.sqlite3")["drugs"])
        assert manage(env, "import_labels", str(labels)).returncode == 0
        assert state(tmp_path / f"killed-{delay}.sqlite3") == expected, delay
        report(f"import killed at {delay} s ({partial} drugs in)", "rerun = clean run")
    report("clean import", f"{clean_seconds:.1f} s for {GENERATED_LABELS} labels")


# A killed interaction import -------------------------------------------------------------

NDFRT_SOURCE = "NDF-RT (US Veterans Affairs)"
POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
CHAOS_DATABASES = "medguide_chaos_int_"  # every database this scenario makes, and drops
# A Redis database number of its own and a key prefix per run: only these keys are written,
# and they are deleted by prefix afterwards (never a flush).
CHAOS_REDIS = "redis://127.0.0.1:6379/3"
# The interaction import's result by natural keys: every interaction with every field (the
# labels' and any editor's too, which it must leave alone), the search index, the rest.
INTERACTION_STATE_QUERIES = {
    **STATE_QUERIES,
    "interactions": "SELECT d.generic_name, o.generic_name, c.name, s.name, i.severity, "
    "i.effect, i.advice, i.source, i.source_id, l.set_id, i.label_section, i.evidence "
    "FROM drugs_interaction i JOIN drugs_drug d ON d.id = i.drug_id "
    "LEFT JOIN drugs_drug o ON o.id = i.interactant_drug_id "
    "LEFT JOIN drugs_drugclass c ON c.id = i.interactant_class_id "
    "LEFT JOIN drugs_substance s ON s.id = i.interactant_substance_id "
    "LEFT JOIN drugs_labelsource l ON l.id = i.label_source_id",
    "search": "SELECT kind, title, subtitle, url, names, keywords, summary, body, "
    "vector::text FROM medguide_searchdocument",
    "search names": "SELECT d.kind, d.title, n.name, n.key, n.is_primary "
    "FROM medguide_searchname n JOIN medguide_searchdocument d ON d.id = n.document_id",
}
# Generations a reader's pages were stored under: before the import, and between a kill and
# the rerun (pages of the half-imported catalogue).
STORED_BEFORE, STORED_AFTER_KILL = "pages-stored-before-the-import", "pages-stored-after-the-kill"


def unavailable(why: str):
    if os.environ.get("CI"):  # CI starts PostgreSQL and Redis: a missing one is a failure
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture
def postgres_sites(tmp_path):
    """make(name, template=None) → (database, env): a PostgreSQL database of this test's own,
    medguide_chaos_int_<run>_<name> (a copy of `template` when given), and the environment
    for manage.py on it, with the Redis page cache under a key prefix of its own. Drops those
    databases and deletes those keys afterwards, and nothing else."""
    psycopg = pytest.importorskip("psycopg")
    from psycopg import sql

    redis = pytest.importorskip("redis")
    if not (SHARED_LABELS.exists() and NDFRT.exists()):
        unavailable(f"no shared data at {DATA}")
    try:
        # Autocommit: CREATE and DROP DATABASE run outside a transaction.
        admin = psycopg.connect(dbname="postgres", connect_timeout=3, autocommit=True, **POSTGRES)
    except psycopg.OperationalError as error:
        unavailable(f"PostgreSQL does not answer: {error}")
    keys = redis.Redis.from_url(CHAOS_REDIS, socket_connect_timeout=3)
    try:
        keys.ping()
    except redis.RedisError as error:
        admin.close()
        unavailable(f"Redis does not answer at {CHAOS_REDIS}: {error}")
    run = secrets.token_hex(4)
    created: list[str] = []

    def make(name: str, template: str | None = None) -> tuple[str, dict[str, str]]:
        database = f"{CHAOS_DATABASES}{run}_{name}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with admin.cursor() as cursor:
            cursor.execute(statement)
        created.append(database)
        env = {
            **base_env(tmp_path, name),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "REDIS_URL": CHAOS_REDIS,
            "CACHE_KEY_PREFIX": f"chaos-int-{run}-{name}",
        }
        return database, env

    try:
        yield make
    finally:
        with admin.cursor() as cursor:
            for database in reversed(created):
                assert database.startswith(CHAOS_DATABASES)
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(database)
                    )
                )
        admin.close()
        for key in keys.scan_iter(match=f"chaos-int-{run}-*"):
            keys.delete(key)
        keys.close()


def connect(database: str):
    import psycopg

    # Autocommit: each query sees what the import has committed so far.
    return psycopg.connect(dbname=database, autocommit=True, **POSTGRES)


def ndfrt_interactions(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM drugs_interaction WHERE source = %s", [NDFRT_SOURCE])
        return cursor.fetchone()[0]


def page_cache(env: dict[str, str]):
    """The site's page cache as its servers reach it: Redis, under the `pages` cache's prefix
    (settings: the site's own, with -pages)."""
    from django_redis.cache import RedisCache

    return RedisCache(env["REDIS_URL"], {"KEY_PREFIX": f"{env['CACHE_KEY_PREFIX']}-pages"})


def store_pages(env: dict[str, str], token: str) -> None:
    """Leave the cache as readers' requests do: pages stored under a current generation."""
    from medguide.editorial.caching import GENERATION_KEY

    page_cache(env).set(GENERATION_KEY, (token, None), timeout=None)


def postgres_state(database: str, env: dict[str, str]) -> dict[str, object]:
    """The rows (INTERACTION_STATE_QUERIES), the size of every table, and whether pages
    stored before the import (or between a kill and the rerun) would still be served."""
    from psycopg import sql

    from medguide.editorial.caching import GENERATION_KEY

    connection = connect(database)
    try:
        result: dict[str, object] = snapshot(connection, INTERACTION_STATE_QUERIES)
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            sizes = {}
            for (table,) in sorted(cursor.fetchall()):
                cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
                sizes[table] = cursor.fetchone()[0]
        result["table sizes"] = sizes
    finally:
        connection.close()
    generation = page_cache(env).get(GENERATION_KEY)
    token = generation[0] if generation is not None else None
    stale = token in (STORED_BEFORE, STORED_AFTER_KILL)
    result["page cache"] = f"pages under {token} served" if stale else "all retired"
    return result


def test_an_interaction_import_killed_anywhere_ends_like_one_clean_run(postgres_sites):
    """The NDF-RT table on the 875 shared FDA labels, on PostgreSQL with the Redis page cache.
    The import writes each pair in its own transaction, so a kill lands between rows; it is
    killed when the rows it has committed reach each part of a clean run's (KILL_AT), which
    lands mid-write however fast the machine: reading the table takes a second or so before
    the first write, and writing the 944 pairs about another (the real file is enough)."""
    started = time.perf_counter()
    labels, labels_env = postgres_sites("labels")
    for command in (["migrate", "-v0"], ["import_labels", str(SHARED_LABELS)]):
        done = manage(labels_env, *command)
        assert done.returncode == 0, (command, done.stderr[-2000:])
    labels_seconds = time.perf_counter() - started
    # Each run starts from a copy of the labelled catalogue (CREATE DATABASE … TEMPLATE).

    clean, clean_env = postgres_sites("clean", template=labels)
    store_pages(clean_env, STORED_BEFORE)
    started = time.perf_counter()
    done = manage(clean_env, "import_interactions", str(NDFRT))
    clean_seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-2000:]
    expected = postgres_state(clean, clean_env)
    pairs = sum(row[7] == NDFRT_SOURCE for row in expected["interactions"])
    assert pairs > 500, "the NDF-RT names resolve to the labels' drugs"
    assert expected["page cache"] == "all retired"

    for part in KILL_AT:
        name = f"killed_{round(part * 100)}"
        database, env = postgres_sites(name, template=labels)
        store_pages(env, STORED_BEFORE)
        target = round(part * pairs)
        watcher = connect(database)
        started = time.perf_counter()
        run = subprocess.Popen(
            [sys.executable, "manage.py", "import_interactions", str(NDFRT)],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while run.poll() is None and ndfrt_interactions(watcher) < target:
                time.sleep(0.002)
            run.send_signal(signal.SIGKILL)  # nothing, if it has already ended
            run.wait()
            killed_after = time.perf_counter() - started
            partial = ndfrt_interactions(watcher)
        finally:
            watcher.close()
        assert run.returncode == -signal.SIGKILL, f"{name}: the import ended before the kill"
        assert 0 < partial < pairs, f"{name}: killed with {partial} of {pairs} pairs written"
        store_pages(env, STORED_AFTER_KILL)  # readers saw the half-imported catalogue

        started = time.perf_counter()
        done = manage(env, "import_interactions", str(NDFRT))
        rerun_seconds = time.perf_counter() - started
        assert done.returncode == 0, done.stderr[-2000:]
        got = postgres_state(database, env)
        for key in expected:
            assert got[key] == expected[key], f"{name}: {key} differ from a clean run's"
        report(
            f"interactions killed at {partial}/{pairs} pairs",
            f"{killed_after:.2f} s in; rerun {rerun_seconds:.1f} s = clean run",
        )
    report(
        "clean interaction import (PostgreSQL)",
        f"{clean_seconds:.1f} s for {pairs} pairs; labels first {labels_seconds:.0f} s",
    )
