"""The FDA label import: mapping real records, file layouts, idempotency, bad records, pages."""

import json
import re
import zipfile
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.utils import timezone
from reversion.models import Version

from drugs.labels import importing, reading
from drugs.labels.importing import Result, import_label
from drugs.labels.parsing import clean_brands, clean_table, clean_text, normalise_generic
from drugs.labels.reading import StreamError, iter_label_records
from drugs.management.commands import import_labels
from drugs.models import Drug, DrugClass, DrugName, LabelSource, Origin, ProductType
from drugs.signals import catalogue_changed
from drugs.taxonomy import load_taxonomy
from medguide.editorial.models import Status
from medguide.search import index as search_index
from medguide.search.models import SearchDocument, SearchKind
from tests.factories import DrugFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "labels"
BACLOFEN = FIXTURES / "baclofen-old-format.json"
TOLVAPTAN = FIXTURES / "tolvaptan-new-format.json"
CETIRIZINE = FIXTURES / "cetirizine-otc.json"
EMPTY_OPENFDA = FIXTURES / "chlorpheniramine-empty-openfda.json"

NOTICE = (
    "MedGuide's editors have not reviewed this page yet: "
    "the text below is the FDA label as published."
)


def record(path: Path) -> dict:
    return json.loads(path.read_text())["results"][0]


def label_file(tmp_path: Path, records: list, name: str = "labels.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"meta": {}, "results": records}))
    return path


def snapshot() -> dict[str, list[dict]]:
    return {
        model._meta.db_table: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("drugs").get_models(include_auto_created=True)
    }


# Names and text, without the database -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "display", "full"),
    [
        ("FLUOXETINE HYDROCHLORIDE", "Fluoxetine", "fluoxetine hydrochloride"),
        ("DICLOFENAC SODIUM", "Diclofenac", "diclofenac sodium"),
        ("AMLODIPINE BESYLATE", "Amlodipine", "amlodipine besylate"),
        ("POTASSIUM CHLORIDE", "Potassium chloride", "potassium chloride"),
        ("LEVONORGESTREL AND ETHINYL ESTRADIOL", "Levonorgestrel and ethinyl estradiol", None),
        (
            "AMLODIPINE BESYLATE AND BENAZEPRIL HYDROCHLORIDE",
            "Amlodipine and benazepril",
            None,
        ),
        ("TRAVOPROST OPHTHALMIC SOLUTION, 0.004%", "Travoprost ophthalmic solution, 0.004%", None),
        ("  baclofen ", "Baclofen", "baclofen"),
    ],
)
def test_generic_names_lose_their_salt_for_display(raw, display, full):
    assert normalise_generic(raw) == (display, full or raw.lower())


def test_brands_are_deduplicated_case_normalised_and_generic_equal_ones_dropped():
    brands = ["Jynarque", "JYNARQUE", "TOLVAPTAN", "SAMSCA", "Tolvaptan Tablets"]
    # "Tolvaptan Tablets" is the generic name with a qualifier: not a brand.
    assert clean_brands(brands, generic="Tolvaptan") == ["Jynarque", "Samsca"]


def test_the_generic_with_a_qualifier_is_not_a_brand():
    brands = ["Advil", "Ibuprofen Dye Free", "Children's Advil"]
    assert clean_brands(brands, generic="Ibuprofen") == ["Advil", "Children's Advil"]


def test_label_text_loses_headings_and_section_numbers_but_keeps_paragraphs():
    text = clean_text(
        ["2 DOSAGE AND ADMINISTRATION  Take it daily ( 2.1 ). 2.1 Adults Start   low."],
        key="dosage_and_administration",
    )
    assert text == "Take it daily ( 2.1 ).\n\nAdults Start low."


def test_label_tables_keep_only_table_markup():
    html = (
        '<table onclick="x()"><tr><td colspan="2">'
        "<content>5 mg</content><script>x</script></td></tr></table>"
    )
    assert clean_table(html) == '<table><tbody><tr><td colspan="2">5 mg</td></tr></tbody></table>'


# Mapping real records -----------------------------------------------------------------------


def test_old_format_label_becomes_a_published_label_page():
    outcome = import_label(record(BACLOFEN))
    drug = Drug.objects.get()
    source = drug.label_sources.get()
    assert (outcome.result, drug.generic_name) == (Result.CREATED, "Baclofen")
    assert (drug.origin, drug.status, drug.is_prescription_only) == (
        Origin.LABEL,
        Status.PUBLISHED,
        True,
    )
    assert drug.summary.startswith("Baclofen tablets, USP are useful for the alleviation")
    assert source.set_id == "00c6c924-ddfd-4a75-afd7-f6561ff9abbc"
    assert source.sections["contraindications"] == "Hypersensitivity to baclofen."
    assert "GABA B Agonists [MoA]" in source.pharm_classes
    # Its FDA class, "gamma-Aminobutyric Acid-ergic Agonist [EPC]", maps into the taxonomy.
    assert {c.name for c in drug.classes.all()} == {"Skeletal muscle relaxants"}
    assert not drug.names.exists(), "the only brand is the generic name itself"


def test_new_format_label_maps_classes_brands_identifiers_and_tables():
    import_label(record(TOLVAPTAN))
    drug = Drug.objects.get()
    source = drug.label_sources.get()
    assert drug.generic_name == "Tolvaptan"
    assert drug.brand_names == ["Jynarque"]
    # An FDA class no mapping names becomes one site class, whatever its plural or kind.
    assert [c.name for c in drug.classes.all()] == ["Vasopressin V2 receptor antagonists"]
    assert source.product_type == ProductType.PRESCRIPTION
    assert source.routes == ["oral"]
    assert source.rxcuis
    assert source.uniis
    assert source.sections["boxed_warning"].startswith("RISK OF SERIOUS LIVER INJURY")
    assert source.sections["dosage_and_administration_table"].startswith("<table>")
    assert "styleCode" not in source.sections["dosage_and_administration_table"]


def test_otc_label_keeps_the_salt_as_the_active_ingredient():
    import_label(record(CETIRIZINE))
    drug = Drug.objects.get()
    source = drug.label_sources.get()
    assert (drug.generic_name, drug.is_prescription_only) == ("Cetirizine", False)
    assert (source.generic_name_raw, source.product_type) == (
        "cetirizine hydrochloride",
        ProductType.OVER_THE_COUNTER,
    )
    assert drug.brand_names == ["Childrens Zyrtec"]


def test_label_with_empty_openfda_is_skipped_with_its_reason():
    outcome = import_label(record(EMPTY_OPENFDA))
    assert outcome.result == Result.SKIPPED
    assert "no generic name" in outcome.reason
    assert not Drug.objects.exists()


def test_brand_already_used_by_another_drug_is_not_taken():
    other = DrugFactory(generic_name="Other")
    DrugName.objects.create(drug=other, name="JYNARQUE")
    import_label(record(TOLVAPTAN))
    assert Drug.objects.get(generic_name="Tolvaptan").brand_names == []


def test_labels_for_one_generic_are_grouped_under_one_drug():
    import_label(record(TOLVAPTAN))
    other = record(TOLVAPTAN) | {"id": "other-spl", "set_id": "other-set"}
    other["openfda"] = other["openfda"] | {"brand_name": ["SAMSCA"]}
    assert import_label(other).result == Result.CREATED
    drug = Drug.objects.get()
    assert drug.label_sources.count() == 2
    assert sorted(drug.brand_names) == ["Jynarque", "Samsca"]


def test_a_label_finds_its_drug_and_classes_whatever_the_case():
    drug = DrugFactory(generic_name="BACLOFEN", origin=Origin.LABEL)
    gaba = DrugClass.objects.create(name="gaba b agonists", slug="gaba-b-agonists")
    assert import_label(record(BACLOFEN)).result == Result.CREATED
    assert list(Drug.objects.all()) == [drug]
    assert gaba in drug.classes.all()
    assert not DrugClass.objects.filter(name="GABA B Agonists").exists()


def test_a_new_label_page_takes_the_next_free_slug():
    DrugFactory(generic_name="Tolvaptan (old page)", slug="tolvaptan")
    DrugFactory(generic_name="Tolvaptan (older page)", slug="tolvaptan-2")
    import_label(record(TOLVAPTAN))
    assert Drug.objects.get(generic_name="Tolvaptan").slug == "tolvaptan-3"


# Files --------------------------------------------------------------------------------------


def test_reads_a_json_file_a_zip_and_a_folder(tmp_path):
    archive = tmp_path / "drug-label-0001-of-0001.json.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(TOLVAPTAN, "drug-label-0001-of-0001.json")
    assert [r["set_id"] for _, r in iter_label_records(BACLOFEN)] == [record(BACLOFEN)["set_id"]]
    assert [r["set_id"] for _, r in iter_label_records(archive)] == [record(TOLVAPTAN)["set_id"]]
    positions = [position for position, _ in iter_label_records(FIXTURES)]
    assert positions == [
        "baclofen-old-format.json record 1",
        "cetirizine-otc.json record 1",
        "chlorpheniramine-empty-openfda.json record 1",
        "tolvaptan-new-format.json record 1",
    ]


def test_command_imports_a_folder_and_prints_a_summary():
    out, err = StringIO(), StringIO()
    call_command("import_labels", str(FIXTURES), stdout=out, stderr=err)
    assert "3 created, 0 updated, 0 unchanged, 1 skipped" in out.getvalue()
    assert "labels/second" in out.getvalue()
    assert "chlorpheniramine-empty-openfda.json record 1: skipped, no generic name" in (
        err.getvalue()
    )
    assert Drug.objects.count() == 3


def test_running_twice_changes_nothing():
    call_command("import_labels", str(FIXTURES), stdout=StringIO(), stderr=StringIO())
    before = snapshot()
    out = StringIO()
    call_command("import_labels", str(FIXTURES), stdout=out, stderr=StringIO())
    assert snapshot() == before
    assert "0 created, 0 updated, 3 unchanged, 1 skipped" in out.getvalue()


def test_a_newer_version_of_a_label_updates_its_source():
    import_label(record(TOLVAPTAN))
    newer = record(TOLVAPTAN) | {"id": "00000000-0000-0000-0000-000000000001"}
    newer["contraindications"] = ["4 CONTRAINDICATIONS None."]
    assert import_label(newer).result == Result.UPDATED
    source = LabelSource.objects.get()
    assert (source.spl_id, source.sections["contraindications"]) == (newer["id"], "None.")


def test_an_unreadable_file_fails_the_command(tmp_path):
    broken = tmp_path / "labels.json"
    broken.write_text("this is not JSON")
    with pytest.raises(CommandError, match="not an openFDA label file"):
        call_command("import_labels", str(broken), stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_labels", str(tmp_path / "missing.json"), stdout=StringIO())


# Editors first ------------------------------------------------------------------------------


def test_editor_written_drug_is_left_alone_but_gets_its_label_source():
    drug = DrugFactory(generic_name="Baclofen", summary="Written by our editors.")
    before = Drug.objects.values().get(pk=drug.pk)
    import_label(record(BACLOFEN))
    assert Drug.objects.values().get(pk=drug.pk) == before
    assert not drug.classes.exists()
    assert drug.label_sources.get().sections["contraindications"] == (
        "Hypersensitivity to baclofen."
    )
    changed = record(BACLOFEN) | {"contraindications": ["CONTRAINDICATIONS None known."]}
    assert import_label(changed).result == Result.UPDATED
    assert Drug.objects.values().get(pk=drug.pk) == before
    assert drug.label_sources.get().sections["contraindications"] == "None known."


# Bad records --------------------------------------------------------------------------------


def bad(change: dict) -> dict:
    return record(CETIRIZINE) | {"id": "bad", "set_id": "bad"} | change


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ("not a record", "a record must be an object"),
        (bad({"id": ["not", "a", "string"]}), "id must be a non-empty string"),
        (bad({"openfda": []}), "openfda must be an object"),
        (bad({"openfda": {"generic_name": []}}), "no generic name"),
        (bad({"openfda": {"generic_name": [42]}}), "generic_name must be a list of strings"),
        (bad({"openfda": {"generic_name": ["X" * 201]}}), "201 characters long"),
        (bad({"set_id": "set\x1b[2J"}), "set_id is not an SPL identifier"),
        (bad({"openfda": {"generic_name": ["ZOL\x07PIDEM"]}}), "control characters"),
        (
            bad({"openfda": {"generic_name": ["ZOLPIDEM"], "brand_name": ["Am\x00bien"]}}),
            "brand name contains control characters",
        ),
        (bad({"warnings": {"text": "not a list"}}), "section warnings must be a list"),
    ],
)
def test_malformed_records_are_skipped_with_a_reason(broken, reason):
    outcome = import_label(broken)
    assert outcome.result == Result.SKIPPED
    assert reason in outcome.reason
    assert not Drug.objects.exists()
    assert not LabelSource.objects.exists()


def test_a_bad_record_among_good_ones_is_reported_and_the_rest_imported(tmp_path):
    path = label_file(
        tmp_path,
        [record(BACLOFEN), bad({"openfda": {"generic_name": [7]}}), record(TOLVAPTAN)],
    )
    out, err = StringIO(), StringIO()
    call_command("import_labels", str(path), stdout=out, stderr=err)
    assert "labels.json record 2: skipped, generic_name must be a list of strings" in (
        err.getvalue()
    )
    assert "2 created, 0 updated, 0 unchanged, 1 skipped" in out.getvalue()
    assert sorted(Drug.objects.values_list("generic_name", flat=True)) == ["Baclofen", "Tolvaptan"]


def test_a_broken_record_costs_only_itself(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(
        '{"meta": {}, "results": ['
        + json.dumps(record(BACLOFEN))
        + ', {"id": "x", "set_id": oops, "openfda": {}}, '
        + json.dumps(record(TOLVAPTAN))
        + "]}"
    )
    out, err = StringIO(), StringIO()
    call_command("import_labels", str(path), stdout=out, stderr=err)
    assert "broken.json record 2: skipped, broken JSON at character 23: Expecting value" in (
        err.getvalue()
    )
    assert "2 created, 0 updated, 0 unchanged, 1 skipped" in out.getvalue()
    assert sorted(Drug.objects.values_list("generic_name", flat=True)) == ["Baclofen", "Tolvaptan"]


def test_a_file_cut_off_inside_a_record_is_reported_at_that_record(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text(
        '{"meta": {}, "results": [' + json.dumps(record(BACLOFEN)) + ', {"id": "x", "set_id": '
    )
    (first, _), (position, error) = iter_label_records(path)
    assert (first, position) == ("cut.json record 1", "cut.json record 2")
    assert error == StreamError("the file ends inside record 2")
    out = StringIO()
    call_command("import_labels", str(path), stdout=out, stderr=StringIO())
    assert "1 created, 0 updated, 0 unchanged, 1 skipped" in out.getvalue()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"meta": {"results": {"total": 0}}}', "no results array"),
        ('{"meta": {}, "results": {"id": "x"}}', "no results array"),
        ('[{"id": "x"}]', "not a JSON object"),
        ("", "not a JSON object"),
        ('{"meta": {"disclaimer": oops}, "results": []}', "broken JSON"),
    ],
)
def test_a_file_that_is_not_an_openfda_label_file_fails_the_command(tmp_path, content, reason):
    path = tmp_path / "labels.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=f"labels.json: not an openFDA label file: {reason}"):
        call_command("import_labels", str(path), stdout=StringIO(), stderr=StringIO())


def test_pretty_printed_records_split_across_reads_are_read_whole(tmp_path, monkeypatch):
    records = [
        record(TOLVAPTAN),
        {"id": "a", "n": [1.5e-3, -20, 12345678901234567890, True, None], "s": 'µ \\ " ✓ 😀'},
        record(CETIRIZINE),
    ]
    path = tmp_path / "labels.json"
    path.write_text(json.dumps({"meta": {"n": 3}, "results": records}, indent=2))
    monkeypatch.setattr(reading, "CHUNK_SIZE", 5)
    assert [r for _, r in iter_label_records(path)] == records


def test_a_record_larger_than_the_limit_ends_its_file(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "CHUNK_SIZE", 1024)
    monkeypatch.setattr(reading, "MAX_RECORD_SIZE", 4096)
    path = label_file(tmp_path, [{"id": "small"}, {"id": "big", "warnings": ["x" * 10_000]}])
    (_, small), (position, error) = iter_label_records(path)
    assert small == {"id": "small"}
    assert position == "labels.json record 2"
    assert error.reason.startswith("record 2 is larger than")


def test_bytes_that_are_not_utf8_are_replaced_and_the_label_imported(tmp_path):
    label = record(CETIRIZINE)
    label["warnings"] = ["Do not use MARKER with other antihistamines."]
    path = tmp_path / "labels.json"
    path.write_bytes(json.dumps({"results": [label]}).encode().replace(b"MARKER", b"caf\xe9 \xff"))
    out = StringIO()
    call_command("import_labels", str(path), stdout=out, stderr=StringIO())
    assert "1 created" in out.getvalue()
    assert LabelSource.objects.get().sections["warnings"] == (
        "Do not use caf\ufffd \ufffd with other antihistamines."
    )


def test_control_characters_in_label_text_become_spaces(tmp_path):
    label = record(CETIRIZINE)
    label["warnings"] = ["Do not use\x0bwith\x1bother antihistamines."]
    path = tmp_path / "labels.json"
    # A raw tab inside a string is not strict JSON, but costs nothing to read.
    path.write_text(json.dumps({"results": [label]}).replace("Do not use", "Do\tnot use"))
    call_command("import_labels", str(path), stdout=StringIO(), stderr=StringIO())
    assert LabelSource.objects.get().sections["warnings"] == (
        "Do not use with other antihistamines."
    )


def test_progress_is_a_live_line_with_a_bar_and_an_eta_on_a_terminal():
    class Terminal(StringIO):
        def isatty(self):
            return True

    out = Terminal()
    call_command("import_labels", str(FIXTURES), stdout=out, stderr=StringIO())
    assert re.search(r"\r\[[#-]{24}\] +\d+%  1 labels  \d+/s  ETA \d+:\d\d", out.getvalue())
    assert "\r\x1b[K4 labels (" in out.getvalue(), "the summary replaces the live line"


def test_progress_is_a_plain_line_every_so_many_labels_when_not_on_a_terminal(monkeypatch):
    monkeypatch.setattr(import_labels, "PROGRESS_EVERY", 2)
    out = StringIO()
    call_command("import_labels", str(FIXTURES), stdout=out, stderr=StringIO())
    lines = out.getvalue().splitlines()
    assert len(lines) == 4
    assert re.fullmatch(r"2 labels, \d+/second, \d+% read", lines[0])
    assert re.fullmatch(r"4 labels, \d+/second, 100% read", lines[1])
    assert lines[2].startswith("4 labels (")
    assert lines[3].startswith("Interactions from ")
    assert "\r" not in out.getvalue()


def test_a_record_the_database_refuses_rolls_back_alone_and_its_batch_goes_in():
    def refused(sender, drug_ids=(), **kwargs):
        if Drug.objects.filter(pk__in=drug_ids, generic_name="Tolvaptan").exists():
            raise IntegrityError("refused for the test")

    catalogue_changed.connect(refused, sender=LabelSource)
    err = StringIO()
    try:
        call_command("import_labels", str(FIXTURES), stdout=StringIO(), stderr=err)
    finally:
        catalogue_changed.disconnect(refused, sender=LabelSource)
    assert "tolvaptan-new-format.json record 1: skipped, the database refused it" in (
        err.getvalue()
    )
    assert set(Drug.objects.values_list("generic_name", flat=True)) == {"Baclofen", "Cetirizine"}
    assert not DrugName.objects.filter(name="Jynarque").exists()
    assert not DrugClass.objects.filter(name__startswith="Vasopressin").exists()


def test_a_file_that_cannot_be_read_fails_after_the_files_before_it_are_in(tmp_path):
    label_file(tmp_path, [record(BACLOFEN)], name="a.json")
    (tmp_path / "b.json").write_text('[{"id": "x"}]')
    with pytest.raises(CommandError, match=r"b\.json: not an openFDA label file"):
        call_command("import_labels", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert list(Drug.objects.values_list("generic_name", flat=True)) == ["Baclofen"]


def test_labels_in_one_batch_see_each_other(tmp_path):
    other = record(TOLVAPTAN) | {"id": "other-spl", "set_id": "other-set"}
    other["openfda"] = other["openfda"] | {"brand_name": ["SAMSCA", "JYNARQUE"]}
    path = label_file(tmp_path, [record(TOLVAPTAN), other, record(TOLVAPTAN)])
    out = StringIO()
    call_command("import_labels", str(path), stdout=out, stderr=StringIO())
    assert "2 created, 0 updated, 1 unchanged, 0 skipped" in out.getvalue()
    drug = Drug.objects.get()
    assert drug.label_sources.count() == 2
    assert sorted(drug.brand_names) == ["Jynarque", "Samsca"]
    assert drug.classes.count() == 1


def test_a_batch_of_labels_takes_a_few_queries_not_a_few_per_label(
    tmp_path, django_assert_max_num_queries
):
    records = []
    for n in range(40):
        label = record(TOLVAPTAN) | {"id": f"spl-{n}", "set_id": f"set-{n}"}
        label["openfda"] = label["openfda"] | {
            "generic_name": [f"Drug {n}"],
            "brand_name": [f"Brand {n}"],
            "pharm_class_epc": [f"Class {n} [EPC]"],
        }
        records.append(label)
    path = label_file(tmp_path, records)
    load_taxonomy()  # once per database, not per import
    # About 20 for the batch (filing its 40 new classes included) and a dozen for the run's
    # interaction refresh over every label: a few per batch and per run, none per label.
    with django_assert_max_num_queries(40):
        call_command("import_labels", str(path), stdout=StringIO(), stderr=StringIO())
    assert Drug.objects.count() == DrugName.objects.count() == 40


def test_a_label_finds_its_drug_whatever_the_case_beyond_ascii():
    drug = DrugFactory(generic_name="ÉTHER", origin=Origin.LABEL)
    label = record(CETIRIZINE)
    label["openfda"] = label["openfda"] | {"generic_name": ["ÉTHER"]}
    assert import_label(label).result == Result.CREATED
    assert list(Drug.objects.all()) == [drug]
    assert drug.label_sources.count() == 1


# The monograph ------------------------------------------------------------------------------


def test_label_page_shows_the_notice_and_collapsed_label_sections(client):
    import_label(record(TOLVAPTAN))
    response = client.get("/drugs/tolvaptan/")
    html = response.content.decode()
    assert response.status_code == 200
    assert NOTICE in html
    assert 'id="fda-label"' in html
    assert "<details" in html
    assert "<details open" not in html
    assert "<summary>Boxed warning</summary>" in html
    # The boxed warning is shown in full at the top, no longer only announced.
    assert 'id="boxed-warning"' in html.split('id="fda-label"')[0]
    assert "Read it in the FDA label" not in html
    assert (
        'href="https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid='
        f'{record(TOLVAPTAN)["set_id"]}"'
    ) in html
    assert '<th colspan="2">Initial Dosage</th>' in html
    # A label page's Dosage section is now the label's own dosing, not an empty table.
    assert "What the FDA label says about dosing" in html
    assert 'id="side-effects"' not in html, "no empty structured sections"


def test_editor_written_page_has_no_notice_but_shows_its_label(client):
    DrugFactory(generic_name="Baclofen", slug="baclofen")
    import_label(record(BACLOFEN))
    html = client.get("/drugs/baclofen/").content.decode()
    assert NOTICE not in html
    assert "<summary>Contraindications</summary>" in html


def test_draft_import_is_hidden(client):
    import_label(record(TOLVAPTAN), draft=True)
    assert Drug.objects.get().status == Status.DRAFT
    assert client.get("/drugs/tolvaptan/").status_code == 404


# Interrupted runs ---------------------------------------------------------------------------


def state() -> dict[str, set]:
    """What the import wrote, by natural keys: ids and timestamps differ between runs."""
    return {
        "drugs": set(Drug.objects.values_list("generic_name", "slug", "status", "origin")),
        "names": set(DrugName.objects.values_list("drug__generic_name", "name")),
        "classes": set(Drug.objects.values_list("generic_name", "classes__name")),
        "sources": set(LabelSource.objects.values_list("drug__generic_name", "content_hash")),
    }


def test_a_run_killed_half_way_ends_like_an_uninterrupted_one_when_rerun(monkeypatch):
    call_command("import_labels", str(FIXTURES), stdout=StringIO(), stderr=StringIO())
    uninterrupted = state()
    LabelSource.objects.all().delete()
    Drug.objects.all().delete()

    monkeypatch.setattr(importing, "BATCH_SIZE", 2)

    def killed_in_the_second_batch(sender, drug_ids=(), **kwargs):
        if Drug.objects.filter(pk__in=drug_ids, generic_name="Tolvaptan").exists():
            raise KeyboardInterrupt  # the import is killed while writing a batch

    catalogue_changed.connect(killed_in_the_second_batch, sender=LabelSource)
    try:
        with pytest.raises(KeyboardInterrupt):
            call_command("import_labels", str(FIXTURES), stdout=StringIO(), stderr=StringIO())
    finally:
        catalogue_changed.disconnect(killed_in_the_second_batch, sender=LabelSource)
    assert set(Drug.objects.values_list("generic_name", flat=True)) == {"Baclofen", "Cetirizine"}, (
        "the first batch is in, and the killed one left nothing half-written"
    )

    call_command("import_labels", str(FIXTURES), stdout=StringIO(), stderr=StringIO())
    assert state() == uninterrupted


def test_admin_shows_the_label_and_flags_a_change_since_review(admin_client):
    drug = DrugFactory(generic_name="Baclofen", reviewed_on=date(2020, 1, 1))
    import_label(record(BACLOFEN))
    html = admin_client.get(f"/admin/drugs/drug/{drug.pk}/change/").content.decode()
    assert LabelSource.objects.get().dailymed_url in html
    drug_admin = admin.site._registry[Drug]
    assert drug_admin.label_changed_since_review(drug) is False, "a first import is no change"

    import_label(record(BACLOFEN) | {"contraindications": ["Hypersensitivity to baclofen."]})
    drug.refresh_from_db()
    assert drug_admin.label_changed_since_review(drug) is True
    drug.reviewed_on = date.today() + timedelta(days=1)
    assert drug_admin.label_changed_since_review(drug) is False


def test_importing_the_same_label_again_raises_no_flag():
    drug = DrugFactory(generic_name="Baclofen", reviewed_on=date(2020, 1, 1))
    import_label(record(BACLOFEN))
    import_label(record(BACLOFEN))
    assert admin.site._registry[Drug].label_changed_since_review(drug) is False


def test_a_damaged_zip_is_reported_where_it_breaks(tmp_path):
    labels = [record(TOLVAPTAN) | {"id": f"spl-{n}", "set_id": f"set-{n}"} for n in range(80)]
    archive = tmp_path / "labels.json.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("labels.json", json.dumps({"meta": {}, "results": labels}))
    data = bytearray(archive.read_bytes())
    middle = int(len(data) * 0.8)
    data[middle : middle + 64] = bytes(64)
    archive.write_bytes(bytes(data))
    *records, (position, error) = iter_label_records(archive)
    assert records
    assert position == f"labels.json.zip/labels.json after record {len(records)}"
    assert isinstance(error, StreamError)


def test_a_truncated_zip_or_an_empty_folder_fails_the_command(tmp_path):
    archive = tmp_path / "labels.json.zip"
    archive.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(CommandError, match="not a readable zip file"):
        call_command("import_labels", str(archive), stdout=StringIO())
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CommandError, match=r"no \.json or \.json\.zip files"):
        call_command("import_labels", str(empty), stdout=StringIO())


# Hostile records cost only themselves -------------------------------------------------------


def test_a_record_with_a_lone_surrogate_is_skipped_and_the_rest_imports(tmp_path):
    broken = record(TOLVAPTAN) | {"id": "lone", "set_id": "lone-set"}
    broken["openfda"] = broken["openfda"] | {"brand_name": ["Bad\ud800Name"]}
    path = tmp_path / "labels.json"
    text = json.dumps({"meta": {}, "results": [broken, record(BACLOFEN)]})  # "\ud800", escaped
    path.write_text(text)
    out, err = StringIO(), StringIO()
    call_command("import_labels", str(path), stdout=out, stderr=err)
    assert "labels.json record 1: skipped, text that is not valid Unicode" in err.getvalue()
    assert list(Drug.objects.values_list("generic_name", flat=True)) == ["Baclofen"]


def test_a_record_nested_absurdly_deep_is_skipped_without_a_traceback(tmp_path):
    deep = "[" * 200_000 + "]" * 200_000
    good = json.dumps(record(BACLOFEN))
    path = tmp_path / "labels.json"
    path.write_text('{"meta": {}, "results": [{"id": "deep", "x": ' + deep + "}, " + good + "]}")
    out, err = StringIO(), StringIO()
    call_command("import_labels", str(path), stdout=out, stderr=err)
    assert "record 1: skipped, record 1 is nested too deeply to read" in err.getvalue()
    assert list(Drug.objects.values_list("generic_name", flat=True)) == ["Baclofen"]


def test_versions_of_one_label_resolve_to_the_newest_on_every_run(tmp_path):
    older = record(TOLVAPTAN) | {"id": "spl-v1", "version": "1", "effective_time": "20200101"}
    newer = record(TOLVAPTAN) | {"id": "spl-v2", "version": "2", "effective_time": "20240101"}
    newer["boxed_warning"] = ["The newer wording."]
    for order in ([older, newer], [newer, older]):
        path = label_file(tmp_path, order)
        for _run in range(2):
            call_command("import_labels", str(path), stdout=StringIO(), stderr=StringIO())
            source = LabelSource.objects.get()
            assert (source.spl_id, source.version) == ("spl-v2", "2")
    out = StringIO()
    call_command("import_labels", str(path), stdout=out, stderr=StringIO())
    assert "0 created, 0 updated, 2 unchanged" in out.getvalue()


def test_a_rerun_catches_up_search_documents_a_killed_run_left_unwritten():
    call_command("import_labels", str(FIXTURES), stdout=StringIO(), stderr=StringIO())
    search_index.flush()
    assert SearchDocument.objects.filter(kind=SearchKind.DRUG).count() == 3
    # Killed after a batch committed and before its documents were written:
    SearchDocument.objects.filter(title="Tolvaptan").delete()
    baclofen = Drug.objects.get(generic_name="Baclofen")
    Drug.objects.filter(pk=baclofen.pk).update(updated_at=timezone.now())

    out = StringIO()
    call_command("import_labels", str(FIXTURES), stdout=out, stderr=StringIO())
    assert "0 created, 0 updated" in out.getvalue()
    search_index.flush()  # the rewrite waits for a commit the test's transaction never makes
    documents = SearchDocument.objects.filter(kind=SearchKind.DRUG)
    assert sorted(documents.values_list("title", flat=True)) == [
        "Baclofen",
        "Cetirizine",
        "Tolvaptan",
    ]
    assert documents.get(title="Baclofen").indexed_at >= Drug.objects.get(pk=baclofen.pk).updated_at


def test_a_new_label_page_starts_its_history_with_the_import():
    import_label(record(TOLVAPTAN))
    drug = Drug.objects.get()
    [version] = Version.objects.get_for_object(drug)
    assert version.revision.comment == "Imported from an FDA label"
    assert version.field_dict["generic_name"] == "Tolvaptan"
    assert version.field_dict["classes"], "filed in its classes before the revision is taken"
    names = {v.object_repr for v in version.revision.version_set.all()}
    assert {"Tolvaptan", "Jynarque"} <= names
