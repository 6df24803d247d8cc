"""Search and the interaction checker know names: a brand leads to its generic, a name typed
in full is never "corrected", and a suggestion that is a brand says which medicine it is."""

import pytest

from drugs.checker import check_interactions
from drugs.models import DrugName
from drugs.names import KnownName, did_you_mean, fold, similarity, trigrams
from medguide.search import query as site_search
from tests.factories import DrugFactory, DrugNameFactory
from tests.search_results import titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def brands(db):
    """Generics with brands that invite mistakes: Soma is a brand of carisoprodol and also the
    start of somatropin; Neurontin and Zarontin are spelt alike."""
    for generic, brand in [
        ("Diazepam", "Valium"),
        ("Carisoprodol", "Soma"),
        ("Tizanidine", "Zanaflex"),
        ("Gabapentin", "Neurontin"),
        ("Ethosuximide", "Zarontin"),
    ]:
        DrugNameFactory(drug=DrugFactory(generic_name=generic), name=brand)
    DrugFactory(generic_name="Somatropin")
    DrugFactory(generic_name="Valiumazole", summary="Named to start like Valium.")


def suggestions(client, q: str) -> list[dict]:
    response = client.get("/search/suggest/", {"q": q})
    assert response.status_code == 200
    return response.json()["suggestions"]


@pytest.mark.parametrize(
    ("query", "generic"),
    [("Valium", "Diazepam"), ("soma", "Carisoprodol"), ("ZANAFLEX", "Tizanidine")],
)
def test_an_exact_brand_puts_its_generic_first(brands, query, generic):
    results = site_search.search(query)
    assert titles(query)[0] == generic
    assert results.best_match_brand.casefold() == query.casefold()


@pytest.mark.parametrize(
    ("query", "brand", "generic"),
    [("valium", "Valium", "Diazepam"), ("soma", "Soma", "Carisoprodol")],
)
def test_an_exact_brand_is_the_first_suggestion_with_its_generic(
    client, brands, query, brand, generic
):
    first = suggestions(client, query)[0]
    assert (first["name"], first["generic"]) == (brand, generic)
    assert first["url"] == f"/drugs/{generic.lower()}/"


def test_the_start_of_a_brand_suggests_it_with_its_generic(client, brands):
    found = suggestions(client, "zanaf")
    assert (found[0]["name"], found[0]["generic"]) == ("Zanaflex", "Tizanidine")


@pytest.mark.parametrize("query", ["neurontin", "Neurontin®", "NEURONTIN", " neurontin "])
def test_a_name_typed_in_full_gets_no_did_you_mean(client, brands, query):
    results = site_search.search(query)
    assert titles(query)[0] == "Gabapentin"
    assert results.respelling == ""
    assert [s["name"] for s in suggestions(client, query)] == ["Neurontin"]
    assert check_interactions(names=[query.strip(), "Zarontin"]).unknown == []


def test_a_near_miss_brand_is_offered_with_its_generic(client, brands):
    results = site_search.search("zarontn")
    assert (results.respelling, results.respelling_generic) == ("Zarontin", "Ethosuximide")
    content = client.get("/search/", {"q": "zarontn"}).content.decode()
    assert (
        'Did you mean <a href="/search/?q=Zarontin"><strong>Zarontin</strong></a> (ethosuximide)?'
        in content
    )


def test_the_checker_suggests_a_brand_with_its_generic(client, brands):
    [unknown] = check_interactions(names=["Diazepam", "zarontn"]).unknown
    [suggestion] = unknown.suggestions
    assert (suggestion.name, suggestion.generic) == ("Zarontin", "Ethosuximide")
    content = client.get("/interactions/", {"drugs": "diazepam,zarontn"}).content.decode()
    assert "Did you mean <a" in content
    assert ">Zarontin</a> (ethosuximide)?" in content


def test_the_checker_finds_a_name_typed_with_other_punctuation(db):
    drug = DrugFactory(generic_name="Carbidopa and levodopa")
    DrugNameFactory(drug=drug, name="Co-careldopa")
    DrugFactory(generic_name="Diazepam")
    result = check_interactions(names=["co careldopa", "diazepam"])
    assert result.unknown == []
    assert [item.name for item in result.items] == ["Carbidopa and levodopa", "Diazepam"]
    assert result.items[0].entered == "co careldopa"


def test_names_added_in_bulk_are_searchable(client, db):
    diazepam = DrugFactory(generic_name="Diazepam")
    DrugName.objects.bulk_create([DrugName(drug=diazepam, name="Valium")])
    assert titles("valium")[0] == "Diazepam"
    assert suggestions(client, "vali")[0]["generic"] == "Diazepam"


def test_did_you_mean_is_silent_for_a_known_name_and_names_a_brands_generic():
    known = [KnownName("Zarontin", "Ethosuximide"), KnownName("Gabapentin")]
    assert did_you_mean("zarontín", known) == []
    assert did_you_mean("zarontn", known) == [KnownName("Zarontin", "Ethosuximide")]
    assert str(did_you_mean("zarontn", known)[0]) == "Zarontin (ethosuximide)"
    assert did_you_mean("gabapntin", known) == [KnownName("Gabapentin")]


def test_names_are_compared_by_pg_trgms_trigrams():
    """Folded first (kept between calls: the checker scores thousands of lookalikes a
    request), then padded per word as pg_trgm pads them."""
    assert trigrams("Co-Careldopa®") == {
        *("  c", " co", "co "),
        *("  c", " ca", "car", "are", "rel", "eld", "ldo", "dop", "opa", "pa "),
    }
    assert fold("Co-Careldopa®") == fold("CO CARELDOPA") == "co careldopa"
    assert similarity("baclofen", "BACLOFEN") == 1.0
    assert similarity("baclofen", "baclofne") == pytest.approx(6 / 12)  # 6 shared of 12
    assert similarity("baclofen", "") == 0.0
