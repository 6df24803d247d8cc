"""The fault suite (`make chaos`): real gunicorn, SQLite or PostgreSQL and Redis clients on
loopback, and what each fault costs. Not part of `make test`; each scenario prints a line.

- the cache server unreachable: pages still served, saves and reports still accepted,
  /healthz answers 503 naming the cache;
- the database unreachable: a friendly error page, never a traceback; /healthz names it;
- a worker killed under load: how many requests failed, and how soon all answer again;
- a label import killed (SIGKILL) at several points and run again: the same rows, classes,
  interactions and search documents as one clean run.
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


def state(database: Path) -> dict[str, list]:
    """The import's result by natural keys, database ids left out."""
    queries = {
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
    with sqlite3.connect(database) as connection:
        return {name: sorted(connection.execute(sql).fetchall()) for name, sql in queries.items()}


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
