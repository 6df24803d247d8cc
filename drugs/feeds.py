"""The Atom feed of one monograph's public change log: a reader follows changes to the
medicine they take."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from drugs.models import ChangeLogEntry, Drug

FEED_ITEMS = 20


class DrugChangesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug: str) -> Drug:
        return get_object_or_404(Drug.objects.published(), slug=slug)

    def title(self, drug: Drug) -> str:
        return f"What changed on the {drug.generic_name} page"

    def subtitle(self, drug: Drug) -> str:
        return (
            f"Each change to the {drug.generic_name} page that a medical reviewer published "
            "for readers to know about, newest first."
        )

    def link(self, drug: Drug) -> str:
        return reverse("drugs:changes", kwargs={"slug": drug.slug})

    def items(self, drug: Drug):
        return drug.changes.all()[:FEED_ITEMS]

    def item_title(self, change: ChangeLogEntry) -> str:
        where = change.section_title or change.section or "Whole page"
        return f"{where}: {change.summary}"

    def item_description(self, change: ChangeLogEntry) -> str:
        # Feed readers render the description as HTML: plain text is escaped by the template.
        approved = f" Approved by {change.reviewer}." if change.reviewer else ""
        return f"{change.summary}{approved}"

    def item_link(self, change: ChangeLogEntry) -> str:
        page = change.drug.get_absolute_url()
        return f"{page}#{change.section}" if change.section else page

    def item_guid(self, change: ChangeLogEntry) -> str:
        # Several entries can point at one section: each needs its own id.
        return f"medguide:drug-change:{change.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, change: ChangeLogEntry) -> datetime:
        return timezone.make_aware(datetime.combine(change.changed_on, time.min))

    def item_updateddate(self, change: ChangeLogEntry) -> datetime:
        return self.item_pubdate(change)
