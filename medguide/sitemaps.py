"""/sitemap.xml for crawlers: an index of the sections below, each at /sitemap-<section>.xml
and split into pages of SITEMAP_LIMIT addresses (?p=2), so no response lists the whole
catalogue: the site's pages, the published drugs and the page of all interactions of each,
classes and conditions that have published drugs, and the live guides, each with the time it
last changed where that is known."""

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.urls import reverse

from articles.models import Article
from drugs.models import Condition, Drug, DrugClass
from medguide.editorial.models import published_through
from medguide.editorial.paths import slug_path

# Addresses to a sitemap page (the protocol allows 50,000); at scale a page of 5,000 took
# 371 ms of CPU to render, which is too long for one request.
SITEMAP_LIMIT = 1000


def last_public_change(drugs: str):
    """When the newest of the medicines at `drugs` (a path to them) that readers see last
    changed: a page listing medicines changes with them, and not when a draft does."""
    return Max(f"{drugs}__updated_at", filter=published_through(drugs))


class PagedSitemap(Sitemap):
    limit = SITEMAP_LIMIT

    def get_latest_lastmod(self):
        # Django's default reads every item of the section to find the latest; the index
        # leaves it out instead, and each address keeps its own lastmod.
        return None

    def counted(self) -> QuerySet | None:
        """What the index and each page count, in place of the items, to know how many pages
        there are: for a section whose items cost more to list than to count; None counts the
        items."""
        return None

    @property
    def paginator(self) -> Paginator:
        pages = super().paginator
        counted = self.counted()
        if counted is not None:
            pages.count = counted.count()
        return pages


class PageSitemap(PagedSitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self) -> list[str]:
        return [
            "home",
            "drugs:list",
            "drugs:condition-list",
            "articles:list",
            "drugs:interactions",  # the checker
            "editorial-policy",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class DrugSitemap(PagedSitemap):
    changefreq = "weekly"
    priority = 0.9

    def items(self):
        return Drug.objects.published().only("slug", "updated_at").order_by("generic_name")

    def lastmod(self, drug: Drug):
        return drug.updated_at


class InteractionsSitemap(DrugSitemap):
    """The page of all interactions of each published medicine: what a reader searching for
    "<medicine> interactions" wants, including those a medicine has only through its class;
    one with none says that no interaction is known to us, not that there is none. Asking
    which have rows of their own (EXISTS on both sides) cost PostgreSQL 64 ms a page at
    20,000 medicines, and missed those. No lastmod: the page changes with other medicines'
    rows too."""

    priority = 0.6

    def location(self, drug: Drug) -> str:
        return slug_path("drugs:drug-interactions", drug.slug)

    def lastmod(self, drug: Drug):
        return None


class DrugClassSitemap(PagedSitemap):
    changefreq = "weekly"
    priority = 0.5

    def counted(self):
        published = Drug.objects.published()
        return DrugClass.objects.filter(Exists(published.filter(classes=OuterRef("pk"))))

    def items(self):
        return (
            self.counted()
            .annotate(changed=last_public_change("drugs"))
            .only("slug")
            .order_by("name")
        )

    def lastmod(self, drug_class: DrugClass):
        return drug_class.changed


class ConditionSitemap(PagedSitemap):
    changefreq = "weekly"
    priority = 0.5

    def counted(self):
        published = Drug.objects.published()
        return Condition.objects.filter(
            Exists(published.filter(indications__condition=OuterRef("pk")))
        )

    def items(self):
        return (
            self.counted()
            .annotate(changed=last_public_change("indications__drug"))
            .only("slug")
            .order_by("name")
        )

    def lastmod(self, condition: Condition):
        return condition.changed


class GuideSitemap(PagedSitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("-published_at")

    def lastmod(self, article: Article):
        return article.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "drugs": DrugSitemap,
    "interactions": InteractionsSitemap,
    "classes": DrugClassSitemap,
    "conditions": ConditionSitemap,
    "guides": GuideSitemap,
}
