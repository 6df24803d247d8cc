"""Template context shared by every page."""

from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# The addresses every page links to (header, navigation, footer, search box).
SITE_URLS = {
    "home": "home",
    "drugs": "drugs:list",
    "conditions": "drugs:condition-list",
    "guides": "articles:list",
    "guides_feed": "articles:feed",
    "interactions": "drugs:interactions",
    "search": "search",
    "search_suggest": "search-suggest",
    "editorial_policy": "editorial-policy",
}


def site(request):
    return {
        "site_name": settings.MEDGUIDE["SITE_NAME"],
        "site_urls": _site_urls(get_urlconf(), get_script_prefix()),
    }


@cache
def _site_urls(urlconf, script_prefix) -> dict[str, str]:
    # Reversed once per URLconf and prefix rather than a dozen times on every page.
    return {name: reverse(view, urlconf=urlconf) for name, view in SITE_URLS.items()}
