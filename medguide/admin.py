"""The editors' view of site search (what readers look for, and what they do not find), and
the medical reviewers' profiles that site administrators keep."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q

from medguide import workflow
from medguide.models import ReviewerProfile, SearchLog
from medguide.search import report_since

REPORT_DAYS = 30


class FoundFilter(admin.SimpleListFilter):
    title = "found"
    parameter_name = "found"

    def lookups(self, request, model_admin):
        return [("no", "Nothing"), ("yes", "Something")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(results=0)
        if self.value() == "yes":
            return queryset.filter(results__gt=0)
        return queryset


@admin.register(SearchLog)
class SearchLogAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the search page, one row per query and day."""

    change_list_template = "admin/medguide/searchlog/change_list.html"
    list_display = ["query", "day", "searches", "results"]
    list_filter = [FoundFilter]
    search_fields = ["query"]
    date_hierarchy = "day"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        report = report_since(REPORT_DAYS)
        extra_context = {**(extra_context or {}), "report": report, "report_days": REPORT_DAYS}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    """Who readers see under each page a medical reviewer approves. Kept by site
    administrators (the model's change permission). A reviewer without a profile is credited
    by their account's full name, and told so when they publish."""

    list_display = ["display_name", "qualification", "registration", "user"]
    list_select_related = ["user"]
    search_fields = ["display_name", "qualification", "registration", "user__username"]
    fields = ["user", "display_name", "qualification", "registration", "bio"]

    def has_module_permission(self, request) -> bool:
        return self.has_change_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = reviewers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def reviewers():
    """Accounts that may publish: medical reviewers and site administrators. A select of
    these few, rather than an autocomplete over every account."""
    roles = [workflow.MEDICAL_REVIEWER, workflow.SITE_ADMINISTRATOR]
    may_publish = get_user_model().objects.filter(
        Q(groups__name__in=roles) | Q(is_superuser=True), is_active=True
    )
    return get_user_model().objects.filter(pk__in=may_publish.values("pk")).order_by("username")
