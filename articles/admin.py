"""The editors' admin for guides, their authors and categories, and each drug's curated guides."""

import reversion
from django.contrib import admin
from django.core.files.storage import default_storage
from django.utils.html import format_html

from articles.models import Article, Author, Category, CuratedGuide
from articles.views import ArticleDetailView
from drugs.admin import DrugAdmin
from drugs.models import Drug
from medguide.autocomplete import PreloadedAutocompleteMixin
from medguide.editorial import EditorialAdmin
from medguide.readability import admin_summary


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


@admin.register(Article)
class ArticleAdmin(EditorialAdmin):
    list_display = ["title", "category", "author", "state", "published_at", "updated_at"]
    list_select_related = ["category", "author"]
    list_filter = ["status", "category", "tags", "author"]
    search_fields = ["title", "summary", "tags__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "reviewer", "category", "related_drugs"]
    date_hierarchy = "published_at"
    readonly_fields = [
        "image_preview",
        "reading_minutes",
        "summary_readability",
        "body_readability",
    ]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "summary", "summary_readability"]}),
        ("Hero image", {"fields": ["hero_image", "image_preview", "hero_alt"]}),
        (
            "Guide",
            {"fields": ["body", "body_readability", "reading_minutes", "tags", "related_drugs"]},
        ),
        ("People", {"fields": ["author", "reviewer"]}),
        ("Publication", {"fields": ["status", "published_at", "revised_on"]}),
    ]

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
            '<img src="{}" width="240" alt="{}" style="height:auto">',
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
