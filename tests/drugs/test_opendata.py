"""Open data: the monograph JSON, the index JSON and the page's schema.org JSON-LD."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from drugs import opendata, views
from drugs.interactions import interactions_for
from drugs.models import LabelSource, ProductType, Severity
from medguide.editorial.models import Status
from tests.drugs.test_views import (
    KEEPING_INTERACTIONS_QUERIES,
    KEEPING_QUERIES,
    monograph_with,
)
from tests.factories import (
    DrugClassFactory,
    DrugFactory,
    DrugNameFactory,
    InteractionFactory,
    SideEffectFactory,
)

BACLOFEN_DOSE = (
    "5 mg three times a day, raised by 5 mg per dose every 3 days "
    "(5 → 10 → 15 → 20 mg three times a day); usually 40–80 mg a day; "
    "never more than 80 mg a day"
)

# The documented schema (docs/open-data.md), checked key by key: a dict lists every key
# (no more, no fewer), a list gives the schema of its items, a tuple the allowed types.
TEXT = str
OPTIONAL_TEXT = (str, type(None))
NUMBER = (int, float)
OPTIONAL_NUMBER = (int, float, type(None))
OPTIONAL_INT = (int, type(None))
CHOICE = {"code": str, "label": str}
OPTIONAL_CHOICE = (CHOICE, type(None))
LINK = {"name": str, "slug": str, "url": str}
LICENSE = {"software": str, "fda_label_text": str, "interaction_tables": str, "editorial_text": str}

INTERACTION = {
    "with": {
        "type": str,
        "name": str,
        "url": OPTIONAL_TEXT,
        "drugs": [{"name": str, "url": str}],
    },
    "via_class": (LINK, type(None)),
    "severity": CHOICE,
    "effect": str,
    "advice": str,
    "source": OPTIONAL_TEXT,
    "evidence": OPTIONAL_TEXT,
    "label_section": OPTIONAL_TEXT,
}

MONOGRAPH_SCHEMA = {
    "schema_version": str,
    "url": str,
    "data_url": str,
    "slug": str,
    "generic_name": str,
    "pronunciation": str,
    "origin": CHOICE,
    "names": [{"name": str, "kind": CHOICE, "note": str}],
    "classes": [{"name": str, "slug": str, "url": str, "parent": OPTIONAL_TEXT}],
    "prescription_only": bool,
    "controlled_substance": str,
    "summary": str,
    "text": dict.fromkeys(
        [
            "mechanism",
            "boxed_warning",
            "boxed_warning_scope",
            "warnings",
            "contraindications",
            "pregnancy",
            "breastfeeding",
            "stopping",
            "missed_dose",
            "overdose",
            "storage",
            "formulations_note",
        ],
        str,
    ),
    "practical_tips": [str],
    "indications": [{"condition": LINK, "label_status": CHOICE, "notes": str}],
    "dose_guidelines": [
        {
            "population": CHOICE,
            "condition": (LINK, type(None)),
            "route": CHOICE,
            "dosage_form": OPTIONAL_CHOICE,
            "unit": str,
            "start": {"amount": NUMBER, "times_per_day": OPTIONAL_INT, "frequency": OPTIONAL_TEXT},
            "titration": (
                {"step_amount": NUMBER, "every_days": int, "up_to_per_dose": OPTIONAL_NUMBER},
                type(None),
            ),
            "usual_per_day": ({"min": OPTIONAL_NUMBER, "max": OPTIONAL_NUMBER}, type(None)),
            "max_per_day": OPTIONAL_NUMBER,
            "schedule": [
                {
                    "first_day": int,
                    "last_day": int,
                    "per_dose": NUMBER,
                    "times_per_day": int,
                    "per_day": NUMBER,
                }
            ],
            "sentence": str,
            "notes": str,
        }
    ],
    "formulations": [
        {
            "dosage_form": CHOICE,
            "route": CHOICE,
            "release": CHOICE,
            "brand": str,
            "notes": str,
            "strengths": [
                {
                    "amount": NUMBER,
                    "unit": str,
                    "per_amount": OPTIONAL_NUMBER,
                    "per_unit": OPTIONAL_TEXT,
                    "text": str,
                }
            ],
        }
    ],
    "side_effects": [
        {
            "name": str,
            "frequency": CHOICE,
            "incidence": str,
            "seriousness": CHOICE,
            "advice": str,
        }
    ],
    "interactions": [INTERACTION],
    "interactions_count": int,
    "interactions_by_severity": dict.fromkeys(["major", "moderate", "minor", "ungraded"], int),
    "interactions_url": str,
    "interactions_next": OPTIONAL_TEXT,
    "references": [{"title": str, "publisher": str, "url": str, "accessed_on": OPTIONAL_TEXT}],
    "label_sources": [
        {
            "spl_id": str,
            "set_id": str,
            "version": OPTIONAL_TEXT,
            "effective_on": OPTIONAL_TEXT,
            "active_ingredient": str,
            "brand_names": [str],
            "product_type": OPTIONAL_CHOICE,
            "routes": [str],
            "rxcuis": [str],
            "uniis": [str],
            "dailymed_url": str,
            "sections": [str],
        }
    ],
    "us_products": [
        {
            "name": str,
            "is_brand": bool,
            "active_ingredient": str,
            "is_combination": bool,
            "dosage_form": OPTIONAL_CHOICE,
            "route": OPTIONAL_CHOICE,
            "form_as_listed": str,
            "strength": {
                "as_listed": str,
                "amount": OPTIONAL_NUMBER,
                "unit": OPTIONAL_TEXT,
                "per_amount": OPTIONAL_NUMBER,
                "per_unit": OPTIONAL_TEXT,
            },
            "marketing_status": OPTIONAL_CHOICE,
            "application": {
                "number": str,
                "product_number": str,
                "type": OPTIONAL_CHOICE,
                "sponsor": str,
            },
            "drugs_at_fda_url": str,
        }
    ],
    "medical_review": {"reviewed_by": OPTIONAL_TEXT, "reviewed_on": OPTIONAL_TEXT, "is_due": bool},
    "updated_at": str,
    "license": LICENSE,
    "disclaimer": str,
}

# Where a page of a paged document stands (opendata.paging_fields).
PAGING = {
    "count": int,
    "page": int,
    "pages": int,
    "page_size": int,
    "next": OPTIONAL_TEXT,
    "previous": OPTIONAL_TEXT,
}

INDEX_SCHEMA = {
    "schema_version": str,
    **PAGING,
    "drugs": [
        {
            "name": str,
            "slug": str,
            "url": str,
            "data_url": str,
            "origin": str,
            "last_reviewed": OPTIONAL_TEXT,
            "updated_at": str,
        }
    ],
    "license": LICENSE,
    "disclaimer": str,
}

INTERACTIONS_SCHEMA = {
    "schema_version": str,
    "url": str,
    "data_url": str,
    "drug": {"name": str, "url": str, "data_url": str},
    **PAGING,
    "interactions": [INTERACTION],
    "license": LICENSE,
    "disclaimer": str,
}

# Measured with 3 rows in every section; 60 rows must cost the same.
# With its rows and first interactions kept (drugs.kept_rows, drugs.kept_interactions): the
# drug; which relations have rows, with the kept rows; the kept interactions; the class tree
# and the classes' members (the interacting classes' medicines, listed live).
MONOGRAPH_JSON_KEPT_QUERIES = 5
# US products: one prefetch, however many; interactions: four; the guides placed on its
# page, which it lists none of, read with the rest so that what it keeps serves the page.
MONOGRAPH_JSON_QUERIES = 18
MONOGRAPH_JSON_FIRST_QUERIES = (
    MONOGRAPH_JSON_QUERIES + KEEPING_QUERIES + KEEPING_INTERACTIONS_QUERIES
)
INDEX_JSON_QUERIES = 3  # the count in two cheap ones (count_published), then the page
# The drug, its classes, the class tree, its own rows, the count, the page's ids with their
# counts, the page's rows, and the members of the classes it names (none when it names none).
INTERACTIONS_JSON_QUERIES = 8

pytestmark = pytest.mark.django_db


def problems(value, schema, path="$") -> list[str]:
    """Where `value` breaks `schema`, as readable paths; empty when it fits."""
    if isinstance(schema, tuple):
        tried = [problems(value, option, path) for option in schema]
        return [] if any(not found for found in tried) else min(tried, key=len)
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {type(value).__name__}"]
        found = [f"{path}: missing {key}" for key in schema.keys() - value.keys()]
        found += [f"{path}: unexpected {key}" for key in value.keys() - schema.keys()]
        for key in schema.keys() & value.keys():
            found += problems(value[key], schema[key], f"{path}.{key}")
        return found
    if isinstance(schema, list):
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        return [
            p
            for index, item in enumerate(value)
            for p in problems(item, schema[0], path + f"[{index}]")
        ]
    if schema in (int, float) and isinstance(value, bool):
        return [f"{path}: expected a number, got a boolean"]
    if not isinstance(value, schema):
        return [f"{path}: expected {schema.__name__}, got {type(value).__name__}"]
    return []


def label_source(drug, **fields) -> LabelSource:
    values = {
        "spl_id": "48e6b461-efdb-a69a-e063-6294a90aa1f9",
        "set_id": "00c6c924-ddfd-4a75-afd7-f6561ff9abbc",
        "generic_name_raw": "baclofen",
        "product_type": ProductType.PRESCRIPTION,
        "routes": ["ORAL"],
        "rxcuis": ["197392"],
        "uniis": ["H789N3FKE8"],
        "sections": {
            "dosage_and_administration": "The label's full dosing text.",
            "dosage_and_administration_table": "<table><tr><td>5 mg</td></tr></table>",
        },
        "content_hash": "0" * 64,
        **fields,
    }
    return LabelSource.objects.create(drug=drug, **values)


def jsonld_of(client, url) -> dict:
    content = client.get(url).content.decode()
    bodies = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    assert len(bodies) == 1
    return json.loads(bodies[0])


# The monograph document


def test_monograph_json_follows_the_documented_schema(client, baclofen):
    label_source(baclofen)
    response = client.get("/drugs/baclofen.json")
    assert response.status_code == 200
    document = response.json()
    assert problems(document, MONOGRAPH_SCHEMA) == []
    assert document["schema_version"] == opendata.SCHEMA_VERSION


def test_monograph_json_is_served_as_cacheable_open_json(client, baclofen):
    response = client.get("/drugs/baclofen.json")
    assert response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"]
    assert "max-age=600" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_monograph_json_gives_dose_numbers_and_the_pages_sentence(client, baclofen):
    tablets = client.get("/drugs/baclofen.json").json()["dose_guidelines"][0]
    assert tablets["start"] == {"amount": 5, "times_per_day": 3, "frequency": "three times a day"}
    assert tablets["titration"] == {"step_amount": 5, "every_days": 3, "up_to_per_dose": 20}
    assert tablets["usual_per_day"] == {"min": 40, "max": 80}
    assert tablets["max_per_day"] == 80
    assert tablets["sentence"] == BACLOFEN_DOSE
    assert [(s["first_day"], s["last_day"], s["per_dose"]) for s in tablets["schedule"]] == [
        (1, 3, 5),
        (4, 6, 10),
        (7, 9, 15),
        (10, 12, 20),
    ]


def test_monograph_json_gives_names_forms_strengths_and_side_effects(client, baclofen):
    document = client.get("/drugs/baclofen.json").json()
    assert {"name": "Lioresal", "kind": {"code": "brand", "label": "Brand name"}, "note": ""} in (
        document["names"]
    )
    tablets = document["formulations"][0]
    assert [s["text"] for s in tablets["strengths"]] == ["5 mg", "10 mg", "20 mg"]
    drowsiness = document["side_effects"][0]
    assert drowsiness["name"] == "Drowsiness"
    assert drowsiness["frequency"]["code"] == "very-common"
    assert drowsiness["incidence"] == "10–63%"


def test_monograph_json_shows_interactions_from_both_sides(client, baclofen):
    interactions = client.get("/drugs/baclofen.json").json()["interactions"]
    by_name = {i["with"]["name"]: i for i in interactions}
    # Stored from tizanidine's side, shown from baclofen's all the same.
    assert by_name["Tizanidine"]["with"]["type"] == "drug"
    assert by_name["Tizanidine"]["with"]["url"].endswith("/drugs/tizanidine/")
    assert by_name["Tizanidine"]["severity"]["code"] == "major"
    assert by_name["Alcohol"]["with"] == {
        "type": "substance",
        "name": "Alcohol",
        "url": None,
        "drugs": [],
    }
    assert interactions[0]["with"]["name"] == "Tizanidine"  # most severe first


def test_class_interaction_lists_the_published_drugs_it_reaches(client, baclofen):
    depressants = DrugClassFactory(name="CNS depressants")
    benzodiazepines = DrugClassFactory(name="Benzodiazepines", parent=depressants)
    DrugFactory(generic_name="Diazepam", classes=[benzodiazepines])
    DrugFactory(generic_name="Hiddenazepam", classes=[benzodiazepines], status=Status.DRAFT)
    InteractionFactory(drug=baclofen, interactant_class=depressants)
    interactions = client.get("/drugs/baclofen.json").json()["interactions"]
    (via_class,) = [i for i in interactions if i["with"]["type"] == "class"]
    assert [d["name"] for d in via_class["with"]["drugs"]] == ["Diazepam"]
    # And from diazepam's side it applies through its class.
    seen_by_diazepam = client.get("/drugs/diazepam.json").json()["interactions"]
    (from_baclofen,) = seen_by_diazepam
    assert from_baclofen["with"]["name"] == "Baclofen"
    assert from_baclofen["via_class"]["name"] == "Benzodiazepines"


def test_a_drug_in_two_classes_a_class_interaction_reaches_is_listed_once(client, baclofen):
    depressants = DrugClassFactory(name="CNS depressants")
    benzodiazepines = DrugClassFactory(name="Benzodiazepines", parent=depressants)
    anticonvulsants = DrugClassFactory(name="Anticonvulsants", parent=depressants)
    unrelated = DrugClassFactory(name="Panic disorder treatments")  # no interaction reaches it
    DrugFactory(generic_name="Clonazepam", classes=[benzodiazepines, anticonvulsants, unrelated])
    InteractionFactory(drug=baclofen, interactant_class=depressants)
    interactions = client.get("/drugs/baclofen.json").json()["interactions"]
    (via_class,) = [i for i in interactions if i["with"]["type"] == "class"]
    assert [d["name"] for d in via_class["with"]["drugs"]] == ["Clonazepam"]


# A drug's interactions, a page at a time


@pytest.fixture
def warfarin(monkeypatch):
    """A drug others name in seven interactions, two of each severity but one, and which
    names a class itself; three to a page of interactions."""
    monkeypatch.setattr(views, "INTERACTIONS_PER_PAGE", 3)
    monkeypatch.setattr(views.DrugInteractionListView, "paginate_by", 3)
    warfarin = DrugFactory(generic_name="Warfarin")
    for index in range(6):
        InteractionFactory(
            drug=DrugFactory(generic_name=f"Other {index}"),
            interactant_drug=warfarin,
            severity=Severity.values[index % 3],
        )
    nsaids = DrugClassFactory(name="NSAIDs")
    DrugFactory(generic_name="Ibuprofen", classes=[nsaids])
    InteractionFactory(drug=warfarin, interactant_class=nsaids, severity=Severity.UNGRADED)
    return warfarin


def test_monograph_json_lists_the_first_interactions_and_links_the_rest(client, warfarin):
    """All of phenytoin's 8,400 interactions at 20,000 medicines made its document 6.6 MB and
    cost 710 ms of CPU: it lists the first page, most severe first, and says how many."""
    document = client.get("/drugs/warfarin.json").json()
    assert problems(document, MONOGRAPH_SCHEMA) == []
    assert document["schema_version"] == "2.0"
    assert [i["with"]["name"] for i in document["interactions"]] == [
        "Other 0",
        "Other 3",
        "Other 1",
    ]
    assert document["interactions_count"] == 7
    assert document["interactions_by_severity"] == {
        "major": 2,
        "moderate": 2,
        "minor": 2,
        "ungraded": 1,
    }
    data = "http://testserver/drugs/warfarin/interactions.json"
    assert document["interactions_url"] == data
    assert document["interactions_next"] == f"{data}?page=2"


def test_interactions_json_pages_through_every_interaction_once(client, warfarin):
    whole = [entry.other_name for entry in interactions_for(warfarin)]
    url, pages = "/drugs/warfarin/interactions.json", []
    while url:
        pages.append(client.get(url).json())
        url = pages[-1]["next"]
    assert [problems(page, INTERACTIONS_SCHEMA) for page in pages] == [[], [], []]
    assert [i["with"]["name"] for page in pages for i in page["interactions"]] == whole
    first, second, last = pages
    assert (first["count"], first["pages"], first["page_size"]) == (7, 3, 3)
    assert first["previous"] is None
    assert last["next"] is None
    assert second["previous"] == "http://testserver/drugs/warfarin/interactions.json"
    assert second["url"] == "http://testserver/drugs/warfarin/interactions/?page=2"
    assert second["data_url"] == "http://testserver/drugs/warfarin/interactions.json?page=2"
    assert first["drug"] == {
        "name": "Warfarin",
        "url": "http://testserver/drugs/warfarin/",
        "data_url": "http://testserver/drugs/warfarin.json",
    }
    # The class it names lists the drugs it reaches, on whichever page it falls.
    (nsaids,) = [i for i in last["interactions"] if i["with"]["type"] == "class"]
    assert nsaids["with"]["drugs"] == [
        {"name": "Ibuprofen", "url": "http://testserver/drugs/ibuprofen/"}
    ]


def test_the_page_of_interactions_links_its_open_data(client, warfarin):
    page = client.get("/drugs/warfarin/interactions/", {"page": 2}).content.decode()
    assert 'href="/drugs/warfarin/interactions.json?page=2"' in page


@pytest.mark.parametrize("page", ["0", "4", "-1", "x", "1.5", "99999999999999999999"])
def test_interactions_json_page_out_of_range_is_404(client, warfarin, page):
    response = client.get("/drugs/warfarin/interactions.json", {"page": page})
    assert response.status_code == 404
    assert response.json()["error"] == "not found"


@pytest.mark.parametrize(
    "fields",
    [{"status": Status.DRAFT}, {"published_at": timezone.now() + timedelta(days=1)}],
    ids=["draft", "scheduled"],
)
def test_interactions_of_unpublished_monographs_are_not_open_data(client, fields):
    drug = DrugFactory(generic_name="Bromidraft", **fields)
    InteractionFactory(interactant_drug=drug)
    for path in [f"/drugs/{drug.slug}/interactions.json", "/drugs/no-such/interactions.json"]:
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_interactions_json_only_answers_reads(client, warfarin):
    assert client.post("/drugs/warfarin/interactions.json").status_code == 405
    assert client.head("/drugs/warfarin/interactions.json").status_code == 200


def test_monograph_json_cites_sources_and_review(client, baclofen):
    baclofen.reviewed_by = "Dr A. Pharmacist, PharmD"
    baclofen.reviewed_on = timezone.localdate()
    baclofen.save()
    document = client.get("/drugs/baclofen.json").json()
    assert document["references"][0]["title"] == "Baclofen tablets: prescribing information"
    assert document["medical_review"] == {
        "reviewed_by": "Dr A. Pharmacist, PharmD",
        "reviewed_on": timezone.localdate().isoformat(),
        "is_due": False,
    }
    assert document["license"] == opendata.LICENSE


def test_label_sources_give_ids_and_links_but_not_the_label_text(client, baclofen):
    label_source(baclofen)
    response = client.get("/drugs/baclofen.json")
    (source,) = response.json()["label_sources"]
    assert source["set_id"] == "00c6c924-ddfd-4a75-afd7-f6561ff9abbc"
    assert source["dailymed_url"] == (
        "https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid=00c6c924-ddfd-4a75-afd7-f6561ff9abbc"
    )
    assert source["sections"] == ["dosage_and_administration", "dosage_and_administration_table"]
    assert "full dosing text" not in response.content.decode()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.DRAFT},
        {"status": Status.IN_REVIEW},
        {"status": Status.ARCHIVED},
        {"published_at": timezone.now() + timedelta(days=1)},  # scheduled
    ],
    ids=["draft", "in-review", "archived", "scheduled"],
)
def test_unpublished_monographs_are_not_open_data(client, fields):
    drug = DrugFactory(generic_name="Bromidraft", **fields)
    response = client.get(f"/drugs/{drug.slug}.json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "Bromidraft" not in client.get("/drugs.json").content.decode()


@pytest.mark.parametrize("path", ["/drugs/no-such-drug.json", "/drugs/baclofen.json/"])
def test_unknown_json_addresses_are_404(client, baclofen, path):
    assert client.get(path).status_code == 404


def test_json_addresses_only_answer_reads(client, baclofen):
    assert client.post("/drugs/baclofen.json").status_code == 405
    assert client.head("/drugs.json").status_code == 200


# The index


def test_index_json_lists_published_drugs_with_links_and_review_date(client, baclofen):
    baclofen.reviewed_on = date(2025, 10, 22)
    baclofen.save()
    DrugFactory(generic_name="Bromidraft", status=Status.DRAFT)
    response = client.get("/drugs.json")
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert problems(document, INDEX_SCHEMA) == []
    assert [d["name"] for d in document["drugs"]] == ["Baclofen", "Tizanidine"]
    baclofen_entry = document["drugs"][0]
    assert baclofen_entry["slug"] == "baclofen"
    assert baclofen_entry["url"] == "http://testserver/drugs/baclofen/"
    assert baclofen_entry["data_url"] == "http://testserver/drugs/baclofen.json"
    assert baclofen_entry["last_reviewed"] == "2025-10-22"


def test_index_json_pages_through_every_drug(client, monkeypatch):
    monkeypatch.setattr(opendata, "INDEX_PAGE_SIZE", 2)
    for name in ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]:
        DrugFactory(generic_name=name)
    first = client.get("/drugs.json").json()
    assert (first["count"], first["pages"], first["previous"]) == (5, 3, None)
    assert first["next"] == "http://testserver/drugs.json?page=2"
    names, url = [], "/drugs.json"
    while url:
        page = client.get(url).json()
        names += [d["name"] for d in page["drugs"]]
        url = page["next"]
    assert names == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    assert client.get("/drugs.json?page=3").json()["previous"].endswith("?page=2")


def test_index_json_lists_names_in_order_whatever_their_case(client):
    for name in ["bravo", "Charlie", "Alpha"]:
        DrugFactory(generic_name=name)
    document = client.get("/drugs.json").json()
    assert [d["name"] for d in document["drugs"]] == ["Alpha", "bravo", "Charlie"]
    assert document["count"] == 3


@pytest.mark.parametrize("page", ["0", "4", "-1", "x", "1.5", "99999999999999999999"])
def test_index_json_page_out_of_range_is_404(client, monkeypatch, page):
    monkeypatch.setattr(opendata, "INDEX_PAGE_SIZE", 2)
    DrugFactory.create_batch(5)
    response = client.get("/drugs.json", {"page": page})
    assert response.status_code == 404
    assert response.json()["error"] == "not found"


def test_empty_index_json_is_one_empty_page(client):
    document = client.get("/drugs.json").json()
    assert (document["count"], document["pages"], document["drugs"]) == (0, 1, [])


# Queries stay fixed


def test_monograph_json_queries_do_not_grow_with_content(client, django_assert_max_num_queries):
    few = monograph_with(rows=3)
    # Its rows and first interactions read, and kept; then read kept.
    with django_assert_max_num_queries(MONOGRAPH_JSON_FIRST_QUERIES):
        client.get(f"/drugs/{few.slug}.json")
    with django_assert_max_num_queries(MONOGRAPH_JSON_KEPT_QUERIES):
        client.get(f"/drugs/{few.slug}.json")
    many = monograph_with(rows=60)
    with django_assert_max_num_queries(MONOGRAPH_JSON_FIRST_QUERIES):
        client.get(f"/drugs/{many.slug}.json")
    with django_assert_max_num_queries(MONOGRAPH_JSON_KEPT_QUERIES):
        response = client.get(f"/drugs/{many.slug}.json")
    assert len(response.json()["side_effects"]) == 60


def test_interactions_json_queries_do_not_grow_with_content(client, django_assert_max_num_queries):
    few = monograph_with(rows=3)
    with django_assert_max_num_queries(INTERACTIONS_JSON_QUERIES):
        client.get(f"/drugs/{few.slug}/interactions.json")
    many = monograph_with(rows=60)
    with django_assert_max_num_queries(INTERACTIONS_JSON_QUERIES):
        response = client.get(f"/drugs/{many.slug}/interactions.json", {"page": 2})
    # Three of its own a row, and two naming it or its parent class.
    assert response.json()["count"] == 5 * 60


def test_index_json_queries_do_not_grow_with_drugs(client, django_assert_num_queries):
    DrugFactory.create_batch(3)
    with django_assert_num_queries(INDEX_JSON_QUERIES):
        client.get("/drugs.json")
    DrugFactory.create_batch(300)
    with django_assert_num_queries(INDEX_JSON_QUERIES):
        client.get("/drugs.json")


# schema.org JSON-LD on the page


def test_drug_page_carries_medical_web_page_json_ld(client, baclofen):
    baclofen.reviewed_by = "Dr A. Pharmacist, PharmD"
    baclofen.reviewed_on = date(2025, 10, 22)
    baclofen.save()
    data = jsonld_of(client, "/drugs/baclofen/")
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalWebPage"
    assert data["url"] == "http://testserver/drugs/baclofen/"
    assert data["lastReviewed"] == "2025-10-22"
    assert data["reviewedBy"] == {"@type": "Person", "name": "Dr A. Pharmacist, PharmD"}
    assert data["citation"][0]["name"] == "Baclofen tablets: prescribing information"


def test_json_ld_main_entity_is_the_drug_with_its_facts(client, baclofen):
    drug = jsonld_of(client, "/drugs/baclofen/")["mainEntity"]
    assert drug["@type"] == "Drug"
    assert drug["nonProprietaryName"] == "Baclofen"
    assert drug["proprietaryName"] == "Lioresal"
    assert drug["alternateName"] == ["Kemstro"]
    assert drug["drugClass"][0] == {
        "@type": "DrugClass",
        "name": "Skeletal muscle relaxants",
        "url": "http://testserver/drug-classes/skeletal-muscle-relaxants/",
    }
    assert drug["administrationRoute"] == ["By mouth", "Intrathecal (into the spinal fluid)"]
    assert drug["dosageForm"] == ["Tablet", "Intrathecal injection"]
    assert [(s["strengthValue"], s["strengthUnit"]) for s in drug["availableStrength"]] == [
        (5, "mg"),
        (10, "mg"),
        (20, "mg"),
    ]
    tablets = drug["doseSchedule"][0]
    assert tablets["@type"] == "RecommendedDoseSchedule"
    assert (tablets["doseValue"], tablets["doseUnit"], tablets["frequency"]) == (
        5,
        "mg",
        "three times a day",
    )
    assert tablets["description"] == BACLOFEN_DOSE
    assert drug["maximumIntake"] == [
        {
            "@type": "MaximumDoseSchedule",
            "doseValue": 80,
            "doseUnit": "mg",
            "targetPopulation": "Adults",
            "frequency": "per day",
        }
    ]
    assert drug["interactingDrug"] == [
        {"@type": "Drug", "name": "Tizanidine", "url": "http://testserver/drugs/tizanidine/"}
    ]
    assert drug["prescriptionStatus"] == "https://schema.org/PrescriptionOnly"


def test_json_ld_and_json_come_from_the_same_document(client, baclofen):
    document = client.get("/drugs/baclofen.json").json()
    assert jsonld_of(client, "/drugs/baclofen/") == opendata.jsonld(document)


def tizanidine_and_any(drug_class) -> list[dict]:
    """The interactingDrug of baclofen's fixture with an interaction with `drug_class` added:
    Tizanidine by name, the class as "any medicine in" it."""
    return [
        {"@type": "Drug", "name": "Tizanidine", "url": "http://testserver/drugs/tizanidine/"},
        {
            "@type": "Drug",
            "description": "Any medicine in this class",
            "drugClass": {
                "@type": "DrugClass",
                "name": drug_class.name,
                "url": "http://testserver" + drug_class.get_absolute_url(),
            },
        },
    ]


def test_json_ld_names_an_interacting_class_and_the_json_its_members(client, baclofen):
    opioids = DrugClassFactory(name="Opioids", slug="opioids")
    DrugFactory(generic_name="Morphine", slug="morphine", classes=[opioids])
    InteractionFactory(drug=baclofen, interactant_class=opioids)
    interacting = jsonld_of(client, "/drugs/baclofen/")["mainEntity"]["interactingDrug"]
    assert interacting == tizanidine_and_any(opioids)
    [with_class] = [
        i["with"]
        for i in client.get("/drugs/baclofen.json").json()["interactions"]
        if i["with"]["type"] == "class"
    ]
    assert with_class["drugs"] == [{"name": "Morphine", "url": "http://testserver/drugs/morphine/"}]


def test_the_page_of_interactions_describes_the_drug_and_what_it_lists(client, baclofen):
    opioids = DrugClassFactory(name="Opioids", slug="opioids")
    InteractionFactory(drug=baclofen, interactant_class=opioids)
    data = jsonld_of(client, "/drugs/baclofen/interactions/")
    assert data["@type"] == "MedicalWebPage"
    assert data["url"] == "http://testserver/drugs/baclofen/interactions/"
    assert data["name"] == "Baclofen interactions"
    about = data["about"]
    assert about["@id"] == jsonld_of(client, "/drugs/baclofen/")["mainEntity"]["@id"]
    assert about["interactingDrug"] == tizanidine_and_any(opioids)
    assert jsonld_of(client, "/drugs/baclofen/interactions/?page=2&utm=x")["url"] == (
        "http://testserver/drugs/baclofen/interactions/"  # the last page: the list has one
    )


def test_json_ld_of_an_unreviewed_over_the_counter_drug(client):
    drug = DrugFactory(is_prescription_only=False)
    data = jsonld_of(client, drug.get_absolute_url())
    assert "lastReviewed" not in data
    assert "reviewedBy" not in data
    assert data["mainEntity"]["prescriptionStatus"] == "https://schema.org/OTC"


def test_json_ld_cannot_be_broken_out_of_by_content(client):
    hostile = "</script><script>alert(1)</script><!-- & -->"
    drug = DrugFactory(summary=hostile)
    DrugNameFactory(drug=drug, name="Brand</script>")
    SideEffectFactory(drug=drug, name="<b>x</b>")
    content = client.get(drug.get_absolute_url()).content.decode()
    (body,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    assert "<" not in body
    assert ">" not in body
    assert "&" not in body
    data = json.loads(body)
    assert data["description"] == hostile
    assert data["mainEntity"]["proprietaryName"] == "Brand</script>"


# Pure functions


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("5.000"), 5), (Decimal("2.500"), 2.5), (Decimal("0.125"), 0.125), (None, None)],
)
def test_amounts_become_json_numbers(value, expected):
    number = opendata.number(value)
    assert number == expected
    assert type(number) is type(expected)


def test_script_json_escapes_what_could_end_a_script():
    text = opendata.script_json({"a": "</script><!--&\u2028\u2029", "<b>": "&amp;"})
    assert text == (
        '{"a":"\\u003C/script\\u003E\\u003C!--\\u0026\\u2028\\u2029",'
        '"\\u003Cb\\u003E":"\\u0026amp;"}'
    )
    assert json.loads(text) == {"a": "</script><!--&\u2028\u2029", "<b>": "&amp;"}
