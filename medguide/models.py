"""Abstract building blocks the content apps share (publication status and timestamps), and
the site search index and log, which span the apps."""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Published and due: a future publication time means scheduled, not yet public."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())

    def in_review(self):
        return self.filter(status=Status.IN_REVIEW)


class Publishable(models.Model):
    """Content that readers see only once a medical reviewer publishes it and its publication
    time has come. The workflow (medguide.workflow) moves it between states."""

    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "publication time",
        default=timezone.now,
        db_index=True,
        help_text="A future time schedules it: it appears by itself then.",
    )
    review_note = models.TextField(
        "reviewer's comment",
        blank=True,
        help_text="Why the medical reviewer sent it back; cleared when it moves on.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_scheduled(self) -> bool:
        return self.status == Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def is_live(self) -> bool:
        """What the public sees: published, and its publication time has come."""
        return self.status == Status.PUBLISHED and self.published_at <= timezone.now()


# Site search -------------------------------------------------------------------------------
# Search spans the apps, so its index lives here rather than in either of them: one document
# per drug or guide, written by medguide.search_index whenever the item or anything that feeds
# it changes. Visibility is never copied into it: every query joins back to `published()`.


@dataclass(frozen=True)
class SearchText:
    """What an item is found by, strongest first (PostgreSQL's weights A to D)."""

    title: str
    names: list[str]  # matched whole, by prefix and by spelling: generic, brands, title
    keywords: list[str] = field(default_factory=list)  # classes, conditions, tags, category
    summary: str = ""
    body: str = ""
    subtitle: str = ""  # shown under the title in results, e.g. "Lioresal, Ozobax"


class SearchKind(models.TextChoices):
    DRUG = "drug", "Medicines"
    ARTICLE = "article", "Guides"


class SearchDocument(models.Model):
    kind = models.CharField(max_length=20, choices=SearchKind.choices)
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
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
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

    class Meta:
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
        ordering = ["-day", "-searches"]
        verbose_name = "search query"
        verbose_name_plural = "search queries"
        constraints = [
            models.UniqueConstraint(fields=["day", "query"], name="search_log_unique_day_query")
        ]

    def __str__(self) -> str:
        return self.query
