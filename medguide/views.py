"""Site-wide pages: home, site search, health check, robots.txt."""

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from articles.models import Article
from drugs.models import Drug
from drugs.views import LETTERS, letters_in_use
from medguide.search import MAX_QUERY_LENGTH, search_drugs

FEATURED_SLUGS = ["baclofen", "tizanidine", "gabapentin", "diazepam", "fluoxetine", "dantrolene"]
LATEST_GUIDES = 3


@require_GET
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


@require_GET
def search(request):
    # NUL can reach us through the URL, but PostgreSQL refuses it in any string parameter.
    query = " ".join(request.GET.get("q", "").replace("\x00", " ").split())[:MAX_QUERY_LENGTH]
    results = search_drugs(query) if query else []
    return render(
        request,
        "medguide/search.html",
        {
            "query": query,
            "results": results,
            "letters": LETTERS,
            "letters_in_use": letters_in_use(),
        },
    )


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def favicon(request):
    # Browsers ask for /favicon.ico on pages without an icon link, such as the admin's.
    return redirect(static("icons/favicon.svg"), permanent=True)


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /search/"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
