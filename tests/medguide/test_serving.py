"""Serving as in production: hashed, compressed static files with far-future headers,
conditional pages, JSON logs on standard output, the health check, gunicorn's settings."""

import gzip
import json
import logging
import re
import runpy
from pathlib import Path

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic with production's storage, once for the module."""
    root = tmp_path_factory.mktemp("static")
    from django.test.utils import override_settings

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", "--no-input", verbosity=0)
    return root, storages


@pytest.fixture
def production_static(settings, collected):
    settings.STATIC_ROOT, settings.STORAGES = collected
    return collected[0]


def test_static_files_have_hashed_names_and_far_future_headers(production_static, db):
    url = static("css/site.css")
    # The content's hash is in the name: css/site.0123456789ab.css
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)

    response = Client().get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] == "gzip"
    body = gzip.decompress(b"".join(response.streaming_content))
    assert body == (PROJECT / "static/css/site.css").read_bytes()


def test_pages_link_the_hashed_static_files(production_static, baclofen):
    page = Client().get("/drugs/baclofen/").content.decode()
    assert static("css/site.css") in page
    assert static("js/site.js") in page
    assert '"/static/css/site.css"' not in page


def test_public_pages_are_compressed_and_revalidated_with_an_etag(client, baclofen):
    response = client.get("/drugs/baclofen/", headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    etag = response["ETag"]
    assert client.get("/drugs/baclofen/", headers={"If-None-Match": etag}).status_code == 304


def test_logs_are_one_json_object_a_line_on_standard_output(settings, capsys):
    from django.utils.log import configure_logging

    logging_config = {**settings.LOGGING}
    logging_config["handlers"] = {
        "console": {**settings.LOGGING["handlers"]["console"], "formatter": "json"}
    }
    configure_logging(settings.LOGGING_CONFIG, logging_config)
    try:
        logging.getLogger("medguide.requests").info(
            "GET /drugs/ 200", extra={"path": "/drugs/", "status": 200, "duration_ms": 3.5}
        )
        line = capsys.readouterr().out.strip().splitlines()[-1]
    finally:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    record = json.loads(line)
    assert record["level"] == "INFO"
    assert record["logger"] == "medguide.requests"
    assert record["message"] == "GET /drugs/ 200"
    assert record["path"] == "/drugs/"
    assert record["status"] == 200
    assert record["duration_ms"] == 3.5
    assert "time" in record


def test_each_request_is_logged_without_the_query_string(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="medguide.requests"):
        client.get("/search/", {"q": "my private illness"})
    (record,) = [r for r in caplog.records if r.name == "medguide.requests"]
    assert record.path == "/search/"
    assert record.status == 200
    assert record.method == "GET"
    assert record.duration_ms >= 0
    assert "illness" not in record.getMessage()


def test_healthz_checks_the_database_and_the_cache(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("PORT", "9001")
    config = runpy.run_path(str(PROJECT / "gunicorn.conf.py"))
    assert config["workers"] == 3
    assert config["bind"] == "0.0.0.0:9001"
    assert config["worker_class"] == "gthread"
    assert config["accesslog"] is None  # Django logs each request once (medguide/logs.py)
    formatter = config["logconfig_dict"]["formatters"]["json"]["()"]
    assert formatter == "pythonjsonlogger.json.JsonFormatter"
