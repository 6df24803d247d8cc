"""Interactions as table rows and their sources, drawn with format_html: a row is about 25
values, and a page shows 10 (a monograph) to 100 (all of a medicine's interactions) of them.
Through the template engine each value cost about 8 µs; docs/decisions/interaction-rows.md
has the figures, and why the table's frame stays in includes/interaction_table.html."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

KINDS = {
    "class": mark_safe('<span class="interactions__kind">Any medicine in this class</span>'),
    "substance": mark_safe('<span class="interactions__kind">Substance</span>'),
}


@register.simple_tag
def interaction_rows(drug, interactions) -> SafeString:
    """The <tr> of each InteractionEntry of `drug` (drugs.interactions), in their order."""
    return format_html_join("\n", "{}", ((_row(drug, entry),) for entry in interactions))


@register.simple_tag
def interaction_source(facts, class_name: str = "interaction-source") -> SafeString:
    """Where an interaction comes from. `facts`: an InteractionEntry or a checker Finding. A
    label-stated one quotes the label's sentence and links to it on the drug's page and on
    DailyMed; another names its source in a paragraph of class `class_name`; else nothing."""
    if facts.is_from_label:
        return format_html(
            '<figure class="label-quote">\n'
            '<blockquote class="label-quote__text" cite="{}">\n<p>{}</p>\n</blockquote>\n'
            '<figcaption class="label-quote__source">Source: <a href="{}">FDA label for {}, '
            'section {}</a> (<a href="{}" rel="noopener">label on DailyMed</a>)</figcaption>\n'
            "</figure>",
            facts.dailymed_url,
            facts.evidence,
            facts.label_section_url,
            facts.label_drug_name,
            facts.label_section_title,
            facts.dailymed_url,
        )
    if facts.interaction.source:
        return format_html('<p class="{}">Source: {}</p>', class_name, facts.interaction.source)
    return mark_safe("")


def _link(item) -> SafeString:
    """A link to a drug class's (or any page's) address, named by its name."""
    return format_html('<a href="{}">{}</a>', item.get_absolute_url(), item.name)


def _row(drug, entry) -> SafeString:
    if entry.other_url:
        other = format_html('<a href="{}">{}</a>', entry.other_url, entry.other_name)
    else:
        other = conditional_escape(entry.other_name)
    heading = [other, KINDS.get(entry.kind, "")]
    if entry.via_class:
        listed = entry.interaction.interactant_class
        also = (
            format_html(", part of {}", _link(listed))
            if listed and listed != entry.via_class
            else ""
        )
        heading.append(
            format_html(
                '<span class="interactions__via">Applies because {} is in the class {}{}</span>',
                drug.generic_name.lower(),
                _link(entry.via_class),
                also,
            )
        )
    if entry.through_class:
        listed = entry.interaction.interactant_class
        classes = (
            _link(listed)
            if entry.through_class == listed
            else format_html("{}, part of {}", _link(entry.through_class), _link(listed))
        )
        heading.append(
            format_html(
                '<span class="interactions__via">Applies because {} is one of the {}</span>',
                entry.other_name.lower(),
                classes,
            )
        )
    source = interaction_source(entry)
    return format_html(
        '<tr>\n<th scope="row" data-label="Interacts with">\n{}\n</th>\n'
        '<td data-label="Severity"><span class="badge badge--{}">{}</span></td>\n'
        '<td data-label="What happens">{}\n{}{}</td>\n'
        '<td data-label="What to do">{}</td>\n</tr>',
        format_html_join("\n", "{}", ((part,) for part in heading if part)),
        entry.severity,
        entry.severity_label,
        linebreaksbr(entry.effect),
        source,
        "\n" if source else "",
        linebreaksbr(entry.advice),
    )
