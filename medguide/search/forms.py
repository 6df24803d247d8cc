"""What the search page and the search box's suggestions read from their query strings."""

from medguide.editorial.caching import QueryForm, QueryText
from medguide.search.models import SearchKind
from medguide.search.query import normalise_query


def kind_of(value: str | None) -> str:
    """A kind of result to narrow to; "" (every kind) for anything else."""
    return value if value in SearchKind.values else ""


class SearchQuery(QueryForm):
    """/search/?q=…&type=drug&page=2. Anything a stranger sends is a string we can search for;
    the last of repeated parameters wins, and an unknown type means all types."""

    q = QueryText()
    type = QueryText()
    page = QueryText()

    def clean_q(self) -> str:
        return self.cleaned_data["q"] or ""  # as typed: the page says when it was shortened

    def clean_type(self) -> str:
        return kind_of(self.cleaned_data["type"])

    def clean_page(self) -> str | None:
        # Anything but a page number means the first page, so junk cannot fill the cache.
        # None when no page was asked for: only then is the search counted in the log.
        page = self.cleaned_data["page"]
        if page is None:
            return None
        return page if page.isascii() and page.isdigit() and len(page) <= 6 else "1"


class SuggestQuery(QueryForm):
    """/search/suggest/?q=bacl&type=drug, asked by the search box on every keystroke."""

    q = QueryText()
    type = QueryText()

    def clean_q(self) -> str:
        return normalise_query(self.cleaned_data["q"] or "")

    def clean_type(self) -> str:
        return kind_of(self.cleaned_data["type"])
