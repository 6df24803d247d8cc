"""The editors' dashboard: each "my work" count is the length of the list its link opens."""

import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone

from drugs.models import Drug, Origin
from medguide.editorial.models import Status
from tests.factories import ArticleFactory, DrugFactory

pytestmark = pytest.mark.django_db


def links_and_counts(content: str) -> list[tuple[str, int]]:
    """Each dashboard link to a filtered change list, with the count its text gives."""
    return [
        (url.replace("&amp;", "&"), int(count))
        for url, count in re.findall(
            r'<a href="(/admin/[a-z]+/[a-z]+/\?[^"]+)">(?:All )?(\d+) ', content
        )
    ]


def submitted_by(user, item) -> None:
    """The history line the workflow writes when an editor submits an item."""
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[item], action_flag=CHANGE, change_message="Submitted for review."
    )


@pytest.fixture
def work(admin_user):
    for number in range(12):  # more than the dashboard shows
        DrugFactory(generic_name=f"Duezole {number}", reviewed_on=None)
    for number in range(3):
        DrugFactory(generic_name=f"Labelzole {number}", origin=Origin.LABEL, reviewed_on=None)
    DrugFactory(
        generic_name="Waitingzole", status=Status.IN_REVIEW, reviewed_on=timezone.localdate()
    )
    sent_back = DrugFactory(
        generic_name="Backzole", status=Status.DRAFT, review_note="Check the maximum dose."
    )
    submitted_by(admin_user, sent_back)
    ArticleFactory(title="Guide in review", status=Status.IN_REVIEW)
    DrugFactory(
        generic_name="Livezole",
        draft={"summary": "New"},
        draft_by=admin_user,
        reviewed_on=timezone.localdate(),
    )


def test_each_count_is_the_length_of_the_list_it_opens(admin_client, work):
    content = admin_client.get("/admin/").content.decode()
    found = links_and_counts(content)
    assert {url.split("?")[1] for url, _ in found} >= {
        "mine=sent_back",
        "mine=to_review",
        "mine=drafts",
        "review=due",
    }
    for url, count in found:
        listing = admin_client.get(url)
        assert listing.context["cl"].result_count == count, url


def test_review_due_leaves_label_pages_out_of_the_count_and_the_list(admin_client, work):
    content = admin_client.get("/admin/").content.decode()
    due = Drug.objects.medical_review_due().count()
    assert f"Medical review due ({due})" in content
    assert not Drug.objects.medical_review_due().filter(origin=Origin.LABEL).exists()
    listing = admin_client.get("/admin/drugs/drug/?review=due")
    assert listing.context["cl"].result_count == due


def test_sent_back_shows_the_reviewers_comment(admin_client, work):
    content = admin_client.get("/admin/").content.decode()
    assert "Sent back to me" in content
    assert "Check the maximum dose." in content


def test_an_editor_without_publish_permission_has_nothing_waiting_for_their_review(
    client, person, work
):
    client.force_login(person("Editor"))
    listing = client.get("/admin/drugs/drug/?mine=to_review")
    assert listing.context["cl"].result_count == 0
