"""The editors' admin for guides, their authors and categories, and each drug's curated guides."""

import reversion
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from articles import images
from articles.markdown import render_markdown
from articles.models import Article, Author, Category, CuratedGuide
from articles.views import ArticleDetailView
from articles.widgets import CommaTagField, MarkdownEditor
from drugs.admin import DrugAdmin
from drugs.keeping import keep_when_committed
from drugs.models import Drug
from medguide.editorial.admin import EditorialAdmin
from medguide.editorial.autocomplete import PreloadedAutocompleteMixin
from medguide.editorial.editing import MyWorkFilter
from medguide.editorial.readability import admin_summary

PREVIEW_LIMIT = 200_000  # characters of Markdown the preview renders
LINK_TARGETS = 8  # of each kind


# The rows a guide's revision follows for its tags (ArticleAdmin.reversion_register).
reversion.register(Tag)
reversion.register(TaggedItem, follow=["tag"])


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {models.ImageField: {"form_class": images.PictureField}}


@admin.register(Article)
class ArticleAdmin(EditorialAdmin):
    draft_noun = "guide"
    list_display = ["title", "category", "author", "state", "published_at", "updated_at"]
    list_select_related = ["category", "author"]
    list_filter = [MyWorkFilter, "status", "category", "tags", "author"]
    search_fields = ["title", "summary", "tags__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "category", "related_drugs"]
    date_hierarchy = "published_at"
    readonly_fields = [
        "image_preview",
        "reading_minutes",
        "summary_readability",
        "body_readability",
        # Recorded by the workflow when a medical reviewer publishes; nobody types them.
        "reviewed_by",
        "reviewed_on",
        "approved_by",
    ]
    save_on_top = True
    formfield_overrides = {
        models.ImageField: {"form_class": images.PictureField},
        TaggableManager: {
            "form_class": CommaTagField,
            "help_text": "Separated by commas, e.g. “Muscle spasm, Sleep”.",
        },
    }
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "summary", "summary_readability"]}),
        ("Hero image", {"fields": ["hero_image", "image_preview", "hero_alt"]}),
        (
            "Guide",
            {"fields": ["body", "body_readability", "reading_minutes", "tags", "related_drugs"]},
        ),
        ("People", {"fields": ["author", "reviewed_by", "reviewed_on", "approved_by"]}),
        ("Publication", {"fields": ["status", "published_at", "revised_on"]}),
    ]

    def reversion_register(self, model, **options):
        # A guide's revision keeps its tags, as rows, like a drug's keeps its names.
        if model is Article:
            options["follow"] = (*options.get("follow", ()), "tagged_items")
        super().reversion_register(model, **options)

    def published(self, request, item) -> None:
        # The monographs its card is on (it is about them, or placed on them) keep their rows
        # with it once the publication commits (docs/decisions/kept-ahead.md).
        about = Q(articles=item.pk) | Q(curated_guides__article=item.pk)
        keep_when_committed(Drug.objects.filter(about).distinct(), using=item._state.db)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = MarkdownEditor(
                preview_url=reverse("admin:articles_article_markdown_preview"),
                links_url=reverse("admin:articles_article_link_targets"),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_urls(self):
        return [
            path(
                "markdown-preview/",
                self.admin_site.admin_view(self.markdown_preview_view),
                name="articles_article_markdown_preview",
            ),
            path(
                "link-targets/",
                self.admin_site.admin_view(self.link_targets_view),
                name="articles_article_link_targets",
            ),
            *super().get_urls(),
        ]

    @staticmethod
    def _check_editor(request) -> None:
        if not (
            request.user.has_perm("articles.change_article")
            or request.user.has_perm("articles.add_article")
        ):
            raise PermissionDenied

    @method_decorator(require_POST)
    def markdown_preview_view(self, request):
        """The body as readers will see it, rendered and sanitised as the public page does.
        A POST, so admin_view's CSRF check applies."""
        self._check_editor(request)
        text = request.POST.get("body", "")[:PREVIEW_LIMIT]
        return JsonResponse({"html": render_markdown(text).html})

    @method_decorator(require_GET)
    def link_targets_view(self, request):
        """Drugs and guides whose name or title contains ?q=, with their public addresses."""
        self._check_editor(request)
        query = " ".join(request.GET.get("q", "").split())[:100]
        if len(query) < 2:
            return JsonResponse({"results": []})
        drugs = Drug.objects.filter(
            Q(generic_name__icontains=query) | Q(names__name__icontains=query)
        ).distinct()
        guides = Article.objects.filter(title__icontains=query)
        results = [
            {"kind": "drug", "label": drug.generic_name, "url": drug.get_absolute_url()}
            for drug in drugs.order_by("generic_name")[:LINK_TARGETS]
        ] + [
            {"kind": "guide", "label": guide.title, "url": guide.get_absolute_url()}
            for guide in guides.order_by("title")[:LINK_TARGETS]
        ]
        return JsonResponse({"results": results})

    @admin.display(description="plain language")
    def summary_readability(self, article: Article) -> str:
        return admin_summary(article.summary) if article.summary else "—"

    @admin.display(description="plain language")
    def body_readability(self, article: Article) -> str:
        return admin_summary(article.body) if article.body else "—"

    def render_preview(self, request, obj):
        return ArticleDetailView.as_view(is_preview=True)(request, slug=obj.slug)

    @admin.display(description="preview")
    def image_preview(self, article: Article) -> str:
        jpegs = [r for r in article.hero_renditions if r["format"] == "jpeg"]
        if not jpegs:
            return "No image yet."
        smallest = jpegs[0]
        return format_html(
            '<img src="{}" width="240" alt="{}" class="admin-hero-preview">',
            default_storage.url(smallest["name"]),
            article.hero_alt,
        )


class CuratedGuideInline(PreloadedAutocompleteMixin, admin.TabularInline):
    model = CuratedGuide
    extra = 0
    autocomplete_fields = ["article"]
    fields = ["article", "order"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("drug", "article")


# Curation is edited on the drug's page; drugs does not know about articles, so the
# articles app extends the drug admin rather than the other way round.
admin.site.unregister(Drug)
# Registered again with the curated guides among the rows each revision keeps.
reversion.unregister(Drug)


@admin.register(Drug)
class DrugWithGuidesAdmin(DrugAdmin):
    inlines = [*DrugAdmin.inlines, CuratedGuideInline]
