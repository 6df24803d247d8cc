"""Guides linked to drug monographs: authors, categories, tags, hero images, curation."""

import nh3
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from articles import images
from articles.markdown import reading_minutes, render_markdown
from drugs.models import CARD_FIELDS, Drug
from medguide.editorial.models import Publishable, PublishableQuerySet, SearchText
from medguide.editorial.paths import slug_path

# /articles/feed/ is the RSS feed, so no guide may take that slug.
RESERVED_SLUGS = {"feed"}


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:category", kwargs={"slug": self.slug})


class Author(models.Model):
    """A guide's byline. Its medical reviewer is who approved it (Publishable.reviewed_by)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    credentials = models.CharField(
        max_length=120, blank=True, help_text='e.g. "PharmD" or "Medical editor"'
    )
    bio = models.TextField("short bio", blank=True)
    photo = models.ImageField(
        upload_to="authors/", blank=True, validators=[images.validate_image_file]
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def save(self, *args, **kwargs):
        # Stored as re-encoded, as guide pictures are: no GPS position, no comment, nothing
        # but pixels, whatever wrote it (the admin, the demo, a script).
        if self.photo and not self.photo._committed:
            self.photo = images.strip_metadata(self.photo)
        super().save(*args, **kwargs)


# What a guide card (includes/article_card.html) never shows: the text, its headings and a
# pending edit, which a list of 20 guides would otherwise read in full.
NOT_ON_CARDS = ("body", "body_html", "headings", "draft")


class ArticleQuerySet(PublishableQuerySet):
    def for_cards(self):
        return self.select_related("category").defer(*NOT_ON_CARDS)

    def for_list(self):
        return self.for_cards().select_related("author").prefetch_related("tags")

    def for_detail(self):
        # The medicines it is about, as cards name them, and whether each is live.
        drugs = Drug.objects.published().only(*CARD_FIELDS, "status", "published_at")
        return self.select_related("category", "author").prefetch_related(
            "tags", models.Prefetch("related_drugs", queryset=drugs)
        )

    def for_search(self):
        """Everything search_text() reads, in a fixed number of queries. The tags and drugs
        come as plain lists: a prefetched manager still builds a queryset for each guide,
        and taggit's costs a filter (rebuilding 50,000 guides built 100,000 of them)."""
        return self.select_related("category").prefetch_related(
            Prefetch("tags", to_attr="search_tags"),
            Prefetch("related_drugs", to_attr="search_drugs"),
        )


class Article(Publishable):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.TextField(
        max_length=400, help_text="One or two sentences shown in lists, feeds and search."
    )
    body = models.TextField(
        help_text="Markdown: ## for headings, - for lists, | for tables. HTML is removed."
    )
    body_html = models.TextField(editable=False, default="")
    headings = models.JSONField(editable=False, default=list)
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)
    hero_image = models.ImageField(
        upload_to="articles/",
        blank=True,
        validators=[images.validate_image_file],
        help_text="JPEG, PNG or WebP, up to 10 MB. Location data is removed on upload.",
    )
    hero_alt = models.CharField(
        "hero image alt text",
        max_length=250,
        blank=True,
        help_text="What the picture shows, for people who cannot see it.",
    )
    hero_renditions = models.JSONField(editable=False, default=list)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="articles")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    tags = TaggableManager(blank=True)
    # The tag links themselves, so that a revision keeps them as rows of the guide (the
    # serializer leaves a TaggableManager out) and restoring one brings its tags back.
    tagged_items = GenericRelation(TaggedItem)
    related_drugs = models.ManyToManyField(Drug, related_name="articles", blank=True)
    revised_on = models.DateField(
        "last updated",
        null=True,
        blank=True,
        help_text="Set when you revise what the guide says; readers see “Updated” and this date.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_article", "Can approve, publish and archive guides")]
        # The lists' "published, newest first": one index both filters and orders, where
        # SQLite read every published guide through `status` alone and sorted them.
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_published_newest"),
            # A category's published guides, newest first, without sorting all of them: SQLite
            # sorted the 8,406 of the largest category at scale for every page (141 ms).
            models.Index(
                fields=["category", "status", "-published_at"], name="article_category_newest"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        rendered = render_markdown(self.body)
        self.body_html = rendered.html
        self.headings = [vars(heading) for heading in rendered.headings]
        self.reading_minutes = reading_minutes(self.body)
        fresh_upload = self.hero_image and not self.hero_image._committed
        if fresh_upload:
            self.hero_image = images.strip_metadata(self.hero_image)
        if not self.hero_image:
            self.hero_renditions = []
        super().save(*args, **kwargs)
        if fresh_upload or (self.hero_image and not self.hero_renditions):
            self.hero_renditions = images.ensure_renditions(self.hero_image.name)
            type(self).objects.filter(pk=self.pk).update(hero_renditions=self.hero_renditions)

    def get_absolute_url(self) -> str:
        return slug_path("articles:detail", self.slug)

    def clean(self) -> None:
        errors = {}
        if self.hero_image and not self.hero_alt.strip():
            errors["hero_alt"] = "Describe the image for readers who cannot see it."
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = f"“{self.slug}” is taken by a page of the site; choose another."
        if self.revised_on and self.published_at and self.revised_on < self.published_at.date():
            errors["revised_on"] = "A guide cannot be updated before it is published."
        if errors:
            raise ValidationError(errors)

    def search_text(self) -> SearchText:
        """How readers find this guide: its title, then its tags, category and the drugs it
        is about, the summary, and the body. Expects for_search()."""
        return SearchText(
            title=self.title,
            names=[self.title],
            keywords=[
                *(tag.name for tag in self.search_tags),
                self.category.name,
                *(drug.generic_name for drug in self.search_drugs),
            ],
            summary=self.summary,
            # The sanitiser, with no tags allowed, gives the text: as strip_tags() does, for
            # a quarter of its time (70 → 18 ms per 1,000 guides).
            body=nh3.clean(self.body_html, tags=set()),
            subtitle=f"Guide · {self.category.name}",
            public_from=self.public_from,
        )


class CuratedGuideQuerySet(models.QuerySet):
    def for_cards(self):
        """Each placement with its guide as a card shows it (ArticleQuerySet.for_cards): the
        guide's text left behind, 12 KB a guide that a drug's page never shows."""
        return self.select_related("article__category").defer(
            *(f"article__{name}" for name in NOT_ON_CARDS)
        )


class CuratedGuide(models.Model):
    """A guide an editor placed on a drug's page, in the editor's order."""

    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="curated_guides")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="curations")
    order = models.PositiveSmallIntegerField(default=0)

    objects = CuratedGuideQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "guide on this drug's page"
        verbose_name_plural = "guides on this drug's page"
        constraints = [
            models.UniqueConstraint(
                fields=["drug", "article"],
                name="curated_guide_once_per_drug",
                violation_error_message="This guide is already on the drug's page.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} on {self.drug}"
