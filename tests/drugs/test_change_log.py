"""The public change log: written when a medical reviewer publishes with a summary, shown on
the monograph ("What changed") and in full at /drugs/<slug>/changes/."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version

from drugs.models import ChangeLogEntry, Drug
from medguide.editorial.models import Status
from tests.admin_forms import change_form_data, change_url, press
from tests.factories import ArticleFactory, DrugFactory

pytestmark = pytest.mark.django_db


def entry(drug, days_ago: int, summary: str = "", **fields) -> ChangeLogEntry:
    return ChangeLogEntry.objects.create(
        drug=drug,
        changed_on=date(2026, 6, 30) - timedelta(days=days_ago),
        summary=summary or f"Change made {days_ago} days before the end of June.",
        reviewer="Dr Ada Reviewer",
        **fields,
    )


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# Readers ------------------------------------------------------------------------------------


def test_the_drug_page_shows_the_three_latest_changes_and_links_to_all(client, baclofen):
    entry(baclofen, 30, "Oldest: not on the page.")
    entry(baclofen, 20, "Added the kidney dose.", section="dosage", section_title="Dosage")
    entry(baclofen, 10, "Storage wording clarified.")
    entry(baclofen, 0, "Newest change.")
    page = client.get(baclofen.get_absolute_url()).content.decode()
    assert "What changed" in page
    assert page.index("Newest change.") < page.index("Storage wording clarified.")
    assert '(<a href="#dosage">Dosage</a>)' in page
    assert "Oldest: not on the page." not in page
    assert 'href="/drugs/baclofen/changes/"' in page


def test_a_drug_without_changes_shows_no_change_box(client, baclofen):
    assert "What changed" not in client.get(baclofen.get_absolute_url()).content.decode()


def test_the_changes_page_lists_every_entry_newest_first(client, baclofen):
    entry(baclofen, 5, "Older change.")
    entry(baclofen, 1, "Newer change.", section="storage", section_title="Storage")
    response = client.get("/drugs/baclofen/changes/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>What changed on the Baclofen page</h1>" in page
    assert page.index("Newer change.") < page.index("Older change.")
    assert '<time datetime="2026-06-29">29 June 2026</time>' in page
    assert '<a href="/drugs/baclofen/#storage">Storage</a>' in page
    assert "Approved by Dr Ada Reviewer" in page


def test_the_changes_page_is_paginated(client, baclofen):
    for days in range(25):
        entry(baclofen, days, f"Change number {days:02d}.")
    first = client.get("/drugs/baclofen/changes/").content.decode()
    second = client.get("/drugs/baclofen/changes/?page=2").content.decode()
    assert "Change number 00." in first
    assert "Change number 24." not in first
    assert "Change number 24." in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("page", ["3", "abc", "-1"])
def test_a_changes_page_that_does_not_exist_is_404(client, baclofen, page):
    entry(baclofen, 1)
    assert client.get(f"/drugs/baclofen/changes/?page={page}").status_code == 404


def test_an_unpublished_monograph_has_no_public_change_log(client, draft_drug):
    entry(draft_drug, 1)
    assert client.get(f"/drugs/{draft_drug.slug}/changes/").status_code == 404
    assert client.get("/drugs/no-such-drug/changes/").status_code == 404


def test_the_drug_page_queries_do_not_grow_with_changes(client, baclofen):
    url = baclofen.get_absolute_url()
    client.get(url)  # its rows read and kept (drugs.kept_rows), the change log among them
    none = queries_for(client, url)
    entry(baclofen, 1)
    afresh = queries_for(client, url)  # an entry is a write to the kept rows: read again
    assert queries_for(client, url) == none  # and kept again, the entry with them
    for days in range(2, 40):
        entry(baclofen, days)
    assert queries_for(client, url) == afresh
    assert queries_for(client, url) == none


def test_the_changes_page_queries_do_not_grow(client, baclofen, django_assert_max_num_queries):
    entry(baclofen, 1)
    with django_assert_max_num_queries(3):  # the drug, the count, the page
        client.get("/drugs/baclofen/changes/")
    for days in range(2, 60):
        entry(baclofen, days)
    with django_assert_max_num_queries(3):
        client.get("/drugs/baclofen/changes/?page=2")


# The editorial workflow writes it -----------------------------------------------------------


def test_publishing_with_a_summary_adds_a_dated_signed_entry(reviewer, baclofen, client):
    baclofen.status = Status.IN_REVIEW
    baclofen.save()
    page = reviewer.get(change_url(baclofen)).content.decode()
    assert "Public change summary (one line, shown to readers)" in page
    assert '<option value="dosage">Dosage</option>' in page
    response = press(
        reviewer,
        baclofen,
        "publish",
        _change_summary="  Added the dose for kidney\nimpairment.  ",
        _change_section="dosage",
    )
    assert response.status_code == 302
    change = ChangeLogEntry.objects.get(drug=baclofen)
    assert change.summary == "Added the dose for kidney impairment."
    assert (change.section, change.section_title) == ("dosage", "Dosage")
    assert change.reviewer == "Dr Ada Reviewer"
    assert change.changed_on == timezone.localdate()
    client.logout()
    assert (
        "Added the dose for kidney impairment." in client.get("/drugs/baclofen/").content.decode()
    )


def test_publishing_without_a_summary_adds_no_entry(reviewer, baclofen):
    baclofen.status = Status.IN_REVIEW
    baclofen.save()
    assert press(reviewer, baclofen, "publish", _change_section="dosage").status_code == 302
    assert not ChangeLogEntry.objects.exists()


def test_a_plain_save_adds_no_entry_even_with_a_summary(editor, reviewer, baclofen):
    for client in (editor, reviewer):
        response = press(client, baclofen, _change_summary="Should not be recorded.")
        assert response.status_code == 302
    assert press(reviewer, baclofen, "archive", _change_summary="Nor this.").status_code == 302
    assert not ChangeLogEntry.objects.exists()


def test_an_editor_is_not_offered_the_summary(editor, baclofen):
    page = editor.get(change_url(baclofen)).content.decode()
    assert "_change_summary" not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"_change_summary": "x" * 201}, "at most 200 characters"),
        ({"_change_summary": "Fixed.", "_change_section": "nowhere"}, "on the page"),
    ],
)
def test_a_bad_summary_or_section_stops_the_publish(reviewer, baclofen, changes, message):
    baclofen.status = Status.IN_REVIEW
    baclofen.save()
    response = press(reviewer, baclofen, "publish", **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    baclofen.refresh_from_db()
    assert baclofen.status == Status.IN_REVIEW
    assert not ChangeLogEntry.objects.exists()


def test_guides_have_no_change_log(reviewer):
    guide = ArticleFactory(status=Status.IN_REVIEW)
    assert "_change_summary" not in reviewer.get(change_url(guide)).content.decode()
    response = press(reviewer, guide, "publish", _change_summary="Ignored for guides.")
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.status == Status.PUBLISHED
    assert not ChangeLogEntry.objects.exists()


def test_editors_correct_entries_in_the_drug_page_inline(editor, baclofen):
    # Not live: a live monograph's edit, this inline's included, waits as a pending draft.
    Drug.objects.filter(pk=baclofen.pk).update(status=Status.DRAFT)
    change = entry(baclofen, 1, "Typo in the summry.")
    page = editor.get(change_url(baclofen))
    assert "public change log (shown to readers, newest first)" in page.content.decode().lower()
    data = change_form_data(page)
    prefix = next(k for k, v in data.items() if v == "Typo in the summry.")
    data[prefix] = "Typo in the summary fixed."
    data["_save"] = "Save"
    assert editor.post(change_url(baclofen), data).status_code == 302
    change.refresh_from_db()
    assert change.summary == "Typo in the summary fixed."


def test_the_roles_may_keep_the_change_log():
    for role in ["Editor", "Medical reviewer"]:
        codenames = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        assert {"add_changelogentry", "change_changelogentry", "view_changelogentry"} <= codenames


def test_a_new_drug_has_no_changes():
    assert not DrugFactory().changes.exists()


def test_restoring_an_older_revision_keeps_the_change_log(admin_client):
    drug = DrugFactory(summary="A muscle relaxant.", status=Status.DRAFT)  # saved directly
    url = change_url(drug)
    admin_client.post(url, change_form_data(admin_client.get(url), _save="Save", summary="Good."))
    entry(drug, 0, "Published after that revision.")
    admin_client.post(url, change_form_data(admin_client.get(url), _save="Save", summary="Worse."))
    good = Version.objects.get_for_object(drug)[1]
    history = f"/admin/drugs/drug/{drug.pk}/history/{good.pk}/"
    response = admin_client.post(history, change_form_data(admin_client.get(history), _save="Save"))
    assert response.status_code == 302
    drug.refresh_from_db()
    assert drug.summary == "Good."
    assert list(drug.changes.values_list("summary", flat=True)) == [
        "Published after that revision."
    ]
