"""Addresses of content pages, which lists build by the hundred.

A page of 60 medicines, or a monograph's open data naming the 800 members of an interacting
class, asks for one address per item. Django's reverse() resolves the URL pattern each time,
about 24 µs: 15 ms of a label page at scale. slug_path() reverses a pattern once, with a
stand-in slug, and puts each slug in its place.
"""

import re
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Django's slug converter: nothing in such a slug needs quoting in a path.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
STAND_IN = "0slug0"


def slug_path(viewname: str, slug: str) -> str:
    """reverse(viewname, kwargs={"slug": slug}) for a URL pattern whose one argument is a
    <slug:slug>, the same address. Any other slug goes through reverse(), which refuses it
    as it always has."""
    return slug_paths(viewname)(slug)


def slug_paths(viewname: str) -> Callable[[str], str]:
    """slug_path() for many slugs of one pattern, the URLconf and script prefix read once:
    reading them (thread-locals) was most of the cost for the 250 drugs of a drugs.json page."""
    template = _template(viewname, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())

    def path(slug: str) -> str:
        if not SLUG.fullmatch(slug):
            return reverse(viewname, kwargs={"slug": slug})
        return template.replace(STAND_IN, slug)

    return path


@lru_cache(maxsize=128)
def _template(viewname: str, urlconf: str, prefix: str) -> str:
    # The URLconf and script prefix in the key: a test or a mounted site may change either.
    path = reverse(viewname, kwargs={"slug": STAND_IN}, urlconf=urlconf)
    if path.count(STAND_IN) != 1:
        raise ValueError(f"{viewname} does not take its slug exactly once: {path}")
    return path
