"""The editors' view of site search: what readers look for, and what they do not find."""

import logging

from django.contrib import admin

from medguide.search import log as search_log
from medguide.search.models import SearchLog

REPORT_DAYS = 30

logger = logging.getLogger(__name__)


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

    change_list_template = "admin/search/searchlog/change_list.html"
    list_display = ["query", "day", "searches", "results"]
    list_filter = [FoundFilter]
    search_fields = ["query"]
    date_hierarchy = "day"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        try:
            search_log.flush()  # the searches still counted in Redis, so the report is current
        except Exception:
            logger.warning(
                "Search log: flush failed; the report leaves out the latest", exc_info=True
            )
        report = search_log.report_since(REPORT_DAYS)
        extra_context = {**(extra_context or {}), "report": report, "report_days": REPORT_DAYS}
        return super().changelist_view(request, extra_context=extra_context)
