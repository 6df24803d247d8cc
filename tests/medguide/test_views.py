"""Site-wide pages: home, search, health check, robots.txt and the friendly 404."""

import pytest

from tests.factories import DrugFactory, DrugNameFactory

pytestmark = pytest.mark.django_db


def test_home_features_a_published_drug(client, baclofen):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Baclofen" in content
    assert 'href="/drugs/baclofen/"' in content


def test_home_offers_the_a_to_z_of_letters_in_use(client, baclofen):
    content = client.get("/").content.decode()
    assert 'href="/drugs/?letter=b"' in content
    assert 'href="/drugs/?letter=t"' in content  # Tizanidine
    assert 'href="/drugs/?letter=q"' not in content


def test_home_leaves_drafts_out(client, baclofen, draft_drug):
    content = client.get("/").content.decode()
    assert "Bromidraft" not in content


def test_home_answers_before_any_drug_is_published(client, db):
    assert client.get("/").status_code == 200


def test_healthz_reports_ok_as_json(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_robots_txt_keeps_crawlers_out_of_admin_and_search(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert not any("admin" in line for line in lines), "the admin's address is not published"
    assert "Disallow: /search/" in lines


def found(client, query) -> list[str]:
    """What the results page lists, best match first."""
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    best = response.context["search"].best_match
    return ([best.generic_name] if best else []) + [r.title for r in response.context["results"]]


@pytest.mark.parametrize("query", ["baclofen", "Baclofen", "bacl", "Lioresal", "lioresal"])
def test_search_finds_a_drug_by_generic_or_brand_name(client, baclofen, query):
    assert found(client, query) == ["Baclofen"]
    assert 'href="/drugs/baclofen/"' in client.get("/search/", {"q": query}).content.decode()


def test_search_finds_a_drug_by_condition(client, baclofen):
    # The condition's own page comes first, then the medicine used for it.
    assert found(client, "spasticity") == ["Spasticity", "Baclofen"]


def test_search_puts_exact_names_before_partial_ones(client, db):
    DrugFactory(generic_name="Amitriptyline")  # a word's middle is not a prefix
    DrugNameFactory(drug=DrugFactory(generic_name="Zeta"), name="Triptamol")
    DrugFactory(generic_name="Triptan")
    DrugFactory(generic_name="Tript")
    assert found(client, "tript") == ["Tript", "Triptan", "Zeta"]


def test_search_leaves_drafts_out(client, baclofen, draft_drug):
    DrugNameFactory(drug=draft_drug, name="Draftex")
    assert found(client, "Bromidraft") == []
    assert found(client, "Draftex") == []
    response = client.get("/search/", {"q": "Bromidraft"})
    assert "No results for “Bromidraft”." in response.content.decode()


def test_search_without_a_query_invites_one(client, baclofen):
    response = client.get("/search/")
    assert response.status_code == 200
    assert response.context["results"] == []
    assert 'href="/drugs/?letter=b"' in response.content.decode()


def test_search_only_answers_get(client, db):
    assert client.post("/search/", {"q": "baclofen"}).status_code == 405


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Page not found" in content
    assert 'href="/drugs/"' in content  # a way on: the A–Z
    assert "404.html" in [template.name for template in response.templates]


def test_search_echoes_the_query_escaped(client, db):
    content = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_favicon_ico_points_at_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("icons/favicon.svg")
