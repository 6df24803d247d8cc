"""Site search on the demo content: the right item first, the results page, suggestions,
the editors' report, and strange input. The demo loads once for the module."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from medguide.search import query as site_search
from medguide.search.models import SearchDocument, SearchLog
from tests.search_results import titles

pytestmark = pytest.mark.django_db


def page(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response


def suggestions(client, **params) -> list[dict]:
    response = client.get("/search/suggest/", params)
    assert response.status_code == 200
    return response.json()["suggestions"]


STRANGE = [
    "x" * 10_000,
    "bac\x00lofen",
    "\x01\x02\x1b[31m",
    "& | ! : * ( ) ' \"",
    "baclofen:* & !lioresal",
    "'; DROP TABLE drugs_drug; --",
    "1' OR '1'='1",
    "💊 baclofen 💊",
    "\u202ebaclofen",
    "باكلوفين",
    "%",
    "_",
    "\\",
    "NEAR(baclofen lioresal)",
    "baclofen AND OR NOT",
    '{names} : "x"',
]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("baclofen", "Baclofen"),  # exact generic name
        ("BACLOFEN", "Baclofen"),
        ("Lioresal", "Baclofen"),  # brand → generic
        ("ozobax", "Baclofen"),
        ("baclofin", "Baclofen"),  # misspelt
        ("bacolfen", "Baclofen"),
        ("tizan", "Tizanidine"),  # half a word
        ("tizanadine", "Tizanidine"),
        ("gabapentn", "Gabapentin"),
        ("baclofen abdominal pain", "Baclofen for Chronic Abdominal Pain"),  # a question
    ],
)
def test_the_right_item_comes_first(demo, query, first):
    assert titles(query)[0].startswith(first)


def test_an_exact_name_is_the_best_match(demo):
    results = site_search.search("Lioresal")
    assert results.best_match.generic_name == "Baclofen"
    assert results.best_match_brand == "Lioresal"
    assert results.respelling == ""


def test_a_condition_finds_the_drugs_for_it(demo):
    # The conditions themselves are results too (test_search_conditions.py): among the
    # medicines, those used for spasticity come first.
    found = titles("muscle spasticity", kind="drug")
    assert {"Baclofen", "Tizanidine"} <= set(found[:3])


def test_a_guide_topic_finds_the_guide_before_body_mentions(demo):
    found = titles("footwear")
    assert found[0] == "Footwear Advice for Muscle Stiffness"


def test_a_misspelling_is_offered_a_respelling(demo):
    assert site_search.search("baclofin").respelling == "Baclofen"
    assert site_search.search("baclofen").respelling == ""


def test_operators_and_stop_words_find_nothing_on_either_database(demo):
    for query in ['"&|!:*()', "the", "'", "*", "-"]:
        assert titles(query) == [], query


def test_words_not_all_present_fall_back_to_any_of_them(demo):
    results = site_search.search("baclofen zzzqqq")
    assert results.is_loose
    assert "Baclofen" in [r.title for r in results.page.object_list] + [
        results.best_match.generic_name if results.best_match else ""
    ]


def test_rebuild_writes_every_item(demo):
    SearchDocument.objects.all().delete()
    assert titles("baclofen") == []
    call_command("rebuild_search_index", stdout=StringIO())
    assert titles("baclofen")[0] == "Baclofen"


def test_results_page_shows_best_match_counts_and_snippets(client, demo):
    content = page(client, q="baclofen").content.decode()
    assert "Best match" in content
    assert 'href="/drugs/baclofen/#dosage"' in content
    assert 'aria-current="page">All <span class="search-filter__count">3</span>' in content
    assert "<mark>Baclofen</mark>" in content


def test_type_filter_narrows_the_results(client, demo):
    response = page(client, q="baclofen", type="article")
    assert response.context["search"].best_match is None
    assert {r.kind for r in response.context["results"]} == {"article"}


def test_did_you_mean_links_to_the_respelling(client, demo):
    content = page(client, q="baclofin").content.decode()
    assert 'Did you mean <a href="/search/?q=Baclofen"><strong>Baclofen</strong></a>?' in content


def test_empty_query_and_no_results_offer_ways_on(client, demo):
    for params in [{}, {"q": "   "}, {"q": "qwertyuiop"}]:
        content = page(client, **params).content.decode()
        assert "Popular medicines" in content
        assert 'href="/drugs/baclofen/"' in content
        assert 'href="/drugs/?letter=b"' in content
    assert "No results for “qwertyuiop”." in page(client, q="qwertyuiop").content.decode()


def test_a_long_query_is_shortened_with_a_note(client, demo):
    content = page(client, q="baclofen " * 2000).content.decode()
    assert "Your search was long" in content


def test_suggestions_show_brands_with_their_generic(client, demo):
    found = suggestions(client, q="lio")
    assert {
        "name": "Lioresal",
        "generic": "Baclofen",
        "type": "drug",
        "url": "/drugs/baclofen/",
    } in found


def test_suggestions_can_be_limited_to_drugs(client, demo):
    found = suggestions(client, q="bac", type="drug")
    assert found
    assert {s["type"] for s in found} == {"drug"}


def test_suggestions_tolerate_a_typo_and_ignore_short_queries(client, demo):
    assert suggestions(client, q="baclofin")[0]["name"] == "Baclofen"
    assert suggestions(client, q="b") == []
    assert suggestions(client) == []


def test_searches_are_counted_without_personal_data(client, demo):
    page(client, q="Baclofen")
    page(client, q="baclofen ")
    page(client, q="qwertyuiop")
    page(client, q="baclofen", page=2)  # paging is not a new search
    client.get("/search/suggest/", {"q": "bac"})  # nor is typing
    log = {row.query: row for row in SearchLog.objects.all()}
    assert set(log) == {"baclofen", "qwertyuiop"}
    assert log["baclofen"].searches == 2
    assert log["qwertyuiop"].results == 0
    fields = {f.name for f in SearchLog._meta.get_fields()}
    assert fields == {"id", "day", "query", "results", "searches"}


def test_admin_report_shows_top_and_zero_result_queries(admin_client, demo, client):
    for query in ["baclofen", "baclofen", "qwertyuiop"]:
        page(client, q=query)
    SearchLog.objects.create(
        day=timezone.localdate() - timezone.timedelta(days=45), query="ancient", results=0
    )
    response = admin_client.get("/admin/search/searchlog/")
    assert response.status_code == 200
    report = response.context["report"]
    assert report["top"][0] == {"query": "baclofen", "searches": 2, "results": 3}
    assert [row["query"] for row in report["zero"]] == ["qwertyuiop"]
    assert "Searches that found nothing" in response.content.decode()


@pytest.mark.parametrize("query", STRANGE)
def test_strange_queries_answer_a_page(client, demo, query):
    assert client.get("/search/", {"q": query}).status_code == 200
    assert client.get("/search/suggest/", {"q": query}).status_code == 200


def test_repeated_and_unknown_parameters_are_harmless(client, demo):
    assert (
        client.get("/search/?q=bac&q=baclofen&type=drug&type=zzz&page=1&page=-3").status_code == 200
    )
    assert client.get("/search/?q[]=x&type[]=drug&page[]=2").status_code == 200
    assert client.get("/search/suggest/?q=lio&q=bac&type=nonsense").status_code == 200
