"""A page's <head> as a crawler or a link preview reads it, parsed rather than pattern-matched."""

from __future__ import annotations

import json
from html.parser import HTMLParser

SITE = "http://testserver"
SITE_NAME = "MedGuide"


class Head(HTMLParser):
    """The title, <meta> tags (by name or property), <link>s by rel, and JSON-LD bodies."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.jsonld: list[str] = []
        self.scripts = 0
        self._in: str | None = None
        self._done = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if self._done:
            return
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            key = attrs.get("name") or attrs["property"]
            self.meta.setdefault(key, []).append(attrs.get("content") or "")
        elif tag == "link":
            self.links.setdefault(attrs.get("rel") or "", []).append(attrs.get("href") or "")
        elif tag == "title":
            self._in = "title"
        elif tag == "script":
            self.scripts += 1
            if attrs.get("type") == "application/ld+json":
                self._in = "jsonld"
                self.jsonld.append("")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "head":
            self._done = True
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "jsonld":
            self.jsonld[-1] += data

    def one(self, key: str) -> str:
        """The content of the one <meta> with this name or property."""
        values = self.meta.get(key, [])
        assert len(values) == 1, f"{key}: {values}"
        return values[0]

    @property
    def canonical(self) -> str | None:
        found = self.links.get("canonical", [])
        assert len(found) <= 1, found
        return found[0] if found else None

    @property
    def page_title(self) -> str:
        """The <title> without the site name after it."""
        title, _, site = self.title.rpartition(" | ")
        assert site == SITE_NAME
        return title

    def data(self) -> dict:
        """The page's one JSON-LD block, parsed."""
        assert len(self.jsonld) == 1, self.jsonld
        return json.loads(self.jsonld[0])


def head_of(client, url: str, **extra) -> Head:
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    return Head(response.content.decode())
