"""The site search index and log. One document per drug, condition or guide, written by
medguide.search.index whenever the item or anything that feeds it changes (the content apps
say so with signals). Each document keeps when readers may find it (`public_from`), written
with it from the item's own state, so a query filters on one indexed column instead of
joining back to every published item (docs/decisions/search-visibility.md)."""

from datetime import date

from django.contrib.postgres.search import SearchVectorField
from django.db import models

# The tables keep the names they had when search lived in the project app (migration
# medguide 0004 hands them over), so the engine-specific indexes and FTS5 tables are unchanged.


class SearchKind(models.TextChoices):
    DRUG = "drug", "Medicines"
    CONDITION = "condition", "Conditions"
    ARTICLE = "article", "Guides"


# The kinds whose names are found spelt like a query as well as by their start: medicines and
# conditions, the names readers cannot always spell. A guide's title is a phrase, found by its
# words. The 50,000 titles at scale shared trigrams with most misspellings, and the trigram
# index rechecked 4,000–8,000 of them for each (25–32 ms, against 1–3 without them).
SPELT_KINDS = frozenset({SearchKind.DRUG, SearchKind.CONDITION})


class SearchDocument(models.Model):
    kind = models.CharField(max_length=20, choices=SearchKind)
    object_id = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300)
    names = models.TextField(blank=True)
    keywords = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # PostgreSQL's weighted tsvector (GIN-indexed by a migration); SQLite keeps an FTS5 table.
    vector = SearchVectorField(null=True, editable=False)
    # The same without the body (names, keywords, summary): small enough to stay in the row,
    # so a query for some of several words matches and ranks it without reading every long
    # label text (GIN-indexed too). SQLite restricts its FTS5 query to those columns instead.
    head_vector = SearchVectorField(null=True, editable=False)
    # The item's publication time once published (a future one while scheduled; for a
    # condition, its first published medicine's); None while it is not public.
    public_from = models.DateTimeField(null=True, blank=True, db_index=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "medguide_searchdocument"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class SearchName(models.Model):
    """One name a document is found by; `key` is the name folded for matching."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=300)
    key = models.CharField(max_length=300, db_index=True)
    is_primary = models.BooleanField(default=False)
    # Found spelt like a query too (its document's kind is in SPELT_KINDS): PostgreSQL's
    # trigram index holds only these names, and SQLite's trigram table only theirs.
    fuzzy = models.BooleanField(default=True)

    class Meta:
        db_table = "medguide_searchname"
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name


class SearchLogQuerySet(models.QuerySet):
    def since(self, day: date):
        return self.filter(day__gte=day)

    def top(self):
        """Queries with how often they were searched and their latest result count."""
        return (
            self.values("query")
            .annotate(searches=models.Sum("searches"), results=models.Min("results"))
            .order_by("-searches", "query")
        )


class SearchLog(models.Model):
    """How often a query was searched on a day, and what it found. No IP, no user, no time
    of day: only what editors need to see what readers miss."""

    day = models.DateField(db_index=True)
    query = models.CharField(max_length=200)
    results = models.PositiveIntegerField()
    searches = models.PositiveIntegerField(default=1)

    objects = SearchLogQuerySet.as_manager()

    class Meta:
        db_table = "medguide_searchlog"
        ordering = ["-day", "-searches"]
        verbose_name = "search query"
        verbose_name_plural = "search queries"
        constraints = [
            models.UniqueConstraint(fields=["day", "query"], name="search_log_unique_day_query")
        ]

    def __str__(self) -> str:
        return self.query


class SearchLogBatch(models.Model):
    """A batch of counts moved from Redis into SearchLog (medguide/search/log.py), by the
    name it had there: written in the same transaction as its counts, so that a flush which
    finds it again (its writer died before deleting it from Redis) adds nothing twice."""

    name = models.CharField(max_length=32, primary_key=True)
    written_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.name
