"""Publication changes only through moves that need the publish permission: the status, the
publication time, who reviewed it and when, and who approved it are read-only to editors, and
a POST that changes them anyway (form field, bulk action, or typed by hand) is refused with
403 and changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from drugs.models import Drug
from medguide.editorial.models import Status
from tests.admin_forms import change_form_data, change_url, press
from tests.factories import ArticleFactory, DrugFactory

pytestmark = pytest.mark.django_db


def stored(item) -> dict:
    return type(item).objects.filter(pk=item.pk).values().get()


def split(moment) -> dict:
    """The admin's date and time boxes for the publication time."""
    moment = timezone.localtime(moment)
    return {"published_at_0": f"{moment:%Y-%m-%d}", "published_at_1": f"{moment:%H:%M:%S}"}


@pytest.fixture
def scheduled(db):
    return DrugFactory(
        status=Status.PUBLISHED,
        published_at=timezone.now() + timedelta(days=2),
        summary="As reviewed.",
        reviewed_by="Dr Real",
        reviewed_on=timezone.localdate() - timedelta(days=3),
    )


# The form field -------------------------------------------------------------------------------


def test_editors_see_the_publication_time_of_an_existing_item_read_only(editor, scheduled):
    content = editor.get(change_url(scheduled)).content.decode()
    assert 'name="published_at_0"' not in content
    assert "Publication time" in content  # shown, not editable


def test_editors_still_set_a_publication_time_on_a_new_draft(editor):
    assert 'name="published_at_0"' in editor.get("/admin/drugs/drug/add/").content.decode()


def test_reviewers_edit_the_publication_time(reviewer, scheduled):
    assert 'name="published_at_0"' in reviewer.get(change_url(scheduled)).content.decode()


@pytest.mark.parametrize(
    "moment", [timezone.now() - timedelta(minutes=5), timezone.now() + timedelta(days=365)]
)
def test_an_editor_who_moves_the_publication_time_gets_403(editor, scheduled, moment):
    """Earlier would publish the scheduled monograph; later would take a live one down."""
    before = stored(scheduled)
    assert press(editor, scheduled, **split(moment)).status_code == 403
    assert stored(scheduled) == before
    assert not Drug.objects.published().filter(pk=scheduled.pk).exists()


def test_a_publication_time_in_one_box_is_refused_too(editor, scheduled):
    before = stored(scheduled)
    response = press(editor, scheduled, published_at=f"{timezone.now():%Y-%m-%d %H:%M:%S}")
    assert response.status_code == 403
    assert stored(scheduled) == before


def test_an_unreadable_publication_time_is_refused_not_ignored(editor, scheduled):
    before = stored(scheduled)
    assert press(editor, scheduled, published_at_0="soon", published_at_1="").status_code == 403
    assert stored(scheduled) == before


def test_posting_the_stored_publication_time_again_is_harmless(editor, scheduled):
    response = press(editor, scheduled, summary="Clearer.", **split(scheduled.published_at))
    assert response.status_code == 302
    assert Drug.objects.get(pk=scheduled.pk).summary == "Clearer."


def test_a_reviewer_schedules_as_part_of_publishing(reviewer):
    drug = DrugFactory(status=Status.IN_REVIEW)
    tomorrow = timezone.now() + timedelta(days=1)
    assert press(reviewer, drug, "publish", **split(tomorrow)).status_code == 302
    drug.refresh_from_db()
    assert drug.is_scheduled
    assert drug.published_at.replace(microsecond=0) == tomorrow.replace(microsecond=0)


def test_guides_lock_the_publication_time_too(editor):
    guide = ArticleFactory(status=Status.PUBLISHED, published_at=timezone.now() + timedelta(1))
    before = stored(guide)
    assert press(editor, guide, **split(timezone.now())).status_code == 403
    assert stored(guide) == before
    assert not Article.objects.published().filter(pk=guide.pk).exists()


# Direct POSTs of the other fields -------------------------------------------------------------


@pytest.mark.parametrize(
    "forged",
    [
        {"status": Status.DRAFT},
        {"status": Status.ARCHIVED},
        {"reviewed_by": "Dr Fake"},
        {"reviewed_on": "2020-01-01"},
        {"review_note": "Looks fine to me."},
    ],
)
def test_an_editor_who_posts_a_publication_field_gets_403(editor, scheduled, forged):
    before = stored(scheduled)
    assert press(editor, scheduled, **forged).status_code == 403
    assert stored(scheduled) == before


@pytest.mark.parametrize("forged", [{"status": Status.ARCHIVED}, {"status": "nonsense"}])
def test_even_a_reviewer_moves_the_status_only_with_a_button(reviewer, scheduled, forged):
    before = stored(scheduled)
    assert press(reviewer, scheduled, **forged).status_code == 403
    assert stored(scheduled) == before


def test_nobody_types_in_who_approved_it(reviewer, scheduled, django_user_model):
    other = django_user_model.objects.create_user("someone-else")
    before = stored(scheduled)
    assert press(reviewer, scheduled, approved_by=str(other.pk)).status_code == 403
    assert stored(scheduled) == before


def test_a_forged_status_on_a_new_item_is_refused(editor):
    page = editor.get("/admin/drugs/drug/add/")
    data = change_form_data(page, generic_name="Forgezole", slug="forgezole", summary="S.")
    response = editor.post("/admin/drugs/drug/add/", {**data, "status": Status.PUBLISHED})
    assert response.status_code == 403
    assert not Drug.objects.filter(slug="forgezole").exists()


def test_a_forged_publish_button_is_refused(editor, scheduled):
    drug = DrugFactory(status=Status.IN_REVIEW)
    before = stored(drug)
    assert press(editor, drug, "publish").status_code == 403
    assert stored(drug) == before


# Bulk actions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["publish", "archive"])
def test_an_editor_who_posts_a_publishing_bulk_action_gets_403(editor, scheduled, action):
    waiting = DrugFactory(status=Status.IN_REVIEW)
    before = [stored(scheduled), stored(waiting)]
    response = editor.post(
        "/admin/drugs/drug/",
        {"action": action, "_selected_action": [scheduled.pk, waiting.pk], "index": "0"},
    )
    assert response.status_code == 403
    assert [stored(scheduled), stored(waiting)] == before


def test_a_reviewers_bulk_publish_records_the_review(reviewer):
    drug = DrugFactory(status=Status.IN_REVIEW, reviewed_by="", reviewed_on=None)
    reviewer.post(
        "/admin/drugs/drug/", {"action": "publish", "_selected_action": [drug.pk], "index": "0"}
    )
    drug.refresh_from_db()
    assert drug.status == Status.PUBLISHED
    assert drug.reviewed_by == "Dr Ada Reviewer"


# Restoring a revision ---------------------------------------------------------------------------


def test_restoring_a_revision_brings_back_content_not_the_publication_state(reviewer):
    drug = DrugFactory(status=Status.IN_REVIEW, summary="Draft summary.")
    press(reviewer, drug, "publish", summary="Reviewed summary.")
    press(reviewer, drug, "unpublish", summary="Withdrawn for now.")
    before = stored(drug)
    published = Version.objects.get_for_object(drug).last()  # when it was live
    url = f"/admin/drugs/drug/{drug.pk}/history/{published.pk}/"
    page = reviewer.get(url)
    assert 'name="_version"' in page.content.decode()
    assert reviewer.post(url, change_form_data(page, _save="Save")).status_code == 302
    now = stored(drug)
    assert now["summary"] == "Reviewed summary."
    kept = ["status", "published_at", "reviewed_by", "reviewed_on", "approved_by_id"]
    assert {k: now[k] for k in kept} == {k: before[k] for k in kept}
    assert now["status"] == Status.DRAFT
    assert now["version"] == before["version"] + 1  # never back to an old version
