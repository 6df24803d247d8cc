"""What is found spelt like a query: names of medicines and conditions (SPELT_KINDS), not
guide titles, which are found by their words; the engines' trigram indexes hold only those
names. A query that is nearly a guide's title still puts that guide first, and a misspelt
medicine brings its guides."""

import pytest
from django.db import connection

from medguide.editorial.models import Status
from medguide.search import index as search_index
from medguide.search import query as site_search
from medguide.search.backends import NAMES_TABLE
from medguide.search.models import SearchName
from tests.factories import ArticleFactory, ConditionFactory, DrugFactory, IndicationFactory
from tests.search_results import titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    tizanidine = DrugFactory(generic_name="Tizanidine")
    IndicationFactory(drug=tizanidine, condition=ConditionFactory(name="Muscle spasm"))
    ArticleFactory(title="Storing Tizanidine at Home", related_drugs=[tizanidine])
    ArticleFactory(title="Footwear Advice for Muscle Stiffness")
    search_index.flush()  # the index is written at the end of a request; here, now


def suggested(client, q: str) -> list[str]:
    return [s["name"] for s in client.get("/search/suggest/", {"q": q}).json()["suggestions"]]


def test_names_of_medicines_and_conditions_are_spelt_guide_titles_are_not(catalogue):
    fuzzy = dict(SearchName.objects.values_list("key", "fuzzy"))
    assert fuzzy["tizanidine"] is True
    assert fuzzy["muscle spasm"] is True
    assert fuzzy["storing tizanidine at home"] is False
    assert fuzzy["footwear advice for muscle stiffness"] is False


def test_a_misspelt_medicine_or_condition_is_found_a_misspelt_title_by_its_words(client, catalogue):
    assert "Tizanidine" in suggested(client, "tizanadine")
    assert "Muscle spasm" in suggested(client, "muscle spasim")
    # No title is offered for its spelling: "footware advise" shares no word with it.
    assert suggested(client, "footware advise") == []
    assert titles("footware advise") == []
    # Spelt right, its words find it.
    assert titles("footwear advice")[0] == "Footwear Advice for Muscle Stiffness"


def test_a_query_that_is_nearly_a_title_puts_the_guide_first(catalogue):
    # "tizanidine" is a name the query holds, but the reader typed most of the title.
    assert titles("storing tizanidine home")[0] == "Storing Tizanidine at Home"


def test_the_trigram_index_holds_the_spelt_names_only(catalogue):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'medguide_search_name_trgm'"
            )
            (definition,) = cursor.fetchone()
            assert "gin (key gin_trgm_ops) WHERE fuzzy" in definition
            return
        cursor.execute(f"SELECT keys FROM {NAMES_TABLE}")
        held = {key for (keys,) in cursor.fetchall() for key in keys.splitlines()}
    assert {"tizanidine", "muscle spasm"} <= held
    assert not {k for k in held if "storing" in k or "footwear" in k}


def test_a_question_is_not_taken_for_another_medicine_s_guide_title(db):
    DrugFactory(generic_name="Diacline")
    ArticleFactory(
        title="Egaline in Pregnancy and Breastfeeding",
        related_drugs=[DrugFactory(generic_name="Egaline")],
    )
    search_index.flush()
    # Five words: a question about Diacline, however like that title it is spelt.
    assert titles("is diacline safe in pregnancy")[0] == "Diacline"


def test_a_misspelt_medicine_brings_its_guides(catalogue):
    # The guide's title is not spelt like "tizanadine"; its medicine is.
    assert titles("tizanadine") == ["Tizanidine", "Storing Tizanidine at Home"]
    # Found by the respelling, not by the query: the reader is still offered it.
    assert site_search.search("tizanadine").respelling == "Tizanidine"


def test_only_a_clear_respelling_brings_guides_and_only_public_ones(db):
    tizanidine = DrugFactory(generic_name="Tizanidine")
    ArticleFactory(title="Storing Tizanidine at Home", related_drugs=[tizanidine])
    ArticleFactory(
        title="A Draft About Tizanidine", related_drugs=[tizanidine], status=Status.DRAFT
    )
    tinidazole = DrugFactory(generic_name="Tinidazole")
    ArticleFactory(title="Taking Tinidazole", related_drugs=[tinidazole])
    search_index.flush()
    assert "A Draft About Tizanidine" not in titles("tizanadine")
    # Spelt like neither medicine clearly: no medicine's guides are offered for it.
    assert not {"Storing Tizanidine at Home", "Taking Tinidazole"} & set(titles("tinzid"))


def test_a_question_spelt_like_a_medicine_brings_none_of_its_guides(catalogue):
    # Two words against a one-word name, however alike (0.5): a question about it, left
    # to the full text, as the medicine itself is.
    assert "Storing Tizanidine at Home" not in titles("tizanidne xr")
