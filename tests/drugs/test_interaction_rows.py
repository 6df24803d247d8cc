"""Interactions drawn as table rows and sources (drugs.templatetags.interaction_tags): each
kind of row says what the template said, every value escaped."""

from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from drugs.interactions import interactions_for
from drugs.models import LabelSource, Severity
from tests.factories import DrugClassFactory, DrugFactory, InteractionFactory, SubstanceFactory

pytestmark = pytest.mark.django_db

ROWS = Template("{% load interaction_tags %}{% interaction_rows drug interactions %}")


class Cells(HTMLParser):
    """Each <tr>'s cells as text, and every element's tag and attributes in order."""

    def __init__(self):
        super().__init__()
        self.rows, self.elements = [], []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.rows[-1].append("")

    def handle_data(self, data):
        if self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


def drawn(drug) -> tuple[str, Cells]:
    html = ROWS.render(Context({"drug": drug, "interactions": interactions_for(drug)}))
    cells = Cells()
    cells.feed(html)
    return html, cells


def text(cell: str) -> str:
    return " ".join(cell.split())


@pytest.fixture
def baclofen():
    depressants = DrugClassFactory(name="CNS depressants")
    relaxants = DrugClassFactory(name="Muscle relaxants", parent=depressants)
    return DrugFactory(generic_name="Baclofen", classes=[relaxants])


def test_each_kind_of_row_names_what_it_interacts_with(baclofen):
    depressants = baclofen.classes.get().parent
    sedative = DrugFactory(generic_name="Sedatamine")
    InteractionFactory(drug=sedative, interactant_class=depressants, severity=Severity.MAJOR)
    InteractionFactory(drug=baclofen, interactant_substance=SubstanceFactory(name="Alcohol"))
    InteractionFactory(
        drug=baclofen, interactant_class=DrugClassFactory(name="Opioids"), severity="moderate"
    )

    html, cells = drawn(baclofen)

    first, *others = [text(row[0]) for row in cells.rows]
    assert first == (
        "Sedatamine Applies because baclofen is in the class Muscle relaxants, "
        "part of CNS depressants"
    )
    assert sorted(others) == ["Alcohol Substance", "Opioids Any medicine in this class"]
    links = [attrs["href"] for tag, attrs in cells.elements if tag == "a"]
    assert links[:3] == [
        sedative.get_absolute_url(),
        baclofen.classes.get().get_absolute_url(),
        depressants.get_absolute_url(),
    ]
    assert "/substances/" not in html  # a substance has no page
    assert text(cells.rows[0][1]) == "Major"
    assert all(len(row) == 4 for row in cells.rows)


def test_a_substance_reached_through_a_class_says_which(baclofen):
    depressants = baclofen.classes.get().parent
    alcohol = SubstanceFactory(name="Alcohol")
    alcohol.classes.add(depressants)
    InteractionFactory(drug=baclofen, interactant_class=depressants)

    _, cells = drawn(baclofen)

    assert "Alcohol Substance Applies because alcohol is one of the CNS depressants" in {
        text(row[0]) for row in cells.rows
    }


def test_every_value_is_escaped_and_lines_kept(baclofen):
    other = DrugFactory(generic_name="<b>Bold</b>")
    InteractionFactory(
        drug=other,
        interactant_drug=baclofen,
        effect="Drowsiness <script>alert(1)</script>\nand dizziness",
        advice='Ask "first" & wait',
        source="<i>Notes</i>",
    )

    html, cells = drawn(baclofen)

    for markup in ("<script>", "<b>", "<i>"):
        assert markup not in html
    assert "Drowsiness &lt;script&gt;alert(1)&lt;/script&gt;<br>and dizziness" in html
    assert "Ask &quot;first&quot; &amp; wait" in html
    assert '<p class="interaction-source">Source: &lt;i&gt;Notes&lt;/i&gt;</p>' in html
    assert text(cells.rows[0][0]) == "<b>Bold</b>"  # as text, once unescaped


def test_a_label_stated_row_quotes_its_sentence_and_links_its_section(baclofen):
    oxycodone = DrugFactory(generic_name="Oxycodone")
    source = LabelSource.objects.create(
        drug=oxycodone, spl_id="spl-1", set_id="oxy", generic_name_raw="OXYCODONE", sections={}
    )
    InteractionFactory(
        drug=oxycodone,
        interactant_drug=baclofen,
        label_source=source,
        source_id="oxy",
        label_section="boxed_warning",
        evidence="May result in <profound> sedation.",
    )

    html, _ = drawn(baclofen)

    assert '<blockquote class="label-quote__text" cite="' + source.dailymed_url in html
    assert "<p>May result in &lt;profound&gt; sedation.</p>" in html
    section = f"{oxycodone.get_absolute_url()}#label-oxy-boxed_warning"
    assert f'<a href="{section}">FDA label for Oxycodone, section Boxed warning</a>' in html


def test_a_row_without_a_source_says_none(baclofen):
    InteractionFactory(drug=baclofen, source="")

    html, cells = drawn(baclofen)

    assert len(cells.rows) == 1
    assert "Source:" not in html


def test_the_checker_names_a_findings_source_in_its_own_class(client, baclofen):
    tizanidine = DrugFactory(generic_name="Tizanidine")
    InteractionFactory(drug=baclofen, interactant_drug=tizanidine, source="NDF-RT")

    html = client.get("/interactions/", {"drugs": "baclofen,tizanidine"}).content.decode()

    assert '<p class="finding__source">Source: ' in html
