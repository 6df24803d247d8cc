"""What every piece of content shares: publication status and timestamps (the abstract
Publishable), the reviewers readers see, the audit trail of workflow moves, and what an item
offers to be found by (SearchText, read by medguide.search through the content apps' signals)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from medguide.editorial.concurrency import CLAIMED


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


def published_through(relation: str) -> models.Q:
    """Keeps the rows whose `relation` (a path to Publishable rows, e.g. "drug" or
    "indications__drug") is published and due, through a join. The alternative,
    `relation__in=Model.objects.published()`, is a subquery that SQLite answers by listing
    every published row first: 20,000 medicines or 50,000 guides at scale, on every page."""
    return models.Q(
        **{
            f"{relation}__status": Status.PUBLISHED,
            f"{relation}__published_at__lte": timezone.now(),
        }
    )


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Published and due: a future publication time means scheduled, not yet public."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())

    def next_publication(self):
        """When the first of these still scheduled is published (None if none is): until
        then, the rows the public does not see are those it does not see now. Read as
        count_published() reads them, from the few rows dated later, which the publication
        time's index finds: asked with the status too, SQLite's planner, whose sampled
        statistics put 501 medicines to a status, read every published one for it (8.5 ms of
        a monograph read afresh at 20,000 medicines)."""
        later = self.filter(published_at__gt=timezone.now()).order_by("published_at")
        rows = later.values_list("published_at", "status")
        return next((at for at, status in rows if status == Status.PUBLISHED), None)

    def count_published(self) -> int:
        """published().count() as two cheap counts: the rows whose status is published, which
        its index alone answers, less the scheduled among the few rows dated later, which the
        publication time's index finds. Counted together, SQLite read every published row to
        test its time: 18 ms at 20,000 medicines, whose rows hold their label text."""
        later = (
            self.filter(published_at__gt=timezone.now()).order_by().values_list("status", flat=True)
        )
        scheduled = sum(status == Status.PUBLISHED for status in later)
        return self.filter(status=Status.PUBLISHED).count() - scheduled

    def in_review(self):
        return self.filter(status=Status.IN_REVIEW)

    def hidden(self):
        """What the public does not see: every other status, and the scheduled. Few rows, found
        through both indexes, for a list that leaves them out (`exclude(x__in=…hidden())`)
        without joining the many that are public."""
        others = [status for status in Status.values if status != Status.PUBLISHED]
        return self.filter(models.Q(status__in=others) | models.Q(published_at__gt=timezone.now()))


class Publishable(models.Model):
    """Content that readers see only once a medical reviewer publishes it and its publication
    time has come. The workflow (medguide.workflow) moves it between states."""

    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
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
    reviewed_by = models.CharField(
        max_length=200,
        blank=True,
        help_text="Medical reviewer's name and credentials, recorded when they publish.",
    )
    reviewed_on = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The medical reviewer who last pressed publish.",
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save, inside its transaction: of two editors saving at "
        "once, one wins and the other is told.",
    )
    draft = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="A pending draft of a live item, as the editor saved it; readers keep the "
        "live version until a medical reviewer publishes the draft.",
    )
    draft_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    draft_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        # Every save raises the version, so an editor whose page shows an older one is told.
        # The admin claims it first (medguide.concurrency.claim), checking what the editor
        # saw; any other save (imports, the demo, scripts) raises it here, in the database,
        # so two of them at once still count twice.
        if self._state.adding or self.__dict__.pop(CLAIMED, False):
            super().save(*args, **kwargs)
            return
        # Raised first and read back, so that what the save announces (the revision history
        # serialises the item in post_save) holds a number, not an expression.
        with transaction.atomic(using=kwargs.get("using")):
            rows = type(self)._default_manager.filter(pk=self.pk)
            rows.update(version=models.F("version") + 1)
            self.version = rows.values_list("version", flat=True).get()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            super().save(*args, **kwargs)

    @property
    def has_pending_draft(self) -> bool:
        return self.draft is not None

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def public_from(self) -> datetime | None:
        """When readers may see it: its publication time once published, None before."""
        return self.published_at if self.status == Status.PUBLISHED else None

    @property
    def is_scheduled(self) -> bool:
        return self.status == Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def is_live(self) -> bool:
        """What the public sees: published, and its publication time has come."""
        return self.status == Status.PUBLISHED and self.published_at <= timezone.now()


class ReviewerProfile(models.Model):
    """Who a medical reviewer is, as readers see it under every page they approve. Site
    administrators keep it; the workflow records the profile's name and credentials when its
    user publishes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile"
    )
    display_name = models.CharField(max_length=120, help_text='As readers see it: "Jane Smith".')
    qualification = models.CharField(
        max_length=120, help_text='Professional qualification, e.g. "PharmD" or "MD, FACP".'
    )
    registration = models.CharField(
        max_length=120,
        blank=True,
        help_text='Professional registration, e.g. "NPI 1234567890" or "GPhC 2012345".',
    )
    bio = models.TextField("short bio", blank=True)

    class Meta:
        db_table = "medguide_reviewerprofile"
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.credit

    @property
    def credit(self) -> str:
        """The review line's name: "Jane Smith, PharmD"."""
        return (
            f"{self.display_name}, {self.qualification}"
            if self.qualification
            else (self.display_name)
        )


class WorkflowEvent(models.Model):
    """One move in an item's editorial life, for its audit trail: who, when, from → to, why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, help_text="Kept if the account goes.")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        db_table = "medguide_workflowevent"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="workflow_event_item")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name}: {self.action}"

    @property
    def from_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value or "—"


@dataclass(frozen=True)
class SearchText:
    """What an item is found by, strongest first (PostgreSQL's weights A to D)."""

    title: str
    names: list[str]  # matched whole, by prefix and by spelling: generic, brands, title
    keywords: list[str] = field(default_factory=list)  # classes, conditions, tags, category
    summary: str = ""
    body: str = ""
    subtitle: str = ""  # shown under the title in results, e.g. "Lioresal, Ozobax"
    # When readers may find it: a publication time (future when scheduled), None never.
    public_from: datetime | None = None
