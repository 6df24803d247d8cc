"""The liquid-dose converter: its arithmetic, its messages, and the form on the drug page."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from drugs.converter import (
    LiquidProduct,
    convert,
    daily_maximum_mg,
    liquid_products,
    parse_amount,
    read_converter,
)
from drugs.models import DosageForm, Route
from tests.factories import FormulationFactory, StrengthFactory

OZOBAX = LiquidProduct(id=1, name="Ozobax oral solution", strength="5 mg/5 mL", mg_per_ml=1)
FLEQSUVY = LiquidProduct(
    id=2, name="Fleqsuvy oral suspension", strength="25 mg/5 mL", mg_per_ml=Decimal(5)
)


@pytest.mark.parametrize(
    ("product", "amount", "unit", "result", "result_unit"),
    [
        (OZOBAX, "10", "mg", "10", "mL"),
        (FLEQSUVY, "10", "mg", "2", "mL"),
        (OZOBAX, "10", "mL", "10", "mg"),
        (FLEQSUVY, "10", "mL", "50", "mg"),
        (FLEQSUVY, "2.5", "mg", "0.5", "mL"),
    ],
)
def test_converts_mg_to_ml_and_back(product, amount, unit, result, result_unit):
    conversion = convert(product, amount=Decimal(amount), unit=unit)
    assert conversion.result == Decimal(result)
    assert conversion.result_unit == result_unit
    assert not conversion.is_rounded


def test_ten_mg_is_ten_ml_of_ozobax_but_two_ml_of_fleqsuvy():
    assert convert(OZOBAX, amount=Decimal(10), unit="mg").sentence == (
        "10 mg of Ozobax oral solution, 5 mg/5 mL is 10 mL."
    )
    assert convert(FLEQSUVY, amount=Decimal(10), unit="mg").sentence == (
        "10 mg of Fleqsuvy oral suspension, 25 mg/5 mL is 2 mL."
    )


def test_results_are_rounded_to_two_places_and_say_about():
    product = LiquidProduct(id=3, name="Oral solution", strength="3 mg/mL", mg_per_ml=Decimal(3))
    conversion = convert(product, amount=Decimal(10), unit="mg")
    assert conversion.result == Decimal("3.33")
    assert conversion.sentence == "10 mg of Oral solution, 3 mg/mL is about 3.33 mL."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter an amount to convert."),
        ("ten", "Enter the amount as a number, such as 10 or 2.5."),
        ("10 mg", "Enter the amount as a number, such as 10 or 2.5."),
        ("1,5", "Enter the amount as a number, such as 10 or 2.5."),
        ("NaN", "Enter the amount as a number, such as 10 or 2.5."),
        ("Infinity", "Enter the amount as a number, such as 10 or 2.5."),
        ("1" * 30, "Enter the amount as a number, such as 10 or 2.5."),
        ("0", "Enter an amount more than zero."),
        ("-5", "Enter an amount more than zero."),
        ("0.001", "Enter at least 0.01 mg."),
        ("10001", "That is far more than any dose: enter no more than 10,000 mg."),
        ("1e9", "That is far more than any dose: enter no more than 10,000 mg."),
    ],
)
def test_bad_amounts_get_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_amount(text, unit="mg")


def test_amounts_may_be_decimals_with_spaces_around():
    assert parse_amount(" 2.5 ", unit="mL") == Decimal("2.5")


def query(**values) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update(values)
    return data


def test_an_empty_query_is_an_empty_form_with_the_first_liquid_chosen():
    converter = read_converter([OZOBAX, FLEQSUVY], query=query())
    assert converter.selected == OZOBAX
    assert not converter.errors
    assert converter.conversion is None


def test_a_query_picks_the_liquid_and_converts():
    converter = read_converter([OZOBAX, FLEQSUVY], query=query(liquid="2", amount="10", unit="mg"))
    assert converter.selected == FLEQSUVY
    assert converter.conversion.result == Decimal(2)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"liquid": "99", "amount": "10"}, "liquid", "Choose one of the liquids listed."),
        ({"liquid": "x", "amount": "10"}, "liquid", "Choose one of the liquids listed."),
        ({"liquid": "1", "amount": "10", "unit": "tsp"}, "unit", "Choose mg or mL."),
        ({"liquid": "1", "amount": "-1"}, "amount", "Enter an amount more than zero."),
    ],
)
def test_bad_queries_name_the_field_at_fault(values, field, message):
    converter = read_converter([OZOBAX, FLEQSUVY], query=query(**values))
    assert converter.errors == {field: message}
    assert converter.conversion is None


def test_the_warning_says_how_many_times_stronger_one_liquid_is():
    assert read_converter([OZOBAX, FLEQSUVY], query=query()).fold == "5"
    assert read_converter([OZOBAX], query=query()).fold == ""


@pytest.mark.django_db
def test_products_come_from_oral_liquid_strengths_only():
    solution = FormulationFactory(dosage_form=DosageForm.ORAL_SOLUTION, brand="Ozobax")
    drug = solution.drug
    StrengthFactory(formulation=solution, amount=5, per_amount=5, per_unit="mL")
    StrengthFactory(formulation=FormulationFactory(drug=drug), amount=10)  # a tablet
    intrathecal = FormulationFactory(
        drug=drug, dosage_form=DosageForm.INTRATHECAL_INJECTION, route=Route.INTRATHECAL
    )
    StrengthFactory(formulation=intrathecal, amount=500, unit="mcg", per_unit="mL")
    suspension = FormulationFactory(drug=drug, dosage_form=DosageForm.ORAL_SUSPENSION)
    StrengthFactory(formulation=suspension, amount=500, unit="mcg", per_unit="mL")

    products = liquid_products(drug.formulations.all())

    assert [(p.label, p.mg_per_ml) for p in products] == [
        ("Ozobax oral solution, 5 mg/5 mL", Decimal(1)),
        ("Oral suspension, 500 mcg/mL", Decimal("0.5")),
    ]


# The form on the drug page ------------------------------------------------------------------


@pytest.fixture
def liquids(baclofen):
    """Baclofen's two oral liquids, as in the demo: Ozobax 5 mg/5 mL and Fleqsuvy 25 mg/5 mL."""
    ozobax = FormulationFactory(
        drug=baclofen, dosage_form=DosageForm.ORAL_SOLUTION, brand="Ozobax", order=1
    )
    fleqsuvy = FormulationFactory(
        drug=baclofen, dosage_form=DosageForm.ORAL_SUSPENSION, brand="Fleqsuvy", order=2
    )
    return SimpleNamespace(
        drug=baclofen,
        ozobax=StrengthFactory(formulation=ozobax, amount=5, per_amount=5, per_unit="mL"),
        fleqsuvy=StrengthFactory(formulation=fleqsuvy, amount=25, per_amount=5, per_unit="mL"),
    )


@pytest.mark.django_db
def test_drug_page_offers_the_converter_with_the_bottle_warning(client, liquids):
    page = client.get(liquids.drug.get_absolute_url()).content.decode()
    assert 'id="converter"' in page
    assert "Check the strength on your bottle." in page
    assert "5 times as much medicine" in page
    assert "Ozobax oral solution, <strong>5 mg/5 mL</strong>" in page
    assert "Fleqsuvy oral suspension, <strong>25 mg/5 mL</strong>" in page
    assert "js/converter.js" in page


@pytest.mark.django_db
def test_drug_without_oral_liquids_has_no_converter(client, baclofen):
    page = client.get(baclofen.get_absolute_url()).content.decode()
    assert 'id="converter"' not in page
    assert "js/converter.js" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(("liquid", "answer"), [("ozobax", "10 mL"), ("fleqsuvy", "2 mL")])
def test_converter_answers_without_javascript(client, liquids, liquid, answer):
    strength = getattr(liquids, liquid)
    response = client.get(
        liquids.drug.get_absolute_url(), {"liquid": strength.pk, "amount": "10", "unit": "mg"}
    )
    assert response.status_code == 200
    assert f"is {answer}.</output>" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"amount": "-5"}, "Enter an amount more than zero."),
        ({"amount": "0"}, "Enter an amount more than zero."),
        ({"amount": "abc"}, "Enter the amount as a number, such as 10 or 2.5."),
        ({"amount": "99999999"}, "That is far more than any dose"),
        ({"amount": "10", "liquid": "123456789"}, "Choose one of the liquids listed."),
        ({"amount": "10", "liquid": "'; drop table"}, "Choose one of the liquids listed."),
        ({"amount": "10", "unit": "spoon"}, "Choose mg or mL."),
    ],
)
def test_converter_bad_input_is_a_message_not_an_error(client, liquids, values, message):
    values = {"liquid": liquids.ozobax.pk, "unit": "mg", **values}
    response = client.get(liquids.drug.get_absolute_url(), values)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "</output>" not in page


@pytest.mark.django_db
def test_converter_adds_no_queries(client, liquids):
    url = liquids.drug.get_absolute_url()
    client.get(url)  # its rows read and kept (drugs.kept_rows), for both pages below
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    with CaptureQueriesContext(connection) as converting:
        client.get(url, {"liquid": liquids.fleqsuvy.pk, "amount": "10", "unit": "mg"})
    assert len(converting.captured_queries) == len(plain.captured_queries)


# More than the page allows a day ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("liquid", "amount", "unit", "mg"),
    [("ozobax", "500", "mg", "500"), ("fleqsuvy", "50", "mL", "250")],
)
def test_an_amount_over_the_daily_maximum_is_flagged(client, liquids, liquid, amount, unit, mg):
    strength = getattr(liquids, liquid)
    response = client.get(
        liquids.drug.get_absolute_url(), {"liquid": strength.pk, "amount": amount, "unit": unit}
    )
    page = response.content.decode()
    assert "</output>" in page  # still answered: the reader may be checking a label
    assert (
        f'<p class="converter__over" role="alert">{mg} mg is more than the largest daily '
        "maximum on this page (80 mg a day). Check the amount you typed, and ask your doctor "
        "or pharmacist before taking this much.</p>"
    ) in page
    assert 'data-daily-maximum-mg="80' in page  # the same check as the reader types


@pytest.mark.django_db
def test_an_amount_within_the_daily_maximum_is_not_flagged(client, liquids):
    response = client.get(
        liquids.drug.get_absolute_url(),
        {"liquid": liquids.ozobax.pk, "amount": "80", "unit": "mg"},
    )
    assert "converter__over" not in response.content.decode()


def test_the_daily_maximum_is_the_largest_oral_one_in_mg():
    doses = [
        SimpleNamespace(route="oral", unit="mg", max_per_day=Decimal(80)),
        SimpleNamespace(route="oral", unit="g", max_per_day=Decimal("0.1")),  # 100 mg
        SimpleNamespace(route="intrathecal", unit="mcg", max_per_day=Decimal(1000000)),
        SimpleNamespace(route="oral", unit="mg/kg", max_per_day=Decimal(500)),
        SimpleNamespace(route="oral", unit="mg", max_per_day=None),
    ]
    assert daily_maximum_mg(doses) == Decimal(100)
    assert daily_maximum_mg([]) is None
