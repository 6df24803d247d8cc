"""Well-known XSS payloads typed into every field a guide shows never reach a page as markup.

Each payload goes into a published guide's body (Markdown, sanitised by nh3 on save), and its
title, summary, tag and hero alt text (plain text, escaped by the templates). The guide page,
the list, the tag page and the feed are then read the way a browser would: an HTML parser
lists the elements and attributes actually produced, so escaped text that merely *mentions*
"onerror=" or "javascript:" passes, and a real element or attribute fails.
"""

import json
import re
import xml.etree.ElementTree as ET
from html import escape
from html.parser import HTMLParser

import pytest

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)",  # unclosed
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x'><script>alert(1)</script></svg>#x\"/></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="https://example.org" onmouseover="alert(1)">x</a>',
    '<p onclick="alert(1)">hi</p>',
    '<h2 id="x" onmouseover="alert(1)">Heading</h2>',
    "<details open ontoggle=alert(1)>",
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    "<style>body { display: none }</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<form action="javascript:alert(1)"><button>Go</button></form>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<!--<script>alert(1)</script>-->",
]

DANGEROUS_ELEMENTS = {
    "script", "iframe", "frame", "svg", "math", "style", "object", "embed", "use", "form",
    "base", "img", "details",
}  # fmt: skip
JSONLD = r'<script type="application/ld\+json">(.*?)</script>'
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "xlink:href", "data", "poster"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")

FAKE_RENDITIONS = [
    {"width": 480, "height": 270, "format": "jpeg", "name": "renditions/hero-480w.jpg"},
    {"width": 480, "height": 270, "format": "webp", "name": "renditions/hero-480w.webp"},
]


class Elements(HTMLParser):
    """Every start tag in a document, with its attributes (entities already decoded)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


def problems_in(html: str, *, allowed=frozenset()) -> list[str]:
    """What would run or load in a browser: unsafe elements, event handlers, style attributes
    and javascript:/data:/vbscript: URLs (after the whitespace browsers ignore)."""
    problems = []
    for tag, attrs in Elements(html).found:
        if tag in DANGEROUS_ELEMENTS and tag not in allowed:
            problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=…>")
            if name == "style":
                problems.append(f"<{tag} style=…>")
            if name in URL_ATTRIBUTES and value:
                url = "".join(ch for ch in value if ord(ch) > 32).lower()
                if url.startswith(BAD_SCHEMES):
                    problems.append(f"<{tag} {name}={value!r}>")
    return problems


def region(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end)]


def assert_page_safe(html: str, *, own=frozenset()) -> None:
    """`own` names the elements the page's template puts there itself."""
    head = region(html, "<head>", "</head>")
    main = region(html, "<main", "</main>")
    # The guide's own JSON-LD block is data: it must parse whole, with no "<" to end it early.
    for block in re.findall(JSONLD, head, re.S):
        assert "<" not in block
        json.loads(block)
    head = re.sub(JSONLD, "", head, flags=re.S)
    # The hero and card pictures are the site's own <img>, checked for their attributes.
    assert problems_in(main, allowed={"img", *own}) == []
    assert problems_in(head) == []
    for raw in ("<script", "<iframe", "<svg", "<style", "<math", "<object"):
        assert raw not in main.lower()
        assert raw not in head.lower()


@pytest.fixture(params=range(len(PAYLOADS)), ids=[f"payload-{n:02}" for n in range(len(PAYLOADS))])
def payload(request) -> str:
    return PAYLOADS[request.param]


@pytest.fixture
def hostile(payload) -> Article:
    article = ArticleFactory(
        slug="hostile-guide",
        title=f"Guide {payload}"[:200],
        summary=payload,
        body=f"# Introduction\n\n{payload}\n\nSome text.\n\n{payload}\n",
        tags=[payload[:100], "plain"],
    )
    Article.objects.filter(pk=article.pk).update(hero_renditions=FAKE_RENDITIONS, hero_alt=payload)
    article.refresh_from_db()
    return article


def test_nothing_survives_on_the_guide_page(client, hostile, payload):
    html = client.get(hostile.get_absolute_url()).content.decode()
    assert_page_safe(html)
    body = region(html, 'class="prose guide__body"', "</div>")
    assert (
        "javascript:"
        not in "".join(
            value or "" for _, attrs in Elements(body).found for _, value in attrs
        ).lower()
    )
    # Plain-text fields are shown as the editor typed them, escaped.
    assert f'<h1 class="guide__title">{escape(hostile.title)}</h1>' in html
    assert f'<p class="guide__summary">{escape(payload)}</p>' in html
    assert f'alt="{escape(payload)}"' in html
    assert f"<title>{escape(hostile.title)} |" in html


def test_nothing_survives_on_the_list_page(client, hostile, payload):
    html = client.get("/articles/").content.decode()
    assert_page_safe(html, own={"form"})  # the filters
    assert escape(payload) in html


def test_nothing_survives_on_the_tag_page(client, hostile, payload):
    tag = hostile.tags.get(name=payload[:100])
    html = client.get("/articles/tag/plain/").content.decode()
    assert_page_safe(html)
    if tag.slug:  # a name of punctuation only has no slug, so no page of its own
        response = client.get(f"/articles/tag/{tag.slug}/")
        assert response.status_code == 200
        assert_page_safe(response.content.decode())


def test_nothing_survives_in_the_filtered_list(client, hostile, payload):
    tag = hostile.tags.get(name=payload[:100])
    for query in ({"tag": tag.slug}, {"tag": payload}, {"category": payload}):
        response = client.get("/articles/", query)
        assert response.status_code == 200
        assert_page_safe(response.content.decode(), own={"form"})  # the filters


def test_nothing_survives_in_the_feed(client, hostile, payload):
    response = client.get("/articles/feed/")
    assert b"<script" not in response.content.lower()
    item = ET.fromstring(response.content).find("channel/item")
    # Title and categories are plain text; readers render the description as HTML.
    assert item.findtext("title") == hostile.title
    assert payload[:100] in [category.text for category in item.findall("category")]
    description = item.findtext("description")
    assert Elements(description).found == []
    assert problems_in(description) == []
