"""/sitemap.xml and robots.txt: what crawlers are told about, and only what is public."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from medguide.editorial.models import Status
from tests.factories import (
    ArticleFactory,
    ConditionFactory,
    DrugClassFactory,
    DrugFactory,
    IndicationFactory,
)

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap(client) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        url.findtext("s:loc", namespaces=NS).replace("http://testserver", ""): url.findtext(
            "s:lastmod", namespaces=NS
        )
        for url in root.findall("s:url", NS)
    }


def test_sitemap_lists_public_pages_with_last_changes(client):
    relaxants = DrugClassFactory(name="Relaxants", slug="relaxants")
    drug = DrugFactory(generic_name="Baclofen", slug="baclofen", classes=[relaxants])
    IndicationFactory(drug=drug, condition=ConditionFactory(name="Spasticity", slug="spasticity"))
    guide = ArticleFactory(slug="living-with-spasticity")
    urls = sitemap(client)
    for path in ["/", "/drugs/", "/conditions/", "/articles/"]:
        assert path in urls
    assert urls["/drugs/baclofen/"] == drug.updated_at.date().isoformat()
    assert "/drug-classes/relaxants/" in urls
    assert "/conditions/spasticity/" in urls
    assert urls["/articles/living-with-spasticity/"] == guide.updated_at.date().isoformat()


def test_sitemap_leaves_out_what_readers_cannot_see(client):
    hidden_class = DrugClassFactory(slug="hidden-class")
    DrugFactory(slug="draft-drug", status=Status.DRAFT, classes=[hidden_class])
    DrugFactory(slug="archived-drug", status=Status.ARCHIVED)
    DrugFactory(slug="later-drug", published_at=timezone.now() + timedelta(days=1))
    ArticleFactory(slug="tomorrow", published_at=timezone.now() + timedelta(days=1))
    urls = " ".join(sitemap(client))
    for slug in ["draft-drug", "archived-drug", "later-drug", "tomorrow", "hidden-class"]:
        assert slug not in urls


def test_sitemap_queries_do_not_grow(client, django_assert_max_num_queries):
    for n in range(3):
        DrugFactory(generic_name=f"Few {n}")
        ArticleFactory()
    with django_assert_max_num_queries(8) as few:
        client.get("/sitemap.xml")
    for n in range(40):
        DrugFactory(generic_name=f"Many {n}")
        ArticleFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/sitemap.xml")


def test_robots_txt_points_at_the_sitemap(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
