"""The editorial policy page: how MedGuide writes, sources, reviews and corrects, who the
reviewers are, what the site does not do, and the licence; linked from every page."""

import pytest
from django.urls import reverse

from medguide.editorial.models import ReviewerProfile

pytestmark = pytest.mark.django_db

URL = "/about/editorial-policy/"


def test_the_policy_says_how_pages_are_written_reviewed_and_corrected(client):
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    for heading in (
        "Where the facts come from",
        "How a page is reviewed",
        "Our medical reviewers",
        "Corrections",
        "What this site does not do",
        "Licence",
    ):
        assert heading in content
    assert "Nothing reaches readers until a medical reviewer publishes it" in content
    assert "due for review again 365 days after its last review" in content
    assert "CC BY 4.0" in content
    assert 'href="https://www.fda.gov/medwatch"' in content


def test_it_names_the_active_reviewers_with_their_credentials(client, django_user_model):
    active = django_user_model.objects.create_user("ada", password="x-irrelevant")
    gone = django_user_model.objects.create_user("old", password="x-irrelevant", is_active=False)
    ReviewerProfile.objects.create(
        user=active, display_name="Ada Lovelace", qualification="PharmD", registration="NPI 1"
    )
    ReviewerProfile.objects.create(user=gone, display_name="Former Reviewer", qualification="MD")

    content = client.get(URL).content.decode()

    assert "<strong>Ada Lovelace</strong>, PharmD (NPI 1)" in content
    assert "Former Reviewer" not in content


def test_it_costs_a_fixed_number_of_queries(
    client, django_user_model, django_assert_max_num_queries
):
    for n in range(5):
        user = django_user_model.objects.create_user(f"r{n}", password="x-irrelevant")
        ReviewerProfile.objects.create(user=user, display_name=f"R {n}", qualification="MD")
    with django_assert_max_num_queries(1):
        client.get(URL)


def test_every_page_links_to_it_and_states_the_licence(client, baclofen):
    for page in ("/", reverse("drugs:detail", args=["baclofen"]), "/search/?q=baclofen"):
        content = client.get(page).content.decode()
        assert f'href="{URL}"' in content, page
        assert "CC BY 4.0" in content, page


def test_it_is_in_the_sitemap(client):
    assert URL in client.get("/sitemap-pages.xml").content.decode()
