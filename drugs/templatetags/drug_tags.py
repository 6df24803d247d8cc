"""Template filters for the drug pages: amounts, dose wording, short summaries, label text."""

import re

from django import template
from django.utils.safestring import mark_safe

from drugs import dosing
from drugs.labels.parsing import SECTIONS, clean_table
from drugs.models import choice_label

register = template.Library()


@register.filter
def amount(value) -> str:
    """A dose or strength as readers expect it: 2.500 → "2.5", 5.000 → "5"."""
    return dosing.format_amount(value)


@register.filter
def times_a_day(value) -> str:
    """3 → "three times a day"; blank for a single or continuous dose."""
    return dosing.times_a_day(value)


@register.filter
def dosage_forms(formulations) -> list[str]:
    """The distinct dosage-form labels of some formulations, in their order."""
    labels = [choice_label(f, "dosage_form") for f in formulations]
    return list(dict.fromkeys(labels))


@register.filter
def label_of(item, field_name: str) -> str:
    """What item.get_FOO_display() gives for its choice field `field_name`, from the choices
    read once (drugs.models.choice_label): that method hashes every choice on each call,
    25 µs against about 1, and a monograph shows a few dozen labels."""
    return choice_label(item, field_name)


@register.filter
def lead(text: str) -> str:
    """The first paragraph of a plain-text field, for cards and meta descriptions."""
    first = re.split(r"\n\s*\n", text.strip(), maxsplit=1)[0] if text else ""
    return " ".join(first.split())


@register.filter
def form_and_route(item) -> str:
    """A dose guideline's or formulation's form and route: "Tablet, by mouth", or just
    "Intrathecal injection" when the form already names the route."""
    form = choice_label(item, "dosage_form") if item.dosage_form else ""
    route = choice_label(item, "route")
    if not form:
        return route
    if item.route.lower() in form.lower():
        return form
    return f"{form}, {route[:1].lower()}{route[1:]}"


@register.filter
def label_sections(source) -> list[tuple[str, str, str]]:
    """(key, title, text) for a label source's sections, in the order of the label."""
    return [(key, title, source.sections[key]) for key, title in SECTIONS if key in source.sections]


@register.filter
def label_table(html: str) -> str:
    """A label's HTML table, sanitised again on the way out: only table markup survives."""
    return mark_safe(clean_table(html))
