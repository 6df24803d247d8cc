"""Template filters and tags for the titration chart and the medication diary."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from drugs import dosing

register = template.Library()


@register.filter
def titration_chart(schedule, guideline) -> dosing.TitrationChart | None:
    """The chart geometry for a guideline's titration schedule (None for fewer than 2 steps)."""
    return dosing.titration_chart(schedule, unit=guideline.unit, max_per_day=guideline.max_per_day)


@register.simple_tag
def titration_svg(chart: dosing.TitrationChart, guideline) -> SafeString:
    """The chart drawn in SVG: its grid and ticks, a bar for each step with its total a day,
    days and dose, and the line at the daily maximum. Drawn here rather than in the template:
    its 180 variables were 5% of baclofen's page (8.8 of 164.5 million instructions at 20,000
    medicines), a sixth of that drawn by format_html (docs/decisions/titration-chart.md).
    Coordinates are SVG syntax, never a locale's numbers."""
    unit = chart.unit
    ids = f"titration-{guideline.pk}-svg"
    amount = dosing.format_amount
    said = "".join(
        f"{bar.days}: {amount(bar.step.per_dose)} {unit} "
        f"{dosing.times_a_day(bar.step.times_per_day)}, {amount(bar.step.per_day)} {unit} a day. "
        for bar in chart.bars
    )
    if chart.max_per_day is not None:
        said += f"The dashed line is the maximum, {amount(chart.max_per_day)} {unit} a day. "
    ticks = format_html_join(
        "\n",
        '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" />\n'
        '<text class="titration-chart__tick" x="{3}" y="{2}" dy="0.35em" text-anchor="end">'
        "{4}</text>",
        (
            (chart.left, chart.right, tick.y, chart.left - 6, amount(tick.value))
            for tick in chart.ticks
        ),
    )
    bars = format_html_join(
        "\n",
        '<rect class="titration-chart__bar" x="{0}" y="{1}" width="{2}" height="{3}" rx="2" />\n'
        '<text class="titration-chart__value" x="{4}" y="{1}" dy="-0.4em" text-anchor="middle">'
        "{5}</text>\n"
        '<text class="titration-chart__day" x="{4}" y="{6}" dy="1.3em" text-anchor="middle">'
        "{7}</text>\n"
        '<text class="titration-chart__dose" x="{4}" y="{6}" dy="2.5em" text-anchor="middle">'
        "{8} {9} ×{10}</text>",
        (
            (
                bar.x,
                bar.y,
                bar.width,
                bar.height,
                bar.centre,
                amount(bar.step.per_day),
                chart.bottom,
                bar.days,
                amount(bar.step.per_dose),
                unit,
                bar.step.times_per_day,
            )
            for bar in chart.bars
        ),
    )
    maximum = ""
    if chart.max_y is not None:
        maximum = format_html(
            '\n<g class="titration-chart__maximum" aria-hidden="true">\n'
            '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" />\n'
            '<text x="{3}" y="{2}" dy="-0.45em">Maximum {4} {5} a day</text>\n'
            "</g>",
            chart.left,
            chart.right,
            chart.max_y,
            chart.left + 6,
            amount(chart.max_per_day),
            unit,
        )
    return format_html(
        '<svg class="titration-chart__svg"\nviewBox="0 0 {0} {1}"\nrole="img"\n'
        'aria-labelledby="{2}-title {2}-desc"\nfocusable="false">\n'
        '<title id="{2}-title">Chart: total {3} a day, step by step</title>\n'
        '<desc id="{2}-desc">{4}The same figures are in the table below.</desc>\n'
        '<g class="titration-chart__grid" aria-hidden="true">\n{5}\n'
        '<text class="titration-chart__axis-label" x="4" y="14">{3} a day</text>\n</g>\n'
        '<g class="titration-chart__bars" aria-hidden="true">\n{6}\n</g>\n'
        '<line class="titration-chart__baseline" x1="{7}" x2="{8}" y1="{9}" y2="{9}"'
        ' aria-hidden="true" />{10}\n</svg>',
        chart.width,
        chart.height,
        ids,
        unit,
        said,
        ticks,
        bars,
        chart.left,
        chart.right,
        chart.bottom,
        maximum,
    )
