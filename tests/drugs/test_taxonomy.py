"""The class tree: one class per concept, FDA classes and ingredients mapped into it, the
mappings applied on every import, and class interactions reaching every member."""

from pathlib import Path

import pytest
from django.core.management import call_command

from drugs.checker import check_interactions
from drugs.labels.importing import import_label
from drugs.models import (
    ClassKind,
    ClassMapping,
    Drug,
    DrugClass,
    MappingSource,
    Severity,
    Substance,
    class_key,
)
from drugs.taxonomy import (
    TaxonomyError,
    apply_class_mappings,
    load_taxonomy,
    read_taxonomy,
    site_class_name,
)
from tests.factories import DrugFactory, InteractionFactory

pytestmark = pytest.mark.django_db


def label(name: str, *, classes=(), spl: str = "") -> dict:
    spl = spl or f"spl-{name}"
    return {
        "id": spl,
        "set_id": f"set-{name}",
        "indications_and_usage": [f"{name} is indicated for testing."],
        "openfda": {"generic_name": [name.upper()], "pharm_class_epc": list(classes)},
    }


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Benzodiazepine [EPC]", "Benzodiazepines"),
        ("Kinase Inhibitor", "Kinase Inhibitors [MoA]"),
        ("Angiotensin Converting Enzyme Inhibitor", "Angiotensin-converting Enzyme Inhibitors"),
        ("Anti-coagulant", "anticoagulant"[:4] + "-coagulants"),
        ("Opioid Agonists", "opioid agonist"),
    ],
)
def test_class_names_that_differ_only_by_case_plural_or_punctuation_share_a_key(one, other):
    assert class_key(one) == class_key(other)


def test_different_classes_keep_different_keys():
    assert class_key("Opioid Agonist") != class_key("Opioid Antagonist")
    assert class_key("Diuretics") != class_key("Diuretic Sparing")


def test_a_class_made_from_an_fda_term_reads_as_a_plural_in_sentence_case():
    assert site_class_name("Kinase Inhibitor") == "Kinase inhibitors"
    assert site_class_name("GLP-1 Receptor Agonist") == "GLP-1 receptor agonists"
    assert site_class_name("Vitamin K Antagonist") == "Vitamin K antagonists"
    assert site_class_name("Antibody") == "Antibodies"


def test_the_shipped_taxonomy_file_is_well_formed():
    slugs = [entry["slug"] for entry in read_taxonomy()]
    assert {"opioids", "benzodiazepines", "cns-depressants", "nsaids"} <= set(slugs)


def test_a_broken_taxonomy_file_is_one_clear_error(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text("classes:\n  - name: Orphans\n    slug: orphans\n    parent: nowhere\n")
    with pytest.raises(TaxonomyError, match="unknown class 'nowhere'"):
        read_taxonomy(path)
    path.write_text("classes: [")
    with pytest.raises(TaxonomyError):
        read_taxonomy(Path(path))


def test_loading_the_taxonomy_twice_changes_nothing():
    first = load_taxonomy()
    assert first.classes_created > 40
    assert first.mappings_created > 300
    again = load_taxonomy()
    assert (again.classes_created, again.classes_updated, again.mappings_created) == (0, 0, 0)


def test_the_tree_has_parents_groups_and_substances():
    load_taxonomy()
    opioids = DrugClass.objects.get(slug="opioids")
    assert opioids.parent.slug == "cns-depressants"
    ssris = DrugClass.objects.get(slug="ssris")
    assert ssris.parent.slug == "antidepressants"
    assert ssris.included_in.filter(slug="serotonergic-drugs").exists()
    alcohol = Substance.objects.get(name="Alcohol")
    assert alcohol.classes.filter(slug="cns-depressants").exists()
    assert DrugClass.objects.get(slug="cyp3a4-inhibitors").kind == ClassKind.INTERACTION


def test_a_label_with_an_fda_class_lands_in_the_mapped_site_class():
    import_label(label("Diazepam", classes=["Benzodiazepine [EPC]"]))
    drug = Drug.objects.get()
    assert [c.slug for c in drug.classes.all()] == ["benzodiazepines"]


def test_a_label_without_an_fda_class_is_filed_by_its_ingredient():
    # Oxycodone's openFDA block names no class; its label calls it an opioid agonist.
    import_label(label("Oxycodone Hydrochloride"))
    assert [c.slug for c in Drug.objects.get().classes.all()] == ["opioids"]


def test_an_unmapped_fda_class_becomes_a_class_an_editor_can_review():
    import_label(label("Tolvaptan", classes=["Vasopressin V2 Receptor Antagonist [EPC]"]))
    drug_class = Drug.objects.get().classes.get()
    assert drug_class.name == "Vasopressin V2 receptor antagonists"
    mapping = ClassMapping.objects.get(drug_class=drug_class)
    assert (mapping.source, mapping.is_curated) == (MappingSource.EPC, False)


def test_variants_of_one_class_never_make_two():
    import_label(label("Alpha", classes=["Kinase Inhibitor [EPC]"]))
    import_label(label("Beta", classes=["Kinase Inhibitors [MoA]", "kinase inhibitor [EPC]"]))
    assert DrugClass.objects.filter(key=class_key("kinase inhibitor")).count() == 1
    assert DrugClass.objects.get(key=class_key("kinase inhibitor")).drugs.count() == 2


def test_an_enzyme_class_serves_the_checker_but_is_not_shown_as_what_a_drug_is():
    import_label(label("Gamma", classes=["Cytochrome P450 3A4 Inhibitors [MoA]"]))
    [drug_class] = Drug.objects.get().classes.all()
    assert drug_class.slug == "cyp3a4-inhibitors"
    assert not drug_class.is_shown
    assert not DrugClass.objects.shown().filter(pk=drug_class.pk).exists()


def test_a_changed_mapping_moves_label_pages_on_the_next_run_and_a_rerun_keeps_them():
    import_label(label("Tolvaptan", classes=["Vasopressin V2 Receptor Antagonist [EPC]"]))
    drug = Drug.objects.get()
    diuretics = DrugClass.objects.get(slug="diuretics")
    mapping = ClassMapping.objects.get(term="Vasopressin V2 Receptor Antagonist")
    mapping.drug_class, mapping.is_curated = diuretics, True
    mapping.save()

    assert apply_class_mappings().changed == 1
    assert [c.slug for c in drug.classes.all()] == ["diuretics"]
    assert apply_class_mappings().changed == 0
    import_label(label("Tolvaptan", classes=["Vasopressin V2 Receptor Antagonist [EPC]"]))
    assert [c.slug for c in drug.classes.all()] == ["diuretics"]


def test_editors_classes_are_never_changed_by_the_mappings():
    load_taxonomy()
    drug = DrugFactory(generic_name="Oxycodone")  # written by editors, in no class yet
    apply_class_mappings()
    assert not drug.classes.exists()


def test_a_class_rule_reaches_imported_members_through_the_tree():
    load_taxonomy()
    baclofen = DrugFactory(generic_name="Baclofen")
    InteractionFactory(
        drug=baclofen,
        interactant_class=DrugClass.objects.get(slug="opioids"),
        severity=Severity.MAJOR,
    )
    import_label(label("Oxycodone Hydrochloride"))
    result = check_interactions(names=["baclofen", "oxycodone"])
    assert [f.severity for f in result.findings] == [Severity.MAJOR]


def test_a_class_rule_reaches_a_substance_in_the_class():
    load_taxonomy()
    gabapentin = DrugFactory(generic_name="Gabapentin")
    InteractionFactory(
        drug=gabapentin,
        interactant_class=DrugClass.objects.get(slug="cns-depressants"),
        severity=Severity.MAJOR,
    )
    result = check_interactions(names=["gabapentin", "alcohol"])
    assert [f.severity for f in result.findings] == [Severity.MAJOR]


def test_the_class_page_lists_imported_members_of_its_subclasses(client):
    import_label(label("Morphine Sulfate"))
    html = client.get("/drug-classes/cns-depressants/").content.decode()
    assert "Morphine" in html
    assert "No published monographs" not in html


def test_load_taxonomy_command_loads_and_files(capsys):
    import_label(label("Oxycodone Hydrochloride"))
    call_command("load_taxonomy")
    out = capsys.readouterr().out
    assert "Taxonomy:" in out
    assert "label pages filed" in out
