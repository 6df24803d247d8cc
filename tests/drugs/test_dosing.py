"""The dose sentence, the titration schedule, its chart and diary, and strength parsing, without
a database."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError

from drugs.dosing import (
    ParsedStrength,
    TitrationStep,
    describe,
    diary_days,
    diary_guideline,
    format_amount,
    parse_start,
    parse_strength,
    titration_chart,
    titration_schedule,
)
from drugs.forms import FormulationForm
from drugs.models import DoseGuideline
from drugs.templatetags.dosing_tags import titration_svg


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
    times_per_day_max: int | None = None
    max_per_dose: Decimal | None = None


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


def test_a_range_of_times_a_day_reads_as_a_range():
    guideline = Guideline(start_amount=Decimal("400"), times_per_day=3, times_per_day_max=4)
    assert describe(guideline) == "400 mg 3 to 4 times a day"
    twice = Guideline(start_amount=Decimal("10"), times_per_day=1, times_per_day_max=2)
    assert describe(twice) == "10 mg once or twice a day"


def test_a_dose_by_weight_states_its_cap_per_dose():
    guideline = Guideline(
        start_amount=Decimal("10"), unit="mg/kg", times_per_day=3, max_per_dose=Decimal("500")
    )
    assert describe(guideline) == ("10 mg/kg three times a day, never more than 500 mg a dose")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"max_per_dose": Decimal("500")}, "max_per_dose"),
        ({"times_per_day": None, "times_per_day_max": 4}, "times_per_day_max"),
        ({"times_per_day_max": 3}, "times_per_day_max"),
    ],
)
def test_a_guideline_refuses_a_cap_or_range_that_makes_no_sense(changes, field):
    values = {"start_amount": Decimal("10"), "unit": "mg", "times_per_day": 3, **changes}
    with pytest.raises(ValidationError) as error:
        DoseGuideline(**values).clean()
    assert field in error.value.message_dict


def test_a_cap_per_dose_is_fine_for_a_dose_by_weight():
    DoseGuideline(
        start_amount=Decimal("10"), unit="mg/kg", times_per_day=3, max_per_dose=Decimal("500")
    ).clean()


@pytest.mark.parametrize(
    ("text", "count"),
    [("400 mg, 800 mg", 2), ("5 mg/5 mL", 1), ("5 mg; 10 mg; 20 mg", 3), ("1,000 mg, 2 g", 2)],
)
def test_editors_type_strengths_as_the_site_shows_them(text, count):
    form = FormulationForm(
        data={
            "dosage_form": "tablet",
            "route": "oral",
            "release": "immediate",
            "order": 0,
            "strengths": text,
        }
    )
    form.is_valid()
    assert "strengths" not in form.errors
    assert len(form.cleaned_data["strengths"]) == count


def test_strengths_the_form_cannot_read_are_refused_by_name():
    form = FormulationForm(
        data={
            "dosage_form": "tablet",
            "route": "oral",
            "release": "immediate",
            "order": 0,
            "strengths": "400 mg, lots",
        }
    )
    assert not form.is_valid()
    assert '"lots"' in form.errors["strengths"][0]


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


# The titration chart and the medication diary --------------------------------------------------


def test_chart_draws_one_bar_per_step_rising_with_the_daily_total():
    guideline = baclofen_tablets()
    chart = titration_chart(titration_schedule(guideline), unit="mg", max_per_day=Decimal(80))
    assert [bar.days for bar in chart.bars] == ["Days 1–3", "Days 4–6", "Days 7–9", "Days 10–12"]
    assert [bar.step.per_day for bar in chart.bars] == [15, 30, 45, 60]
    heights = [bar.height for bar in chart.bars]
    assert heights == sorted(heights)
    assert heights[1] == pytest.approx(2 * heights[0], abs=0.2)
    assert all(bar.y + bar.height == pytest.approx(chart.bottom) for bar in chart.bars)


def test_chart_marks_the_daily_maximum_above_every_bar():
    chart = titration_chart(
        titration_schedule(baclofen_tablets()), unit="mg", max_per_day=Decimal(80)
    )
    assert chart.max_y is not None
    assert all(bar.y >= chart.max_y for bar in chart.bars)
    assert [tick.value for tick in chart.ticks] == [0, 20, 40, 60, 80]


def test_chart_of_a_capped_schedule_reaches_but_never_passes_the_maximum():
    guideline = baclofen_tablets(
        target_amount=None, usual_min_per_day=None, usual_max_per_day=None, max_per_day=60
    )
    chart = titration_chart(titration_schedule(guideline), unit="mg", max_per_day=Decimal(60))
    assert chart.bars[-1].step.per_day == 60
    assert chart.bars[-1].y == chart.max_y


def test_chart_without_a_maximum_has_no_maximum_line():
    chart = titration_chart(titration_schedule(baclofen_tablets()), unit="mg", max_per_day=None)
    assert chart.max_y is None
    assert chart.ticks[-1].value >= 60


def test_long_schedules_widen_the_chart_instead_of_crowding_it():
    guideline = Guideline(
        start_amount=Decimal(1),
        times_per_day=1,
        step_amount=Decimal(1),
        step_interval_days=7,
        target_amount=Decimal(12),
    )
    chart = titration_chart(titration_schedule(guideline), unit="mg", max_per_day=None)
    assert len(chart.bars) == 12
    assert all(bar.width >= 60 for bar in chart.bars)
    assert chart.bars[-1].x + chart.bars[-1].width <= chart.right


def test_no_chart_without_at_least_two_steps():
    assert titration_chart([], unit="mg", max_per_day=None) is None


def drawn(unit: str = "mg", max_per_day: Decimal | None = Decimal(80)) -> ElementTree.Element:
    """Baclofen's tablet schedule drawn in SVG, parsed: what a screen reader and a browser get."""
    chart = titration_chart(
        titration_schedule(baclofen_tablets(unit=unit)), unit=unit, max_per_day=max_per_day
    )
    return ElementTree.fromstring(titration_svg(chart, DoseGuideline(pk=7)))


def texts(svg: ElementTree.Element, css_class: str) -> list[str]:
    return [text.text for text in svg.iter("text") if text.get("class") == css_class]


def test_chart_is_drawn_with_a_bar_and_its_figures_for_each_step():
    svg = drawn()
    chart = titration_chart(
        titration_schedule(baclofen_tablets()), unit="mg", max_per_day=Decimal(80)
    )
    heights = [float(rect.get("height")) for rect in svg.iter("rect")]
    assert heights == [bar.height for bar in chart.bars]
    assert texts(svg, "titration-chart__value") == ["15", "30", "45", "60"]
    assert texts(svg, "titration-chart__day") == ["Days 1–3", "Days 4–6", "Days 7–9", "Days 10–12"]
    assert texts(svg, "titration-chart__dose") == ["5 mg ×3", "10 mg ×3", "15 mg ×3", "20 mg ×3"]
    assert texts(svg, "titration-chart__tick") == ["0", "20", "40", "60", "80"]


def test_chart_says_what_it_shows_in_words_under_ids_of_its_own():
    svg = drawn()
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "titration-7-svg-title titration-7-svg-desc"
    assert svg.find("title").get("id") == "titration-7-svg-title"
    description = svg.find("desc")
    assert description.get("id") == "titration-7-svg-desc"
    assert description.text == (
        "Days 1–3: 5 mg three times a day, 15 mg a day. Days 4–6: 10 mg three times a day, "
        "30 mg a day. Days 7–9: 15 mg three times a day, 45 mg a day. Days 10–12: 20 mg three "
        "times a day, 60 mg a day. The dashed line is the maximum, 80 mg a day. The same figures "
        "are in the table below."
    )
    maximum = svg.find("g[@class='titration-chart__maximum']")
    assert maximum.find("text").text == "Maximum 80 mg a day"


def test_chart_without_a_maximum_draws_and_says_none():
    svg = drawn(max_per_day=None)
    assert svg.find("g[@class='titration-chart__maximum']") is None
    assert "maximum" not in svg.find("desc").text


def test_chart_escapes_its_unit():
    svg = drawn(unit='<b onclick="x()">mg</b>')  # parsed, so nothing broke out of its text
    assert texts(svg, "titration-chart__dose")[0] == '5 <b onclick="x()">mg</b> ×3'
    assert svg.find("title").text == 'Chart: total <b onclick="x()">mg</b> a day, step by step'


def test_diary_has_a_day_for_every_day_of_the_schedule_with_its_dose():
    days = diary_days(baclofen_tablets())
    assert [day.number for day in days] == list(range(1, 13))
    assert [day.per_dose for day in days] == [5] * 3 + [10] * 3 + [15] * 3 + [20] * 3
    assert all(day.times_per_day == 3 for day in days)
    assert list(days[0].slots) == [1, 2, 3]
    assert days[0].on is None


def test_diary_dates_run_from_the_start():
    days = diary_days(baclofen_tablets(), start=date(2025, 12, 30))
    assert days[0].on == date(2025, 12, 30)
    assert days[2].on == date(2026, 1, 1)
    assert days[-1].on == date(2026, 1, 10)


def test_diary_never_asks_for_more_than_the_daily_maximum():
    guideline = baclofen_tablets(
        target_amount=None, usual_min_per_day=None, usual_max_per_day=None, max_per_day=50
    )
    assert max(day.per_dose * day.times_per_day for day in diary_days(guideline)) <= 50


def test_diary_without_a_schedule_is_a_fortnight_of_blank_doses():
    days = diary_days(Guideline(start_amount=Decimal(5), times_per_day=2))
    assert len(days) == 14
    assert all(day.per_dose is None and day.times_per_day == 2 for day in days)


def test_diary_without_any_dose_has_one_row_a_day():
    days = diary_days(None)
    assert len(days) == 14
    assert all(day.times_per_day == 1 for day in days)


def test_diary_follows_the_first_guideline_with_a_schedule():
    plain = Guideline(start_amount=Decimal(5), times_per_day=1)
    titrated = baclofen_tablets()
    assert diary_guideline([plain, titrated]) is titrated
    assert diary_guideline([Guideline(start_amount=Decimal(50)), plain]) is plain
    assert diary_guideline([Guideline(start_amount=Decimal(50))]) is None


def test_diary_follows_a_chosen_schedule_by_id_and_ignores_other_choices():
    first, second = baclofen_tablets(), baclofen_tablets(start_amount=Decimal(10))
    first.pk, second.pk = 1, 2
    plain = Guideline(start_amount=Decimal(5), times_per_day=1)
    plain.pk = 3
    assert diary_guideline([first, second, plain], chosen="2") is second
    assert diary_guideline([first, second, plain], chosen="3") is first  # no schedule
    assert diary_guideline([first, second, plain], chosen="nope") is first


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tomorrow", "Enter the first day as a date"),
        ("2025-02-30", "Enter the first day as a date"),
        ("2025-1-5", "Enter the first day as a date"),
        ("20250105", "Enter the first day as a date"),
        ("9999-12-31", "within a year of today"),
        ("0001-01-01", "within a year of today"),
    ],
)
def test_bad_start_dates_get_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_start(text, today=date(2025, 6, 1))


def test_start_date_reads_iso_dates():
    assert parse_start(" 2025-06-15 ", today=date(2025, 6, 1)) == date(2025, 6, 15)
