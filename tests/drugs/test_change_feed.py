"""Each monograph's public change log as an Atom feed, linked from the page's head and from
its change log; and the MedWatch link every monograph carries."""

from datetime import date
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from drugs.models import ChangeLogEntry
from tests.factories import DrugFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_url(slug: str) -> str:
    return reverse("drugs:changes-feed", args=[slug])


def test_the_feed_lists_the_change_log_newest_first(client, baclofen):
    ChangeLogEntry.objects.create(
        drug=baclofen,
        changed_on=date(2026, 11, 1),
        section="dosage",
        section_title="Dosage",
        summary="Kidney dosing clarified.",
        reviewer="Ada Lovelace, PharmD",
    )
    ChangeLogEntry.objects.create(
        drug=baclofen, changed_on=date(2026, 12, 1), summary="Whole page reviewed."
    )

    response = client.get(feed_url("baclofen"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    assert feed.findtext(f"{ATOM}title") == "What changed on the Baclofen page"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Whole page: Whole page reviewed.",
        "Dosage: Kidney dosing clarified.",
    ]
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 2
    assert entries[1].find(f"{ATOM}link").get("href").endswith("/drugs/baclofen/#dosage")
    assert "Approved by Ada Lovelace, PharmD." in entries[1].findtext(f"{ATOM}summary")


def test_an_empty_log_is_an_empty_feed(client, baclofen):
    feed = ElementTree.fromstring(client.get(feed_url("baclofen")).content)
    assert feed.findall(f"{ATOM}entry") == []


@pytest.mark.parametrize("slug", ["bromidraft", "no-such-drug"])
def test_no_feed_for_what_readers_cannot_see(client, draft_drug, slug):
    assert client.get(feed_url(slug)).status_code == 404


def test_the_monograph_and_its_change_log_link_the_feed(client, baclofen):
    link = f'type="application/atom+xml" href="{feed_url("baclofen")}"'
    assert link in client.get(baclofen.get_absolute_url()).content.decode()
    changes = client.get(reverse("drugs:changes", args=["baclofen"])).content.decode()
    assert link in changes
    assert f'<a href="{feed_url("baclofen")}">Follow changes to this page</a>' in changes


def test_the_feed_costs_a_fixed_number_of_queries(client, baclofen, django_assert_max_num_queries):
    for day in range(1, 25):
        ChangeLogEntry.objects.create(
            drug=baclofen, changed_on=date(2026, 1, day), summary=f"Change {day}."
        )
    with django_assert_max_num_queries(2):
        client.get(feed_url("baclofen"))


@pytest.mark.parametrize("origin", ["editorial", "label"])
def test_every_monograph_says_how_to_report_a_side_effect_to_the_fda(client, origin):
    drug = DrugFactory(generic_name="Reportazole", origin=origin)
    content = client.get(drug.get_absolute_url()).content.decode()
    assert 'id="report-a-side-effect"' in content
    assert (
        '<a href="https://www.fda.gov/medwatch" rel="noopener">'
        "Report a side effect to the FDA (MedWatch)</a>" in content
    )
    assert "1-800-FDA-1088" in content
