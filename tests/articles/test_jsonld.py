"""A guide's schema.org Article: built from the guide's data, about its live medicines only,
and safe inside its <script> element whatever an editor types."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from articles.jsonld import share_image
from articles.models import Article
from medguide.editorial.models import Status
from tests.factories import ArticleFactory, AuthorFactory, CategoryFactory, DrugFactory
from tests.page_head import SITE, SITE_NAME, head_of

pytestmark = pytest.mark.django_db

HOSTILE = "</script><script>alert(1)</script>"
RENDITIONS = [
    {"width": 1600, "height": 900, "format": "jpeg", "name": "renditions/hero-1600w.jpg"},
    {"width": 480, "height": 270, "format": "jpeg", "name": "renditions/hero-480w.jpg"},
    {"width": 1200, "height": 675, "format": "jpeg", "name": "renditions/hero-1200w.jpg"},
    {"width": 1200, "height": 675, "format": "webp", "name": "renditions/hero-1200w.webp"},
]


def test_guide_carries_an_article_built_from_its_data(client):
    baclofen = DrugFactory(generic_name="Baclofen", slug="baclofen")
    guide = ArticleFactory(
        title="Living with spasticity",
        slug="living-with-spasticity",
        author=AuthorFactory(name="Sam Rivera", credentials="PharmD"),
        category=CategoryFactory(name="Conditions"),
        revised_on=date.today(),
        tags=["spasticity", "stiffness"],
        related_drugs=[baclofen],
    )
    url = SITE + "/articles/living-with-spasticity/"
    data = head_of(client, guide.get_absolute_url()).data()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Article"
    assert data["url"] == data["@id"] == data["mainEntityOfPage"]["@id"] == url
    assert data["headline"] == "Living with spasticity"
    assert data["description"] == guide.summary
    assert data["datePublished"] == guide.published_at.isoformat()
    assert data["dateModified"] == date.today().isoformat()
    assert data["author"] == {"@type": "Person", "name": "Sam Rivera"}
    assert data["publisher"] == {"@type": "Organization", "name": SITE_NAME, "url": SITE + "/"}
    assert data["articleSection"] == "Conditions"
    assert sorted(data["keywords"]) == ["spasticity", "stiffness"]
    assert data["about"] == [
        {"@type": "Drug", "name": "Baclofen", "url": SITE + "/drugs/baclofen/"}
    ]
    assert "image" not in data  # no hero picture


def test_unrevised_guide_was_last_modified_when_published(client):
    guide = ArticleFactory()
    data = head_of(client, guide.get_absolute_url()).data()
    assert data["dateModified"] == data["datePublished"] == guide.published_at.isoformat()


def test_a_team_byline_is_an_organization(client):
    team = AuthorFactory(name="MedGuide Editorial Team", credentials="Editorial team")
    guide = ArticleFactory(author=team)
    author = head_of(client, guide.get_absolute_url()).data()["author"]
    assert author == {"@type": "Organization", "name": "MedGuide Editorial Team"}


def test_about_lists_only_the_live_medicines(client):
    live = DrugFactory(generic_name="Tizanidine")
    hidden = [
        DrugFactory(generic_name="Draftamine", status=Status.DRAFT),
        DrugFactory(generic_name="Archivol", status=Status.ARCHIVED),
        DrugFactory(generic_name="Laterex", published_at=timezone.now() + timedelta(days=1)),
    ]
    guide = ArticleFactory(related_drugs=[live, *hidden])
    about = head_of(client, guide.get_absolute_url()).data()["about"]
    assert [drug["name"] for drug in about] == ["Tizanidine"]


def test_a_hostile_title_cannot_leave_the_jsonld_block(client):
    guide = ArticleFactory(
        title=f"Guide {HOSTILE}",
        slug="hostile",
        summary=f"<!-- {HOSTILE} \u2028 & more",
        tags=[HOSTILE[:100]],
    )
    html = client.get(guide.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    head = head_of(client, guide.get_absolute_url())
    assert head.scripts == 1  # the JSON-LD block, and nothing the title opened
    data = head.data()  # parses whole: the block was not cut short
    assert data["headline"] == f"Guide {HOSTILE}"
    assert data["description"] == guide.summary
    assert HOSTILE[:100] in data["keywords"]
    assert head.page_title == f"Guide {HOSTILE}"


def test_hero_picture_is_shared_at_preview_size_as_jpeg():
    article = Article(hero_renditions=RENDITIONS, hero_alt="Blue waves")
    image = share_image(article, absolute=lambda url: "https://medguide.example.org" + url)
    assert image == {
        "url": f"https://medguide.example.org{settings.MEDIA_URL}renditions/hero-1200w.jpg",
        "width": 1200,
        "height": 675,
        "alt": "Blue waves",
    }


def test_a_picture_wider_than_preview_size_shares_its_narrowest_and_none_shares_nothing():
    only_large = Article(hero_renditions=[RENDITIONS[0]])
    assert share_image(only_large, absolute=str)["width"] == 1600
    assert share_image(Article(hero_renditions=[RENDITIONS[3]]), absolute=str) is None
    assert share_image(Article(), absolute=str) is None


def test_guide_with_a_hero_picture_names_it_in_jsonld_and_previews(client):
    guide = ArticleFactory(hero_alt="Blue waves")
    Article.objects.filter(pk=guide.pk).update(hero_renditions=RENDITIONS)
    head = head_of(client, guide.get_absolute_url())
    url = f"{SITE}{settings.MEDIA_URL}renditions/hero-1200w.jpg"
    assert head.data()["image"] == {
        "@type": "ImageObject",
        "url": url,
        "width": 1200,
        "height": 675,
    }
    assert head.one("og:image") == url
    assert head.one("twitter:card") == "summary_large_image"
