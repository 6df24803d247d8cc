"""The search page and the search box's suggestions."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from drugs.models import Drug
from drugs.views import LETTERS, letters_in_use
from medguide.editorial.caching import page_cache_exempt, reads_query, remember
from medguide.search import log as search_log
from medguide.search import query as site_search
from medguide.search.forms import SearchQuery, SuggestQuery
from medguide.search.models import SearchKind


@page_cache_exempt  # every query is counted in the search log
@reads_query(SearchQuery)
@require_safe
def search(request, query):
    raw, kind, page = query["q"], query["type"], query["page"] or "1"
    results = remember(  # searches repeat: the same words, the same results, until a change
        "search",
        [site_search.normalise_query(raw), kind, page],
        lambda: site_search.search(raw, kind=kind, page=page),
    )
    if results.query and results.page.number == 1 and query["page"] is None:
        search_log.record_search(results.query, results=results.total)
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
            "popular_drugs": Drug.objects.published().featured() if found_nothing else [],
            "letters": LETTERS,
            "letters_in_use": letters_in_use() if found_nothing else set(),
        },
    )


@reads_query(SuggestQuery)
@require_safe
def search_suggest(request, query):
    suggestions = site_search.suggest(query["q"], kind=query["type"])
    response = JsonResponse(
        {"query": query["q"], "suggestions": [s.as_json() for s in suggestions]},
        json_dumps_params={"ensure_ascii": False},
    )
    # The box asks on every keystroke; a minute of staleness is fine for names.
    patch_cache_control(response, public=True, max_age=60)
    return response
