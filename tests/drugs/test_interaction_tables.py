"""Interaction tables: NDF-RT rows matched to drugs, merged, mapped and imported idempotently."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.forms.models import model_to_dict

from drugs.forms import InteractionForm
from drugs.interaction_tables import (
    ADVICE,
    FORMATS,
    InteractionFileError,
    Result,
    import_interactions,
)
from drugs.models import Interaction, Severity
from tests.factories import DrugFactory, DrugNameFactory, InteractionFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "interactions" / "ndfrt-sample.csv"
HEADER = "drug_a,drug_b,severity,label,uri\n"
SOURCE = "NDF-RT (US Veterans Affairs)"


@pytest.fixture
def drugs():
    made = {
        name: DrugFactory(generic_name=name)
        for name in [
            "Tizanidine",
            "Ciprofloxacin",
            "Verapamil",
            "Cimetidine",
            "Diazepam",
            "Clarithromycin",
            "Fluconazole",
        ]
    }
    DrugNameFactory(drug=made["Tizanidine"], name="Zanaflex")
    DrugNameFactory(drug=made["Diazepam"], name="Valium")
    return made


@pytest.fixture
def editorial(drugs):
    return InteractionFactory(
        drug=drugs["Diazepam"],
        interactant_drug=drugs["Fluconazole"],
        severity=Severity.MINOR,
        effect="Fluconazole can raise diazepam levels a little.",
        advice="Watch for extra drowsiness.",
    )


def between(a, b) -> Interaction:
    return Interaction.objects.get(drug__in=[a, b], interactant_drug__in=[a, b])


def table(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "table.csv"
    path.write_text(HEADER + rows)
    return path


def test_names_match_by_generic_and_brand_case_insensitively(drugs, editorial):
    summary = import_interactions(SAMPLE)

    # "Tizanidine" + "CIPROFLOXACIN": generic names in mixed case.
    cipro = between(drugs["Tizanidine"], drugs["Ciprofloxacin"])
    assert cipro.drug == drugs["Tizanidine"]
    # "ZANAFLEX" and "valium": brand names in another case than stored.
    assert between(drugs["Tizanidine"], drugs["Cimetidine"]).drug == drugs["Tizanidine"]
    assert between(drugs["Clarithromycin"], drugs["Diazepam"]).interactant_drug == drugs["Diazepam"]
    assert summary.pairs[Result.CREATED] == 4
    assert summary.matched_pairs == 5  # the four above and the editorial one
    # Each row holds the name of the drug it is stored on, which ranks it (drugs 0018).
    assert not Interaction.objects.exclude(drug_name=F("drug__generic_name")).exists()


def test_severity_mapped_and_source_kept(drugs):
    import_interactions(SAMPLE)

    critical = between(drugs["Tizanidine"], drugs["Ciprofloxacin"])
    assert critical.severity == Severity.MAJOR
    assert critical.source == SOURCE
    assert critical.source_id == "http://purl.bioontology.org/ontology/NDFRT/N0000176376"
    assert critical.effect == "The VA's NDF-RT lists this combination as a critical interaction."
    assert critical.advice == ADVICE
    significant = between(drugs["Clarithromycin"], drugs["Diazepam"])
    assert significant.severity == Severity.MODERATE
    assert significant.effect == (
        "The VA's NDF-RT lists this combination as a significant interaction."
    )
    assert FORMATS["ndfrt"].severities == {
        "critical": Severity.MAJOR,
        "significant": Severity.MODERATE,
    }


def test_unmatched_names_reported(drugs):
    summary = import_interactions(SAMPLE)

    assert set(summary.unmatched) == {"NORFLOXACIN", "Ketoconazole"}
    reasons = dict(summary.skipped)
    assert reasons["line 7"] == "no drug named NORFLOXACIN"
    assert reasons["line 11"] == "no drug named Ketoconazole"


def test_bad_severity_and_blank_name_skipped_with_reason(drugs):
    summary = import_interactions(SAMPLE)

    reasons = dict(summary.skipped)
    assert reasons["line 9"] == "unknown severity 'Severe'"
    assert reasons["line 10"] == "drug_a is blank"
    assert summary.rows == 10
    assert len(summary.skipped) == 4


def test_reversed_duplicate_merged_into_one_interaction(drugs):
    summary = import_interactions(SAMPLE)

    pair = Interaction.objects.filter(
        drug__in=[drugs["Tizanidine"], drugs["Verapamil"]],
        interactant_drug__in=[drugs["Tizanidine"], drugs["Verapamil"]],
    )
    assert pair.count() == 1
    # Critical one way, Significant the other: the more severe reading is kept.
    assert pair.get().severity == Severity.MAJOR
    assert summary.merged == 1


def test_existing_row_in_the_other_order_is_updated(drugs):
    stored = InteractionFactory(
        drug=drugs["Ciprofloxacin"],
        interactant_drug=drugs["Tizanidine"],
        severity=Severity.MINOR,
        source=SOURCE,
        source_id="old",
    )

    summary = import_interactions(SAMPLE)

    stored.refresh_from_db()
    assert stored.severity == Severity.MAJOR
    assert stored.drug == drugs["Ciprofloxacin"]
    assert summary.pairs[Result.UPDATED] == 1
    assert Interaction.objects.filter(interactant_drug__isnull=False).count() == 5


def test_running_twice_changes_nothing(drugs, editorial):
    import_interactions(SAMPLE)
    before = list(Interaction.objects.order_by("pk").values())

    summary = import_interactions(SAMPLE)

    assert list(Interaction.objects.order_by("pk").values()) == before
    assert summary.pairs[Result.CREATED] == summary.pairs[Result.UPDATED] == 0
    assert summary.pairs[Result.UNCHANGED] == 4
    assert summary.pairs[Result.KEPT] == 1


def test_editorial_interaction_kept(drugs, editorial):
    summary = import_interactions(SAMPLE)

    editorial.refresh_from_db()
    assert editorial.severity == Severity.MINOR
    assert editorial.effect == "Fluconazole can raise diazepam levels a little."
    assert editorial.source == ""
    assert summary.pairs[Result.KEPT] == 1


def test_same_drug_under_two_names_skipped(drugs, tmp_path):
    path = table(tmp_path, "Tizanidine,ZANAFLEX,Critical,X,uri:1\n")

    summary = import_interactions(path)

    assert summary.skipped == [("line 2", "Tizanidine and ZANAFLEX are the same drug")]
    assert not Interaction.objects.exists()


def test_underscores_in_names_read_as_spaces(drugs, tmp_path):
    valproic = DrugFactory(generic_name="Valproic acid")
    path = table(tmp_path, "Valproic_Acid,DIAZEPAM,Significant,X,uri:2\n")

    summary = import_interactions(path)

    assert between(valproic, drugs["Diazepam"]).severity == Severity.MODERATE
    assert not summary.unmatched


def test_name_map_built_without_a_query_per_row(drugs, tmp_path, django_assert_max_num_queries):
    rows = "".join(f"Tizanidine,Verapamil{n},Critical,X,uri:{n}\n" for n in range(50))
    path = table(tmp_path, rows)

    with django_assert_max_num_queries(3):
        summary = import_interactions(path)

    assert len(summary.unmatched) == 50


def test_imported_interaction_shows_on_both_drug_pages(drugs, client):
    import_interactions(SAMPLE)

    tizanidine = client.get(drugs["Tizanidine"].get_absolute_url()).content.decode()
    ciprofloxacin = client.get(drugs["Ciprofloxacin"].get_absolute_url()).content.decode()

    assert "Ciprofloxacin" in tizanidine
    assert "Tizanidine" in ciprofloxacin
    assert "lists this combination as a critical interaction" in ciprofloxacin


def test_unreadable_file_raises(tmp_path):
    with pytest.raises(InteractionFileError, match=r"(?i)no such file"):
        import_interactions(tmp_path / "missing.csv")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    with pytest.raises(InteractionFileError, match="missing columns: drug_a, drug_b, severity"):
        import_interactions(wrong)
    with pytest.raises(InteractionFileError, match="unknown table"):
        import_interactions(SAMPLE, table="nope")


def test_command_prints_unmatched_names_and_counts(drugs, editorial):
    out, err = StringIO(), StringIO()

    call_command("import_interactions", str(SAMPLE), stdout=out, stderr=err)

    output = out.getvalue()
    assert "2 names matched no drug" in output
    assert "NORFLOXACIN" in output
    assert "Ketoconazole" in output
    assert "10 rows in" in output
    assert "rows/second" in output
    assert "5 drug pairs (4 created, 0 updated, 0 unchanged, 1 kept (editorial)" in output
    assert "line 9: skipped, unknown severity 'Severe'" in err.getvalue()


def test_command_fails_only_when_the_file_cannot_be_read(tmp_path):
    with pytest.raises(CommandError, match=r"missing\.csv"):
        call_command("import_interactions", str(tmp_path / "missing.csv"), stdout=StringIO())


def edit_in_admin_form(row: Interaction, **changes) -> None:
    form = InteractionForm(data={**model_to_dict(row), **changes}, instance=row)
    assert form.is_valid(), form.errors
    form.save()


def test_an_editors_change_makes_an_imported_interaction_editorial(drugs):
    import_interactions(SAMPLE)
    row = Interaction.objects.exclude(source="").first()
    edit_in_admin_form(row, advice="Do not take these together.")
    row.refresh_from_db()
    assert row.source == ""
    assert row.source_id, "where it came from is still recorded"
    import_interactions(SAMPLE)
    row.refresh_from_db()
    assert row.advice == "Do not take these together."


def test_saving_an_imported_interaction_unchanged_keeps_it_imported(drugs):
    import_interactions(SAMPLE)
    row = Interaction.objects.exclude(source="").first()
    edit_in_admin_form(row)
    row.refresh_from_db()
    assert row.source
