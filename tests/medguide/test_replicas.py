"""Past one machine: readers' page views read from a replica (medguide/replicas.py), and two
app servers sharing PostgreSQL and Redis serve a publish from either at once.

The integration tests point the replica alias at the primary's own database on the local
PostgreSQL server, as the issue asks; each creates its own database and drops only that."""

import json
import os
import secrets
import subprocess
import sys
import urllib.request
import uuid
from contextlib import contextmanager

import pytest
from django.test import RequestFactory

from medguide.replicas import ReplicaRouter, _may_read_replica, replica_reads
from tests.caches import REDIS_URL
from tests.servers import PROJECT, gunicorn

pytestmark = pytest.mark.processes

POSTGRES = "postgres://postgres@127.0.0.1:5432"


# The router and its middleware --------------------------------------------------------------


def routed(request) -> tuple[str, str, str]:
    """Where the request's reads go before and after a write, as the middleware sets it up."""
    router = ReplicaRouter()
    seen = []

    def view(request):
        seen.append(router.db_for_read(None))
        seen.append(router.db_for_write(None))
        seen.append(router.db_for_read(None))
        return None

    replica_reads(view)(request)
    return tuple(seen)


def test_a_readers_page_view_reads_from_the_replica_until_it_writes():
    request = RequestFactory().get("/drugs/baclofen/")
    assert routed(request) == ("replica", "default", "default")


@pytest.mark.parametrize(
    "request_",
    [
        RequestFactory().post("/drugs/baclofen/feedback/"),
        RequestFactory().get("/admin/"),
        RequestFactory().get("/drugs/baclofen/", HTTP_COOKIE="sessionid=abc"),
    ],
    ids=["a post", "the admin", "a session"],
)
def test_everything_else_reads_from_the_primary(request_):
    assert routed(request_)[0] == "default"


def test_outside_a_request_everything_uses_the_primary():
    assert _may_read_replica.get() is False
    assert ReplicaRouter().db_for_read(None) == "default"
    assert ReplicaRouter().allow_migrate("replica", "drugs") is False


# On a real server ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def primary():
    """A migrated PostgreSQL database of this module's own, its URL."""
    psycopg = pytest.importorskip("psycopg")
    name = f"medguide_replica_{uuid.uuid4().hex[:12]}"
    try:
        # Autocommit: CREATE and DROP DATABASE run outside a transaction.
        admin = psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL does not answer: {error}")
        pytest.skip(f"PostgreSQL does not answer: {error}")
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = f"{POSTGRES}/{name}"
    try:
        manage({"DATABASE_URL": url}, "migrate", "-v0")
        yield url
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def environment(primary: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": primary,
        "DATABASE_REPLICA_URL": primary,  # the same server stands in for its replica
        "SECRET_KEY": secrets.token_urlsafe(50),
        "REDIS_URL": "",
        **extra,
    }


def manage(env: dict[str, str], *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT,
        env={**os.environ, "SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# Run inside the project with the replica configured: which aliases each request queried.
ROUTES_SEEN = """
import json
from django.db import connections
from django.test import Client
from django.test.utils import setup_test_environment
from tests.factories import DrugFactory

setup_test_environment()
drug = DrugFactory(generic_name="Replicazole")
used = set()

def recorder(alias):
    def wrapper(execute, sql, params, many, context):
        used.add(alias)
        return execute(sql, params, many, context)
    return wrapper

def aliases(send):
    used.clear()
    with connections["default"].execute_wrapper(recorder("default")):
        with connections["replica"].execute_wrapper(recorder("replica")):
            response = send()
    return {"status": response.status_code, "aliases": sorted(used)}

reader, editor = Client(), Client()
editor.cookies["sessionid"] = "an-editor"
print(json.dumps({
    "first page": aliases(lambda: reader.get(drug.get_absolute_url())),
    "page": aliases(lambda: reader.get(drug.get_absolute_url())),
    "search": aliases(lambda: reader.get("/search/", {"q": "replicazole"})),
    "admin": aliases(lambda: reader.get("/admin/login/")),
    "session": aliases(lambda: editor.get(drug.get_absolute_url())),
    "report": aliases(lambda: reader.post(drug.get_absolute_url() + "feedback/", {})),
}))
"""


def test_readers_read_from_the_replica_and_writes_stay_on_the_primary(primary):
    env = environment(primary, DEBUG="true", PAGE_CACHE_SECONDS="0")
    seen = json.loads(manage(env, "shell", "-c", ROUTES_SEEN).strip().splitlines()[-1])

    # A monograph's first reader keeps its rows on the primary (drugs.kept_rows); the next
    # reads them, and all the rest, from the replica.
    assert seen["first page"] == {"status": 200, "aliases": ["default", "replica"]}
    assert seen["page"] == {"status": 200, "aliases": ["replica"]}
    # The search log is written, then anything read after it comes from the primary.
    assert seen["search"]["status"] == 200
    assert "default" in seen["search"]["aliases"]
    assert "replica" not in seen["admin"]["aliases"]
    assert seen["session"]["aliases"] == ["default"]
    assert "replica" not in seen["report"]["aliases"]


# Run with a replica that refuses connections: what readers get, and how often it is tried.
REPLICA_DOWN = """
import json, logging
from django.db import connections
from django.test import Client
from django.test.utils import setup_test_environment
from medguide import replicas
from tests.factories import DrugFactory

setup_test_environment()
drug = DrugFactory(generic_name="Restazole")
attempts, warnings = [], []
replica = connections["replica"]
connect = replica.connect
replica.connect = lambda: (attempts.append(1), connect())[1]

class Warnings(logging.Handler):
    def emit(self, record):
        warnings.append(record.getMessage())

logging.getLogger("medguide.replicas").addHandler(Warnings())
reader = Client()
assert reader.get("/robots.txt").status_code == 200
tried_for_no_reads = len(attempts)
statuses = [reader.get(drug.get_absolute_url()).status_code for _ in range(3)]
tried_while_resting = len(attempts)
replicas._replica_resting_until = 0.0  # RETRY_SECONDS have passed
statuses.append(reader.get("/drugs/").status_code)
print(json.dumps({
    "statuses": statuses,
    "tried_for_no_reads": tried_for_no_reads,
    "tried_while_resting": tried_while_resting,
    "tried_after": len(attempts),
    "warnings": warnings,
    "healthz": reader.get("/healthz").json(),
}))
"""


def test_readers_read_from_the_primary_while_the_replica_does_not_answer(primary):
    env = environment(primary, DEBUG="true", PAGE_CACHE_SECONDS="0")
    env["DATABASE_REPLICA_URL"] = "postgres://postgres@127.0.0.1:1/nothing-listens-here"
    seen = json.loads(manage(env, "shell", "-c", REPLICA_DOWN).strip().splitlines()[-1])

    assert seen["statuses"] == [200, 200, 200, 200]
    assert seen["tried_for_no_reads"] == 0, "a page that reads nothing does not ask"
    assert seen["tried_while_resting"] == 1, "tried once, then left to rest"
    assert seen["tried_after"] == 2, "tried again once it has rested"
    warning = "replica did not answer; readers read from the primary for 30 s"
    assert seen["warnings"] == [warning, warning]
    assert seen["healthz"]["replica"] == "unavailable"
    assert seen["healthz"]["database"] == "ok"


@contextmanager
def redis_prefix():
    """A key prefix of this test's own on the shared Redis server, its keys deleted after."""
    redis = pytest.importorskip("redis")
    prefix = f"medguide-test-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {REDIS_URL}: {error}")
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {error}")
    try:
        yield prefix
    finally:
        # Both caches' keys: `default` under the prefix, `pages` under "<prefix>-pages"
        # (PAGE_CACHE_KEY_PREFIX's default), whose generation key would otherwise never expire.
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)


def page(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return response.read().decode()


def test_two_servers_serve_a_publish_from_either_at_once(primary, tmp_path):
    with redis_prefix() as prefix:
        env = environment(
            primary,
            DEBUG="false",
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            REDIS_URL=REDIS_URL,
            CACHE_KEY_PREFIX=prefix,
            STATIC_ROOT=str(tmp_path / "static"),
            WEB_CONCURRENCY="1",
        )
        manage(env, "collectstatic", "--no-input", "-v0")
        manage(
            env,
            "shell",
            "-c",
            "from tests.factories import DrugFactory; "
            "DrugFactory(generic_name='Twinazole', summary='Before the publish.')",
        )
        with (
            gunicorn(env, tmp_path / "one.log") as (one, _pid_one),
            gunicorn(env, tmp_path / "two.log") as (two, _pid_two),
        ):
            for base in (one, two):  # each server has the old page in the shared cache
                assert "Before the publish." in page(base, "/drugs/twinazole/")

            manage(
                env,
                "shell",
                "-c",
                "from drugs.models import Drug; "
                "drug = Drug.objects.get(slug='twinazole'); "
                "drug.summary = 'After the publish.'; drug.save()",
            )

            for base in (one, two):
                assert "After the publish." in page(base, "/drugs/twinazole/")
