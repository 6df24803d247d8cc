"""The dose sentence, the titration schedule and strength parsing, without a database."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from drugs.dosing import (
    ParsedStrength,
    TitrationStep,
    describe,
    format_amount,
    parse_strength,
    titration_schedule,
)


@dataclass
class Guideline:
    """Stands in for a DoseGuideline: the dosing functions read only these attributes."""

    start_amount: Decimal
    unit: str = "mg"
    times_per_day: int | None = None
    step_amount: Decimal | None = None
    step_interval_days: int | None = None
    target_amount: Decimal | None = None
    usual_min_per_day: Decimal | None = None
    usual_max_per_day: Decimal | None = None
    max_per_day: Decimal | None = None


def baclofen_tablets(**changes) -> Guideline:
    values = {
        "start_amount": Decimal("5.000"),
        "times_per_day": 3,
        "step_amount": Decimal("5.000"),
        "step_interval_days": 3,
        "target_amount": Decimal("20.000"),
        "usual_min_per_day": Decimal("40.000"),
        "usual_max_per_day": Decimal("80.000"),
        "max_per_day": Decimal("80.000"),
    }
    return Guideline(**{**values, **changes})


def test_baclofen_dose_reads_as_one_sentence():
    assert describe(baclofen_tablets()) == (
        "5 mg three times a day, raised by 5 mg per dose every 3 days "
        "(5 → 10 → 15 → 20 mg three times a day); usually 40–80 mg a day; "
        "never more than 80 mg a day"
    )


def test_single_dose_without_titration_is_just_amount_and_frequency():
    assert describe(Guideline(start_amount=Decimal("5"), times_per_day=1)) == "5 mg once a day"


def test_continuous_dose_names_no_frequency():
    guideline = Guideline(
        start_amount=Decimal("50"),
        unit="mcg",
        usual_min_per_day=Decimal("300"),
        usual_max_per_day=Decimal("800"),
    )
    assert describe(guideline) == "50 mcg; usually 300–800 mcg a day"


def test_once_daily_step_is_not_per_dose_and_daily_interval_is_singular():
    guideline = Guideline(
        start_amount=Decimal("300"),
        times_per_day=1,
        step_amount=Decimal("300"),
        step_interval_days=1,
        target_amount=Decimal("900"),
    )
    assert describe(guideline) == (
        "300 mg once a day, raised by 300 mg every day (300 → 600 → 900 mg once a day)"
    )


def test_baclofen_titration_runs_in_three_day_steps_to_20_mg():
    assert titration_schedule(baclofen_tablets()) == [
        TitrationStep(first_day=1, last_day=3, per_dose=Decimal("5"), times_per_day=3),
        TitrationStep(first_day=4, last_day=6, per_dose=Decimal("10"), times_per_day=3),
        TitrationStep(first_day=7, last_day=9, per_dose=Decimal("15"), times_per_day=3),
        TitrationStep(first_day=10, last_day=12, per_dose=Decimal("20"), times_per_day=3),
    ]


def test_titration_step_totals_the_day():
    step = TitrationStep(first_day=1, last_day=3, per_dose=Decimal("5"), times_per_day=3)
    assert step.per_day == Decimal("15")


@pytest.mark.parametrize(
    ("target", "max_per_day"),
    [
        (Decimal("40"), Decimal("80")),  # the target would give 120 mg a day
        (None, Decimal("80")),  # no target: the maximum alone decides
        (Decimal("20"), Decimal("50")),  # the maximum falls between two steps
    ],
)
def test_schedule_never_goes_above_the_daily_maximum(target, max_per_day):
    guideline = baclofen_tablets(
        target_amount=target,
        usual_min_per_day=None,
        usual_max_per_day=None,
        max_per_day=max_per_day,
    )
    schedule = titration_schedule(guideline)
    assert schedule
    assert all(step.per_day <= max_per_day for step in schedule)
    assert schedule[-1].per_day + 3 * guideline.step_amount > max_per_day


@pytest.mark.parametrize(
    "changes",
    [
        {"step_amount": None, "step_interval_days": None},
        {"step_amount": None},
        {"step_interval_days": None},
        {"times_per_day": None},
        {"target_amount": None, "max_per_day": None},
        {"target_amount": Decimal("5")},
    ],
    ids=["no step", "no step amount", "no interval", "no frequency", "no ceiling", "at target"],
)
def test_no_schedule_without_a_step_to_take(changes):
    assert titration_schedule(baclofen_tablets(**changes)) == []


def test_sentence_has_no_ladder_without_a_schedule():
    guideline = baclofen_tablets(target_amount=None, max_per_day=None, usual_max_per_day=None)
    assert describe(guideline) == (
        "5 mg three times a day, raised by 5 mg per dose every 3 days; usually 40 mg a day"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("5.000"), "5"),
        (Decimal("2.500"), "2.5"),
        (Decimal("0.050"), "0.05"),
        (Decimal("1000"), "1,000"),
        (Decimal("1E+3"), "1,000"),
        (12, "12"),
        (None, ""),
    ],
)
def test_format_amount_drops_trailing_zeros_and_groups_thousands(value, text):
    assert format_amount(value) == text


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("10 mg", ParsedStrength(Decimal("10"), "mg")),
        ("10mg", ParsedStrength(Decimal("10"), "mg")),
        (" 2.5 MG ", ParsedStrength(Decimal("2.5"), "mg")),
        ("5 mg/5 mL", ParsedStrength(Decimal("5"), "mg", Decimal("5"), "mL")),
        ("500 mcg/mL", ParsedStrength(Decimal("500"), "mcg", None, "mL")),
        ("500 µg per mL", ParsedStrength(Decimal("500"), "mcg", None, "mL")),
        ("1,000 mcg/mL", ParsedStrength(Decimal("1000"), "mcg", None, "mL")),
        ("1 g", ParsedStrength(Decimal("1"), "g")),
    ],
)
def test_parse_strength_reads_what_editors_type(text, parsed):
    assert parse_strength(text) == parsed


@pytest.mark.parametrize(
    "text",
    ["", "mg", "ten mg", "10", "10 kg", "-5 mg", "0 mg", "5 mg/0 mL", "5 mg/5 L", "5 mg; 10 mg"],
)
def test_parse_strength_refuses_anything_else(text):
    with pytest.raises(ValueError, match=r"strength|more than zero"):
        parse_strength(text)
