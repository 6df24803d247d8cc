"""The editorial workflow: states, roles (from the data migration), buttons, bulk actions and
forged POSTs, preview, scheduling and review-due tracking."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from articles.models import Article
from drugs.models import Drug
from medguide.editorial.models import Status
from tests.admin_forms import change_url, press
from tests.factories import ArticleFactory, DrugFactory, DrugNameFactory

pytestmark = pytest.mark.django_db


# Roles ---------------------------------------------------------------------------------------


def test_the_roles_exist_with_the_permissions_they_need():
    def codenames(role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    editor, reviewer, admin = map(codenames, ["Editor", "Medical reviewer", "Site administrator"])
    assert {"add_drug", "change_drug", "delete_drugname", "change_article"} <= editor
    assert not {"publish_drug", "publish_article", "delete_drug", "change_user"} & editor
    assert editor | {"publish_drug", "publish_article"} == reviewer
    assert set(Permission.objects.values_list("codename", flat=True)) == admin


# Moving through the states -----------------------------------------------------------------


def test_an_editor_submits_a_draft_for_review(editor):
    drug = DrugFactory(status=Status.DRAFT)
    response = press(editor, drug, "submit", summary="Clearer summary.")
    assert response.status_code == 302
    drug.refresh_from_db()
    assert drug.status == Status.IN_REVIEW
    assert drug.summary == "Clearer summary."  # the button saves the edits too


def test_an_editor_who_forges_a_publish_gets_403_and_nothing_changes(editor):
    drug = DrugFactory(status=Status.IN_REVIEW, summary="As it was.")
    before = Drug.objects.filter(pk=drug.pk).values().get()
    assert press(editor, drug, "publish", summary="Sneaked in.").status_code == 403
    assert Drug.objects.filter(pk=drug.pk).values().get() == before
    response = editor.post(
        "/admin/drugs/drug/",
        {"action": "publish", "_selected_action": [drug.pk], "index": "0"},
    )
    assert response.status_code == 403
    assert Drug.objects.get(pk=drug.pk).status == Status.IN_REVIEW


def test_an_editor_sees_no_publish_button_and_cannot_set_the_status(editor):
    drug = DrugFactory(status=Status.DRAFT)
    content = editor.get(change_url(drug)).content.decode()
    assert 'value="submit"' in content
    assert 'value="publish"' not in content
    press(editor, drug, status=Status.PUBLISHED)  # a status typed into the POST is ignored
    assert Drug.objects.get(pk=drug.pk).status == Status.DRAFT


def test_a_reviewer_publishes_and_the_review_is_recorded(reviewer, client):
    drug = DrugFactory(status=Status.IN_REVIEW, reviewed_by="", reviewed_on=None)
    assert client.get(drug.get_absolute_url()).status_code == 404
    assert press(reviewer, drug, "publish").status_code == 302
    drug.refresh_from_db()
    assert drug.status == Status.PUBLISHED
    assert drug.reviewed_by == "Dr Ada Reviewer"
    assert drug.reviewed_on == timezone.localdate()
    page = client.get(drug.get_absolute_url()).content.decode()
    assert "Medically reviewed by Dr Ada Reviewer" in page


def test_sending_back_needs_a_comment_that_the_editor_then_sees(reviewer, person, client):
    drug = DrugFactory(status=Status.IN_REVIEW)
    refused = press(reviewer, drug, "send_back")
    assert refused.status_code == 200
    assert "say what needs changing" in refused.content.decode()
    assert Drug.objects.get(pk=drug.pk).status == Status.IN_REVIEW
    press(reviewer, drug, "send_back", _workflow_comment="Cite the label for the dose.")
    drug.refresh_from_db()
    assert drug.status == Status.DRAFT
    assert drug.review_note == "Cite the label for the dose."
    client.force_login(person("Editor", "another-editor"))
    assert "Cite the label for the dose." in client.get(change_url(drug)).content.decode()


def test_archived_and_in_review_items_are_hidden_from_the_public(client):
    for status in [Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED]:
        drug = DrugFactory(status=status)
        guide = ArticleFactory(status=status)
        assert client.get(drug.get_absolute_url()).status_code == 404
        assert client.get(guide.get_absolute_url()).status_code == 404


def test_hidden_is_everything_the_public_does_not_see():
    now = timezone.now()
    live = DrugFactory(status=Status.PUBLISHED, published_at=now - timedelta(minutes=1))
    others = [
        DrugFactory(status=Status.PUBLISHED, published_at=now + timedelta(days=1)),
        *(DrugFactory(status=status) for status in Status.values if status != Status.PUBLISHED),
    ]
    assert set(Drug.objects.hidden()) == set(others)
    assert set(Drug.objects.published()) == {live}
    assert set(Article.objects.hidden()) == set()


def test_count_published_counts_what_the_public_sees():
    now = timezone.now()
    DrugFactory.create_batch(2, status=Status.PUBLISHED, published_at=now - timedelta(minutes=1))
    DrugFactory(status=Status.PUBLISHED, published_at=now + timedelta(days=1))  # scheduled
    DrugFactory(status=Status.DRAFT, published_at=now + timedelta(days=1))
    DrugFactory(status=Status.ARCHIVED)
    assert Drug.objects.count_published() == Drug.objects.published().count() == 2
    assert Article.objects.count_published() == 0


def test_next_publication_is_the_first_scheduled_one_and_never_a_draft_s_time():
    now = timezone.now()
    assert Drug.objects.next_publication() is None
    DrugFactory(status=Status.PUBLISHED, published_at=now - timedelta(minutes=1))  # live
    DrugFactory(status=Status.DRAFT, published_at=now + timedelta(hours=1))  # not scheduled
    assert Drug.objects.next_publication() is None
    later = DrugFactory(status=Status.PUBLISHED, published_at=now + timedelta(days=2))
    first = DrugFactory(status=Status.PUBLISHED, published_at=now + timedelta(days=1))
    assert Drug.objects.next_publication() == first.published_at
    assert Drug.objects.exclude(pk=first.pk).next_publication() == later.published_at
    assert Article.objects.next_publication() is None


def test_a_scheduled_monograph_appears_when_its_time_comes(client):
    drug = DrugFactory(published_at=timezone.now() + timedelta(hours=2))
    assert client.get(drug.get_absolute_url()).status_code == 404
    assert drug not in Drug.objects.published()
    Drug.objects.filter(pk=drug.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert client.get(drug.get_absolute_url()).status_code == 200


def test_bulk_actions_move_only_what_can_move(reviewer):
    drafts = DrugFactory.create_batch(2, status=Status.IN_REVIEW)
    live = DrugFactory(status=Status.PUBLISHED)
    response = reviewer.post(
        "/admin/drugs/drug/",
        {"action": "archive", "_selected_action": [d.pk for d in [*drafts, live]], "index": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert Drug.objects.get(pk=live.pk).status == Status.ARCHIVED
    assert {d.status for d in Drug.objects.filter(pk__in=[d.pk for d in drafts])} == {
        Status.IN_REVIEW
    }
    assert "2 left as they were" in response.content.decode()


def test_the_admin_history_says_who_moved_what(reviewer):
    drug = DrugFactory(status=Status.IN_REVIEW)
    press(reviewer, drug, "send_back", _workflow_comment="Shorter sentences, please.")
    history = reviewer.get(f"/admin/drugs/drug/{drug.pk}/history/").content.decode()
    assert "Sent back to the editor: Shorter sentences, please." in history


# Preview ------------------------------------------------------------------------------------


def test_staff_preview_a_draft_as_readers_would_see_it(editor, client):
    drug = DrugFactory(status=Status.DRAFT, generic_name="Previewzole")
    DrugNameFactory(drug=drug, name="Previewbrand")
    response = editor.get(f"/admin/drugs/drug/{drug.pk}/preview/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Preview — not published." in content
    assert '<meta name="robots" content="noindex, nofollow">' in content
    assert "<h1" in content
    assert "Previewbrand" in content
    client.logout()
    assert client.get(drug.get_absolute_url()).status_code == 404
    assert client.get(f"/admin/drugs/drug/{drug.pk}/preview/").status_code == 302  # to log in


def test_a_scheduled_guide_can_be_previewed(editor):
    guide = ArticleFactory(published_at=timezone.now() + timedelta(days=3))
    content = editor.get(f"/admin/articles/article/{guide.pk}/preview/").content.decode()
    assert "Preview — not published." in content
    assert "scheduled for" in content


def test_the_live_page_carries_no_preview_banner(client):
    drug = DrugFactory()
    content = client.get(drug.get_absolute_url()).content.decode()
    assert "Preview — not published." not in content
    assert "noindex" not in content


# Review due -----------------------------------------------------------------------------------


def test_overdue_reviews_are_flagged_in_admin_dashboard_and_page(admin_client, client, settings):
    settings.MEDGUIDE = {**settings.MEDGUIDE, "REVIEW_PERIOD_DAYS": 365}
    stale = DrugFactory(
        generic_name="Stalezole",
        reviewed_by="Dr Old",
        reviewed_on=timezone.localdate() - timedelta(days=400),
    )
    fresh = DrugFactory(generic_name="Freshzole", reviewed_on=timezone.localdate())
    assert list(Drug.objects.review_due()) == [stale]
    listing = admin_client.get("/admin/drugs/drug/?review=due").content.decode()
    assert "Stalezole" in listing
    assert "Freshzole" not in listing
    dashboard = admin_client.get("/admin/").content.decode()
    assert "Medical review due (1)" in dashboard
    assert "Stalezole" in dashboard
    page = client.get(stale.get_absolute_url()).content.decode()
    assert "Last medically reviewed by Dr Old" in page
    assert "is due again" in page
    assert "is due again" not in client.get(fresh.get_absolute_url()).content.decode()


def test_the_dashboard_lists_work_waiting_and_scheduled(admin_client):
    DrugFactory(generic_name="Waitingzole", status=Status.IN_REVIEW)
    ArticleFactory(title="Tomorrow's guide", published_at=timezone.now() + timedelta(days=1))
    dashboard = admin_client.get("/admin/").content.decode()
    assert "Waitingzole" in dashboard
    assert "Tomorrow&#x27;s guide" in dashboard


def test_the_review_period_comes_from_settings(settings):
    drug = DrugFactory(reviewed_on=timezone.localdate() - timedelta(days=40))
    settings.MEDGUIDE = {**settings.MEDGUIDE, "REVIEW_PERIOD_DAYS": 30}
    assert drug.is_review_due
    settings.MEDGUIDE = {**settings.MEDGUIDE, "REVIEW_PERIOD_DAYS": 365}
    assert not drug.is_review_due


def test_editors_cannot_change_who_reviewed_a_monograph(editor):
    drug = DrugFactory(status=Status.DRAFT, reviewed_by="Dr Real")
    press(editor, drug, reviewed_by="Dr Fake")
    assert Drug.objects.get(pk=drug.pk).reviewed_by == "Dr Real"


def test_guides_follow_the_same_workflow(editor, reviewer, person, client):
    guide = ArticleFactory(status=Status.DRAFT)
    client.force_login(person("Editor", "guide-editor"))
    press(client, guide, "submit")
    assert Article.objects.get(pk=guide.pk).status == Status.IN_REVIEW
    assert press(client, guide, "publish").status_code == 403
    client.force_login(person("Medical reviewer", "guide-reviewer"))
    press(client, guide, "publish")
    assert Article.objects.get(pk=guide.pk).is_live
