"""Site search across the apps.

For now this matches published drugs by generic name, brand and other names, class and
condition. The ranked full-text search (PostgreSQL tsvector, SQLite FTS5) replaces its
internals behind the same function in the site-search issue.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When

from drugs.models import Drug

MAX_QUERY_LENGTH = 200


def search_drugs(query: str, *, limit: int = 50) -> list[Drug]:
    """Published drugs matching `query`, exact and prefix name matches first."""
    query = query.strip()
    if not query:
        return []
    matches = Q(generic_name__icontains=query) | Q(names__name__icontains=query)
    matches |= Q(classes__name__icontains=query) | Q(indications__condition__name__icontains=query)
    ranked = (
        Drug.objects.published()
        .filter(matches)
        .annotate(
            rank=Case(
                When(Q(generic_name__iexact=query) | Q(names__name__iexact=query), then=Value(0)),
                When(
                    Q(generic_name__istartswith=query) | Q(names__name__istartswith=query),
                    then=Value(1),
                ),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "generic_name")
        .for_index()
    )
    seen, results = set(), []
    for drug in ranked:
        if drug.pk not in seen:
            seen.add(drug.pk)
            results.append(drug)
        if len(results) == limit:
            break
    return results
