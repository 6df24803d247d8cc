"""The rules the database and model validation hold for every row, whoever writes it."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from drugs.models import (
    DoseGuideline,
    DrugName,
    Interaction,
    Reference,
    Strength,
    choice_label,
)
from tests.factories import (
    DoseGuidelineFactory,
    DrugClassFactory,
    DrugFactory,
    DrugNameFactory,
    FormulationFactory,
    InteractionFactory,
    SubstanceFactory,
)

pytestmark = pytest.mark.django_db


@contextmanager
def refused_by_database():
    """Expect an IntegrityError; the savepoint keeps the test's transaction usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


def messages(error: ValidationError) -> list[str]:
    return [message for messages in error.message_dict.values() for message in messages]


# Drugs and names


def test_two_drugs_cannot_share_a_slug():
    DrugFactory(generic_name="Baclofen", slug="baclofen")
    with refused_by_database():
        DrugFactory(generic_name="Baclofen tablets", slug="baclofen")


def test_two_drugs_cannot_share_a_generic_name():
    DrugFactory(generic_name="Baclofen", slug="baclofen")
    with refused_by_database():
        DrugFactory(generic_name="Baclofen", slug="baclofen-2")


def test_validation_names_the_taken_slug_and_generic_name():
    DrugFactory(generic_name="Baclofen", slug="baclofen")
    with pytest.raises(ValidationError) as caught:
        DrugFactory.build(generic_name="Baclofen", slug="baclofen").full_clean()
    assert set(caught.value.message_dict) >= {"generic_name", "slug"}


def test_drug_names_are_unique_whatever_the_case():
    DrugNameFactory(name="Lioresal")
    with refused_by_database():
        DrugNameFactory(name="LIORESAL")


def test_validation_refuses_a_name_already_used_in_another_case():
    DrugNameFactory(name="Lioresal")
    name = DrugName(drug=DrugFactory(), name="lioresal")
    with pytest.raises(ValidationError) as caught:
        name.full_clean()
    assert "This name is already used for a drug." in messages(caught.value)


def test_a_brand_name_cannot_be_another_drugs_generic_name():
    DrugFactory(generic_name="Tizanidine")
    name = DrugName(drug=DrugFactory(), name="tizanidine ")
    with pytest.raises(ValidationError) as caught:
        name.full_clean()
    assert caught.value.message_dict["name"] == ["This is the generic name of another drug."]


# Dose guidelines


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"usual_min_per_day": Decimal("80"), "usual_max_per_day": Decimal("40")},
            "The usual daily range must run from low to high.",
        ),
        (
            {"usual_max_per_day": Decimal("100"), "max_per_day": Decimal("80")},
            "The usual daily dose cannot exceed the daily maximum.",
        ),
        (
            {"step_amount": Decimal("5"), "step_interval_days": None},
            "A titration step needs both an amount above zero and an interval in days.",
        ),
        (
            {"step_amount": None, "step_interval_days": 3},
            "A titration step needs both an amount above zero and an interval in days.",
        ),
        ({"usual_min_per_day": Decimal("0")}, "The usual daily dose must be more than zero."),
        ({"times_per_day": 0}, "Times per day must be at least 1."),
    ],
    ids=[
        "usual min above max",
        "usual max above daily max",
        "step without interval",
        "interval without step",
        "zero usual dose",
        "zero times a day",
    ],
)
def test_inconsistent_doses_are_refused(values, message):
    with pytest.raises(ValidationError) as caught:
        DoseGuidelineFactory.build(drug=DrugFactory(), **values).full_clean()
    assert message in messages(caught.value)
    with refused_by_database():
        DoseGuidelineFactory(**values)


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5")])
@pytest.mark.parametrize("field", ["start_amount", "step_amount", "target_amount", "max_per_day"])
def test_dose_amounts_must_be_positive(field, amount):
    values = {"start_amount": Decimal("5"), "step_amount": Decimal("5"), "step_interval_days": 3}
    values[field] = amount
    with pytest.raises(ValidationError) as caught:
        DoseGuidelineFactory.build(drug=DrugFactory(), **values).full_clean()
    assert (
        "Ensure this value is greater than or equal to 0.001." in caught.value.message_dict[field]
    )


def test_the_database_refuses_a_starting_dose_of_zero():
    with refused_by_database():
        DoseGuidelineFactory(start_amount=Decimal("0"))


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"step_amount": Decimal("5"), "step_interval_days": 3, "target_amount": Decimal("2")},
            "target_amount",
            "The titration target cannot be below the starting dose.",
        ),
        (
            {"target_amount": Decimal("20")},
            "step_amount",
            "Give the step to titrate by, or clear the target.",
        ),
        (
            {"start_amount": Decimal("30"), "times_per_day": 3, "max_per_day": Decimal("80")},
            "start_amount",
            "The starting dose already exceeds the daily maximum. 30 mg 3 times a day is "
            "90 mg a day, above 80 mg.",
        ),
    ],
    ids=["target below start", "target without step", "start above maximum"],
)
def test_dose_clean_explains_what_does_not_add_up(values, field, message):
    guideline = DoseGuidelineFactory.build(drug=DrugFactory(), **values)
    with pytest.raises(ValidationError) as caught:
        guideline.full_clean()
    assert caught.value.message_dict[field] == [message]


def test_a_consistent_titration_is_valid():
    guideline = DoseGuidelineFactory.build(
        drug=DrugFactory(),
        start_amount=Decimal("5"),
        times_per_day=3,
        step_amount=Decimal("5"),
        step_interval_days=3,
        target_amount=Decimal("20"),
        usual_min_per_day=Decimal("40"),
        usual_max_per_day=Decimal("80"),
        max_per_day=Decimal("80"),
    )
    guideline.full_clean()
    guideline.save()
    assert DoseGuideline.objects.count() == 1


@pytest.mark.parametrize(
    "values", [{"amount": Decimal("0")}, {"amount": Decimal("5"), "per_amount": Decimal("0")}]
)
def test_strength_amounts_must_be_positive(values):
    formulation = FormulationFactory()
    with refused_by_database():
        Strength.objects.create(formulation=formulation, unit="mg", **values)


# Interactions


def test_a_drug_cannot_interact_with_itself():
    drug = DrugFactory()
    interaction = InteractionFactory.build(drug=drug, interactant_drug=drug)
    with pytest.raises(ValidationError) as caught:
        interaction.full_clean()
    assert "A drug cannot interact with itself." in messages(caught.value)
    with refused_by_database():
        interaction.save()


@pytest.mark.parametrize("reversed_order", [False, True], ids=["same order", "reversed"])
def test_a_drug_pair_is_stored_once_in_either_order(reversed_order):
    baclofen, tizanidine = DrugFactory(), DrugFactory()
    InteractionFactory(drug=baclofen, interactant_drug=tizanidine)
    first, second = (tizanidine, baclofen) if reversed_order else (baclofen, tizanidine)

    duplicate = InteractionFactory.build(drug=first, interactant_drug=second)
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert "An interaction between these two drugs already exists." in messages(caught.value)
    with refused_by_database():
        duplicate.save()


def test_a_drug_has_one_interaction_per_class_and_per_substance():
    drug, opioids, alcohol = DrugFactory(), DrugClassFactory(), SubstanceFactory()
    InteractionFactory(drug=drug, interactant_class=opioids)
    InteractionFactory(drug=drug, interactant_substance=alcohol)
    with refused_by_database():
        InteractionFactory(drug=drug, interactant_class=opioids)
    with refused_by_database():
        InteractionFactory(drug=drug, interactant_substance=alcohol)


@pytest.mark.parametrize(
    "interactants",
    [
        {},
        {"drug": True, "class": True},
        {"drug": True, "substance": True},
        {"class": True, "substance": True},
        {"drug": True, "class": True, "substance": True},
    ],
    ids=["none", "drug and class", "drug and substance", "class and substance", "all three"],
)
def test_an_interaction_has_exactly_one_interactant(interactants):
    interaction = Interaction(
        drug=DrugFactory(),
        interactant_drug=DrugFactory() if interactants.get("drug") else None,
        interactant_class=DrugClassFactory() if interactants.get("class") else None,
        interactant_substance=SubstanceFactory() if interactants.get("substance") else None,
        severity="moderate",
        effect="More drowsiness.",
        advice="Avoid.",
    )
    with pytest.raises(ValidationError) as caught:
        interaction.full_clean()
    assert "Choose exactly one of: another drug, a drug class or a substance." in messages(
        caught.value
    )
    with refused_by_database():
        interaction.save()


# Drug classes


def test_a_class_cannot_be_its_own_parent():
    depressants = DrugClassFactory()
    depressants.parent = depressants
    with pytest.raises(ValidationError) as caught:
        depressants.full_clean()
    assert caught.value.message_dict["parent"] == ["A class cannot sit inside itself."]
    with refused_by_database():
        depressants.save()


def test_a_class_cannot_be_its_own_ancestor():
    depressants = DrugClassFactory(name="CNS depressants")
    benzodiazepines = DrugClassFactory(name="Benzodiazepines", parent=depressants)
    short_acting = DrugClassFactory(name="Short-acting", parent=benzodiazepines)
    depressants.parent = short_acting
    with pytest.raises(ValidationError) as caught:
        depressants.clean()
    assert caught.value.message_dict["parent"] == ["A class cannot sit inside itself."]


def test_a_class_may_sit_inside_another():
    benzodiazepines = DrugClassFactory.build(parent=DrugClassFactory(), slug="benzodiazepines")
    benzodiazepines.full_clean()
    benzodiazepines.save()
    assert benzodiazepines.parent.children.get() == benzodiazepines


def test_a_reference_url_is_http_or_https_whoever_writes_it():
    drug = DrugFactory()
    with pytest.raises(ValueError, match="only http and https"), transaction.atomic():
        Reference.objects.create(drug=drug, title="Bad", url="javascript:alert(1)")
    reference = Reference.objects.create(drug=drug, title="Good", url="https://example.org/")
    with pytest.raises(ValueError, match="only http and https"), transaction.atomic():
        Reference.objects.filter(pk=reference.pk).update(url=" JavaScript:alert(1)")
    assert Reference.objects.get(pk=reference.pk).url == "https://example.org/"


def test_search_reads_the_newest_few_labels_of_a_drug_with_many(django_assert_num_queries):
    from drugs.models import SEARCH_LABELS, Drug, LabelSource

    drugs = [DrugFactory(generic_name=f"Genericazole {n}") for n in range(2)]
    for drug in drugs:
        for n in range(SEARCH_LABELS + 4):
            LabelSource.objects.create(
                drug=drug,
                spl_id=f"{drug.pk}-{n}",
                set_id=f"set-{drug.pk}-{n}",
                sections={"indications_and_usage": f"Label {n} of {drug.generic_name}."},
                content_hash=str(n),
            )
    with django_assert_num_queries(6):  # the drugs and five prefetches, however many labels
        found = list(Drug.objects.filter(pk__in=[d.pk for d in drugs]).for_search())
    for drug in found:
        assert len(drug.search_label_sources) == SEARCH_LABELS
        assert f"Label {SEARCH_LABELS + 3} of {drug.generic_name}." in drug.search_text().body


def test_choice_label_says_what_get_display_says_for_every_choice_and_unknown_values():
    """choice_label() reads a field's choices once; it must give what Django's
    get_FOO_display() gives, for every choice of every choice field, and the stored value
    itself for one not among them (a row written before a choice was renamed)."""
    fields = [
        (model, field)
        for model in apps.get_app_config("drugs").get_models()
        for field in model._meta.concrete_fields
        if field.choices
    ]
    assert len(fields) > 5
    for model, field in fields:
        for value, _label in field.flatchoices:
            row = model(**{field.attname: value})
            shown = getattr(row, f"get_{field.name}_display")()
            assert choice_label(row, field.name) == shown, (model, field.name, value)
        row = model(**{field.attname: "no-such-choice"})
        assert choice_label(row, field.name) == "no-such-choice"
