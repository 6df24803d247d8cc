"""A monograph's sources, grouped by kind: product labels first, then regulators and health
services, clinical references and other sources, each group in the editors' order."""

import pytest

from drugs.models import ReferenceKind
from drugs.monograph import reference_groups
from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db


def headings_and_titles(page: str) -> list[str]:
    section = page[page.index('id="references"') :]
    section = section[: section.index("</section>")]
    found = []
    for chunk in section.split("<")[1:]:
        if chunk.startswith('h3 class="references__group">'):
            found.append("## " + chunk.split(">", 1)[1])
        elif chunk.startswith("a href") and 'rel="noopener"' in chunk:
            found.append(chunk.split(">", 1)[1])
    return found


def test_sources_are_listed_by_kind_labels_first(client, baclofen):
    baclofen.references.all().delete()
    for order, (title, kind) in enumerate(
        [
            ("Medscape monograph", ReferenceKind.CLINICAL),
            ("A news story", ReferenceKind.OTHER),
            ("The FDA label", ReferenceKind.LABEL),
            ("NHS page", ReferenceKind.REGULATOR),
            ("A second label", ReferenceKind.LABEL),
        ]
    ):
        ReferenceFactory(drug=baclofen, title=title, kind=kind, order=order)
    page = client.get(baclofen.get_absolute_url()).content.decode()
    assert headings_and_titles(page) == [
        "## Product labels",
        "The FDA label",
        "A second label",
        "## Regulators and health services",
        "NHS page",
        "## Clinical references",
        "Medscape monograph",
        "## Other sources",
        "A news story",
    ]


def test_one_kind_of_source_needs_no_heading(client, baclofen):
    baclofen.references.all().delete()
    ReferenceFactory(drug=baclofen, title="The FDA label", kind=ReferenceKind.LABEL)
    page = client.get(baclofen.get_absolute_url()).content.decode()
    assert headings_and_titles(page) == ["The FDA label"]


def test_groups_leave_out_kinds_without_sources():
    label = ReferenceFactory.build(title="Label", kind=ReferenceKind.LABEL)
    other = ReferenceFactory.build(title="Other", kind=ReferenceKind.OTHER)
    assert reference_groups([other, label]) == [
        ("Product labels", [label]),
        ("Other sources", [other]),
    ]
