"""Pages of the public lists: the ?page= number as readers may type it, the nearest page that
exists, and pages of lists too long to count on every view."""

from __future__ import annotations

import math
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


def nearest_page_of(rows, per_page: int, number: int, *, shown, walks_an_index=False) -> Page:
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
    page past the end is counted on its own, to show the last page."""
    number = min(number, (sys.maxsize - 1) // per_page)  # no offset past what SQL can hold
    if walks_an_index:
        paginator = Paginator(rows.values_list("pk", flat=True), per_page)
        page = nearest_page(paginator, number)
        ids = list(page.object_list)
    else:
        ranked = rows.annotate(length=Window(Count("pk"))).values_list("pk", "length")
        found = list(ranked[(number - 1) * per_page : number * per_page])
        page = nearest_page(
            CountedPaginator((), per_page, count=found[0][1] if found else rows.count()), number
        )
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


class OpenEndedPaginator:
    """Pages of a list too long to count on every view: the A–Z's 38,000 names, whose count
    cost more than the rest of its page (20 of 36 ms on SQLite, 21 of 43 on PostgreSQL).
    Each page reads its own rows and those of the `lookahead` pages after it, one more to
    know whether there are others beyond, so it links to its neighbours but not to the last
    page. The list is counted only for a page past its end, to show the last one instead.

    `rows` is any sequence that can be sliced with a stop and counted (a QuerySet, or
    drugs.models.AZEntries). Pages, like Django's, offer what includes/pagination.html uses."""

    ELLIPSIS = Paginator.ELLIPSIS
    num_pages = None  # unknown: "Page 3", not "Page 3 of 643"

    def __init__(self, rows, per_page: int, *, lookahead: int = 2):
        self.rows = rows
        self.per_page = per_page
        self.lookahead = lookahead

    def nearest_page(self, number: int) -> OpenEndedPage:
        """Page `number` (from page_number), or the last page if the list is shorter."""
        # No list is longer than an offset SQL and islice() can hold (?page=99999999999999).
        number = min(number, (sys.maxsize - self._ahead - 1) // self.per_page)
        page = self._page(number)
        if page.object_list or number == 1:
            return page
        last = max(1, math.ceil(self.rows.count() / self.per_page))
        return self._page(min(number, last))

    @property
    def _ahead(self) -> int:
        """The rows a page reads from its first on: its own and the lookahead pages'."""
        return self.per_page * (1 + self.lookahead)

    def _page(self, number: int) -> OpenEndedPage:
        start = (number - 1) * self.per_page
        ahead = self._ahead
        rows = list(self.rows[start : start + ahead + 1])
        return OpenEndedPage(
            rows[: self.per_page],
            number=number,
            paginator=self,
            pages_after=min(self.lookahead, math.ceil(len(rows) / self.per_page) - 1),
            more_after=len(rows) > ahead,
        )


class OpenEndedPage:
    """One page of an OpenEndedPaginator: it knows the pages before it and up to `lookahead`
    after it."""

    def __init__(
        self,
        object_list: list,
        *,
        number: int,
        paginator: OpenEndedPaginator,
        pages_after: int,
        more_after: bool,
    ):
        self.object_list = object_list
        self.number = number
        self.paginator = paginator
        self.pages_after = max(0, pages_after)
        self.more_after = more_after

    def __len__(self) -> int:
        return len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)

    def __repr__(self) -> str:
        return f"<Page {self.number}, open-ended>"

    def has_next(self) -> bool:
        return self.pages_after > 0

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        if not self.object_list:
            return 0
        return (self.number - 1) * self.paginator.per_page + 1

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0

    def page_range(self) -> list:
        """The page numbers to link, with ELLIPSIS for the pages left out: the first, the one
        before this, this, the ones known after it, and a gap when there are more."""
        before = [1] if self.number > 1 else []
        if self.number > 3:
            before.append(self.paginator.ELLIPSIS)
        if self.number > 2:
            before.append(self.number - 1)
        after = list(range(self.number + 1, self.number + 1 + self.pages_after))
        if self.more_after:
            after.append(self.paginator.ELLIPSIS)
        return [*before, self.number, *after]
