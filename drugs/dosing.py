"""Dose arithmetic and wording: the sentence and the titration schedule for a dose guideline.

Pure functions over plain values, so they are tested without a database. A guideline is any
object with the DoseGuideline attributes (start_amount, unit, times_per_day, step_amount,
step_interval_days, target_amount, usual_min_per_day, usual_max_per_day, max_per_day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
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


def times_a_day(times: int | None) -> str:
    if not times:
        return ""
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


def describe(guideline: Guideline) -> str:
    """The dose in one sentence, e.g. "5 mg three times a day, raised by 5 mg per dose every
    3 days (5 → 10 → 15 → 20 mg three times a day); usually 40–80 mg a day; never more than
    80 mg a day"."""
    unit = guideline.unit
    frequency = times_a_day(guideline.times_per_day)
    parts = [" ".join(filter(None, [f"{format_amount(guideline.start_amount)} {unit}", frequency]))]

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
