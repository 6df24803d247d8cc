"""Site-wide pages: home, site search and its suggestions, health check, robots.txt."""

import os
import secrets
import threading
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.models import Article
from drugs.models import Drug
from drugs.views import LETTERS, letters_in_use
from medguide import search as site_search
from medguide.models import SearchKind
from medguide.page_cache import page_cache_exempt, remember

FEATURED_SLUGS = ["baclofen", "tizanidine", "gabapentin", "diazepam", "fluoxetine", "dantrolene"]
LATEST_GUIDES = 3


@require_safe
def home(request):
    featured = Drug.objects.published().filter(slug__in=FEATURED_SLUGS).for_index()
    return render(
        request,
        "medguide/home.html",
        {
            "featured_drugs": sorted(featured, key=lambda d: FEATURED_SLUGS.index(d.slug)),
            "latest_guides": Article.objects.published().select_related("category")[:LATEST_GUIDES],
            "letters": LETTERS,
            "letters_in_use": letters_in_use(),
        },
    )


def _popular_drugs():
    drugs = Drug.objects.published().filter(slug__in=FEATURED_SLUGS)
    return sorted(drugs, key=lambda d: FEATURED_SLUGS.index(d.slug))


@page_cache_exempt  # every query is counted in the search log
@require_safe
def search(request):
    # Anything a stranger sends is a string we can search for; the last of repeated
    # parameters wins, and an unknown type means all types.
    raw = request.GET.get("q", "")
    kind = request.GET.get("type", "")
    kind = kind if kind in SearchKind.values else ""
    page = request.GET.get("page", "1")
    # Anything but a page number means the first page, so junk cannot fill the cache.
    page = page if page.isascii() and page.isdigit() and len(page) <= 6 else "1"
    results = remember(  # searches repeat: the same words, the same results, until a change
        "search",
        [site_search.normalise_query(raw), kind, page],
        lambda: site_search.search(raw, kind=kind, page=page),
    )
    if results.query and results.page.number == 1 and "page" not in request.GET:
        site_search.record_search(results.query, results=results.total)
    found_nothing = not results.query or not results.total
    return render(
        request,
        "search/results.html",
        {
            "query": results.query,
            "search": results,
            "results": results.page.object_list,
            "kinds": [(value, label, results.counts[value]) for value, label in SearchKind.choices],
            "is_shortened": len(" ".join(raw.split())) > site_search.MAX_QUERY_LENGTH,
            "page_query": urlencode({"q": results.query, **({"type": kind} if kind else {})}),
            "pages": results.page.paginator.get_elided_page_range(results.page.number),
            "popular_drugs": _popular_drugs() if found_nothing else [],
            "letters": LETTERS,
            "letters_in_use": letters_in_use() if found_nothing else set(),
        },
    )


@require_safe
def search_suggest(request):
    kind = request.GET.get("type", "")
    kind = kind if kind in SearchKind.values else ""
    query = site_search.normalise_query(request.GET.get("q", ""))
    suggestions = site_search.suggest(query, kind=kind)
    response = JsonResponse(
        {"query": query, "suggestions": [s.as_json() for s in suggestions]},
        json_dumps_params={"ensure_ascii": False},
    )
    # The box asks on every keystroke; a minute of staleness is fine for names.
    patch_cache_control(response, public=True, max_age=60)
    return response


@never_cache
@require_safe
def healthz(request):
    """Ready when the database and the cache both answer; 503 naming what does not."""
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error"}
        | {name: "ok" if answers else "unavailable" for name, answers in checks.items()},
        status=200 if healthy else 503,
    )


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _cache_answers() -> bool:
    # A key of this thread's own: concurrent checks must not read each other's token.
    key = f"healthz:{os.getpid()}:{threading.get_ident()}"
    token = secrets.token_hex(8)
    try:
        cache.set(key, token, timeout=60)
        return cache.get(key) == token
    except Exception:  # each backend raises its own errors (redis.ConnectionError, OSError…)
        return False


@require_safe
def favicon(request):
    # Browsers ask for /favicon.ico on pages without an icon link, such as the admin's.
    return redirect(static("icons/favicon.svg"), permanent=True)


@require_safe
def robots_txt(request):
    # The admin's address is not named: it may be a secret (ADMIN_URL); it answers only to
    # staff and its pages say noindex.
    lines = [
        "User-agent: *",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('django.contrib.sitemaps.views.sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
