"""What crawlers and link previews read in each public page's <head>: one canonical address
built from the request, a description from the page's own data, Open Graph and Twitter tags
that repeat them, and noindex (with no canonical) on pages that answer one reader's query."""

import pytest
from django.conf import settings
from django.utils.text import Truncator

from articles.models import Article
from drugs.models import FEATURED as FEATURED_SLUGS
from drugs.models import Condition, Drug, DrugClass
from drugs.templatetags.drug_tags import lead
from tests.factories import ArticleFactory, DrugClassFactory, DrugFactory
from tests.page_head import SITE, SITE_NAME, Head, head_of

# Each public page type in the demo: the address asked for, and its canonical path.
PAGES = {
    "home": ("/", "/"),
    "drugs A-Z": ("/drugs/", "/drugs/"),
    "drugs by letter": ("/drugs/?letter=b&utm_source=x", "/drugs/?letter=b"),
    "drug": ("/drugs/baclofen/", "/drugs/baclofen/"),
    "drug, professional view": ("/drugs/baclofen/?view=pro", "/drugs/baclofen/"),
    "drug class": (
        "/drug-classes/skeletal-muscle-relaxants/",
        "/drug-classes/skeletal-muscle-relaxants/",
    ),
    "conditions": ("/conditions/", "/conditions/"),
    "condition": ("/conditions/spasticity/", "/conditions/spasticity/"),
    "guides": ("/articles/", "/articles/"),
    "guides, filtered": ("/articles/?tag=baclofen&utm_source=newsletter", "/articles/"),
    "guides in a category": ("/articles/category/lifestyle/", "/articles/category/lifestyle/"),
    "guides with a tag": ("/articles/tag/baclofen/", "/articles/tag/baclofen/"),
    "guide": (
        "/articles/footwear-advice-for-muscle-stiffness/",
        "/articles/footwear-advice-for-muscle-stiffness/",
    ),
    "interaction checker": ("/interactions/", "/interactions/"),
    "diary": ("/drugs/baclofen/diary/?start=2026-01-05", "/drugs/baclofen/diary/"),
    "changes": ("/drugs/baclofen/changes/", "/drugs/baclofen/changes/"),
    "interactions": ("/drugs/baclofen/interactions/?page=1", "/drugs/baclofen/interactions/"),
}


def description_of(client, url: str) -> str:
    head = head_of(client, url)
    assert head.one("og:description") == head.one("description")
    return head.one("description")


def shortened(text: str, length: int = 160) -> str:
    return Truncator(text).chars(length)


@pytest.mark.parametrize(("asked", "path"), PAGES.values(), ids=PAGES.keys())
def test_public_page_tells_crawlers_its_canonical_address_and_preview(demo, client, asked, path):
    head = head_of(client, asked)
    assert head.canonical == SITE + path
    assert "robots" not in head.meta
    assert head.one("og:url") == head.canonical
    assert head.one("og:title") == head.page_title
    assert head.one("og:description") == head.one("description") != ""
    assert head.one("og:site_name") == SITE_NAME
    assert head.one("og:type") == ("article" if path == PAGES["guide"][1] else "website")
    assert head.one("twitter:card") in {"summary", "summary_large_image"}


def test_descriptions_of_public_pages_are_all_different(demo, client):
    descriptions = {
        name: head_of(client, asked).one("description")
        for name, (asked, path) in PAGES.items()
        if asked == path  # the same page asked another way says the same, rightly
    }
    assert len(set(descriptions.values())) == len(descriptions), descriptions


def test_canonical_address_follows_the_requests_host_and_scheme(demo, client, settings):
    settings.ALLOWED_HOSTS = ["medguide.example.org"]
    head = head_of(
        client,
        "/articles/footwear-advice-for-muscle-stiffness/?utm_source=x",
        HTTP_HOST="medguide.example.org",
        HTTP_X_FORWARDED_PROTO="https",  # what the TLS-terminating proxy sends
    )
    url = "https://medguide.example.org/articles/footwear-advice-for-muscle-stiffness/"
    assert head.canonical == url
    assert head.data()["url"] == url


def test_a_host_not_allowed_never_reaches_a_canonical_link(demo, client, settings):
    settings.ALLOWED_HOSTS = ["medguide.example.org"]
    response = client.get("/drugs/baclofen/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    head = Head(response.content.decode())
    assert head.canonical is None
    assert "evil.example" not in response.content.decode()


def test_paginated_guide_list_keeps_the_page_number_and_drops_other_parameters(demo, client):
    ArticleFactory.create_batch(13)  # with the demo's four guides, two pages of twelve
    assert head_of(client, "/articles/?page=2&utm_source=x").canonical == SITE + "/articles/?page=2"
    assert head_of(client, "/articles/?page=1&utm_source=x").canonical == SITE + "/articles/"
    # A page past the end shows the last page, and says so.
    last = head_of(client, "/articles/?page=99")
    assert last.canonical == SITE + "/articles/?page=2"
    assert last.page_title == "Guides (page 2)"


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=baclofen",
        "/search/?q=baclofen&page=2",
        "/interactions/?drugs=baclofen,diazepam",
        "/drugs/baclofen/feedback/?section=dosage",
    ],
)
def test_pages_answering_one_readers_query_are_noindex_without_canonical(demo, client, url):
    head = head_of(client, url)
    assert head.one("robots") == "noindex"
    assert head.canonical is None


def test_missing_page_is_noindex_without_canonical(demo, client):
    response = client.get("/drugs/no-such-medicine/")
    assert response.status_code == 404
    head = Head(response.content.decode())
    assert head.one("robots") == "noindex"
    assert head.canonical is None


# Descriptions from each page's data


def test_every_drug_page_is_described_by_its_own_summary(demo, client):
    drugs = list(Drug.objects.published())
    descriptions = [description_of(client, drug.get_absolute_url()) for drug in drugs]
    assert descriptions == [shortened(lead(drug.summary)) for drug in drugs]
    assert len(set(descriptions)) == len(drugs)


def test_drug_class_page_is_described_by_its_description_or_its_medicines(demo, client):
    relaxants = DrugClass.objects.get(slug="skeletal-muscle-relaxants")
    assert description_of(client, relaxants.get_absolute_url()) == shortened(
        lead(relaxants.description)
    )
    bare = DrugClassFactory(name="Spasmolytics", description="")
    DrugFactory(generic_name="Examplazine", classes=[bare])
    described = description_of(client, bare.get_absolute_url())
    assert described.startswith("Spasmolytics: a class of medicines, including examplazine.")


def test_condition_page_is_described_by_its_summary(demo, client):
    spasticity = Condition.objects.get(slug="spasticity")
    assert description_of(client, spasticity.get_absolute_url()) == shortened(spasticity.summary)


def test_home_and_lists_are_described_with_what_they_list(demo, client):
    home = description_of(client, "/")
    for slug in FEATURED_SLUGS:
        assert slug in home
    every = sorted(d.generic_name.lower() for d in Drug.objects.published())
    assert description_of(client, "/drugs/").startswith(
        f"An A to Z index of the medicines in {SITE_NAME}: " + ", ".join(every)
    )
    letter_b = [d.generic_name.lower() for d in Drug.objects.published() if d.slug[0] == "b"]
    assert letter_b
    by_letter = description_of(client, "/drugs/?letter=b")
    assert by_letter.startswith("Medicines starting with B: " + ", ".join(letter_b))
    assert description_of(client, "/conditions/").startswith(
        f"{Condition.objects.filter(indications__drug__status='published').distinct().count()} "
    )
    tagged = description_of(client, "/articles/tag/baclofen/")
    assert tagged.startswith("Guides tagged “baclofen”: ")
    for guide in Article.objects.published().filter(tags__slug="baclofen"):
        assert guide.title in tagged


def test_guide_is_described_by_its_summary_and_shares_its_hero_picture(demo, client):
    guide = Article.objects.get(slug="footwear-advice-for-muscle-stiffness")
    head = head_of(client, guide.get_absolute_url())
    assert head.one("description") == shortened(guide.summary)
    assert head.data()["description"] == guide.summary
    picture = next(r for r in guide.hero_renditions if r["format"] == "jpeg" and r["width"] == 1200)
    image = SITE + settings.MEDIA_URL + picture["name"]
    assert head.one("og:image") == image
    assert head.one("og:image:width") == "1200"
    assert head.one("og:image:height") == str(picture["height"])
    assert head.one("og:image:alt") == guide.hero_alt
    assert head.one("twitter:card") == "summary_large_image"
    assert head.data()["image"]["url"] == image


def test_drug_page_has_no_picture_to_share(demo, client):
    head = head_of(client, "/drugs/baclofen/")
    assert "og:image" not in head.meta
    assert head.one("twitter:card") == "summary"
    assert head.data()["@type"] == "MedicalWebPage"
