"""The editors' dashboard on the admin index: what waits for review, what is scheduled, and
which monographs are due for their medical review."""

from django import template

from articles.models import Article
from drugs.models import Drug, Origin

register = template.Library()

SHOWN = 10


@register.inclusion_tag("admin/editorial/dashboard.html", takes_context=True)
def editorial_dashboard(context) -> dict:
    user = context["request"].user
    can_see_drugs = user.has_perm("drugs.view_drug")
    can_see_guides = user.has_perm("articles.view_article")
    drugs = Drug.objects.only("pk", "generic_name", "status", "published_at", "reviewed_on")
    guides = Article.objects.only("pk", "title", "status", "published_at")
    due = drugs.filter(origin=Origin.EDITORIAL).review_due().order_by("reviewed_on")
    return {
        "can_see_drugs": can_see_drugs,
        "can_see_guides": can_see_guides,
        "drugs_in_review": list(drugs.in_review()[:SHOWN]) if can_see_drugs else [],
        "guides_in_review": list(guides.in_review()[:SHOWN]) if can_see_guides else [],
        "drugs_scheduled": list(drugs.scheduled().order_by("published_at")[:SHOWN])
        if can_see_drugs
        else [],
        "guides_scheduled": list(guides.scheduled().order_by("published_at")[:SHOWN])
        if can_see_guides
        else [],
        "review_due": list(due[:SHOWN]) if can_see_drugs else [],
        "review_due_count": due.count() if can_see_drugs else 0,
    }
