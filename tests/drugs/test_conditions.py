"""MedlinePlus health topics: condition summaries with their source, and label uses linked."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from drugs.conditions import (
    SOURCE,
    clean_summary,
    import_topics,
    summary_blocks,
    summary_line,
)
from drugs.models import Condition, Indication, LabelSource, LabelStatus, Origin
from tests.factories import ConditionFactory, DrugFactory

pytestmark = pytest.mark.django_db

TOPICS = Path(__file__).resolve().parent.parent / "fixtures" / "medlineplus" / "topics.jsonl"
PANIC_URL = "https://medlineplus.gov/panicdisorder.html"
SERTRALINE_USES = (
    "Panic Disorder – Sertraline hydrochloride is indicated for the treatment of panic "
    "disorder in adults, with or without agoraphobia. Posttraumatic Stress Disorder (PTSD) – "
    "Sertraline hydrochloride is indicated for the treatment of posttraumatic stress disorder "
    "in adults."
)


def label_drug(name="Sertraline", origin=Origin.LABEL, uses=SERTRALINE_USES):
    drug = DrugFactory(generic_name=name, origin=origin)
    LabelSource.objects.create(
        drug=drug,
        spl_id=f"spl-{name}",
        set_id=f"set-{name}",
        generic_name_raw=name.lower(),
        sections={"indications_and_usage": uses},
        content_hash="x",
    )
    return drug


def test_summary_loses_only_the_summary_label_and_extra_whitespace():
    assert clean_summary("Summary : A1C is a test.    It measures  sugar.") == (
        "A1C is a test.\n\nIt measures sugar."
    )


def test_a_matching_condition_gets_the_summary_its_source_and_synonyms():
    condition = ConditionFactory(name="Panic disorders")  # case and plural aside
    report = import_topics(TOPICS)
    condition.refresh_from_db()
    assert condition.summary.startswith("Panic disorder is a type of anxiety disorder.")
    assert (condition.summary_source, condition.summary_url, condition.summary_dated) == (
        SOURCE,
        PANIC_URL,
        "2017",
    )
    assert [line for line, _reason in report.skipped] == [3]
    assert not Condition.objects.filter(name="Stress").exists(), "nothing created without --create"


def test_synonyms_are_added_once():
    ocd = ConditionFactory(name="Obsessive-compulsive disorder")
    import_topics(TOPICS)
    ocd.refresh_from_db()
    assert ocd.synonym_list == ["OCD"]


def test_editors_summary_is_never_overwritten():
    condition = ConditionFactory(name="Panic disorder", summary="Our editors' words.")
    report = import_topics(TOPICS)
    condition.refresh_from_db()
    assert (condition.summary, condition.summary_source, report.kept) == (
        "Our editors' words.",
        "",
        1,
    )


def test_a_second_run_changes_nothing():
    ConditionFactory(name="Panic disorder")
    label_drug()
    import_topics(TOPICS, create=True)
    before = list(Condition.objects.order_by("pk").values()), list(Indication.objects.values())
    report = import_topics(TOPICS, create=True)
    after = list(Condition.objects.order_by("pk").values()), list(Indication.objects.values())
    assert report.changed == 0
    assert before == after


def test_create_adds_conditions_label_uses_name_and_links_label_pages_only():
    sertraline = label_drug()
    editors = label_drug(name="Paroxetine", origin=Origin.EDITORIAL)
    import_topics(TOPICS, create=True)
    panic = Condition.objects.get(name="Panic Disorder")
    indication = sertraline.indications.get()
    assert (indication.condition, indication.label_status) == (panic, LabelStatus.ON_LABEL)
    assert indication.notes == (
        "From the FDA label: “indicated for the treatment of panic disorder in adults, "
        "with or without agoraphobia”"
    )
    assert not editors.indications.exists(), "editor-written drugs are never linked"
    # "Stress" is named only inside "posttraumatic stress disorder": not a use for stress.
    assert not Condition.objects.filter(name="Stress").exists()
    assert not Condition.objects.filter(name="A1C").exists(), "not a disease topic"


# As the methocarbamol and baclofen labels word them (drug-label-0001-of-0001.json).
METHOCARBAMOL_USES = (
    "INDICATIONS AND USAGE Methocarbamol tablets, USP are indicated as an adjunct to rest, "
    "physical therapy, and other measures for the relief of discomfort associated with acute, "
    "painful musculoskeletal conditions."
)
BACLOFEN_USES = (
    "Baclofen tablets, USP are useful for the alleviation of signs and symptoms of spasticity "
    "resulting from multiple sclerosis. Baclofen tablets, USP are not indicated in the "
    "treatment of skeletal muscle spasm resulting from rheumatic disorders."
)


def test_label_pages_are_linked_to_a_condition_by_the_wording_editors_gave_it():
    spasm = ConditionFactory(
        name="Muscle spasm", label_wording="painful musculoskeletal conditions\nspasm"
    )
    methocarbamol = label_drug(name="Methocarbamol", uses=METHOCARBAMOL_USES)
    baclofen = label_drug(name="Baclofen", uses=BACLOFEN_USES)
    editors = label_drug(name="Cyclobenzaprine", origin=Origin.EDITORIAL, uses=METHOCARBAMOL_USES)

    report = import_topics(TOPICS, create=True)

    indication = methocarbamol.indications.get()
    assert (indication.condition, indication.label_status) == (spasm, LabelStatus.ON_LABEL)
    assert indication.notes == (
        "From the FDA label: “indicated as an adjunct to rest, physical therapy, and other "
        "measures for the relief of discomfort associated with acute, painful musculoskeletal "
        "conditions”"
    )
    assert not baclofen.indications.exists(), "“not indicated” is not a use"
    assert not editors.indications.exists(), "editor-written drugs are never linked"
    assert report.indications >= 1
    assert import_topics(TOPICS, create=True).changed == 0, "a second run changes nothing"
    assert Indication.objects.filter(condition=spasm).count() == 1


def test_label_wording_is_applied_only_with_create():
    ConditionFactory(name="Muscle spasm", label_wording="painful musculoskeletal conditions")
    methocarbamol = label_drug(name="Methocarbamol", uses=METHOCARBAMOL_USES)
    import_topics(TOPICS)
    assert not methocarbamol.indications.exists()


def test_command_reports_bad_lines_by_number_and_a_summary():
    out, err = StringIO(), StringIO()
    call_command("import_health_topics", str(TOPICS), stdout=out, stderr=err)
    assert "line 3: skipped, broken JSON" in err.getvalue()
    assert "5 topics" in out.getvalue()
    assert "1 lines skipped" in out.getvalue()


def test_condition_page_shows_the_summary_with_its_attribution(client):
    condition = ConditionFactory(name="Panic disorder")
    import_topics(TOPICS)
    html = client.get(condition.get_absolute_url()).content.decode()
    assert "Panic disorder is a type of anxiety disorder." in html
    assert (
        "Summary from MedlinePlus, U.S. National Library of Medicine (about 2017), "
        "CC BY 4.0 packaging by MedQuAD."
    ) in html
    assert f'href="{PANIC_URL}"' in html


def test_condition_page_lists_published_label_drugs_linked_by_the_import(client):
    sertraline = label_drug()
    import_topics(TOPICS, create=True)
    html = client.get("/conditions/panic-disorder/").content.decode()
    assert sertraline.get_absolute_url() in html


def test_a_summarys_lists_are_lists_and_its_paragraphs_paragraphs():
    blocks = summary_blocks(
        "COPD makes it hard to breathe. They include\n\n- A cough\n- Wheezing\n\n"
        "There is no cure.\nNIH: National Heart, Lung, and Blood Institute"
    )
    assert [(b.is_list, b.lines) for b in blocks] == [
        (False, ["COPD makes it hard to breathe. They include"]),
        (True, ["A cough", "Wheezing"]),
        (False, ["There is no cure.", "NIH: National Heart, Lung, and Blood Institute"]),
    ]


def test_condition_page_marks_up_a_summarys_list_and_escapes_its_text(client):
    condition = ConditionFactory(
        name="Copd", summary="Symptoms include\n\n- A <b>cough</b>\n- Wheezing & tightness"
    )
    html = " ".join(client.get(condition.get_absolute_url()).content.decode().split())
    summary = html.partition('class="prose lead condition-summary">')[2].partition("</div>")[0]
    assert summary.strip() == (
        "<p> Symptoms include </p> <ul> <li>A &lt;b&gt;cough&lt;/b&gt;</li>"
        "<li>Wheezing &amp; tightness</li> </ul>"
    )


def test_a_condition_pages_description_runs_a_summarys_list_on_after_its_lead_in(client):
    assert (
        summary_line(
            "Edema means swelling.\n\nCauses of edema include\n\n- Eating too much salt\n"
            "- Sunburn.\n\nSee a doctor."
        )
        == "Edema means swelling. Causes of edema include: Eating too much salt; Sunburn."
        " See a doctor."
    )
    condition = ConditionFactory(
        name="Edema", summary="Causes include\n\n- Salt\n- Sunburn & <b>heat</b>"
    )
    html = client.get(condition.get_absolute_url()).content.decode()
    description = html.partition('<meta name="description" content="')[2].partition('"')[0]
    assert description == "Causes include: Salt; Sunburn &amp; heat."
