"""What a guide tells search engines and link previews: its schema.org Article (JSON-LD) and
the picture to show when it is shared. Serialised with drugs.opendata.script_json, the same
escaping the drug pages' JSON-LD uses."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.storage import default_storage

from articles.models import Article, Author
from drugs.models import Drug

# Link previews (Open Graph, X/Twitter) ask for about 1200 px wide; a rendition no wider than
# this is chosen, or the narrowest there is.
SHARE_IMAGE_WIDTH = 1200
# A byline that names a team is an Organization, not a Person. Author has no field that says
# which, so the byline's own words decide.
TEAM_WORDS = re.compile(r"\b(team|staff|editors|editorial board)\b", re.IGNORECASE)


def share_image(article: Article, *, absolute) -> dict[str, Any] | None:
    """The guide's hero picture for link previews and JSON-LD: a JPEG rendition (every
    reader accepts JPEG) as {"url", "width", "height", "alt"}; None without a picture.
    `absolute(url)` makes a storage URL absolute, e.g. request.build_absolute_uri."""
    renditions = [r for r in article.hero_renditions or () if r.get("format") == "jpeg"]
    if not renditions:
        return None
    renditions.sort(key=lambda r: r["width"])
    fitting = [r for r in renditions if r["width"] <= SHARE_IMAGE_WIDTH]
    chosen = fitting[-1] if fitting else renditions[0]
    return {
        "url": absolute(default_storage.url(chosen["name"])),
        "width": chosen["width"],
        "height": chosen["height"],
        "alt": article.hero_alt,
    }


def byline(author: Author) -> dict[str, str]:
    kind = "Organization" if TEAM_WORDS.search(f"{author.name} {author.credentials}") else "Person"
    return {"@type": kind, "name": author.name}


def guide_jsonld(
    article: Article,
    *,
    drugs: list[Drug],
    site_url: str,
    site_name: str,
    image: dict[str, Any] | None,
) -> dict[str, Any]:
    """The schema.org Article for a guide. `drugs` are the live medicines it is about (from
    for_detail(), which prefetches only published ones), `site_url` the scheme and host, e.g.
    "https://medguide.example.org", and `image` share_image()'s answer. No queries beyond
    for_detail()'s."""
    url = site_url + article.get_absolute_url()
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "@id": url,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": article.title,
        "description": article.summary,
        "inLanguage": "en",
        "datePublished": article.published_at.isoformat(),
        # What readers see as "Updated": an editor's revision, not any save of the row.
        "dateModified": (article.revised_on or article.published_at).isoformat(),
        "author": byline(article.author),
        "publisher": {"@type": "Organization", "name": site_name, "url": site_url + "/"},
        "articleSection": article.category.name,
        "about": [
            {"@type": "Drug", "name": drug.generic_name, "url": site_url + drug.get_absolute_url()}
            for drug in drugs
            if drug.is_live
        ],
    }
    keywords = [tag.name for tag in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    if image:
        data["image"] = {
            "@type": "ImageObject",
            "url": image["url"],
            "width": image["width"],
            "height": image["height"],
        }
    return data
