"""Template filters for the titration chart and the medication diary."""

from django import template

from drugs import dosing

register = template.Library()


@register.filter
def titration_chart(schedule, guideline) -> dosing.TitrationChart | None:
    """The chart geometry for a guideline's titration schedule (None for fewer than 2 steps)."""
    return dosing.titration_chart(schedule, unit=guideline.unit, max_per_day=guideline.max_per_day)
