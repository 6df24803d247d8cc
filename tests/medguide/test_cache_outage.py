"""A cache outage costs speed, never data: with the cache server unreachable (a real Redis
client pointed at a port nothing listens on), saves, imports and reader reports still work,
and the page cache moves to a new generation once the cache answers again."""

import logging
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from drugs.models import Condition, Drug, SectionFeedback
from medguide.editorial import caching
from tests.factories import DrugFactory

pytestmark = pytest.mark.django_db

LABELS = Path(__file__).resolve().parent.parent / "fixtures" / "labels"
UNREACHABLE = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
}


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": UNREACHABLE, "pages": UNREACHABLE}
    settings.CACHE_MIDDLEWARE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 600
    yield
    caching._unreached.clear()


@pytest.fixture(autouse=True)
def empty_cache():
    """Overrides the suite's: there is no cache to empty here."""


def test_an_admin_save_works_with_the_cache_down(cache_down, admin_client, caplog):
    condition = Condition.objects.create(name="Spasticity", slug="spasticity")
    response = admin_client.post(
        f"/admin/drugs/condition/{condition.pk}/change/",
        {"name": "Spasticity", "slug": "spasticity", "summary": "Stiff muscles."},
    )
    assert response.status_code == 302
    assert Condition.objects.get().summary == "Stiff muscles."
    assert "Page cache unreachable" in caplog.text


def test_a_label_import_works_with_the_cache_down(cache_down):
    call_command("import_labels", str(LABELS), stdout=StringIO(), stderr=StringIO())
    assert Drug.objects.filter(generic_name="Baclofen").exists()


def test_a_reader_report_is_accepted_with_the_cache_down(cache_down, client, caplog, baclofen):
    with caplog.at_level(logging.WARNING):
        response = client.post(
            "/drugs/baclofen/feedback/",
            {"section": "dosage", "message": "The kidney dose is missing its unit.", "website": ""},
        )
    assert response.status_code == 302
    assert SectionFeedback.objects.count() == 1
    assert "Flood limit unavailable" in caplog.text


def test_public_pages_and_healthz_with_the_cache_down(cache_down, client):
    drug = DrugFactory()
    assert client.get(drug.get_absolute_url()).status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["cache"] == "unavailable"


def test_the_generation_moves_once_the_cache_answers_again(settings, page_cache_on):
    store = caching.cache()
    stale = caching.current_generation()
    caching._unreached.set()  # an invalidation this process could not deliver
    caching.retry_unreached()
    assert not caching._unreached.is_set()
    assert store.get(caching.GENERATION_KEY) is None
    assert caching.current_generation().token != stale.token


@pytest.fixture
def page_cache_on(settings):
    settings.CACHE_MIDDLEWARE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 600
    caching.invalidate()
    yield
    caching._unreached.clear()
