"""Label pages: what a reader sees of a drug editors have not written, from its FDA label."""

import json
from pathlib import Path

import pytest

from drugs.labels.importing import import_label
from drugs.models import Drug
from tests.factories import ConditionFactory

pytestmark = pytest.mark.django_db

TOLVAPTAN = (
    Path(__file__).resolve().parent.parent / "fixtures" / "labels" / "tolvaptan-new-format.json"
)
NOTICE = "MedGuide's editors have not reviewed this page yet"


@pytest.fixture
def tolvaptan_html(client):
    import_label(json.loads(TOLVAPTAN.read_text())["results"][0])
    return client.get("/drugs/tolvaptan/").content.decode()


def test_boxed_warning_is_shown_in_full_near_the_top(tolvaptan_html):
    top = tolvaptan_html.split('id="fda-label"')[0]
    assert 'class="boxed-warning" id="boxed-warning"' in top
    assert "JYNARQUE (tolvaptan) can cause serious and potentially fatal liver injury." in top
    assert "Read it in the FDA label" not in tolvaptan_html


def test_uses_are_listed_from_the_label(tolvaptan_html):
    assert 'id="uses"' in tolvaptan_html
    assert "What it is used for" in tolvaptan_html
    assert (
        "slow kidney function decline in adults at risk of rapidly progressing autosomal "
        "dominant polycystic kidney disease (ADPKD)"
    ) in tolvaptan_html


def test_summary_names_the_uses_and_says_it_is_from_the_label():
    import_label(json.loads(TOLVAPTAN.read_text())["results"][0])
    assert Drug.objects.get().summary.startswith(
        "According to its FDA label, tolvaptan is used to slow kidney function decline"
    )


def test_contraindications_and_dosing_come_from_the_label(tolvaptan_html):
    assert "Who should not take tolvaptan" in tolvaptan_html
    assert "Taking strong CYP3A inhibitors" in tolvaptan_html
    assert 'id="dosage"' in tolvaptan_html
    assert "What the FDA label says about dosing" in tolvaptan_html
    assert '<th colspan="2">Initial Dosage</th>' in tolvaptan_html.split('id="fda-label"')[0]


def test_the_not_yet_reviewed_notice_stays(tolvaptan_html):
    assert NOTICE in tolvaptan_html


def test_a_use_naming_a_condition_links_its_page(client):
    ConditionFactory(
        name="Polycystic kidney disease", slug="polycystic-kidney-disease", synonyms="ADPKD"
    )
    import_label(json.loads(TOLVAPTAN.read_text())["results"][0])
    html = client.get("/drugs/tolvaptan/").content.decode()
    assert '<a href="/conditions/polycystic-kidney-disease/">polycystic kidney disease</a>' in html
