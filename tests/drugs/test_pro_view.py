"""The monograph's two views: plain language by default, label-level detail with ?view=pro."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from drugs.models import FrequencyBand, LabelSource
from medguide.editorial.models import Status
from tests.drugs.test_views import monograph_with
from tests.factories import SideEffectFactory

pytestmark = pytest.mark.django_db

PRO_HEADINGS = ["Dose figures", "Adverse reactions by frequency", "Label identifiers"]
LABEL_TABLE = "<table><tr><th>Dose</th><td>5 mg three times a day</td></tr></table>"


@pytest.fixture
def labelled_baclofen(baclofen):
    LabelSource.objects.create(
        drug=baclofen,
        spl_id="48e6b461-efdb-a69a-e063-6294a90aa1f9",
        set_id="00c6c924-ddfd-4a75-afd7-f6561ff9abbc",
        generic_name_raw="baclofen",
        rxcuis=["197392"],
        uniis=["H789N3FKE8"],
        sections={
            "dosage_and_administration": "Start with 5 mg three times a day.",
            "dosage_and_administration_table": LABEL_TABLE,
        },
        content_hash="0" * 64,
    )
    return baclofen


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def switch_links(content: str) -> dict[str, bool]:
    """The view switch's links: their text, and whether each is marked as the current one."""
    nav = re.search(r'<nav class="audience-switch".*?</nav>', content, re.S).group(0)
    return {
        text: "aria-current" in attributes
        for attributes, text in re.findall(r"<a ([^>]*)>([^<]+)</a>", nav)
    }


def canonical(content: str) -> list[str]:
    return re.findall(r'<link rel="canonical" href="([^"]+)">', content)


def test_patient_view_is_the_default_and_has_no_professional_blocks(client, labelled_baclofen):
    content = page(client, "/drugs/baclofen/")
    for heading in PRO_HEADINGS:
        assert heading not in content
    assert "<td>5 mg three times a day</td>" not in content.split('id="fda-label"')[0]
    assert switch_links(content) == {
        "For patients and carers": True,
        "For health professionals": False,
    }


def test_professional_view_adds_label_level_detail(client, labelled_baclofen):
    content = page(client, "/drugs/baclofen/?view=pro")
    for heading in PRO_HEADINGS:
        assert heading in content
    dosage = content.split('id="dosage"')[1].split('id="formulations"')[0]
    assert "Dosing tables from the FDA label for baclofen" in dosage
    assert "<td>5 mg three times a day</td>" in dosage
    assert "197392" in content  # the label's RxCUI
    assert switch_links(content) == {
        "For patients and carers": False,
        "For health professionals": True,
    }


def test_professional_view_keeps_the_plain_language_text(client, baclofen):
    patient = page(client, "/drugs/baclofen/")
    pro = page(client, "/drugs/baclofen/?view=pro")
    for text in ["In plain words:", "Get medical help now if you have", "Avoid alcohol"]:
        assert text in patient
        assert text in pro


def test_dose_figures_are_the_same_facts_as_the_dose_sentence(client, baclofen):
    content = page(client, "/drugs/baclofen/?view=pro")
    figures = content.split('id="dosage-figures"')[1].split("</table>")[0]
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", figures, re.S)
    ]
    adults = cells[cells.index("Adults") : cells.index("Adults") + 8]
    assert adults == [
        "Adults",
        "Spasticity",
        "Tablet, by mouth",
        "5 mg three times a day",
        "By 5 mg every 3 days",
        "20 mg",
        "40–80 mg",
        "80 mg",
    ]


def test_adverse_reaction_table_lists_every_side_effect_by_frequency(client, baclofen):
    SideEffectFactory(drug=baclofen, name="Nausea", frequency=FrequencyBand.COMMON)
    content = page(client, "/drugs/baclofen/?view=pro")
    table = content.split('id="adverse-reactions"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row"[^>]*>([^<]+)</th>', table)
    assert rows == ["Drowsiness", "Nausea", "Seizures"]  # most frequent band first
    assert "10–63%" in table
    assert "Very common (more than 1 in 10)" in table
    assert "Serious: get medical help now" in table


@pytest.mark.parametrize("view", ["", "patient", "PRO", "professional", "pro ", "<script>", "1"])
def test_unknown_view_values_fall_back_to_the_patient_view(client, baclofen, view):
    content = page(client, "/drugs/baclofen/?" + "view=" + view)
    assert "Dose figures" not in content
    assert switch_links(content)["For patients and carers"] is True
    assert "&lt;script&gt;" not in content  # the value is never echoed


def test_both_views_are_canonical_to_the_default_url(client, baclofen):
    expected = ["http://testserver/drugs/baclofen/"]
    assert canonical(page(client, "/drugs/baclofen/")) == expected
    assert canonical(page(client, "/drugs/baclofen/?view=pro")) == expected


def test_switch_links_go_to_the_same_page(client, baclofen):
    content = page(client, "/drugs/baclofen/?view=pro")
    nav = re.search(r'<nav class="audience-switch".*?</nav>', content, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', nav) == ["/drugs/baclofen/", "/drugs/baclofen/?view=pro"]


def test_label_tables_stay_sanitised_in_the_professional_view(client, labelled_baclofen):
    source = labelled_baclofen.label_sources.get()
    source.sections["dosage_and_administration_table"] = (
        '<table><tr><td onclick="x()">5 mg<script>alert(1)</script></td></tr></table>'
    )
    source.save()
    content = page(client, "/drugs/baclofen/?view=pro")
    assert "alert(1)" not in content
    assert "onclick" not in content


def test_draft_has_no_professional_view_either(client, draft_drug):
    assert client.get(draft_drug.get_absolute_url() + "?view=pro").status_code == 404


def test_professional_view_costs_no_more_queries(client):
    url = monograph_with(rows=3).get_absolute_url()

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    first = queries(url)  # its rows read, and kept (drugs.kept_rows)
    assert queries(url + "?view=pro") == queries(url)  # both read them kept
    many = monograph_with(rows=60).get_absolute_url()
    assert queries(many + "?view=pro") <= first  # read and kept, as the first was


def test_archived_monograph_has_no_professional_view(client, baclofen):
    baclofen.status = Status.ARCHIVED
    baclofen.save()
    assert client.get("/drugs/baclofen/?view=pro").status_code == 404
