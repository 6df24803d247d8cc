"""`load_demo` loads the seven sourced monographs, and a second run changes nothing."""

from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from drugs.dosing import describe
from drugs.interactions import interactions_for
from drugs.models import Drug, LabelStatus, NameKind, Population, Route
from medguide.models import Status

pytestmark = pytest.mark.django_db

OTHER_DEMO_DRUGS = [
    "cyclobenzaprine",
    "dantrolene",
    "diazepam",
    "fluoxetine",
    "gabapentin",
    "tizanidine",
]


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[dict]]:
    """Every row of every drugs table (many-to-many tables included), primary keys and all."""
    return {
        model._meta.db_table: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("drugs").get_models(include_auto_created=True)
    }


@pytest.fixture
def baclofen(db):
    load_demo()
    return Drug.objects.for_monograph().get(slug="baclofen")


def test_loading_twice_changes_nothing():
    load_demo()
    before = snapshot()
    load_demo()
    assert snapshot() == before
    assert all(before.values()), "every drugs table has demo rows"


def test_second_run_says_it_is_up_to_date():
    load_demo()
    assert "Already up to date" in load_demo()


def test_demo_drugs_are_published(db):
    load_demo()
    published = set(Drug.objects.published().values_list("slug", flat=True))
    assert published >= {"baclofen", *OTHER_DEMO_DRUGS}


def test_baclofen_is_published_with_its_brand_names(baclofen):
    assert baclofen.status == Status.PUBLISHED
    assert "Lioresal" in baclofen.brand_names
    assert all(name.kind in NameKind.values for name in baclofen.names.all())


def test_baclofen_works_on_gaba_b_receptors(baclofen):
    assert "GABA-B" in baclofen.mechanism


def test_baclofen_is_for_spasticity_and_multiple_sclerosis(baclofen):
    on_label = {i.condition.slug for i in baclofen.indications.all() if not i.is_off_label}
    assert on_label >= {"spasticity", "multiple-sclerosis"}


def test_baclofen_is_used_off_label_for_trigeminal_neuralgia(baclofen):
    [neuralgia] = [
        i for i in baclofen.indications.all() if i.condition.slug == "trigeminal-neuralgia"
    ]
    assert neuralgia.label_status == LabelStatus.OFF_LABEL


def test_baclofen_adult_dose_reads_as_in_the_label(baclofen):
    adult_oral = [
        dose
        for dose in baclofen.doses.all()
        if dose.population == Population.ADULT and dose.route == Route.ORAL
    ]
    assert describe(adult_oral[0]) == (
        "5 mg three times a day, raised by 5 mg per dose every 3 days "
        "(5 → 10 → 15 → 20 mg three times a day); usually 40–80 mg a day; "
        "never more than 80 mg a day"
    )
    assert adult_oral[0].max_per_day == Decimal("80")


def test_baclofen_never_more_than_80_mg_a_day(baclofen):
    maxima = {dose.max_per_day for dose in baclofen.doses.all() if dose.unit == "mg"}
    assert max(m for m in maxima if m is not None) == Decimal("80")


def test_baclofen_has_a_kidney_impairment_guideline(baclofen):
    assert any(dose.population == Population.KIDNEY for dose in baclofen.doses.all())


def test_baclofen_comes_as_tablets_and_intrathecal_injection(baclofen):
    forms = baclofen.formulations.all()
    assert any(f.dosage_form == "tablet" and f.strengths.all() for f in forms)
    assert any(f.route == Route.INTRATHECAL for f in forms)


def test_baclofen_boxed_warning_is_scoped_to_intrathecal_use(baclofen):
    assert baclofen.boxed_warning
    assert "intrathecal" in baclofen.boxed_warning_scope.lower()


def test_baclofen_interacts_with_alcohol_and_cns_depressants(baclofen):
    entries = {entry.other_name: entry for entry in interactions_for(baclofen)}
    assert {"Alcohol", "CNS depressants", "Opioids"} <= set(entries)
    assert entries["Opioids"].severity == "major"
    depressants = entries["CNS depressants"].effect.lower()
    assert "benzodiazepine" in depressants
    assert "opioid" in depressants


def test_baclofen_tips_mention_a_diary_and_braces_or_stretching(baclofen):
    tips = " ".join(baclofen.tip_list).lower()
    assert "medication diary" in tips
    assert "braces" in tips
    assert "stretch" in tips


def test_baclofen_cites_its_sources(baclofen):
    references = baclofen.references.all()
    assert len(references) >= 3
    assert all(reference.title for reference in references)
    assert any("dailymed.nlm.nih.gov" in reference.url for reference in references)


def test_baclofen_monograph_shows_the_demo_content(client, baclofen):
    response = client.get("/drugs/baclofen/")
    assert response.status_code == 200
    content = response.content.decode()
    for text in ["Baclofen", "Lioresal", "GABA-B", "Trigeminal neuralgia", "Alcohol"]:
        assert text in content


@pytest.mark.parametrize("slug", OTHER_DEMO_DRUGS)
def test_other_demo_monographs_answer(client, slug):
    load_demo()
    assert client.get(f"/drugs/{slug}/").status_code == 200
