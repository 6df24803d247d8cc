"""What the guide lists read from their query strings."""

from medguide.editorial.caching import QueryForm, QueryText
from medguide.editorial.paging import page_number

MAX_FILTER_LENGTH = 200


def filter_value(value: str | None) -> str:
    """A filter's slug, trimmed; "" when missing or unusable. PostgreSQL refuses NUL in any
    string parameter, so a value carrying one matches nothing."""
    value = (value or "").strip()[:MAX_FILTER_LENGTH]
    return "" if "\x00" in value else value


class GuidePageQuery(QueryForm):
    """?page= on a guide list: a page number, which the view brings within the pages there
    are; anything else is the first page."""

    page = QueryText()

    def clean_page(self) -> int:
        return page_number(self.cleaned_data["page"])


class GuideListQuery(GuidePageQuery):
    """/articles/?category=&drug=&tag= (slugs) and ?page=."""

    category = QueryText()
    drug = QueryText()
    tag = QueryText()

    def clean_category(self) -> str:
        return filter_value(self.cleaned_data["category"])

    def clean_drug(self) -> str:
        return filter_value(self.cleaned_data["drug"])

    def clean_tag(self) -> str:
        return filter_value(self.cleaned_data["tag"])
