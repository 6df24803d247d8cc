"""The RSS 2.0 feed of the newest published guides."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape

from articles.models import Article

FEED_ITEMS = 20


class LatestGuidesFeed(Feed):
    feed_type = Rss201rev2Feed
    title = "MedGuide guides"
    link = reverse_lazy("articles:list")
    description = (
        "New plain-language guides from MedGuide on medicines, conditions and living well "
        "with treatment."
    )

    def items(self):
        return (
            Article.objects.published()
            .select_related("author", "category")
            .prefetch_related("tags")[:FEED_ITEMS]
        )

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # RSS readers render <description> as HTML; the summary is plain text.
        return escape(item.summary)

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_author_name(self, item: Article) -> str:
        return item.author.name

    def item_categories(self, item: Article) -> list[str]:
        return [item.category.name, *(tag.name for tag in item.tags.all())]
