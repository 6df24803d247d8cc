"""Editor-written Markdown to safe HTML.

Markdown makes the HTML (headings get stable anchors, tables and lists work); nh3, the
Python binding of the Rust `ammonia` sanitiser, then keeps only an allow-list of tags,
attributes and URL schemes. Raw HTML typed into the body is therefore harmless: scripts,
styles, iframes, SVG, event handlers and javascript:/data: URLs never survive.
"""

from __future__ import annotations

import html as html_entities
import re
from dataclasses import dataclass

import markdown
import nh3
from django.utils.text import slugify
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "ul", "ol", "li",
    "blockquote", "code", "pre", "a", "table", "thead", "tbody", "tr", "th", "td",
    "caption", "sup", "sub", "abbr", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"align"},
    "td": {"align"},
    "abbr": {"title"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    title: str


@dataclass(frozen=True)
class Rendered:
    html: str
    headings: list[Heading]


def heading_anchor(value: str, separator: str) -> str:
    return slugify(value) or "section"


class HeadingLevels(Treeprocessor):
    """A "#" heading becomes h2 (the page title is the only h1) and h5/h6 become h4, the
    deepest level allowed; "##" to "####" keep their level.

    toc's own `baselevel` would shift every level down by one instead, making "##" an h3.
    """

    def run(self, root) -> None:
        for element in root.iter():
            if element.tag == "h1":
                element.tag = "h2"
            elif element.tag in {"h5", "h6"}:
                element.tag = "h4"


class HeadingLevelsExtension(Extension):
    def extendMarkdown(self, md) -> None:
        # Above toc (priority 5), which reads the levels to build anchors and the outline.
        md.treeprocessors.register(HeadingLevels(md), "heading_levels", 6)


def render_markdown(text: str) -> Rendered:
    """Safe HTML for `text` and its h2/h3 outline (for a table of contents)."""
    converter = markdown.Markdown(
        extensions=[HeadingLevelsExtension(), "toc", "tables", "sane_lists", "fenced_code"],
        extension_configs={
            "toc": {"toc_depth": "2-3", "slugify": heading_anchor},
        },
        output_format="html",
    )
    html = converter.convert(text)
    safe = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    headings = [
        Heading(
            level=token["level"], anchor=token["id"], title=html_entities.unescape(token["name"])
        )
        for token in flatten(converter.toc_tokens)
    ]
    return Rendered(html=safe, headings=headings)


def flatten(tokens: list[dict]) -> list[dict]:
    result = []
    for token in tokens:
        result.append(token)
        result.extend(flatten(token.get("children", [])))
    return result


def reading_minutes(text: str) -> int:
    """Minutes to read `text` at an ordinary adult pace, at least one."""
    words = len(re.findall(r"\w+", text))
    return max(1, round(words / WORDS_PER_MINUTE))
