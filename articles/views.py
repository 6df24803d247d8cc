"""Public guide pages: the filterable list, category and tag pages, and the guide itself."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, ListView
from taggit.models import Tag, TaggedItem

from articles.forms import GuideListQuery, GuidePageQuery
from articles.jsonld import guide_jsonld, share_image
from articles.models import Article, Category
from drugs.models import Drug
from drugs.opendata import script_json
from medguide.editorial.caching import QueryMixin, remember
from medguide.editorial.models import published_through
from medguide.editorial.paging import NearestPageMixin, nearest_page_of

GUIDES_PER_PAGE = 12
RELATED_GUIDES = 3
FILTER_MEDICINES = 100  # a longer list of options is one nobody scrolls
TABLE_OF_CONTENTS_MIN_HEADINGS = 3


def medicines_with_guides(chosen: str = "", *, most: list[Drug] | None = None) -> list[Drug]:
    """The guide list's medicine filter: the FILTER_MEDICINES published medicines with the
    most published guides (or `most`, as found before), and the chosen one (a slug) if it has
    any, by name. One query over the guide–medicine links, however many medicines have
    guides; given `most`, one that reads the chosen medicine's links only: an address with
    any other ?drug= (a slug no medicine has) aggregated every link again (90 ms on
    PostgreSQL at 50,000 guides, 190 on SQLite).

    The links counted are those of neither a guide nor a medicine the public does not see,
    left out by those few ids (Publishable.hidden()) rather than by joining the many that are
    public: joined, SQLite looked up the medicine of each of 78,550 links, and its row holds
    the label's text (261 ms against 80 at 20,000 medicines; PostgreSQL 84 against 41)."""
    links = Article.related_drugs.through.objects
    if most is None:
        public = links.exclude(article__in=Article.objects.hidden().values("pk")).exclude(
            drug__in=Drug.objects.hidden().values("pk")
        )
        wanted = Q(
            pk__in=public.values("drug_id")
            .annotate(guides=Count("pk"))
            .order_by("-guides", "drug_id")
            .values("drug_id")[:FILTER_MEDICINES]
        )
    else:
        wanted = Q(pk__in=[drug.pk for drug in most])
    if chosen:
        chosen_links = links.filter(
            published_through("article"), published_through("drug"), drug__slug=chosen
        )
        wanted |= Q(slug=chosen, pk__in=chosen_links.values("drug_id"))
    return list(Drug.objects.filter(wanted).order_by("generic_name"))


def tags_in_use():
    """Tags of published guides, for the list page's tag links. A semi-join (EXISTS): DISTINCT
    over every tagging of every published guide took 58 ms at 50,000 guides, for the list
    and for each tag page looking up its one tag."""
    tagged = Article.objects.published().filter(tags=OuterRef("pk"))
    return Tag.objects.filter(Exists(tagged)).order_by(Lower("name"), "pk")


def filter_options() -> dict[str, list]:
    """The guide list's filters: categories and tags of published guides, and the medicines
    with the most of them."""
    return {
        "category": list(
            Category.objects.filter(
                Exists(Article.objects.published().filter(category=OuterRef("pk")))
            )
        ),
        "drug": medicines_with_guides(),
        "tag": list(tags_in_use()),
    }


class GuideListView(NearestPageMixin, ListView):
    """What the guide lists share: published guides, newest first, a dozen to a page. Each
    view's queryset says which guides; the page shows them as for_list() reads them."""

    query_form = GuidePageQuery
    model = Article
    context_object_name = "articles"
    paginate_by = GUIDES_PER_PAGE
    chosen: dict[str, str] = {}

    def paginate_queryset(self, queryset, page_size):
        # The page's ids first, along the published (or category's) index, then its rows:
        # read whole, every guide before a deep page was read too (page 2,000 of all
        # guides at scale: 226 ms on SQLite and 89 on PostgreSQL, against 9 and 8).
        page = nearest_page_of(
            queryset,
            page_size,
            self.query["page"],
            shown=Article.objects.for_list(),
            walks_an_index=True,
            length=self.length(),
        )
        return page.paginator, page, page.object_list, page.has_other_pages()

    def length(self) -> int | None:
        """How many guides the list holds, when it can be counted for less than its count()
        takes; None, and the list is counted."""
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(heading=self.heading(), **kwargs)
        page = context["page_obj"]
        context["pages"] = page.paginator.get_elided_page_range(
            page.number, on_each_side=1, on_ends=1
        )
        # Page links keep the filters, and only them.
        context["page_query"] = urlencode({k: v for k, v in self.chosen.items() if v})
        return context

    def heading(self) -> str:
        return "Guides"


class ArticleListView(GuideListView):
    """/articles/: every published guide, narrowed by ?category=, ?tag= and ?drug= (slugs).
    A value that matches nothing gives an empty list that says so."""

    query_form = GuideListQuery

    def get_queryset(self):
        self.chosen = {name: self.query[name] for name in ("category", "drug", "tag")}
        articles = Article.objects.published()
        if self.chosen["category"]:
            articles = articles.filter(category__slug=self.chosen["category"])
        if self.chosen["drug"]:
            # One join: the same linked medicine is published and has that slug.
            articles = articles.filter(
                published_through("related_drugs") & Q(related_drugs__slug=self.chosen["drug"])
            )
        if self.chosen["tag"]:
            articles = articles.filter(tags__slug=self.chosen["tag"])
        return articles

    def get_context_data(self, **kwargs):
        # The same for every reader and page until content changes, and three aggregates over
        # every guide (about 180 ms at 50,000 guides): kept, as each page and filter is
        # rendered once after a publish.
        self.options = dict(remember("guide-filters", [], filter_options))
        chosen_drug = self.chosen["drug"]
        if chosen_drug and all(drug.slug != chosen_drug for drug in self.options["drug"]):
            # With it, if it has any guides.
            self.options["drug"] = medicines_with_guides(chosen_drug, most=self.options["drug"])
        self.found = {
            name: next((o for o in self.options[name] if o.slug == self.chosen[name]), None)
            for name in self.options
        }
        unknown = [
            (label, self.chosen[name])
            for name, label in [("category", "category"), ("drug", "medicine"), ("tag", "tag")]
            if self.chosen[name] and self.found[name] is None
        ]
        others = {name: value for name, value in self.chosen.items() if value and name != "tag"}
        tag_links = [
            (tag, urlencode({**others, "tag": tag.slug}), tag.slug == self.chosen["tag"])
            for tag in self.options["tag"]
        ]
        return super().get_context_data(
            filters=self.options,
            tag_links=tag_links,
            without_tag=urlencode(others),
            chosen=self.chosen,
            is_filtered=any(self.chosen.values()),
            unknown_filters=unknown,
            **kwargs,
        )

    def heading(self) -> str:
        category, drug, tag = self.found["category"], self.found["drug"], self.found["tag"]
        parts = ["Guides"]
        if drug:
            parts.append(f"about {drug.generic_name}")
        if category:
            parts.append(f"in {category.name}")
        if tag:
            parts.append(f"tagged “{tag.name}”")
        return " ".join(parts)


class CategoryArticleListView(GuideListView):
    """/articles/category/<slug>/: the published guides in one category."""

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return Article.objects.published().filter(category=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)

    def heading(self) -> str:
        return f"Guides in {self.category.name}"


class TagArticleListView(GuideListView):
    """/articles/tag/<slug>/: the published guides with one tag. A tag on no published guide
    answers 404 like an unknown one: it has nothing public to show."""

    def get_queryset(self):
        slug = self.kwargs["slug"]
        if "\x00" in slug:  # PostgreSQL refuses NUL in a string parameter
            raise Http404
        self.tag = get_object_or_404(tags_in_use(), slug=slug)
        # The tag's guides by id (IN): joined to its taggings instead, PostgreSQL sorted all
        # 4,245 guides of a tag at scale with their rows to show 20 (26 -> 8.5 ms).
        self.tagged = TaggedItem.objects.filter(
            tag=self.tag, content_type=ContentType.objects.get_for_model(Article)
        )
        return Article.objects.published().filter(pk__in=self.tagged.values("object_id"))

    def length(self) -> int:
        # The tag's taggings less those of the few guides the public does not see (a guide
        # has a tag once): counted as the published guides among them, SQLite read the row of
        # each of the 4,245 guides of a tag at scale (18 ms, against 4; PostgreSQL 12 and 11).
        return self.tagged.exclude(object_id__in=Article.objects.hidden().values("pk")).count()

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)

    def heading(self) -> str:
        return f"Guides tagged “{self.tag.name}”"


def related_guides(article: Article, *, drugs: list[Drug], limit: int = RELATED_GUIDES):
    """Other published guides on the same medicines or in the same category: those sharing
    the most medicines first, then the newest. Two queries, each reading only what it may
    show: the guides linked to these medicines (through the link table's drug index), then
    the newest in the category; never every guide on the site."""
    published = Article.objects.published().exclude(pk=article.pk).for_cards()
    sharing = list(
        published.filter(related_drugs__in=[drug.pk for drug in drugs])
        .annotate(shared_drugs=Count("pk"))  # one joined row per medicine shared
        .order_by("-shared_drugs", "-published_at", "-pk")[:limit]
    )
    newest = published.filter(category_id=article.category_id).order_by("-published_at", "-pk")
    shown = {guide.pk for guide in sharing}
    return [*sharing, *(guide for guide in newest[:limit] if guide.pk not in shown)][:limit]


class ArticleDetailView(QueryMixin, DetailView):
    context_object_name = "article"
    is_preview = False  # the admin's preview shows drafts too, marked and not indexed

    def get_queryset(self):
        articles = Article.objects.all() if self.is_preview else Article.objects.published()
        return articles.for_detail()

    def get_context_data(self, **kwargs):
        article = self.object
        drugs = list(article.related_drugs.all())
        image = share_image(article, absolute=self.request.build_absolute_uri)
        data = guide_jsonld(
            article,
            drugs=drugs,
            site_url=self.request.build_absolute_uri("/").rstrip("/"),
            site_name=settings.MEDGUIDE["SITE_NAME"],
            image=image,
        )
        return super().get_context_data(
            contents=table_of_contents(article.headings),
            og_image=image,
            # Escaped for a <script> body by script_json, so safe in that one place.
            article_jsonld=mark_safe(script_json(data)),
            related_drugs=drugs,
            related_guides=list(related_guides(article, drugs=drugs)),
            is_preview=self.is_preview,
            preview_item=self.object if self.is_preview else None,
            **kwargs,
        )


def table_of_contents(headings: list[dict]) -> list[dict]:
    """The guide's headings for its contents box, each marked `is_sub` when it sits under
    a higher one; none for a short guide, which needs no contents."""
    if len(headings) < TABLE_OF_CONTENTS_MIN_HEADINGS:
        return []
    top = min(heading["level"] for heading in headings)
    return [{**heading, "is_sub": heading["level"] > top} for heading in headings]
