"""Site-wide pages: home, the editorial policy, health check, favicon, robots.txt."""

import os
import secrets
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.db.utils import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.models import Article
from drugs.models import Drug
from drugs.views import LETTERS, letters_in_use
from medguide.editorial.caching import page_cache_exempt, reads_no_query
from medguide.editorial.models import ReviewerProfile
from medguide.replicas import REPLICA

LATEST_GUIDES = 3


@reads_no_query
@require_safe
def home(request):
    return render(
        request,
        "medguide/home.html",
        {
            "featured_drugs": Drug.objects.published().for_index().featured(),
            "latest_guides": Article.objects.published().for_cards()[:LATEST_GUIDES],
            "letters": LETTERS,
            "letters_in_use": letters_in_use(),
        },
    )


@require_safe
def editorial_policy(request):
    """How MedGuide writes, sources, reviews and corrects its pages, and who reviews them."""
    return render(
        request,
        "medguide/editorial_policy.html",
        {
            "reviewers": ReviewerProfile.objects.filter(user__is_active=True),
            "review_period_days": settings.MEDGUIDE["REVIEW_PERIOD_DAYS"],
        },
    )


@page_cache_exempt  # never stored, so never looked up: four round trips to Redis fewer
@never_cache
@require_safe
def healthz(request):
    """Ready when the database (and its replica, when there is one) and the cache answer;
    503 naming what does not."""
    checks = {"database": _database_answers(connection), "cache": _cache_answers()}
    if REPLICA in connections:
        checks["replica"] = _database_answers(connections[REPLICA])
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error"}
        | {name: "ok" if answers else "unavailable" for name, answers in checks.items()},
        status=200 if healthy else 503,
    )


def _database_answers(database) -> bool:
    try:
        with database.cursor() as cursor:
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


@reads_no_query
@require_safe
def robots_txt(request):
    # The admin's address is not named: it may be a secret (ADMIN_URL); it answers only to
    # staff and its pages say noindex.
    lines = [
        "User-agent: *",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
