"""Dose arithmetic and wording: the sentence and the titration schedule for a dose guideline.

Pure functions over plain values, so they are tested without a database. A guideline is any
object with the DoseGuideline attributes (start_amount, unit, times_per_day, step_amount,
step_interval_days, target_amount, usual_min_per_day, usual_max_per_day, max_per_day; and
optionally times_per_day_max and max_per_dose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Protocol

TIMES_A_DAY = {1: "once a day", 2: "twice a day", 3: "three times a day", 4: "four times a day"}


class Guideline(Protocol):
    start_amount: Decimal
    unit: str
    times_per_day: int | None
    step_amount: Decimal | None
    step_interval_days: int | None
    target_amount: Decimal | None
    usual_min_per_day: Decimal | None
    usual_max_per_day: Decimal | None
    max_per_day: Decimal | None


@dataclass(frozen=True)
class TitrationStep:
    first_day: int
    last_day: int
    per_dose: Decimal
    times_per_day: int

    @property
    def per_day(self) -> Decimal:
        return self.per_dose * self.times_per_day


def format_amount(value: Decimal | int | float | None) -> str:
    """2.500 → "2.5", 5.000 → "5", 1000 → "1,000"."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:f}"


def times_a_day(times: int | None, times_max: int | None = None) -> str:
    """ "three times a day"; with `times_max`, a range: "3 to 4 times a day"."""
    if not times:
        return ""
    if times_max and times_max > times:
        if (times, times_max) == (1, 2):
            return "once or twice a day"
        return f"{times} to {times_max} times a day"
    return TIMES_A_DAY.get(times, f"{times} times a day")


def titration_schedule(guideline: Guideline) -> list[TitrationStep]:
    """Day-by-day steps from the starting dose up to the target, never past the daily maximum.

    Baclofen tablets: 5 mg three times a day, +5 mg per dose every 3 days, up to 20 mg per dose
    gives days 1-3: 5 mg, 4-6: 10 mg, 7-9: 15 mg, 10-12: 20 mg (three times a day).
    """
    times = guideline.times_per_day
    step, interval = guideline.step_amount, guideline.step_interval_days
    if not times or not step or not interval or step <= 0:
        return []
    ceiling = guideline.target_amount
    if guideline.max_per_day is not None:
        by_maximum = guideline.max_per_day / times
        ceiling = by_maximum if ceiling is None else min(ceiling, by_maximum)
    if ceiling is None or ceiling <= guideline.start_amount:
        return []

    doses = [guideline.start_amount]
    while doses[-1] + step <= ceiling and len(doses) < 52:
        doses.append(doses[-1] + step)
    steps = []
    for index, dose in enumerate(doses):
        first = index * interval + 1
        steps.append(
            TitrationStep(
                first_day=first, last_day=first + interval - 1, per_dose=dose, times_per_day=times
            )
        )
    return steps


@dataclass(frozen=True)
class ChartBar:
    """One titration step drawn as a bar: its height is the total a day."""

    step: TitrationStep
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> float:
        return self.x + self.width / 2

    @property
    def days(self) -> str:
        first, last = self.step.first_day, self.step.last_day
        return f"Day {first}" if first == last else f"Days {first}–{last}"


@dataclass(frozen=True)
class ChartTick:
    value: Decimal
    y: float


@dataclass(frozen=True)
class TitrationChart:
    """The geometry of a titration chart, in SVG user units; dosing_tags.titration_svg draws
    it."""

    unit: str
    bars: list[ChartBar]
    ticks: list[ChartTick]
    max_per_day: Decimal | None
    max_y: float | None  # where the line for the daily maximum is drawn
    width: int = 400
    height: int = 250
    left: int = 48  # room for the tick labels
    top: int = 40  # room for the axis title and the maximum's label
    bottom: int = 210  # the x axis; the day labels sit below it

    @property
    def right(self) -> int:
        return self.width - 8


SLOT_WIDTH = 86  # room for "Days 10–12" under a bar


def _nice_step(top: Decimal) -> Decimal:
    """A round tick interval giving four or five ticks up to `top`: 1, 2, 5, 10, 20, 25, 50…"""
    rough = top / 4
    magnitude = Decimal(10) ** (len(str(int(rough))) - 1) if rough >= 1 else Decimal("0.1")
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if magnitude * factor >= rough:
            return magnitude * factor
    return magnitude * 10


def titration_chart(
    schedule: list[TitrationStep], *, unit: str, max_per_day: Decimal | None
) -> TitrationChart | None:
    """Bars for each step's total a day, and a line at the daily maximum when there is one."""
    if len(schedule) < 2:
        return None
    highest = max(step.per_day for step in schedule)
    if max_per_day is not None:
        highest = max(highest, max_per_day)
    interval = _nice_step(highest)
    scale_top = (highest / interval).to_integral_value(rounding=ROUND_CEILING) * interval
    # Each step gets at least SLOT_WIDTH units, so a long schedule widens (and shrinks) the
    # chart instead of crowding its labels.
    width = max(400, 56 + SLOT_WIDTH * len(schedule))
    chart = TitrationChart(
        unit=unit, bars=[], ticks=[], max_per_day=max_per_day, max_y=None, width=width
    )
    plot_height = chart.bottom - chart.top
    slot = (chart.right - chart.left) / len(schedule)

    def y_of(value: Decimal) -> float:
        return round(chart.bottom - float(value / scale_top) * plot_height, 1)

    bars = []
    for index, step in enumerate(schedule):
        y = y_of(step.per_day)
        bars.append(
            ChartBar(
                step=step,
                x=round(chart.left + index * slot + slot * 0.15, 1),
                y=y,
                width=round(slot * 0.7, 1),
                height=round(chart.bottom - y, 1),
            )
        )
    ticks = []
    value = Decimal(0)
    while value <= scale_top:
        ticks.append(ChartTick(value=value, y=y_of(value)))
        value += interval
    return TitrationChart(
        unit=unit,
        bars=bars,
        ticks=ticks,
        max_per_day=max_per_day,
        max_y=y_of(max_per_day) if max_per_day is not None else None,
        width=width,
    )


PLAIN_DIARY_DAYS = 14  # a fortnight of blank days when there is no titration to follow


@dataclass(frozen=True)
class DiaryDay:
    """One day of a medication diary: the dose to take at each time, when it is known."""

    number: int
    on: date | None
    per_dose: Decimal | None
    times_per_day: int

    @property
    def slots(self) -> range:
        return range(1, self.times_per_day + 1)


def diary_guideline(guidelines: list, *, chosen: str = "") -> Guideline | None:
    """The dose a diary follows: the chosen guideline (by id) when it has a titration schedule,
    else the first with one, else the first taken a set number of times a day, else none (a
    blank diary)."""
    for guideline in guidelines:
        is_chosen = chosen and str(getattr(guideline, "pk", "")) == chosen
        if is_chosen and titration_schedule(guideline):
            return guideline
    for guideline in guidelines:
        if titration_schedule(guideline):
            return guideline
    for guideline in guidelines:
        if guideline.times_per_day:
            return guideline
    return None


def diary_days(guideline: Guideline | None, *, start: date | None = None) -> list[DiaryDay]:
    """The diary's days: every day of the titration schedule with its dose, or, without a
    schedule, a fortnight of days with the dose left for the reader to fill in."""
    schedule = titration_schedule(guideline) if guideline is not None else []
    if schedule:
        doses = [
            (day, step.per_dose, step.times_per_day)
            for step in schedule
            for day in range(step.first_day, step.last_day + 1)
        ]
    else:
        times = (guideline.times_per_day if guideline is not None else None) or 1
        doses = [(day, None, times) for day in range(1, PLAIN_DIARY_DAYS + 1)]
    return [
        DiaryDay(
            number=day,
            on=start + timedelta(days=day - 1) if start is not None else None,
            per_dose=per_dose,
            times_per_day=times,
        )
        for day, per_dose, times in doses
    ]


def parse_start(text: str, *, today: date) -> date:
    """A diary's first day from "YYYY-MM-DD", within a year of today; else ValueError with a
    message for the reader."""
    try:
        start = date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        start = None
    if start is None:
        raise ValueError("Enter the first day as a date, for example 2025-03-01.")
    if not today - timedelta(days=366) <= start <= today + timedelta(days=366):
        raise ValueError("Choose a first day within a year of today.")
    return start


def describe(guideline: Guideline) -> str:
    """The dose in one sentence, e.g. "5 mg three times a day, raised by 5 mg per dose every
    3 days (5 → 10 → 15 → 20 mg three times a day); usually 40–80 mg a day; never more than
    80 mg a day"."""
    unit = guideline.unit
    frequency = times_a_day(guideline.times_per_day, getattr(guideline, "times_per_day_max", None))
    parts = [" ".join(filter(None, [f"{format_amount(guideline.start_amount)} {unit}", frequency]))]
    # A dose by body weight with a cap: "10 mg/kg three times a day, never more than 500 mg
    # a dose".
    max_per_dose = getattr(guideline, "max_per_dose", None)
    if max_per_dose is not None:
        parts[0] += f", never more than {format_amount(max_per_dose)} mg a dose"

    if guideline.step_amount and guideline.step_interval_days:
        per = " per dose" if guideline.times_per_day and guideline.times_per_day > 1 else ""
        days = (
            "day" if guideline.step_interval_days == 1 else f"{guideline.step_interval_days} days"
        )
        raise_text = f"raised by {format_amount(guideline.step_amount)} {unit}{per} every {days}"
        steps = titration_schedule(guideline)
        if len(steps) > 1:
            ladder = " → ".join(format_amount(s.per_dose) for s in steps)
            raise_text += f" ({ladder} {unit}{' ' + frequency if frequency else ''})"
        parts[0] += ", " + raise_text

    low, high = guideline.usual_min_per_day, guideline.usual_max_per_day
    if low is not None and high is not None and low != high:
        parts.append(f"usually {format_amount(low)}–{format_amount(high)} {unit} a day")
    elif high is not None or low is not None:
        parts.append(f"usually {format_amount(high if high is not None else low)} {unit} a day")
    if guideline.max_per_day is not None:
        parts.append(f"never more than {format_amount(guideline.max_per_day)} {unit} a day")
    return "; ".join(parts)


@dataclass(frozen=True)
class ParsedStrength:
    amount: Decimal
    unit: str
    per_amount: Decimal | None = None
    per_unit: str = ""


STRENGTH_UNITS = {"mg": "mg", "mcg": "mcg", "µg": "mcg", "g": "g", "ml": "mL", "mg/kg": "mg/kg"}
STRENGTH_PATTERN = re.compile(
    r"^(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>mg|mcg|µg|g)"
    r"(?:\s*(?:/|per)\s*(?P<per_amount>\d+(?:\.\d+)?)?\s*(?P<per_unit>ml))?$",
    re.IGNORECASE,
)


def parse_strength(text: str) -> ParsedStrength:
    """ "10 mg" → 10 mg; "5 mg/5 mL" → 5 mg per 5 mL; "500 mcg/mL" → 500 mcg per mL."""
    match = STRENGTH_PATTERN.match(text.strip().replace(",", ""))
    if not match:
        raise ValueError(f'"{text.strip()}" is not a strength such as "10 mg" or "5 mg/5 mL".')
    amount = Decimal(match["amount"])
    per_amount = Decimal(match["per_amount"]) if match["per_amount"] else None
    if amount <= 0 or (per_amount is not None and per_amount <= 0):
        raise ValueError(f'"{text.strip()}": amounts must be more than zero.')
    per_unit = STRENGTH_UNITS[match["per_unit"].lower()] if match["per_unit"] else ""
    return ParsedStrength(amount, STRENGTH_UNITS[match["unit"].lower()], per_amount, per_unit)
