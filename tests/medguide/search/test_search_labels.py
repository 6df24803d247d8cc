"""Site search on real FDA labels (tests/fixtures/search), imported through the same
command production uses: brands, misspellings, prefixes, classes and conditions."""

import pytest

from tests.search_results import titles

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Linzess", "Linaclotide"),
        ("linzes", "Linaclotide"),
        ("Otezla", "Apremilast"),
        ("trulicity", "Dulaglutide"),
        ("Xifaxan", "Rifaximin"),
        ("Multaq", "Dronedarone"),
        ("Tikosin", "Dofetilide"),
        ("alli", "Orlistat"),
        ("Zarontin", "Ethosuximide"),
        ("dulaglu", "Dulaglutide"),
        ("exenatid", "Exenatide"),
        ("absence epilepsy", "Ethosuximide"),
        ("weight loss", "Orlistat"),
    ],
)
def test_label_pages_are_found_by_brand_spelling_and_condition(labels, query, first):
    assert titles(query)[0] == first


def test_a_condition_finds_every_label_page_that_names_it_among_its_uses(labels):
    # Both labels list it among their uses (IBS with constipation; IBS with diarrhea), and
    # both label pages now name all their uses in the summary.
    assert set(titles("irritable bowel syndrome")[:2]) == {"Linaclotide", "Rifaximin"}


def test_a_class_finds_all_its_label_pages(labels):
    assert set(titles("GLP-1 receptor agonist")[:2]) == {"Dulaglutide", "Exenatide"}
    assert set(titles("antiarrhythmic")[:2]) == {"Dofetilide", "Dronedarone"}
    assert {"Clevidipine", "Nisoldipine"} <= set(titles("calcium channel blocker"))


def test_label_text_is_found_below_names(labels):
    # "hypertension" is Sular's indication, in its label text; it is not any drug's name.
    assert "Nisoldipine" in titles("hypertension")
