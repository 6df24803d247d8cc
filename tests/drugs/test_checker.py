"""The interaction checker: names in, every interaction among them out, most severe first."""

from itertools import pairwise

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from drugs.checker import (
    MAX_ITEMS,
    check_interactions,
    form_rows,
    parse_names,
    query_string,
)
from drugs.models import Drug, DrugClass, DrugName, NameKind, Severity, Substance
from medguide.editorial.models import Status
from tests.factories import (
    DrugClassFactory,
    DrugFactory,
    DrugNameFactory,
    InteractionFactory,
    SubstanceFactory,
)

URL = "/interactions/"
# Drugs with their names and classes (3), substances, the class tree, the interaction rows,
# and spellings for names not found: the same for 2 names or 10.
CHECK_QUERIES = 7


def check(*names):
    return check_interactions(names=list(names))


def pairs(result):
    return [(f.first.name, f.second.name) for f in result.findings]


@pytest.fixture
def sedation(db):
    """The demo's shape: baclofen interacts with CNS depressants and alcohol, diazepam sits in
    Benzodiazepines inside CNS depressants, and morphine in Opioids."""
    depressants = DrugClassFactory(name="CNS depressants", slug="cns-depressants")
    benzodiazepines = DrugClassFactory(name="Benzodiazepines", parent=depressants)
    opioids = DrugClassFactory(name="Opioids", parent=depressants)
    baclofen = DrugFactory(generic_name="Baclofen", slug="baclofen")
    DrugNameFactory(drug=baclofen, name="Lioresal")
    diazepam = DrugFactory(generic_name="Diazepam", slug="diazepam", classes=[benzodiazepines])
    morphine = DrugFactory(generic_name="Morphine", slug="morphine", classes=[opioids])
    alcohol = SubstanceFactory(name="Alcohol", slug="alcohol")
    InteractionFactory(
        drug=baclofen,
        interactant_class=depressants,
        severity=Severity.MODERATE,
        effect="Medicines that slow the brain add to each other's drowsiness.",
        advice="Don't drive if you feel drowsy.",
    )
    InteractionFactory(
        drug=baclofen,
        interactant_class=opioids,
        severity=Severity.MAJOR,
        effect="Breathing can slow dangerously.",
        advice="Use together only if your doctor monitors you.",
    )
    InteractionFactory(
        drug=baclofen,
        interactant_substance=alcohol,
        effect="Alcohol adds to the drowsiness.",
        advice="Avoid alcohol.",
    )
    InteractionFactory(drug=diazepam, interactant_substance=alcohol, severity=Severity.MINOR)
    return {"baclofen": baclofen, "diazepam": diazepam, "morphine": morphine}


# Reading the list


def test_names_are_split_on_commas_and_repeats_dropped_whatever_their_case():
    names, left_out = parse_names(["baclofen, Diazepam,,", "BACLOFEN;alcohol", "  "])

    assert names == ["baclofen", "Diazepam", "alcohol"]
    assert left_out == []


def test_names_past_ten_are_left_out_and_reported():
    names, left_out = parse_names([",".join(f"drug{n}" for n in range(12))])

    assert len(names) == MAX_ITEMS
    assert left_out == ["drug10", "drug11"]


def test_control_characters_and_long_names_are_tamed():
    [name], _ = parse_names(["bac\x00lo\tfen" + "x" * 500])

    assert name.startswith("bac lo fen")
    assert len(name) == 120


def test_the_shareable_query_keeps_commas_between_names():
    assert query_string(["baclofen", "co-careldopa 25/100"]) == (
        "drugs=baclofen,co-careldopa%2025%2F100"
    )


def test_the_form_has_two_fields_to_start_and_one_free_field_after_names():
    assert [row.value for row in form_rows(names=[], unknown=[], adding=False)] == ["", ""]
    rows = form_rows(names=["baclofen", "diazepam"], unknown=["diazepam"], adding=True)

    assert [row.value for row in rows] == ["baclofen", "diazepam", "", ""]
    assert [row.is_unknown for row in rows] == [False, True, False, False]
    assert [row.is_new for row in rows] == [False, False, True, False]
    assert rows[0].remove_query == "drugs=diazepam"


def test_the_form_never_has_more_than_ten_fields():
    names = [f"drug{n}" for n in range(MAX_ITEMS)]

    assert len(form_rows(names=names, unknown=[], adding=True)) == MAX_ITEMS


# Finding the interactions


def test_a_class_interaction_reaches_a_drug_in_a_subclass(sedation):
    result = check("baclofen", "diazepam")

    [finding] = result.findings
    assert (finding.first.name, finding.second.name) == ("Baclofen", "Diazepam")
    assert finding.listed_class.name == "CNS depressants"
    assert finding.member_class.name == "Benzodiazepines"
    assert finding.member.name == "Diazepam"
    assert finding.severity == Severity.MODERATE
    assert finding.effect == "Medicines that slow the brain add to each other's drowsiness."
    assert finding.advice == "Don't drive if you feel drowsy."


def test_every_class_level_row_that_applies_is_shown_most_severe_first(sedation):
    result = check("morphine", "baclofen")

    assert [(f.listed_class.name, f.severity) for f in result.findings] == [
        ("Opioids", Severity.MAJOR),
        ("CNS depressants", Severity.MODERATE),
    ]
    # The pair reads in the order the reader listed the names.
    assert pairs(result) == [("Morphine", "Baclofen")] * 2
    assert [group.label for group in result.groups] == ["Major", "Moderate"]


def test_a_substance_pairs_with_each_drug_that_interacts_with_it(sedation):
    result = check("baclofen", "diazepam", "alcohol")

    assert pairs(result) == [
        ("Baclofen", "Diazepam"),
        ("Baclofen", "Alcohol"),
        ("Diazepam", "Alcohol"),
    ]
    assert [f.severity for f in result.findings] == ["moderate", "moderate", "minor"]
    assert result.items[2].kind == "substance"
    assert result.clear_pairs == []


def test_a_drug_interaction_is_found_from_either_side(db):
    first = DrugFactory(generic_name="Tizanidine")
    second = DrugFactory(generic_name="Fluvoxamine")
    InteractionFactory(drug=second, interactant_drug=first, severity=Severity.MAJOR)

    assert pairs(check("tizanidine", "fluvoxamine")) == [("Tizanidine", "Fluvoxamine")]


def test_a_class_row_of_a_drug_not_on_the_list_does_not_apply(sedation):
    other = DrugFactory(generic_name="Dantrolene")
    InteractionFactory(drug=other, interactant_class=sedation["diazepam"].classes.get())

    result = check("diazepam", "morphine")

    assert result.findings == []
    assert [(a.name, b.name) for a, b in result.clear_pairs] == [("Diazepam", "Morphine")]


def test_two_drugs_of_one_class_meet_through_a_row_with_that_class(db):
    benzodiazepines = DrugClassFactory(name="Benzodiazepines")
    diazepam = DrugFactory(generic_name="Diazepam", classes=[benzodiazepines])
    DrugFactory(generic_name="Alprazolam", classes=[benzodiazepines])
    InteractionFactory(drug=diazepam, interactant_class=benzodiazepines)

    assert pairs(check("diazepam", "alprazolam")) == [("Diazepam", "Alprazolam")]


def test_names_are_found_by_brand_slug_and_any_case(sedation):
    result = check("LIORESAL", "Diazepam", "ALCOHOL")

    assert [item.name for item in result.items] == ["Baclofen", "Diazepam", "Alcohol"]
    assert result.items[0].entered_other_name
    assert not result.items[1].entered_other_name
    assert result.unknown == []


def test_a_brand_and_its_generic_are_one_item(sedation):
    result = check("baclofen", "Lioresal", "diazepam")

    assert [item.name for item in result.items] == ["Baclofen", "Diazepam"]
    [(entered, same)] = result.duplicates
    assert (entered, same.name) == ("Lioresal", "Baclofen")


def test_an_unpublished_drug_is_not_found_even_by_brand(db):
    draft = DrugFactory(generic_name="Bromidraft", status=Status.DRAFT)
    DrugNameFactory(drug=draft, name="Draftex", kind=NameKind.BRAND)
    DrugFactory(generic_name="Baclofen")

    result = check("baclofen", "bromidraft", "draftex")

    assert [u.name for u in result.unknown] == ["bromidraft", "draftex"]
    assert all(not u.suggestions for u in result.unknown)


def test_an_unknown_name_gets_did_you_mean_suggestions(sedation):
    result = check("bacofen", "diazapam", "alcohl", "zzzz")

    by_name = {u.name: [s.name for s in u.suggestions] for u in result.unknown}
    assert by_name == {
        "bacofen": ["Baclofen"],
        "diazapam": ["Diazepam"],
        "alcohl": ["Alcohol"],
        "zzzz": [],
    }
    [suggestion] = result.unknown[0].suggestions
    assert suggestion.query == "drugs=Baclofen,diazapam,alcohl,zzzz"


def test_a_misspelt_first_letter_is_still_suggested(db):
    DrugFactory(generic_name="Gabapentin")

    [unknown] = check("kabapentin").unknown

    assert [s.name for s in unknown.suggestions] == ["Gabapentin"]


def test_each_unknown_name_is_offered_only_names_like_its_own_ends(db):
    """A name is looked for among those sharing its first two letters or its last four: by
    the first letter alone, ten unknown names brought 35,000 candidates at scale, each scored
    against all ten (1.7 s). A slip in the second letter is still caught by the end."""
    for name in ("Gabapentin", "Pregabalin", "Baclofen", "Bromocriptine"):
        DrugFactory(generic_name=name)

    result = check("gbapentin", "baclofne", "brmocriptine", "pregablin")

    by_name = {u.name: [s.name for s in u.suggestions] for u in result.unknown}
    assert by_name == {
        "gbapentin": ["Gabapentin"],  # by its end, "ntin"
        "baclofne": ["Baclofen"],  # by its start, "ba"
        "brmocriptine": ["Bromocriptine"],
        "pregablin": ["Pregabalin"],
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram indexes")
@pytest.mark.parametrize(
    ("rows", "index"),
    [
        (lambda q: Drug.objects.filter(**{f"generic_name__{q}": "ntin"}), "drug_generic_name_trgm"),
        (lambda q: DrugName.objects.filter(**{f"name__{q}": "ntin"}), "drugname_name_trgm"),
    ],
)
def test_names_like_unknown_ones_can_be_found_through_trigram_indexes(db, rows, index):
    """On PostgreSQL the checker's lookalike patterns (_names_like: icontains, istartswith)
    can each be an index scan (drugs migration 0016) rather than a test of every name, as at
    20,000 medicines (147 → 15 ms): the indexes hold the names as those lookups compare them."""
    for lookup in ("icontains", "istartswith"):
        sql, params = rows(lookup).query.sql_with_params()
        with transaction.atomic(), connection.cursor() as cursor:
            # Scans of every row or every index entry ruled out, as the planner rules them out
            # at scale: only an index that holds the patterns' trigrams can serve them.
            for scan in ("seqscan", "indexscan", "indexonlyscan"):
                cursor.execute(f"SET LOCAL enable_{scan} = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert f"Bitmap Index Scan on {index}" in plan, plan


def test_one_known_name_is_not_checked_yet(sedation):
    result = check("baclofen", "nonsense")

    assert not result.is_checked
    assert result.findings == []


def test_check_queries_do_not_grow_with_the_number_of_drugs(db, django_assert_max_num_queries):
    parent = DrugClassFactory(name="CNS depressants")
    drugs = [
        DrugFactory(generic_name=f"Sedatide {n}", classes=[DrugClassFactory(parent=parent)])
        for n in range(MAX_ITEMS - 1)
    ]
    for drug in drugs:
        DrugNameFactory(drug=drug)
        InteractionFactory(drug=drug, interactant_class=parent)
        InteractionFactory(drug=drug, interactant_substance=SubstanceFactory())
    names = [drug.generic_name for drug in drugs] + ["sedatide x"]

    with django_assert_max_num_queries(CHECK_QUERIES):
        result = check(*names)

    assert len(result.items) == MAX_ITEMS - 1
    assert len(result.findings) == 9 * 8  # each drug's class row, with each of the others
    assert result.unknown[0].suggestions[0].name.startswith("Sedatide")


# The page


def test_the_page_shows_the_class_warning_and_alcohol(client, sedation):
    html = client.get(URL, {"drugs": "baclofen,diazepam,alcohol"}).content.decode()

    assert "<h1>Interaction checker</h1>" in html
    assert "Moderate</span> interactions" in html
    assert "Baclofen + Diazepam" in html
    assert "Medicines that slow the brain add to each other&#x27;s drowsiness." in html
    assert "Applies because diazepam is one of the" in html
    assert "Baclofen + Alcohol" in html
    assert "What to do" in html
    assert "Ask before you change anything" in html


def test_the_page_says_carefully_when_nothing_is_found(client, sedation):
    html = client.get(URL, {"drugs": "diazepam,morphine"}).content.decode()

    assert "No interaction in our database — this does not mean none exists; ask a pharmacist." in (
        html
    )


def test_the_page_lists_unknown_names_with_links_to_what_was_meant(client, sedation):
    html = client.get(URL, {"drugs": "baclofen,bacofen"}).content.decode()

    assert "“bacofen” is not in our database." in html
    assert 'Did you mean <a href="/interactions/?drugs=Baclofen">Baclofen</a>?' in html
    assert 'aria-invalid="true"' in html


def test_several_fields_come_back_as_one_shareable_address(client):
    response = client.get(URL, {"drugs": ["baclofen ", "", "diazepam"], "add": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/interactions/?drugs=baclofen,diazepam&add=1"


def test_the_tidy_address_is_served_as_it_is(client, sedation):
    response = client.get(URL + "?drugs=baclofen,diazepam")

    assert response.status_code == 200
    assert 'value="baclofen"' in response.content.decode()


def test_remove_links_drop_one_name(client, sedation):
    html = client.get(URL, {"drugs": "baclofen,diazepam,alcohol"}).content.decode()

    assert 'href="/interactions/?drugs=baclofen,alcohol">Remove' in html


def test_only_safe_methods_are_allowed(client):
    assert client.post(URL, {"drugs": "baclofen"}).status_code == 405


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.text(max_size=300))
@example(raw="\x00")
@example(raw="," * 500)
@example(raw="%" + "a" * 1000)
def test_any_input_gets_a_page_or_a_redirect_never_an_error(client, sedation, raw):
    assert client.get(URL, {"drugs": raw}).status_code in (200, 302)


def test_page_queries_do_not_grow_with_the_number_of_drugs(
    client, db, django_assert_max_num_queries
):
    drugs = [DrugFactory(generic_name=f"Sedatide {n}") for n in range(MAX_ITEMS)]
    for first, second in pairwise(drugs):
        InteractionFactory(drug=first, interactant_drug=second)

    with django_assert_max_num_queries(CHECK_QUERIES):
        response = client.get(URL, {"drugs": ",".join(d.slug for d in drugs)})

    assert response.content.decode().count('class="finding ') == MAX_ITEMS - 1


def test_the_drug_page_links_to_the_checker(client, baclofen):
    html = client.get(baclofen.get_absolute_url()).content.decode()

    assert 'href="/interactions/?drugs=baclofen">Check this medicine with others</a>' in html
    assert 'href="/interactions/"' in html  # the main navigation


# Several medicines adding to one effect


def test_three_sedatives_are_one_shared_warning(sedation):
    alcohol = Substance.objects.get(slug="alcohol")
    alcohol.classes.add(DrugClass.objects.get(slug="cns-depressants"))  # as in the demo

    result = check("baclofen", "diazepam", "alcohol")

    [effect] = result.shared_effects
    assert effect.drug_class.name == "CNS depressants"
    assert [item.name for item in effect.items] == ["Baclofen", "Diazepam", "Alcohol"]
    assert sorted((f.first.name, f.second.name) for f in effect.findings) == [
        ("Baclofen", "Alcohol"),
        ("Baclofen", "Diazepam"),
        ("Diazepam", "Alcohol"),
    ]
    assert effect.severity == Severity.MODERATE  # the most severe of its pairs
    assert result.groups == []  # no card repeats a pair the shared warning holds
    assert len(result.findings) == 3  # every pair is still counted and shown


def test_two_items_in_one_class_stay_a_pair(sedation):
    result = check("baclofen", "diazepam")
    assert result.shared_effects == []
    assert [group.label for group in result.groups] == ["Moderate"]


def test_the_page_shows_one_warning_for_medicines_that_add_up(client, sedation):
    alcohol = Substance.objects.get(slug="alcohol")
    alcohol.classes.add(DrugClass.objects.get(slug="cns-depressants"))

    html = client.get(URL, {"drugs": "baclofen,diazepam,alcohol"}).content.decode()

    assert html.count('<section class="shared-effect ') == 1
    assert "Baclofen, Diazepam and Alcohol together" in html
    assert "their effects can add up" in html
    assert "3 interactions found" in html
    assert "Medicines that slow the brain add to each other&#x27;s drowsiness." in html
