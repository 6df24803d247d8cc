"""Who reviewed it is who approved it: recorded by the workflow when a medical reviewer
publishes, from their reviewer profile, and shown under the page."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article
from drugs.models import Drug
from medguide.editorial.models import ReviewerProfile, Status
from tests.admin_forms import change_url, press
from tests.factories import ArticleFactory, DrugFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def profiled(reviewer):
    user = get_user_model().objects.get(username="medical-reviewer")
    ReviewerProfile.objects.create(user=user, display_name="Jane Smith", qualification="PharmD")
    return reviewer


def test_publishing_records_the_profile_credit_the_date_and_the_approver(profiled):
    drug = DrugFactory(status=Status.IN_REVIEW, reviewed_by="", reviewed_on=None)
    press(profiled, drug, "publish")
    drug = Drug.objects.get(pk=drug.pk)
    assert drug.reviewed_by == "Jane Smith, PharmD"
    assert drug.reviewed_on == timezone.localdate()
    assert drug.approved_by.get_username() == "medical-reviewer"


def test_a_published_guide_shows_who_reviewed_it_and_when(profiled, client):
    guide = ArticleFactory(status=Status.IN_REVIEW)
    press(profiled, guide, "publish")
    page = client.get(guide.get_absolute_url()).content.decode()
    today = timezone.localdate()
    assert f'Medically reviewed by Jane Smith, PharmD on <time datetime="{today:%Y-%m-%d}">' in page


def test_without_a_profile_the_name_is_used_and_the_reviewer_is_told(reviewer):
    guide = ArticleFactory(status=Status.IN_REVIEW)
    press(reviewer, guide, "publish")
    assert Article.objects.get(pk=guide.pk).reviewed_by == "Dr Ada Reviewer"
    next_page = reviewer.get(change_url(guide)).content.decode()
    assert "should have a reviewer profile" in next_page


def test_an_unpublished_guide_shows_no_review_line(admin_client):
    guide = ArticleFactory(status=Status.DRAFT, reviewed_by="Jane Smith, PharmD")
    preview = admin_client.get(f"/admin/articles/article/{guide.pk}/preview/").content.decode()
    assert "Medically reviewed" not in preview


def test_editors_cannot_set_the_reviewer(editor):
    guide = ArticleFactory(status=Status.DRAFT)
    form = editor.get(change_url(guide)).content.decode()
    assert 'name="reviewed_by"' not in form
    assert 'name="reviewer"' not in form


def test_reviewer_profiles_are_for_site_administrators(editor, admin_client):
    assert editor.get("/admin/editorial/reviewerprofile/").status_code == 403
    assert admin_client.get("/admin/editorial/reviewerprofile/add/").status_code == 200
