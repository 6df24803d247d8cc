"""Interactions the FDA labels state, found in the labels' own sentences.

Every sentence below is copied from a real label in the shared openFDA set (the drug it comes
from is named before it); the classes and their synonyms are the test's own.
"""

import pytest
from django.core.management import call_command

from drugs.checker import check_interactions
from drugs.interaction_tables import NDFRT, import_interactions
from drugs.interactions import interactions_for
from drugs.label_interactions import ADVICE, SOURCE, refresh_label_interactions, sentences
from drugs.models import DrugClass, Interaction, LabelSource, NameKind, Severity
from tests.factories import (
    DrugClassFactory,
    DrugFactory,
    DrugNameFactory,
    InteractionFactory,
    SubstanceFactory,
)

pytestmark = pytest.mark.django_db

# Oxycodone hydrochloride tablets, boxed warning.
OXYCODONE_BOXED = (
    "Risks from Concomitant Use with Benzodiazepines or Other CNS Depressants Concomitant use "
    "of opioids with benzodiazepines or other central nervous system (CNS) depressants, "
    "including alcohol, may result in profound sedation, respiratory depression, coma, and "
    "death."
)
# Oxycodone hydrochloride tablets, drug interactions (the label's table, as text).
OXYCODONE_TABLE = (
    "CYP3A4 Inducers Clinical Impact: The concomitant use of oxycodone hydrochloride and "
    "CYP3A4 inducers can decrease the plasma concentration of oxycodone [see Clinical "
    "Pharmacology (12.3)] , resulting in decreased efficacy or onset of a withdrawal syndrome "
    "in patients who have developed physical dependence to oxycodone [see Warnings and "
    "Precautions (5.6)] . Intervention: If concomitant use is necessary, consider increasing "
    "the oxycodone hydrochloride dosage until stable drug effects are achieved. Examples: "
    "Rifampin, carbamazepine, phenytoin"
)
# Fluoxetine, drug interactions.
FLUOXETINE_PROTEIN_BINDING = (
    "Because fluoxetine is tightly bound to plasma protein, the administration of fluoxetine "
    "to a patient taking another drug that is tightly bound to protein (e.g., Coumadin, "
    "digitoxin) may cause a shift in plasma concentrations potentially resulting in an "
    "adverse effect [see Clinical Pharmacology (12.3)]."
)
# Fluvoxamine maleate extended-release capsules, contraindications.
FLUVOXAMINE_CONTRAINDICATION = (
    "Coadministration of thioridazine, tizanidine, pimozide, alosetron, or ramelteon with "
    "fluvoxamine maleate extended-release capsules is contraindicated."
)
# Darifenacin, anastrozole and apixaban: sentences that say there is no interaction.
NEGATIONS = [
    "Warfarin Darifenacin had no significant effect on prothrombin time when a single dose of "
    "warfarin 30 mg was co-administered with darifenacin (30 mg daily) at steady-state.",
    "In a study conducted in 16 male volunteers, anastrozole did not alter the exposure (as "
    "measured by C max and AUC), and anticoagulant activity (as measured by prothrombin time, "
    "activated partial thromboplastin time, and thrombin time) of both R- and S-warfarin.",
    "Protamine sulfate and vitamin K are not expected to affect the anticoagulant activity of "
    "apixaban.",
]
# Piroxicam, drug interactions.
PIROXICAM_NSAIDS = (
    "Concomitant use of piroxicam with other NSAIDs or salicylates (e.g., diflunisal, "
    "salsalate) increases the risk of GI toxicity, with little or no increase in efficacy."
)
# Ibuprofen tablets, contraindications: an allergy, not an interaction.
IBUPROFEN_ALLERGY = (
    "History of asthma, urticaria, or other allergic-type reactions after taking aspirin or "
    "other NSAIDs."
)
# Diazepam tablets, warnings: "benzodiazepines" here is diazepam itself.
DIAZEPAM_OPIOIDS = (
    "Concomitant use of benzodiazepines and opioids may result in profound sedation, "
    "respiratory depression, coma, and death."
)


def label(drug, set_id="set-1", **sections):
    return LabelSource.objects.create(
        drug=drug,
        spl_id=f"spl-{set_id}-{len(sections)}",
        set_id=set_id,
        generic_name_raw=drug.generic_name.upper(),
        sections=sections,
        content_hash="x",
    )


def rows(**filters):
    return Interaction.objects.filter(source=SOURCE, **filters)


@pytest.fixture
def classes(db):
    cns = DrugClassFactory(name="CNS depressants", synonyms="CNS depressants\nsedatives")
    return {
        "cns": cns,
        "benzodiazepines": DrugClassFactory(
            name="Benzodiazepines", synonyms="benzodiazepines", parent=cns
        ),
        "opioids": DrugClassFactory(name="Opioids", synonyms="opioids\nopioid analgesics"),
        "nsaids": DrugClassFactory(name="Nonsteroidal anti-inflammatory drugs", synonyms="NSAIDs"),
    }


@pytest.fixture
def oxycodone(classes):
    drug = DrugFactory(generic_name="Oxycodone", classes=[classes["opioids"]])
    label(drug, set_id="oxy", boxed_warning=OXYCODONE_BOXED, drug_interactions=OXYCODONE_TABLE)
    return drug


@pytest.fixture
def alcohol(classes):
    alcohol = SubstanceFactory(name="Alcohol")
    alcohol.classes.add(classes["cns"])
    return alcohol


# Finding the names


def test_a_boxed_warning_names_classes_by_their_synonyms_and_a_substance(oxycodone, alcohol):
    refresh_label_interactions()

    found = {str(row.interactant): row for row in rows(drug=oxycodone)}
    assert set(found) == {"Benzodiazepines", "CNS depressants", "Alcohol"}
    benzodiazepines = found["Benzodiazepines"]
    assert benzodiazepines.severity == Severity.MAJOR
    assert benzodiazepines.label_section == "boxed_warning"
    assert benzodiazepines.source_id == "oxy"
    assert benzodiazepines.label_source == oxycodone.label_sources.get()
    assert benzodiazepines.evidence.startswith("Risks from Concomitant Use with Benzodiazepines")
    assert benzodiazepines.evidence.endswith("coma, and death.")
    assert benzodiazepines.effect == (
        "The FDA label for Oxycodone warns about using it with Benzodiazepines."
    )
    assert benzodiazepines.advice == ADVICE


def test_its_own_class_is_not_an_interaction_unless_the_label_says_other(classes):
    diazepam = DrugFactory(generic_name="Diazepam", classes=[classes["benzodiazepines"]])
    piroxicam = DrugFactory(generic_name="Piroxicam", classes=[classes["nsaids"]])
    diflunisal = DrugFactory(generic_name="Diflunisal")
    label(diazepam, set_id="diazepam", warnings=DIAZEPAM_OPIOIDS)
    label(piroxicam, set_id="piroxicam", drug_interactions=PIROXICAM_NSAIDS)

    refresh_label_interactions()

    assert [row.interactant for row in rows(drug=diazepam)] == [classes["opioids"]]
    assert {row.interactant for row in rows(drug=piroxicam)} == {classes["nsaids"], diflunisal}


def test_drug_interactions_are_not_graded_and_a_brand_finds_its_drug(classes):
    fluoxetine = DrugFactory(generic_name="Fluoxetine")
    warfarin = DrugFactory(generic_name="Warfarin")
    DrugNameFactory(drug=warfarin, name="Coumadin", kind=NameKind.BRAND)
    label(fluoxetine, drug_interactions=FLUOXETINE_PROTEIN_BINDING)

    refresh_label_interactions()

    [row] = rows(drug=fluoxetine)
    assert row.interactant_drug == warfarin
    assert row.severity == Severity.UNGRADED
    assert row.get_severity_display() == "Not graded by the label"
    # Quoted whole, the cross-reference to another part of the label left out.
    assert row.evidence == FLUOXETINE_PROTEIN_BINDING.replace(
        " [see Clinical Pharmacology (12.3)]", ""
    )


def test_a_brand_written_as_an_ordinary_word_is_not_the_brand(classes):
    fluoxetine = DrugFactory(generic_name="Fluoxetine")
    DrugNameFactory(drug=DrugFactory(generic_name="Warfarin"), name="Coumadin")
    label(fluoxetine, drug_interactions=FLUOXETINE_PROTEIN_BINDING.replace("Coumadin", "coumadin"))

    refresh_label_interactions()

    assert not rows(drug=fluoxetine).exists()


def test_a_contraindication_is_major_and_names_every_drug_in_the_catalogue(db):
    fluvoxamine = DrugFactory(generic_name="Fluvoxamine")
    tizanidine = DrugFactory(generic_name="Tizanidine")
    pimozide = DrugFactory(generic_name="Pimozide")
    label(fluvoxamine, contraindications=FLUVOXAMINE_CONTRAINDICATION)

    refresh_label_interactions()

    found = {row.interactant_drug: row for row in rows(drug=fluvoxamine)}
    assert set(found) == {tizanidine, pimozide}
    assert {row.severity for row in found.values()} == {Severity.MAJOR}
    assert found[tizanidine].evidence == FLUVOXAMINE_CONTRAINDICATION


def test_the_examples_of_a_table_row_are_quoted_with_its_clinical_impact(oxycodone):
    carbamazepine = DrugFactory(generic_name="Carbamazepine")

    refresh_label_interactions()

    row = rows(drug=oxycodone).get(interactant_drug=carbamazepine)
    assert row.label_section == "drug_interactions"
    assert row.evidence == (
        "The concomitant use of oxycodone hydrochloride and CYP3A4 inducers can decrease the "
        "plasma concentration of oxycodone, resulting in decreased efficacy or onset of a "
        "withdrawal syndrome in patients who have developed physical dependence to oxycodone. "
        "… Examples: Rifampin, carbamazepine, phenytoin"
    )


@pytest.mark.parametrize("sentence", NEGATIONS)
def test_a_sentence_that_says_there_is_no_interaction_adds_none(sentence):
    subject = DrugFactory(generic_name="Anastrozole")
    DrugFactory(generic_name="Warfarin")
    DrugFactory(generic_name="Apixaban")
    label(subject, drug_interactions=sentence)

    refresh_label_interactions()

    assert not rows().exists()


def test_an_allergy_to_other_drugs_is_not_an_interaction(classes):
    ibuprofen = DrugFactory(generic_name="Ibuprofen", classes=[classes["nsaids"]])
    DrugFactory(generic_name="Aspirin")
    label(ibuprofen, contraindications=IBUPROFEN_ALLERGY)

    refresh_label_interactions()

    assert not rows().exists()


def test_a_drug_never_interacts_with_itself(db):
    fluvoxamine = DrugFactory(generic_name="Fluvoxamine")
    DrugNameFactory(drug=fluvoxamine, name="Luvox")
    label(fluvoxamine, contraindications="Do not use Luvox with fluvoxamine.")

    refresh_label_interactions()

    assert not rows().exists()


def test_sentences_are_split_and_table_fields_kept_apart():
    assert list(sentences("First one here. Second one (1.2) here.\n\nThird.")) == [
        "First one here.",
        "Second one here.",
        "Third.",
    ]


# Keeping the rows up to date


def test_a_second_run_changes_nothing(oxycodone, alcohol):
    first = refresh_label_interactions()
    second = refresh_label_interactions()

    assert (first.created, first.labels) == (3, 1)
    assert (second.created, second.updated, second.removed, second.unchanged) == (0, 0, 0, 3)
    # Written in bulk, each row still holds its drug's name, which ranks it (drugs 0018).
    assert set(rows().values_list("drug_name", flat=True)) == {oxycodone.generic_name}
    assert str(second) == (
        "Interactions from 1 FDA labels: 0 created, 0 updated, 0 removed, 3 unchanged"
    )


def test_a_new_label_version_without_the_sentence_removes_its_interactions(oxycodone, alcohol):
    refresh_label_interactions()
    source = oxycodone.label_sources.get()
    source.sections = {"drug_interactions": OXYCODONE_TABLE}
    source.save()

    summary = refresh_label_interactions(sources=[source])

    assert summary.removed == 3
    assert not rows(drug=oxycodone).exists()


def test_editor_and_table_rows_are_never_touched(oxycodone, classes):
    editors = InteractionFactory(drug=oxycodone, interactant_class=classes["benzodiazepines"])
    carbamazepine = DrugFactory(generic_name="Carbamazepine")
    table = InteractionFactory(
        drug=oxycodone, interactant_drug=carbamazepine, source="NDF-RT (US Veterans Affairs)"
    )

    refresh_label_interactions()
    refresh_label_interactions(sources=[])

    editors.refresh_from_db()
    table.refresh_from_db()
    assert (editors.source, editors.severity, editors.evidence) == ("", Severity.MODERATE, "")
    assert table.source == "NDF-RT (US Veterans Affairs)"
    # The label's own rows stand beside them.
    assert rows(drug=oxycodone, interactant_class=classes["benzodiazepines"]).exists()
    assert rows(drug=oxycodone, interactant_drug=carbamazepine).exists()


def test_the_import_command_refreshes_the_interactions(capsys):
    call_command("import_labels", "tests/fixtures/labels/tolvaptan-new-format.json")

    assert "Interactions from" in capsys.readouterr().out


# Reading them


def test_the_checker_quotes_the_label_from_either_side_and_through_a_class(
    client, oxycodone, classes
):
    diazepam = DrugFactory(generic_name="Diazepam", classes=[classes["benzodiazepines"]])
    refresh_label_interactions()

    for names in (["diazepam", "oxycodone"], ["oxycodone", "diazepam"]):
        findings = check_interactions(names=names).findings
        # One sentence names benzodiazepines and CNS depressants, which both hold diazepam:
        # it is shown once, through the closer class.
        assert [f.interaction.interactant_class.name for f in findings] == ["Benzodiazepines"]
        assert {f.member.pk for f in findings} == {diazepam.pk}
        assert {f.severity_label for f in findings} == {"Major"}

    html = client.get("/interactions/", {"drugs": "diazepam,oxycodone"}).content.decode()
    assert "<blockquote" in html
    assert "including alcohol, may result in profound sedation" in html
    section = f"{oxycodone.get_absolute_url()}#label-oxy-boxed_warning"
    assert f'<a href="{section}">FDA label for Oxycodone, section Boxed warning</a>' in html
    assert "https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid=oxy" in html


def test_a_substance_in_a_class_is_reached_by_the_class_interaction(client, oxycodone, alcohol):
    Interaction.objects.all().delete()
    refresh_label_interactions()
    rows(interactant_substance=alcohol).delete()  # only the class row can reach it now

    findings = check_interactions(names=["oxycodone", "alcohol"]).findings
    assert {f.interaction.interactant_class.name for f in findings} == {"CNS depressants"}
    assert findings[0].member.name == "Alcohol"

    entries = [e for e in interactions_for(oxycodone) if e.other_name == "Alcohol"]
    assert [e.kind for e in entries] == ["substance"]
    assert entries[0].through_class == DrugClass.objects.get(name="CNS depressants")

    html = client.get(oxycodone.get_absolute_url()).content.decode()
    assert "Applies because alcohol is one of the" in html


def test_the_drug_page_quotes_the_label_on_both_drugs(client, oxycodone, classes):
    diazepam = DrugFactory(generic_name="Diazepam", classes=[classes["benzodiazepines"]])
    refresh_label_interactions()

    for drug in (oxycodone, diazepam):
        html = client.get(drug.get_absolute_url()).content.decode()
        assert "including alcohol, may result in profound sedation" in html
        assert "FDA label for Oxycodone, section Boxed warning" in html

    # The link lands on the label section, shown on oxycodone's page.
    html = client.get(oxycodone.get_absolute_url()).content.decode()
    assert 'id="label-oxy-boxed_warning"' in html


def test_an_ungraded_interaction_is_never_shown_as_minor(client):
    fluoxetine = DrugFactory(generic_name="Fluoxetine")
    warfarin = DrugFactory(generic_name="Warfarin")
    DrugNameFactory(drug=warfarin, name="Coumadin")
    label(fluoxetine, drug_interactions=FLUOXETINE_PROTEIN_BINDING)
    refresh_label_interactions()

    html = client.get("/interactions/", {"drugs": "fluoxetine,warfarin"}).content.decode()

    assert "Not graded by the label" in html
    assert "badge--minor" not in html


# The NDF-RT table beside them


NDFRT_HEADER = "drug_a,drug_b,severity,label,uri\n"


def test_the_table_finds_drugs_by_salt_free_and_international_names(tmp_path):
    clopidogrel = DrugFactory(generic_name="Clopidogrel bisulfate")
    meperidine = DrugFactory(generic_name="Meperidine")
    omeprazole = DrugFactory(generic_name="Omeprazole")
    selegiline = DrugFactory(generic_name="Selegiline")
    table = tmp_path / "ndfrt.csv"
    table.write_text(
        NDFRT_HEADER + "Clopidogrel,Omeprazole,Significant,x,u1\n"
        "Pethidine,Selegiline,Critical,x,u2\n"
    )

    summary = import_interactions(table)

    assert not summary.unmatched
    pairs = {
        frozenset((row.drug, row.interactant_drug))
        for row in Interaction.objects.filter(source=NDFRT.source)
    }
    assert pairs == {frozenset((clopidogrel, omeprazole)), frozenset((meperidine, selegiline))}


def test_the_table_adds_its_own_row_beside_a_label_row(tmp_path):
    fluvoxamine = DrugFactory(generic_name="Fluvoxamine")
    tizanidine = DrugFactory(generic_name="Tizanidine")
    label(fluvoxamine, contraindications=FLUVOXAMINE_CONTRAINDICATION)
    refresh_label_interactions()
    table = tmp_path / "ndfrt.csv"
    table.write_text(NDFRT_HEADER + "Tizanidine,Fluvoxamine,Critical,x,u1\n")

    import_interactions(table)

    [from_label] = rows(interactant_drug=tizanidine)
    assert from_label.evidence == FLUVOXAMINE_CONTRAINDICATION
    assert Interaction.objects.filter(source=NDFRT.source, drug=tizanidine).exists()
    assert refresh_label_interactions().unchanged == 1
