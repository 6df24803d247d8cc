"""The editors' admin: every page opens, one form saves a whole monograph, bad doses are refused."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from drugs.models import (
    DosageForm,
    Drug,
    FrequencyBand,
    LabelStatus,
    NameKind,
    Origin,
    Population,
    Release,
    Route,
    Severity,
    Unit,
)
from medguide.editorial.models import Status
from tests.factories import (
    ConditionFactory,
    DoseGuidelineFactory,
    DrugClassFactory,
    DrugFactory,
    DrugNameFactory,
    FormulationFactory,
    IndicationFactory,
    InteractionFactory,
    ReferenceFactory,
    SideEffectFactory,
    StrengthFactory,
    SubstanceFactory,
)

pytestmark = pytest.mark.django_db

INLINE_PREFIXES = [
    "names",
    "indications",
    "doses",
    "formulations",
    "side_effects",
    "interactions",
    "references",
    "curated_guides",  # added to the drug admin by the articles app
    "label_sources",  # read-only, but the formset still posts its management form
    "changes",  # the public change log
]


def inline_rows(prefix: str, rows: list[dict]) -> dict:
    """The POST data of one inline formset of new rows, management form included."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def baclofen_tablets_dose(**changes) -> dict:
    dose = {
        "population": Population.ADULT,
        "condition": "",
        "route": Route.ORAL,
        "dosage_form": DosageForm.TABLET,
        "unit": Unit.MG,
        "start_amount": "5",
        "times_per_day": "3",
        "step_amount": "5",
        "step_interval_days": "3",
        "target_amount": "20",
        "usual_min_per_day": "40",
        "usual_max_per_day": "80",
        "max_per_day": "80",
        "notes": "",
        "order": "0",
    }
    return {**dose, **changes}


def drug_form(*, inlines: dict[str, list[dict]] | None = None, **fields) -> dict:
    """The add form of a drug: its own fields and every inline formset (empty unless given)."""
    data = {
        "generic_name": "Baclofen",
        "slug": "baclofen",
        "pronunciation": "BAK-loe-fen",
        # A new monograph starts as a draft; the workflow buttons publish it.
        "published_at_0": "2026-01-05",
        "published_at_1": "09:00:00",
        "origin": Origin.EDITORIAL,
        "is_prescription_only": "on",
        "controlled_substance": "",
        "summary": "Baclofen is a prescription muscle relaxant.",
        "mechanism": "It acts on GABA-B receptors.",
        "formulations_note": "",
        "boxed_warning": "",
        "boxed_warning_scope": "",
        "warnings": "",
        "contraindications": "",
        "pregnancy": "",
        "breastfeeding": "",
        "stopping": "",
        "missed_dose": "",
        "overdose": "",
        "storage": "",
        "practical_tips": "Keep a medication diary.",
        "reviewed_by": "",
        "reviewed_on": "",
        "_save": "Save",
        **fields,
    }
    for prefix in INLINE_PREFIXES:
        data.update(inline_rows(prefix, (inlines or {}).get(prefix, [])))
    return data


def form_errors(response) -> list:
    """The errors of a re-rendered admin form and its inlines, to explain a refused save."""
    errors = [response.context["adminform"].form.errors]
    for inline in response.context["inline_admin_formsets"]:
        errors += [inline.formset.non_form_errors(), *inline.formset.errors]
    return [error for error in errors if error]


# Every page opens


@pytest.fixture
def formulation(baclofen):
    return baclofen.formulations.first()


@pytest.mark.parametrize(
    ("model", "instance"),
    [
        ("drug", "baclofen"),
        ("drugclass", "drug_class"),
        ("condition", "condition"),
        ("substance", "substance"),
        ("formulation", "formulation"),
    ],
)
def test_admin_pages_open(admin_client, request, model, instance):
    obj = request.getfixturevalue(instance)
    for url in [
        f"/admin/drugs/{model}/",
        f"/admin/drugs/{model}/add/",
        f"/admin/drugs/{model}/{obj.pk}/change/",
    ]:
        assert admin_client.get(url).status_code == 200, url


@pytest.fixture
def drug_class(baclofen):
    return baclofen.classes.get()


@pytest.fixture
def condition(baclofen):
    return baclofen.indications.first().condition


@pytest.fixture
def substance(baclofen):
    return baclofen.interactions.get(interactant_substance__isnull=False).interactant_substance


def test_drug_change_page_shows_the_monograph_rows(admin_client, baclofen):
    content = admin_client.get(f"/admin/drugs/drug/{baclofen.pk}/change/").content.decode()
    for text in ["Lioresal", "Drowsiness", "5 mg, 10 mg, 20 mg", "Alcohol", "Spasticity"]:
        assert text in content


def test_drug_change_page_shows_interactions_recorded_on_other_drugs(admin_client, baclofen):
    content = admin_client.get(f"/admin/drugs/drug/{baclofen.pk}/change/").content.decode()
    assert "Tizanidine + Baclofen (Major)" in content.replace("</a>", "")


def test_drug_change_page_lists_the_most_severe_interactions_elsewhere_and_counts_all(
    admin_client, monkeypatch
):
    monkeypatch.setattr("drugs.admin.INTERACTIONS_ELSEWHERE", 2)
    drug = DrugFactory(generic_name="Manyazole", slug="manyazole")
    for name, severity, status in [
        ("Minorine", Severity.MINOR, Status.PUBLISHED),
        ("Majorine", Severity.MAJOR, Status.DRAFT),  # editors see drafts' rows too
        ("Moderatine", Severity.MODERATE, Status.PUBLISHED),
    ]:
        InteractionFactory(
            drug=DrugFactory(generic_name=name, status=status),
            interactant_drug=drug,
            severity=severity,
        )
    content = admin_client.get(f"/admin/drugs/drug/{drug.pk}/change/").content.decode()
    content = content.replace("</a>", "")
    assert content.index("Majorine + Manyazole (Major)") < content.index(
        "Moderatine + Manyazole (Moderate)"
    )
    assert "Minorine" not in content
    assert "The 2 most severe of 3. The published ones are all on" in content
    assert '<a href="/drugs/manyazole/interactions/">the page of manyazole' in content


@pytest.mark.parametrize("query", ["baclofen", "BACL", "Lioresal", "lio"])
def test_drug_search_finds_generic_and_brand_names(admin_client, baclofen, query):
    DrugFactory(generic_name="Diazepam")
    response = admin_client.get("/admin/drugs/drug/", {"q": query})
    assert response.status_code == 200
    assert [drug.generic_name for drug in response.context["cl"].result_list] == ["Baclofen"]


# One form saves a whole monograph


def test_add_form_saves_a_complete_monograph(admin_client):
    relaxants = DrugClassFactory(name="Skeletal muscle relaxants")
    spasticity = ConditionFactory(name="Spasticity")
    neuralgia = ConditionFactory(name="Trigeminal neuralgia")
    tizanidine = DrugFactory(generic_name="Tizanidine")
    opioids = DrugClassFactory(name="Opioids")
    alcohol = SubstanceFactory(name="Alcohol")
    data = drug_form(
        classes=[str(relaxants.pk)],
        inlines={
            "names": [
                {"name": "Lioresal", "kind": NameKind.BRAND, "note": ""},
                {"name": "Kemstro", "kind": NameKind.FORMER_BRAND, "note": ""},
            ],
            "indications": [
                {
                    "condition": str(spasticity.pk),
                    "label_status": LabelStatus.ON_LABEL,
                    "notes": "",
                    "order": "0",
                },
                {
                    "condition": str(neuralgia.pk),
                    "label_status": LabelStatus.OFF_LABEL,
                    "notes": "",
                    "order": "1",
                },
            ],
            "doses": [baclofen_tablets_dose(condition=str(spasticity.pk))],
            "formulations": [
                {
                    "dosage_form": DosageForm.TABLET,
                    "route": Route.ORAL,
                    "release": Release.IMMEDIATE,
                    "brand": "",
                    "strengths": "5 mg; 10 mg",
                    "notes": "",
                    "order": "0",
                },
                {
                    "dosage_form": DosageForm.ORAL_SOLUTION,
                    "route": Route.ORAL,
                    "release": Release.IMMEDIATE,
                    "brand": "Ozobax",
                    "strengths": "5 mg/5 mL",
                    "notes": "",
                    "order": "1",
                },
            ],
            "side_effects": [
                {
                    "name": "Drowsiness",
                    "frequency": FrequencyBand.VERY_COMMON,
                    "seriousness": "mild",
                    "incidence": "10–63%",
                    "advice": "",
                    "order": "0",
                }
            ],
            "interactions": [
                {
                    "interactant_drug": str(tizanidine.pk),
                    "interactant_class": "",
                    "interactant_substance": "",
                    "severity": Severity.MAJOR,
                    "effect": "Lower blood pressure.",
                    "advice": "Ask your doctor.",
                },
                {
                    "interactant_drug": "",
                    "interactant_class": str(opioids.pk),
                    "interactant_substance": "",
                    "severity": Severity.MAJOR,
                    "effect": "Slow breathing.",
                    "advice": "Get help.",
                },
                {
                    "interactant_drug": "",
                    "interactant_class": "",
                    "interactant_substance": str(alcohol.pk),
                    "severity": Severity.MODERATE,
                    "effect": "More drowsiness.",
                    "advice": "Avoid alcohol.",
                },
            ],
            "references": [
                {
                    "title": "Baclofen tablets: prescribing information",
                    "publisher": "FDA",
                    "url": "https://dailymed.nlm.nih.gov/",
                    "kind": "label",
                    "accessed_on": "2026-07-15",
                    "order": "0",
                }
            ],
        },
    )

    response = admin_client.post("/admin/drugs/drug/add/", data)

    assert response.status_code == 302, form_errors(response)
    drug = Drug.objects.get(slug="baclofen")
    assert list(drug.classes.all()) == [relaxants]
    assert drug.brand_names == ["Lioresal"]
    assert [i.condition for i in drug.indications.all()] == [spasticity, neuralgia]
    dose = drug.doses.get()
    assert (dose.start_amount, dose.max_per_day) == (Decimal("5"), Decimal("80"))
    assert [(str(f), [str(s) for s in f.strengths.all()]) for f in drug.formulations.all()] == [
        ("Tablet", ["5 mg", "10 mg"]),
        ("Oral solution (Ozobax)", ["5 mg/5 mL"]),
    ]
    assert drug.side_effects.get().name == "Drowsiness"
    assert sorted(str(i.interactant) for i in drug.interactions.all()) == [
        "Alcohol",
        "Opioids",
        "Tizanidine",
    ]
    reference = drug.references.get()
    assert reference.title == "Baclofen tablets: prescribing information"
    assert reference.kind == "label"


def test_editing_strengths_replaces_them(admin_client):
    # A draft, so the edit is saved as it is (a live monograph's edit becomes a pending draft).
    drug = DrugFactory(generic_name="Baclofen", slug="baclofen", status=Status.DRAFT)
    formulation = FormulationFactory(drug=drug)
    StrengthFactory(formulation=formulation, amount=Decimal("5"))
    drug = formulation.drug
    data = drug_form(summary=drug.summary, _version=str(drug.version))
    data.update(
        {
            "formulations-TOTAL_FORMS": "1",
            "formulations-INITIAL_FORMS": "1",
            "formulations-0-id": str(formulation.pk),
            "formulations-0-drug": str(drug.pk),
            "formulations-0-dosage_form": DosageForm.TABLET,
            "formulations-0-route": Route.ORAL,
            "formulations-0-release": Release.IMMEDIATE,
            "formulations-0-brand": "",
            "formulations-0-strengths": "10 mg; 20 mg",
            "formulations-0-notes": "",
            "formulations-0-order": "0",
        }
    )
    response = admin_client.post(f"/admin/drugs/drug/{drug.pk}/change/", data)
    assert response.status_code == 302
    assert [str(s) for s in formulation.strengths.all()] == ["10 mg", "20 mg"]


@pytest.mark.parametrize(
    ("strengths", "message"),
    [
        ("5 mg; ten mg", "&quot;ten mg&quot; is not a strength"),
        ("5 mg; 5 mg", "&quot;5 mg&quot; is listed twice."),
    ],
)
def test_bad_strengths_are_explained_and_not_saved(admin_client, strengths, message):
    formulation = {
        "dosage_form": DosageForm.TABLET,
        "route": Route.ORAL,
        "release": Release.IMMEDIATE,
        "brand": "",
        "strengths": strengths,
        "notes": "",
        "order": "0",
    }
    response = admin_client.post(
        "/admin/drugs/drug/add/", drug_form(inlines={"formulations": [formulation]})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Drug.objects.exists()


@pytest.mark.parametrize(
    ("dose", "message"),
    [
        (
            baclofen_tablets_dose(usual_min_per_day="90", usual_max_per_day="40"),
            "The usual daily range must run from low to high.",
        ),
        (
            baclofen_tablets_dose(step_interval_days=""),
            "A titration step needs both an amount above zero and an interval in days.",
        ),
        (
            baclofen_tablets_dose(start_amount="30", max_per_day="80", usual_max_per_day="80"),
            "The starting dose already exceeds the daily maximum.",
        ),
        (
            baclofen_tablets_dose(usual_max_per_day="100"),
            "The usual daily dose cannot exceed the daily maximum.",
        ),
    ],
    ids=["usual min above max", "step without interval", "start above maximum", "above maximum"],
)
def test_bad_doses_are_explained_and_nothing_is_saved(admin_client, dose, message):
    condition = ConditionFactory()
    data = drug_form(
        inlines={
            "doses": [dose],
            "indications": [
                {
                    "condition": str(condition.pk),
                    "label_status": "on-label",
                    "notes": "",
                    "order": "0",
                }
            ],
        }
    )
    response = admin_client.post("/admin/drugs/drug/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Drug.objects.exists()


def test_a_name_typed_twice_is_refused(admin_client):
    names = [{"name": "Lioresal", "kind": NameKind.BRAND, "note": ""}] * 2
    names[1] = {**names[1], "name": "LIORESAL"}
    response = admin_client.post("/admin/drugs/drug/add/", drug_form(inlines={"names": names}))
    assert response.status_code == 200
    assert "The name “LIORESAL” is listed twice." in response.content.decode()
    assert not Drug.objects.exists()


def test_an_interaction_typed_twice_is_refused(admin_client):
    alcohol = SubstanceFactory(name="Alcohol")
    row = {
        "interactant_drug": "",
        "interactant_class": "",
        "interactant_substance": str(alcohol.pk),
        "severity": Severity.MODERATE,
        "effect": "More drowsiness.",
        "advice": "Avoid alcohol.",
    }
    response = admin_client.post(
        "/admin/drugs/drug/add/", drug_form(inlines={"interactions": [row, row]})
    )
    assert response.status_code == 200
    assert "There are two interactions with Alcohol; combine them into one." in (
        response.content.decode()
    )
    assert not Drug.objects.exists()


# A fixed query count


def drug_with_inline_rows(rows: int) -> Drug:
    drug = DrugFactory(classes=DrugClassFactory.create_batch(2))
    DrugNameFactory.create_batch(rows, drug=drug)
    for index in range(rows):
        condition = ConditionFactory()
        IndicationFactory(drug=drug, condition=condition, order=index)
        DoseGuidelineFactory(drug=drug, condition=condition)
        StrengthFactory.create_batch(2, formulation=FormulationFactory(drug=drug))
        SideEffectFactory(drug=drug)
        ReferenceFactory(drug=drug)
        InteractionFactory(drug=drug)
        InteractionFactory(drug=drug, interactant_class=DrugClassFactory())
        InteractionFactory(drug=drug, interactant_substance=SubstanceFactory())
        InteractionFactory(interactant_drug=drug)
    return drug


def change_page_queries(client, drug: Drug) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/admin/drugs/drug/{drug.pk}/change/").status_code == 200
    return len(queries)


def test_drug_change_page_queries_do_not_grow_with_rows(admin_client):
    few = drug_with_inline_rows(3)
    many = drug_with_inline_rows(30)
    change_page_queries(admin_client, few)  # warm the session and content-type caches
    assert change_page_queries(admin_client, many) == change_page_queries(admin_client, few)


# Who may edit


def test_anonymous_visitors_are_sent_to_log_in(client, baclofen):
    response = client.get(f"/admin/drugs/drug/{baclofen.pk}/change/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_staff_without_permissions_cannot_edit_drugs(client, baclofen, django_user_model):
    client.force_login(django_user_model.objects.create_user("writer", is_staff=True))
    assert client.get("/admin/drugs/drug/").status_code == 403
    assert client.get(f"/admin/drugs/drug/{baclofen.pk}/change/").status_code == 403
    response = client.post("/admin/drugs/drug/add/", drug_form())
    assert response.status_code == 403
    assert not Drug.objects.filter(slug="baclofen").exclude(pk=baclofen.pk).exists()


# A dose row checked as a whole, and the long form made workable (issue 14)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"start_amount": "5", "target_amount": "50", "times_per_day": "3"},
            "target_amount",
            "The titration target exceeds the daily maximum. 50 mg 3 times a day is 150 mg",
        ),
        (
            {
                "start_amount": "25",
                "target_amount": "",
                "step_amount": "",
                "times_per_day": "3",
                "times_per_day_max": "4",
                "step_interval_days": "",
                "usual_max_per_day": "",
            },
            "start_amount",
            "The starting dose already exceeds the daily maximum. 25 mg 4 times a day is 100 mg",
        ),
    ],
    ids=["target times a day above maximum", "start at the larger times a day above maximum"],
)
def test_a_dose_row_whose_daily_total_exceeds_the_maximum_is_refused_at_its_field(
    admin_client, changes, field, message
):
    response = admin_client.post(
        "/admin/drugs/drug/add/", drug_form(inlines={"doses": [baclofen_tablets_dose(**changes)]})
    )
    assert response.status_code == 200
    assert not Drug.objects.exists()
    dose_form = response.context["inline_admin_formsets"][2].formset.forms[0]
    assert message in dose_form.errors[field][0]
    # The summary at the top links to the field.
    assert f'href="#id_doses-0-{field}"' in response.content.decode()


def test_error_summary_links_each_field_with_an_error(admin_client):
    response = admin_client.post("/admin/drugs/drug/add/", drug_form(generic_name="", summary=""))
    content = response.content.decode()
    assert 'id="error-summary"' in content
    assert 'href="#id_generic_name"' in content
    assert 'href="#id_summary"' in content


def test_the_bar_at_the_top_posts_the_workflow_moves(admin_client, draft_drug):
    content = admin_client.get(f"/admin/drugs/drug/{draft_drug.pk}/change/").content.decode()
    bar = content[content.index('id="editorial-bar"') : content.index("<fieldset")]
    assert 'name="_workflow" value="submit"' in bar
    assert 'name="_workflow" value="publish"' in bar
    assert 'name="_save"' in bar
    assert "js/admin-unsaved.js" in content


def test_the_bar_jumps_to_the_comment_box_to_send_back(admin_client):
    drug = DrugFactory(status="review")
    content = admin_client.get(f"/admin/drugs/drug/{drug.pk}/change/").content.decode()
    bar = content[content.index('id="editorial-bar"') : content.index("<fieldset")]
    assert 'href="#id__workflow_comment"' in bar
    assert 'id="id__workflow_comment"' in content


def test_label_pages_are_not_listed_as_due_for_medical_review(admin_client):
    DrugFactory(generic_name="Labelzole", origin=Origin.LABEL, reviewed_on=None)
    DrugFactory(generic_name="Writtenzole", origin=Origin.EDITORIAL, reviewed_on=None)
    listing = admin_client.get("/admin/drugs/drug/?review=due")
    assert [d.generic_name for d in listing.context["cl"].result_list] == ["Writtenzole"]
    everything = admin_client.get("/admin/drugs/drug/").content.decode()
    assert "— (label page)" in everything
