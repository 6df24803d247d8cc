"""The editors' dashboard on the admin index: what waits for review, what is scheduled, and
which monographs are due for their medical review."""

from dataclasses import dataclass

from django import template
from django.urls import reverse

from articles.models import Article
from drugs.models import Drug
from medguide.editorial.editing import MY_WORK

register = template.Library()

SHOWN = 10


@register.inclusion_tag("admin/editorial/dashboard.html", takes_context=True)
def editorial_dashboard(context) -> dict:
    user = context["request"].user
    can_see_drugs = user.has_perm("drugs.view_drug")
    can_see_guides = user.has_perm("articles.view_article")
    drugs = Drug.objects.only(
        "pk", "generic_name", "status", "published_at", "reviewed_on", "review_note"
    )
    guides = Article.objects.only("pk", "title", "status", "published_at", "review_note")
    # Label pages are left out, here and in the change list's "medical review" filter alike.
    due = drugs.medical_review_due().order_by("reviewed_on")
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
        "my_work": my_work(
            user,
            drugs=drugs if can_see_drugs else None,
            guides=guides if can_see_guides else None,
        ),
    }


@dataclass(frozen=True)
class WorkList:
    """One model's part of a "my work" list: the first few items, how many there are in all,
    and the change list showing exactly those (its filter uses the same function)."""

    kind: str
    items: list
    count: int
    url: str


def my_work(user, *, drugs, guides) -> list[dict]:
    sections = []
    for key, (title, select) in MY_WORK.items():
        parts = []
        for kind, queryset, changelist in [
            ("monographs", drugs, "admin:drugs_drug_changelist"),
            ("guides", guides, "admin:articles_article_changelist"),
        ]:
            if queryset is None:
                continue
            chosen = select(queryset, user)
            count = chosen.count()
            if count:
                parts.append(
                    WorkList(kind, list(chosen[:SHOWN]), count, f"{reverse(changelist)}?mine={key}")
                )
        sections.append({"key": key, "title": title, "parts": parts})
    return sections
