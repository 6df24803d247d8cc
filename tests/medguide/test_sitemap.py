"""/sitemap.xml and robots.txt: what crawlers are told about, and only what is public."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from medguide import sitemaps
from medguide.editorial.models import Status
from tests.factories import (
    ArticleFactory,
    ConditionFactory,
    DrugClassFactory,
    DrugFactory,
    IndicationFactory,
    InteractionFactory,
)

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def xml(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def sections(client) -> list[str]:
    """The sitemap pages the index at /sitemap.xml lists, as paths."""
    index = xml(client, "/sitemap.xml")
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    return [
        loc.text.replace("http://testserver", "") for loc in index.findall("s:sitemap/s:loc", NS)
    ]


def sitemap(client) -> dict[str, str | None]:
    """Every address the sitemap's pages list, with its lastmod."""
    urls = {}
    for section in sections(client):
        for url in xml(client, section).findall("s:url", NS):
            loc = url.findtext("s:loc", namespaces=NS).replace("http://testserver", "")
            urls[loc] = url.findtext("s:lastmod", namespaces=NS)
    return urls


def test_sitemap_lists_public_pages_with_last_changes(client):
    relaxants = DrugClassFactory(name="Relaxants", slug="relaxants")
    drug = DrugFactory(generic_name="Baclofen", slug="baclofen", classes=[relaxants])
    IndicationFactory(drug=drug, condition=ConditionFactory(name="Spasticity", slug="spasticity"))
    guide = ArticleFactory(slug="living-with-spasticity")
    urls = sitemap(client)
    for path in ["/", "/drugs/", "/conditions/", "/articles/", "/interactions/"]:
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


def test_sitemap_lists_the_interactions_of_each_public_medicine(client):
    stores = DrugFactory(slug="stores-one")
    InteractionFactory(drug=stores, interactant_drug=DrugFactory(slug="named-by-one"))
    relaxants = DrugClassFactory()
    InteractionFactory(
        drug=DrugFactory(slug="draft-drug", status=Status.DRAFT), interactant_class=relaxants
    )
    InteractionFactory(drug=stores, interactant_class=relaxants)
    DrugFactory(slug="in-the-class", classes=[relaxants])
    DrugFactory(slug="none-known")
    urls = sitemap(client)
    # Each medicine's page of interactions (the checker, /interactions/, is a page of the site).
    listed = [path for path in urls if path.startswith("/drugs/") and "/interactions/" in path]
    assert sorted(listed) == [
        f"/drugs/{slug}/interactions/"
        for slug in ("in-the-class", "named-by-one", "none-known", "stores-one")
    ]
    assert all(urls[path] is None for path in listed)  # other medicines' rows change them
    pages = {path: client.get(path).content.decode() for path in listed}
    assert "Effect" in pages["/drugs/in-the-class/interactions/"]  # through its class
    assert "That does not mean it is safe" in pages["/drugs/none-known/interactions/"]


def test_no_sitemap_page_lists_more_than_its_limit(client, monkeypatch):
    monkeypatch.setattr(sitemaps.PagedSitemap, "limit", 2)
    for n in range(5):
        DrugFactory(generic_name=f"Paged {n}")
    drug_pages = [path for path in sections(client) if path.startswith("/sitemap-drugs.xml")]
    assert drug_pages == [
        "/sitemap-drugs.xml",
        "/sitemap-drugs.xml?p=2",
        "/sitemap-drugs.xml?p=3",
    ]
    assert len(sitemap(client)) > 5
    assert all(len(xml(client, path).findall("s:url", NS)) <= 2 for path in drug_pages)


def test_class_and_condition_pages_are_counted_as_they_are_listed(client, monkeypatch):
    """The index counts these sections without their last-change aggregate (a join over
    every medicine of every class: 29 and 98 ms on SQLite at 20,000 medicines), so the count
    must be that of what the pages list: a class of several medicines once, one of drafts
    only not at all."""
    monkeypatch.setattr(sitemaps.PagedSitemap, "limit", 2)
    classes = [DrugClassFactory(name=f"Class {n}") for n in range(5)]
    conditions = [ConditionFactory(name=f"Condition {n}") for n in range(5)]
    for n in range(4):  # classes and conditions 0-3 have two public medicines each
        for copy in range(2):
            drug = DrugFactory(generic_name=f"Member {n} {copy}", classes=[classes[n]])
            IndicationFactory(drug=drug, condition=conditions[n])
    draft = DrugFactory(status=Status.DRAFT, classes=[classes[4]])
    IndicationFactory(drug=draft, condition=conditions[4])
    for section in ("classes", "conditions"):
        site = sitemaps.SITEMAPS[section]()
        assert site.paginator.count == len(site.items()) == 4
        pages = [path for path in sections(client) if path.startswith(f"/sitemap-{section}.xml")]
        assert pages == [f"/sitemap-{section}.xml", f"/sitemap-{section}.xml?p=2"]
        listed = [url for path in pages for url in xml(client, path).findall("s:url", NS)]
        assert len(listed) == 4


def test_class_and_condition_pages_change_with_their_public_medicines_only(client):
    """A draft's or an archived medicine's edit changes nothing a reader sees on its class's
    or condition's page, so it must not move that page's lastmod either."""
    relaxants = DrugClassFactory(slug="relaxants")
    spasticity = ConditionFactory(slug="spasticity")
    public = DrugFactory(classes=[relaxants])
    IndicationFactory(drug=public, condition=spasticity)
    later = public.updated_at + timedelta(days=3)
    for status in (Status.DRAFT, Status.ARCHIVED):
        hidden = DrugFactory(status=status, classes=[relaxants])
        IndicationFactory(drug=hidden, condition=spasticity)
        type(hidden).objects.filter(pk=hidden.pk).update(updated_at=later)
    urls = sitemap(client)
    for path in ("/drug-classes/relaxants/", "/conditions/spasticity/"):
        assert urls[path] == public.updated_at.date().isoformat()


@pytest.mark.parametrize(
    "path", ["/sitemap-nothing.xml", "/sitemap-drugs.xml?p=99", "/sitemap-drugs.xml?p=x"]
)
def test_a_sitemap_page_that_does_not_exist_is_404(client, path):
    DrugFactory()
    assert client.get(path).status_code == 404


def test_sitemap_queries_do_not_grow(client, django_assert_max_num_queries):
    for n in range(3):
        DrugFactory(generic_name=f"Few {n}")
        ArticleFactory()
    paths = (
        "/sitemap.xml",
        "/sitemap-drugs.xml",
        "/sitemap-interactions.xml",
        "/sitemap-guides.xml",
    )
    for path in paths:
        with django_assert_max_num_queries(8) as few:
            client.get(path)
        for n in range(40):
            DrugFactory(generic_name=f"Many {path} {n}")
            ArticleFactory()
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(path)


def test_robots_txt_points_at_the_sitemap(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
