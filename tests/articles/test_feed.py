"""The RSS 2.0 feed: well-formed, the newest published guides only, each fully described."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone

from medguide.editorial.models import Status
from tests.factories import ArticleFactory, AuthorFactory, CategoryFactory

pytestmark = pytest.mark.django_db

FEED = "/articles/feed/"
DC = "{http://purl.org/dc/elements/1.1/}"


def feed(client) -> ET.Element:
    response = client.get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content)  # raises on anything that is not well-formed XML


def item_titles(rss: ET.Element) -> list[str]:
    return [item.findtext("title") for item in rss.iter("item")]


def test_feed_is_rss_2(client):
    ArticleFactory()
    rss = feed(client)
    assert rss.tag == "rss"
    assert rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel.findtext("title") == "MedGuide guides"
    assert channel.findtext("link") == "http://testserver/articles/"
    assert channel.findtext("description")
    assert channel.findtext("language") == "en-gb"


def test_feed_item_describes_the_guide(client):
    published = timezone.make_aware(timezone.datetime(2025, 10, 22, 9, 30))
    ArticleFactory(
        title="Baclofen for Chronic Abdominal Pain: Benefits, Risks & Practical Guide",
        slug="baclofen-for-chronic-abdominal-pain",
        summary="Explore how Baclofen can relieve chronic abdominal pain.",
        author=AuthorFactory(name="Dana Reed"),
        category=CategoryFactory(name="Medications"),
        tags=["abdominal pain"],
        published_at=published,
    )
    item = feed(client).find("channel/item")
    assert item.findtext("title") == (
        "Baclofen for Chronic Abdominal Pain: Benefits, Risks & Practical Guide"
    )
    link = "http://testserver/articles/baclofen-for-chronic-abdominal-pain/"
    assert item.findtext("link") == link
    assert item.findtext("guid") == link
    assert (
        item.findtext("description") == "Explore how Baclofen can relieve chronic abdominal pain."
    )
    assert parsedate_to_datetime(item.findtext("pubDate")) == published
    assert item.findtext(f"{DC}creator") == "Dana Reed"
    assert [c.text for c in item.findall("category")] == ["Medications", "abdominal pain"]


def test_feed_lists_only_published_guides_newest_first(client):
    now = timezone.now()
    ArticleFactory(title="Older", published_at=now - timedelta(days=2))
    ArticleFactory(title="Newer", published_at=now - timedelta(days=1))
    ArticleFactory(title="Draft", status=Status.DRAFT)
    ArticleFactory(title="Scheduled", published_at=now + timedelta(seconds=5))
    assert item_titles(feed(client)) == ["Newer", "Older"]


def test_feed_holds_the_newest_twenty(client):
    now = timezone.now()
    for day in range(25):
        ArticleFactory(title=f"Guide {day:02}", published_at=now - timedelta(days=day))
    assert item_titles(feed(client)) == [f"Guide {day:02}" for day in range(20)]


def test_feed_without_guides_is_still_valid(client, db):
    rss = feed(client)
    assert rss.find("channel") is not None
    assert item_titles(rss) == []


def test_feed_escapes_the_summary_for_readers_that_render_html(client):
    ArticleFactory(summary="Doses <b>over</b> 80 mg & more")
    description = feed(client).find("channel/item").findtext("description")
    # The reader unescapes the description as HTML and so shows the text as written.
    assert description == "Doses &lt;b&gt;over&lt;/b&gt; 80 mg &amp; more"


def test_feed_queries_do_not_grow_with_guides(client, django_assert_max_num_queries):
    ArticleFactory.create_batch(3, tags=["exercise", "sleep"])
    with django_assert_max_num_queries(2):
        client.get(FEED)
    ArticleFactory.create_batch(20, tags=["exercise", "sleep"])
    with django_assert_max_num_queries(2):
        client.get(FEED)
