"""Which interactions a reader of a drug sees, and how they are ordered."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection, connections
from django.db.models import F
from django.utils import timezone

from drugs.interactions import (
    DrugInteractions,
    class_ancestors,
    interactions_for,
    ranking_statement,
)
from drugs.models import Drug, Interaction, Severity
from medguide.editorial.models import Status
from tests.factories import (
    DrugClassFactory,
    DrugFactory,
    InteractionFactory,
    SubstanceFactory,
)

pytestmark = pytest.mark.django_db


def names(entries):
    return [entry.other_name for entry in entries]


def test_a_drug_interaction_shows_on_both_drugs():
    baclofen = DrugFactory(generic_name="Baclofen")
    tizanidine = DrugFactory(generic_name="Tizanidine")
    InteractionFactory(drug=baclofen, interactant_drug=tizanidine)

    [from_baclofen] = interactions_for(baclofen)
    [from_tizanidine] = interactions_for(tizanidine)
    assert from_baclofen.other_name == "Tizanidine"
    assert from_baclofen.other_url == tizanidine.get_absolute_url()
    assert from_tizanidine.other_name == "Baclofen"
    assert from_tizanidine.other_url == baclofen.get_absolute_url()
    assert from_baclofen.kind == from_tizanidine.kind == "drug"


def test_a_class_interaction_applies_to_every_drug_in_the_class():
    opioids = DrugClassFactory(name="Opioids")
    morphine = DrugFactory(generic_name="Morphine", classes=[opioids])
    oxycodone = DrugFactory(generic_name="Oxycodone", classes=[opioids])
    baclofen = DrugFactory(generic_name="Baclofen")
    InteractionFactory(drug=baclofen, interactant_class=opioids, severity=Severity.MAJOR)

    [on_baclofen] = interactions_for(baclofen)
    assert on_baclofen.other_name == "Opioids"
    assert on_baclofen.kind == "class"
    assert on_baclofen.via_class is None
    for member in (morphine, oxycodone):
        [entry] = interactions_for(member)
        assert entry.other_name == "Baclofen"
        assert entry.via_class == opioids
        assert entry.severity_label == "Major"


def test_a_class_interaction_reaches_drugs_in_subclasses():
    depressants = DrugClassFactory(name="CNS depressants")
    benzodiazepines = DrugClassFactory(name="Benzodiazepines", parent=depressants)
    short_acting = DrugClassFactory(name="Short-acting benzodiazepines", parent=benzodiazepines)
    midazolam = DrugFactory(generic_name="Midazolam", classes=[short_acting])
    baclofen = DrugFactory(generic_name="Baclofen")
    InteractionFactory(drug=baclofen, interactant_class=depressants)

    [entry] = interactions_for(midazolam)
    assert entry.other_name == "Baclofen"
    assert entry.via_class == short_acting  # the drug's own class, not the ancestor
    assert entry.kind == "drug"


def test_a_class_interaction_does_not_reach_a_parent_or_sibling_class():
    depressants = DrugClassFactory(name="CNS depressants")
    benzodiazepines = DrugClassFactory(name="Benzodiazepines", parent=depressants)
    opioids = DrugClassFactory(name="Opioids", parent=depressants)
    sedative = DrugFactory(classes=[depressants])
    morphine = DrugFactory(classes=[opioids])
    InteractionFactory(interactant_class=benzodiazepines)

    assert interactions_for(sedative) == []
    assert interactions_for(morphine) == []


def test_class_ancestors_maps_every_containing_class_to_the_member_class():
    tree = {1: (), 2: (1,), 3: (2,), 4: (1,)}
    assert class_ancestors([3, 4], tree) == {3: 3, 2: 3, 1: 3, 4: 4}


def test_class_ancestors_follow_groups_as_well_as_parents():
    # SSRIs (3) sit in antidepressants (2) and also count among serotonergic drugs (5).
    tree = {2: (), 3: (2, 5), 5: ()}
    assert class_ancestors([3], tree) == {3: 3, 2: 3, 5: 3}


def test_a_substance_interaction_shows_on_the_drug_without_a_link():
    baclofen = DrugFactory(generic_name="Baclofen")
    InteractionFactory(drug=baclofen, interactant_substance=SubstanceFactory(name="Alcohol"))

    [entry] = interactions_for(baclofen)
    assert entry.other_name == "Alcohol"
    assert entry.other_url is None
    assert entry.kind == "substance"


def test_interactions_are_sorted_major_then_moderate_then_minor():
    baclofen = DrugFactory(generic_name="Baclofen")
    for name, severity in [
        ("Antacids", Severity.MINOR),
        ("Opioids", Severity.MAJOR),
        ("Zopiclone", Severity.MODERATE),
        ("Alprazolam", Severity.MODERATE),
    ]:
        InteractionFactory(
            drug=baclofen, interactant_drug=DrugFactory(generic_name=name), severity=severity
        )

    entries = interactions_for(baclofen)
    assert names(entries) == ["Opioids", "Alprazolam", "Zopiclone", "Antacids"]
    assert [e.severity for e in entries] == ["major", "moderate", "moderate", "minor"]


@pytest.mark.parametrize("stored_on_draft", [True, False], ids=["draft side", "published side"])
def test_an_interaction_with_an_unpublished_drug_is_hidden(stored_on_draft):
    baclofen = DrugFactory(generic_name="Baclofen")
    draft = DrugFactory(generic_name="Secretamol", status=Status.DRAFT)
    if stored_on_draft:
        InteractionFactory(drug=draft, interactant_drug=baclofen)
    else:
        InteractionFactory(drug=baclofen, interactant_drug=draft)

    assert interactions_for(baclofen) == []


def test_a_class_interaction_stored_on_a_draft_drug_is_hidden():
    opioids = DrugClassFactory(name="Opioids")
    morphine = DrugFactory(classes=[opioids])
    InteractionFactory(drug=DrugFactory(status=Status.DRAFT), interactant_class=opioids)

    assert interactions_for(morphine) == []


def test_interaction_queries_do_not_grow_with_rows(django_assert_num_queries):
    opioids = DrugClassFactory(name="Opioids")
    baclofen = DrugFactory(generic_name="Baclofen", classes=[DrugClassFactory()])
    InteractionFactory.create_batch(5, drug=baclofen)
    InteractionFactory.create_batch(5, interactant_drug=baclofen)
    InteractionFactory(drug=baclofen, interactant_class=opioids)
    InteractionFactory(drug=baclofen, interactant_substance=SubstanceFactory())
    # As the monograph loads it: the drug's classes come with the drug.
    baclofen = Drug.objects.prefetch_related("classes").get(pk=baclofen.pk)

    # The drug's own rows, the class tree, then the rows of others, whose total is theirs.
    with django_assert_num_queries(3):
        found = DrugInteractions(baclofen)
        entries = found[:]
        assert found.count() == len(entries) == 12


def test_every_slice_is_the_start_of_the_whole_sorted_list(django_assert_max_num_queries):
    """The monograph shows a slice and the page of all of them pages through it: the rows of
    others come cut in SQL, the drug's own rows (and the substances their classes reach) whole,
    and the two must interleave exactly as the whole list does."""
    depressants = DrugClassFactory(name="CNS depressants")
    relaxants = DrugClassFactory(name="Muscle relaxants", parent=depressants)
    SubstanceFactory(name="Alcohol").classes.add(depressants)
    baclofen = DrugFactory(generic_name="Baclofen", classes=[relaxants])
    InteractionFactory(drug=baclofen, interactant_class=depressants, severity=Severity.MAJOR)
    InteractionFactory(
        drug=baclofen,
        interactant_drug=DrugFactory(generic_name="Mirtazapine"),
        severity=Severity.MINOR,
    )
    InteractionFactory(
        drug=baclofen,
        interactant_drug=DrugFactory(generic_name="Draftine", status=Status.DRAFT),
    )
    for index, severity in enumerate([*Severity.values, *Severity.values]):
        InteractionFactory(  # by its class, from the broader class, by name
            drug=DrugFactory(generic_name=f"Zolpidem {index}"),
            interactant_class=[relaxants, depressants][index % 2],
            severity=severity,
        )
        InteractionFactory(
            drug=DrugFactory(generic_name=f"Alprazolam {index}"),
            interactant_drug=baclofen,
            severity=severity,
        )
    InteractionFactory(drug=DrugFactory(status=Status.DRAFT), interactant_drug=baclofen)
    scheduled = DrugFactory(published_at=timezone.now() + timedelta(days=1))
    InteractionFactory(drug=scheduled, interactant_class=relaxants)
    baclofen = Drug.objects.prefetch_related("classes").get(pk=baclofen.pk)

    whole = interactions_for(baclofen)
    # Its own three, alcohol included; the drafts' and the scheduled drug's hidden.
    assert len(whole) == 3 + 2 * 8
    assert [e.severity for e in whole] == sorted((e.severity for e in whole), key=Severity.rank)
    assert names(whole[:3]) == ["Alcohol", "Alprazolam 0", "Alprazolam 4"]
    for stop in range(len(whole) + 2):
        found = DrugInteractions(baclofen)
        # The class tree and its own rows once; ids and rows for each slice; no count.
        with django_assert_max_num_queries(6):
            assert found[:stop] == whole[:stop]
            assert found[stop : stop + 5] == whole[stop : stop + 5]
            assert found.count() == len(whole)


def test_the_first_rows_naming_a_drug_or_its_classes_are_read_in_order_from_indexes():
    """A monograph shows the ten most severe of the rows others store about a drug, by name:
    each part of them (the rows naming the drug, those naming each class of its lineage) is a
    range of an index in that order (drugs 0019), whose first entries are the first rows, so
    neither engine sorts a part for them; only the parts' first rows are merged. The indexes
    also hold whose rows they are and how severe (to leave out hidden medicines' rows and count
    the rest), and lead with the interactant, so they serve its lookups and replace its own."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "drugs_interaction")
    indexes = {name: found["columns"] for name, found in constraints.items() if found["index"]}
    ordered = [None, None, "id", "drug_id", "severity"]  # the rank and the name are expressions
    assert indexes["interaction_order_by_drug"] == ["interactant_drug_id", *ordered]
    assert indexes["interaction_order_by_class"] == ["interactant_class_id", *ordered]
    assert ["interactant_drug_id"] not in indexes.values()
    assert ["interactant_class_id"] not in indexes.values()

    depressants = DrugClassFactory(name="CNS depressants")
    relaxants = DrugClassFactory(name="Muscle relaxants", parent=depressants)
    baclofen = DrugFactory(generic_name="Baclofen", classes=[relaxants])
    for severity in Severity.values:
        InteractionFactory(drug=DrugFactory(), interactant_drug=baclofen, severity=severity)
        InteractionFactory(drug=DrugFactory(), interactant_class=relaxants, severity=severity)
    using, statement, params = ranking_statement(baclofen, [relaxants.pk, depressants.pk], 10)
    with connections[using].cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {statement}", params)
            plan = [row[-1] for row in cursor.fetchall()]
            read = [line.split(" (")[0] for line in plan if "interaction_order_by" in line]
            # "FOR ORDER BY", or "FOR RIGHT PART OF ORDER BY" past the part an index gives.
            sorted_for = [line for line in plan if "TEMP B-TREE" in line and "ORDER BY" in line]
        else:
            # Whether an index can give each part its order, whatever the planner makes of a
            # few rows' statistics: with every other way to read them, or to sort them, off.
            for way in ("seqscan", "bitmapscan", "sort"):
                cursor.execute(f"SET LOCAL enable_{way} = off")
            cursor.execute(f"EXPLAIN (FORMAT JSON) {statement}", params)
            plan = plan_nodes(cursor.fetchone()[0][0]["Plan"])
            # A part read in order is a Limit straight over its index, with no Sort between.
            limited = [outer(node) for node in plan if node["Node Type"] == "Limit"]
            read = [
                f"SEARCH drugs_interaction USING INDEX {node['Index Name']}"
                for node in limited
                if node.get("Index Name", "").startswith("interaction_order_by")
            ]
            sorted_for = [node for node in limited if node["Node Type"] == "Sort"]
    # Both parts of the first ten, and the same indexes counting every row (SQLite's plan
    # names them again, COVERING); only the merge of the parts' first rows may be sorted
    # (PostgreSQL, told not to sort, merges the ordered parts instead).
    assert "SEARCH drugs_interaction USING INDEX interaction_order_by_drug" in read, plan
    assert read.count("SEARCH drugs_interaction USING INDEX interaction_order_by_class") == 2
    assert len(sorted_for) <= 1, plan

    found = DrugInteractions(Drug.objects.prefetch_related("classes").get(pk=baclofen.pk))
    assert [entry.severity for entry in found[:3]] == ["major", "major", "moderate"]
    assert found.by_severity() == [(severity, 2) for severity in Severity.values]
    # Whole numbers on both engines (PostgreSQL sums counts as numeric, a Decimal in Python).
    assert {type(n) for _severity, n in found.by_severity()} == {int}
    assert type(found.count()) is int


def outer(node: dict) -> dict:
    """The node a PostgreSQL plan node reads its rows from (not an InitPlan beside it)."""
    return next(child for child in node["Plans"] if child["Parent Relationship"] == "Outer")


def plan_nodes(node: dict) -> list[dict]:
    """A PostgreSQL plan (EXPLAIN's JSON) as a list of its nodes."""
    return [node, *(found for child in node.get("Plans", []) for found in plan_nodes(child))]


def test_each_row_keeps_the_name_of_its_drug_however_it_is_written():
    """The name the rows are ranked by is copied onto each (Interaction.drug_name): by save(),
    by bulk_create() whether it holds the drug or only its id, and again when the drug is
    renamed."""
    tizanidine, zolpidem = (
        DrugFactory(generic_name="Tizanidine"),
        DrugFactory(generic_name="Zolpidem"),
    )
    baclofen = DrugFactory(generic_name="Baclofen")
    saved = InteractionFactory(drug=tizanidine, interactant_drug=baclofen)
    held, by_id = Interaction.objects.bulk_create(
        [
            Interaction(drug=zolpidem, interactant_drug=baclofen, severity=Severity.MAJOR),
            Interaction(drug_id=tizanidine.pk, interactant_drug=zolpidem, severity=Severity.MINOR),
        ]
    )

    def stored(row):
        return Interaction.objects.values_list("drug_name", flat=True).get(pk=row.pk)

    assert (stored(saved), stored(held), stored(by_id)) == ("Tizanidine", "Zolpidem", "Tizanidine")

    tizanidine.generic_name = "Tizanidine hydrochloride"
    tizanidine.save()
    assert stored(saved) == stored(by_id) == "Tizanidine hydrochloride"
    assert stored(held) == "Zolpidem"

    zolpidem.summary = "Sleep."
    zolpidem.save(update_fields=["summary"])  # the name not written: nothing to copy
    assert stored(held) == "Zolpidem"


def test_the_migration_copies_every_row_its_drug_name():
    """drugs 0018 gives the rows that were there before it the name of their drug."""
    migration = importlib.import_module("drugs.migrations.0018_interaction_drug_name")
    rows = [
        InteractionFactory(drug=DrugFactory(generic_name=name), interactant_drug=DrugFactory())
        for name in ("Tizanidine", "Zolpidem")
    ]
    Interaction.objects.update(drug_name="")

    # A migration's function reads only the alias of the schema editor's connection; SQLite
    # gives no schema editor inside a test's transaction.
    migration.copy_names(django_apps, SimpleNamespace(connection=connection))

    names = Interaction.objects.filter(pk__in=[r.pk for r in rows]).values_list(
        "drug_name", flat=True
    )
    assert sorted(names) == ["Tizanidine", "Zolpidem"]
    assert not Interaction.objects.exclude(drug_name=F("drug__generic_name")).exists()


def test_the_rows_of_others_name_the_drug_itself_without_a_query(django_assert_num_queries):
    """Another medicine's row names this drug or one of its classes: the drug it names is the
    one already held, not fetched again (DrugInteractions._with_related)."""
    relaxants = DrugClassFactory(name="Muscle relaxants")
    baclofen = DrugFactory(generic_name="Baclofen", classes=[relaxants])
    InteractionFactory(drug=DrugFactory(generic_name="Tizanidine"), interactant_drug=baclofen)
    InteractionFactory(drug=DrugFactory(generic_name="Zolpidem"), interactant_class=relaxants)
    baclofen = Drug.objects.prefetch_related("classes").get(pk=baclofen.pk)

    for entries in (interactions_for(baclofen), DrugInteractions(baclofen)[:2]):
        by_name, by_class = entries
        with django_assert_num_queries(0):
            assert by_name.interaction.interactant_drug is baclofen
            assert by_class.interaction.interactant_drug is None
            assert by_class.interaction.interactant_class == relaxants
            assert by_class.interaction.interactant_substance is None
