"""Production settings pass Django's deploy checks; a missing SECRET_KEY is reported; the
admin's address and the database connection's options come from the environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.processes

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def manage(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    """`manage.py <arguments>` in a fresh process with only these settings variables."""
    return subprocess.run(
        [sys.executable, str(MANAGE), *arguments],
        env={"PATH": os.environ.get("PATH", ""), **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def check_deploy(folder: Path, **environment: str) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` with these settings variables (and a database in the
    test's own folder)."""
    defaults = {
        "DEBUG": "false",
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": f"sqlite:///{folder / 'deploy.sqlite3'}",
    }
    return manage("check", "--deploy", "--fail-level", "WARNING", **{**defaults, **environment})


def test_production_settings_pass_the_deploy_checks(tmp_path):
    result = check_deploy(tmp_path, SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_reports_a_missing_secret_key(tmp_path):
    # Set but empty, so that a developer's .env cannot fill it in.
    result = check_deploy(tmp_path, SECRET_KEY="")
    assert result.returncode != 0
    assert "medguide.E001" in result.stderr
    assert "SECRET_KEY is not set in the environment." in result.stderr


RESOLVE_ADMIN = "from django.urls import reverse; print(reverse('admin:index'))"


def test_admin_url_comes_from_the_environment(tmp_path):
    # Slashes are optional: "/editorial-7f3a" and "editorial-7f3a/" give the same address.
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        RESOLVE_ADMIN,
        ADMIN_URL="/editorial-7f3a",
        DATABASE_URL=f"sqlite:///{tmp_path / 'admin-url.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/editorial-7f3a/"


def production_profile() -> dict[str, str]:
    """The variables deploy/production.env.example sets (KEY=value lines)."""
    path = MANAGE.parent / "deploy" / "production.env.example"
    lines = [line.strip() for line in path.read_text().splitlines()]
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_the_documented_production_profile_passes_the_deploy_checks(tmp_path):
    profile = production_profile()
    assert profile["DEBUG"] == "false"
    assert profile["REDIS_URL"].startswith("redis://")
    result = check_deploy(tmp_path, **profile, SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


READ_CACHES = (
    "import json; from django.conf import settings; "
    "print(json.dumps({alias: [cache['LOCATION'], cache['KEY_PREFIX']] "
    "for alias, cache in settings.CACHES.items()}))"
)


@pytest.mark.parametrize(
    ("given", "pages"),
    [
        ({}, "redis://cache.invalid:6379/0"),
        ({"PAGE_CACHE_REDIS_URL": "redis://pages.invalid:6379/0"}, "redis://pages.invalid:6379/0"),
    ],
)
def test_the_page_cache_can_have_a_redis_server_of_its_own(given, pages):
    """So that it can be given a memory limit that evicts, apart from the search log's
    counts and the flood limits (nothing is connected to)."""
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        READ_CACHES,
        REDIS_URL="redis://cache.invalid:6379/0",
        **given,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "default": ["redis://cache.invalid:6379/0", "medguide"],
        "pages": [pages, "medguide-pages"],
    }


READ_DATABASES = (
    "import json; from django.conf import settings; "
    "print(json.dumps({alias: [db['ENGINE'], db.get('OPTIONS', {})] "
    "for alias, db in settings.DATABASES.items()}))"
)


def database_settings(**environment: str) -> subprocess.CompletedProcess:
    """The engine and options of each database alias, as JSON (nothing is connected to)."""
    return manage(
        "shell",
        "--no-imports",
        "-c",
        READ_DATABASES,
        DATABASE_URL="postgres://medguide@db.invalid:5432/medguide",
        DATABASE_REPLICA_URL="postgres://medguide@replica.invalid:5432/medguide",
        **environment,
    )


@pytest.mark.parametrize(
    ("given", "threshold"), [({}, 2), ({"DATABASE_PREPARE_THRESHOLD": "none"}, None)]
)
def test_postgresql_binds_on_the_server_and_prepares_as_the_environment_says(given, threshold):
    """Every PostgreSQL alias, the replica too (docs/decisions/prepared-statements.md)."""
    result = database_settings(**given)
    assert result.returncode == 0, result.stderr
    for engine, options in json.loads(result.stdout).values():
        assert engine == "medguide.postgresql"
        assert options["server_side_binding"] is True
        assert options["prepare_threshold"] == threshold
        # Prepared statements are still planned for each run's values.
        assert ("plan_cache_mode=force_custom_plan" in options.get("options", "")) is bool(
            threshold
        )


def test_a_prepare_threshold_that_is_not_a_number_is_refused_by_name():
    result = database_settings(DATABASE_PREPARE_THRESHOLD="often")
    assert result.returncode != 0
    assert "DATABASE_PREPARE_THRESHOLD is 'often'" in result.stderr
