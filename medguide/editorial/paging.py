"""Pages of the public lists: the ?page= number as readers may type it, the nearest page that
exists, and pages whose list is counted more cheaply than by count(). (The A–Z, too long to
count or number, is read from cursors: drugs.models.AZCursor.)"""

from __future__ import annotations

import sys

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

from medguide.editorial.caching import QueryMixin


def page_number(value: str | None, *, last: int = sys.maxsize) -> int:
    """The page to show for a ?page= value: a number out of range is clamped to the first or
    last page, anything else (missing, "abc", too long to be a number) is the first page."""
    try:
        number = int(value or 1)
    except ValueError:  # "abc", "1.5", and digit strings beyond int()'s length limit
        return 1
    return min(max(number, 1), last)


class NearestPageMixin(QueryMixin):
    """For a ListView whose query form cleans ?page= with page_number: a page past the end
    shows the last page (ListView would answer 404 to ?page=999; a reader who edits the URL
    or follows an old link is better served by the nearest page that exists)."""

    def paginate_queryset(self, queryset, page_size):
        page = nearest_page(self.get_paginator(queryset, page_size), self.query["page"])
        return page.paginator, page, page.object_list, page.has_other_pages()


def nearest_page(paginator: Paginator, number: int) -> Page:
    """The paginator's page `number` (from page_number), or its last page if there are fewer."""
    return paginator.page(min(number, paginator.num_pages))


def nearest_page_of(
    rows, per_page: int, number: int, *, shown, walks_an_index=False, length: int | None = None
) -> Page:
    """nearest_page() of the ordered queryset `rows`, whose page is found by id and then
    fetched with `shown` (the same model's queryset with what the page shows: select_related,
    only, prefetches). Sorting and cutting the ids alone lets the database leave the shown
    columns out of the sort: a condition of 1,085 medicines read every medicine's row, all
    20,000, to show 30.

    The ids come with the list's length, a window count over the rows the sort reads anyway:
    counting them apart cost PostgreSQL another join of every published medicine (8.7 ms for
    that condition). Not when the database finds the order by walking an index and stops at
    the page's end (`walks_an_index`: a class's medicines, by name): to count, PostgreSQL
    then walked all 20,000 names for a class of 682 (79 ms, against 5 and a 6 ms count). A
    page past the end is counted on its own, to show the last page. `length` is the list's
    length when the caller counted it for less than `rows.count()`."""
    number = min(number, (sys.maxsize - 1) // per_page)  # no offset past what SQL can hold
    if walks_an_index:
        ids = rows.values_list("pk", flat=True)
        paginator = (
            Paginator(ids, per_page)
            if length is None
            else CountedPaginator(ids, per_page, count=length)
        )
        page = nearest_page(paginator, number)
        ids = list(page.object_list)
    else:
        ranked = rows.annotate(length=Window(Count("pk"))).values_list("pk", "length")
        found = list(ranked[(number - 1) * per_page : number * per_page])
        if found:
            length = found[0][1]
        elif length is None:
            length = rows.count()
        page = nearest_page(CountedPaginator((), per_page, count=length), number)
        if page.number != number:  # past the end: the last page's ids
            found = list(ranked[(page.number - 1) * per_page : page.number * per_page])
        ids = [pk for pk, _length in found]
    by_id = shown.in_bulk(ids)
    # A row gone between the two queries is left out rather than a KeyError.
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    return page


class CountedPaginator(Paginator):
    """A Paginator of a list whose length is known, or counted more cheaply than by its
    count() (PublishableQuerySet.count_published). `rows` may be empty, for a caller that
    fills its pages itself."""

    def __init__(self, rows, per_page: int, *, count: int):
        super().__init__(rows, per_page)
        self.count = count  # in place of the cached property that would count the list
