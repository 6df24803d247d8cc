"""Kept rows and interactions brought current ahead of readers (drugs.keeping): by a reviewer's
publish for its medicine, and by `keep_monographs` for every stale one; readers of what was
kept then read it, and write nothing."""

import logging
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from drugs import keeping
from drugs.keeping import STOPS, keep_monograph, keep_stale, stale
from drugs.models import Drug, DrugName, KeptInteractions, KeptRows, Severity
from medguide.editorial.models import Status
from tests.admin_forms import press
from tests.drugs.test_kept_interactions import entries
from tests.drugs.triggers import drop_trigger
from tests.factories import (
    ArticleFactory,
    CuratedGuideFactory,
    DrugFactory,
    InteractionFactory,
)

pytestmark = pytest.mark.django_db

DOSE_NOTE = "Take the new dose with food."


def stale_ones() -> set[str]:
    return set(stale().values_list("generic_name", flat=True))


def writes_of_reading(client, drug: Drug) -> list[str]:
    """The statements that write, of a reader's monograph, professional view and JSON."""
    paths = [drug.get_absolute_url(), drug.get_absolute_url() + "?view=pro"]
    paths.append(f"/drugs/{drug.slug}.json")
    with CaptureQueriesContext(connection) as queries:
        for path in paths:
            assert client.get(path).status_code == 200
    written = ("INSERT", "UPDATE", "DELETE")
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(written)]


def edited(client, drug: Drug) -> None:
    """An editor's change to a published monograph's dose row: a pending draft, with every
    monograph kept before it."""
    keep_stale()
    response = press(client, drug, keep_editing=True, **{"doses-0-notes": DOSE_NOTE})
    assert response.status_code == 302, response.context and response.context["errors"]


# Which are stale ---------------------------------------------------------------------------


def test_a_medicine_nothing_has_kept_is_stale_until_kept(baclofen):
    assert "Baclofen" in stale_ones()
    keep_monograph(Drug.objects.get(pk=baclofen.pk))
    assert "Baclofen" not in stale_ones()
    assert KeptRows.objects.filter(drug=baclofen).exists()
    assert set(
        KeptInteractions.objects.filter(drug=baclofen).values_list("stop", flat=True)
    ) == set(STOPS)


def test_kept_ones_go_stale_with_any_write_a_reader_would_see(baclofen):
    keep_monograph(baclofen)
    DrugName.objects.create(drug=baclofen, name="Spasmorelax")  # its own rows
    assert "Baclofen" in stale_ones()
    keep_monograph(Drug.objects.get(pk=baclofen.pk))
    assert "Baclofen" not in stale_ones()
    InteractionFactory(drug=DrugFactory(), interactant_drug=baclofen)  # another's row
    assert "Baclofen" in stale_ones()


def test_what_other_code_kept_or_what_has_expired_is_stale(baclofen):
    keep_monograph(baclofen)
    KeptRows.objects.filter(drug=baclofen).update(layout="kept by other code")
    assert "Baclofen" in stale_ones()
    keep_monograph(Drug.objects.get(pk=baclofen.pk))
    past = timezone.now() - timedelta(minutes=1)
    KeptInteractions.objects.filter(drug=baclofen, stop=STOPS[0]).update(valid_until=past)
    assert "Baclofen" in stale_ones()


def test_drafts_are_left_and_scheduled_medicines_kept(baclofen):
    DrugFactory(generic_name="Draftamine", status=Status.DRAFT)
    DrugFactory(
        generic_name="Laterazine",
        status=Status.PUBLISHED,
        published_at=timezone.now() + timedelta(days=1),
    )
    assert {"Baclofen", "Laterazine"} <= stale_ones()
    assert "Draftamine" not in stale_ones()


# Keeping them ahead of readers -------------------------------------------------------------


def test_both_lengths_kept_at_once_are_what_each_read_alone_gives(baclofen):
    """The ten and the hundred are read once, the ten as a slice of the hundred: what a
    reader shown either is given is what reading it alone gives."""
    severities = [Severity.MAJOR, Severity.MODERATE, Severity.MINOR]
    for number in range(14):
        InteractionFactory(
            drug=DrugFactory(generic_name=f"Interactamine {number:02}"),
            interactant_drug=baclofen,
            severity=severities[number % 3],
        )
    afresh = {stop: entries(baclofen, stop) for stop in STOPS}  # each read alone, and kept
    assert len(afresh[STOPS[0]]) == STOPS[0] + 2  # ten shown, and the counts
    KeptInteractions.objects.all().delete()
    keep_monograph(Drug.objects.get(pk=baclofen.pk))
    with CaptureQueriesContext(connection) as queries:
        kept = {stop: entries(baclofen, stop) for stop in STOPS}
    assert kept == afresh
    assert not [q for q in queries.captured_queries if "INSERT" in q["sql"]]  # read as kept


def test_keep_monographs_keeps_every_stale_one_and_then_none(baclofen):
    others = DrugFactory.create_batch(3)
    keep_monograph(others[0])  # current: the others are kept, and it is left
    published = Drug.objects.filter(status=Status.PUBLISHED).count()
    assert keep_stale().medicines == published - 1
    assert stale_ones() == set()
    assert keep_stale().medicines == 0


def test_a_reader_of_what_was_kept_writes_nothing(client, baclofen):
    InteractionFactory(drug=DrugFactory(), interactant_drug=baclofen)
    keep_stale()
    assert writes_of_reading(client, Drug.objects.get(pk=baclofen.pk)) == []
    assert stale_ones() == set()


def test_the_command_says_how_many_a_dry_run_would_keep_and_keeps_them(baclofen, capsys):
    DrugFactory.create_batch(2)
    published = Drug.objects.filter(status=Status.PUBLISHED).count()
    call_command("keep_monographs", "--dry-run")
    out = capsys.readouterr().out
    assert f"{published} published monographs would be kept (dry run)." in out
    assert not KeptRows.objects.exists()
    call_command("keep_monographs")
    out = capsys.readouterr().out
    assert f"Kept the rows and interactions of {published} monographs" in out
    assert stale_ones() == set()
    call_command("keep_monographs")
    assert "Kept the rows and interactions of 0 monographs" in capsys.readouterr().out


def test_the_command_refuses_where_nothing_would_be_kept(baclofen):
    table = "drugs_drugname"
    name = f"kept_{table}" if connection.vendor == "postgresql" else f"kept_{table}_insert"
    drop_trigger(name, table)
    with pytest.raises(CommandError, match=r"a trigger .* is missing"):
        call_command("keep_monographs")
    assert not KeptRows.objects.exists()


# A reviewer's publish ----------------------------------------------------------------------


def test_a_reviewer_s_publish_keeps_the_monograph_for_its_first_reader(
    client, baclofen, editor_client, reviewer_client, django_capture_on_commit_callbacks
):
    edited(editor_client, baclofen)
    with django_capture_on_commit_callbacks(execute=True):
        assert press(reviewer_client, baclofen, "publish").status_code == 302
    assert stale_ones() == set()
    assert writes_of_reading(client, baclofen) == []
    assert DOSE_NOTE in client.get(baclofen.get_absolute_url()).content.decode()


def test_the_bulk_publish_keeps_them_too(
    client, baclofen, editor_client, reviewer_client, django_capture_on_commit_callbacks
):
    edited(editor_client, baclofen)
    with django_capture_on_commit_callbacks(execute=True):
        reviewer_client.post(
            "/admin/drugs/drug/",
            {"action": "publish", "_selected_action": [baclofen.pk], "index": "0"},
        )
    assert stale_ones() == set()
    assert DOSE_NOTE in client.get(baclofen.get_absolute_url()).content.decode()


def test_a_guide_s_publish_keeps_the_monographs_it_is_about_or_placed_on(
    client, baclofen, reviewer_client, django_capture_on_commit_callbacks
):
    tizanidine = Drug.objects.get(generic_name="Tizanidine")
    guide = ArticleFactory(title="Stiff mornings", status=Status.DRAFT, related_drugs=[tizanidine])
    CuratedGuideFactory(drug=baclofen, article=guide)
    keep_stale()
    with django_capture_on_commit_callbacks(execute=True):
        assert press(reviewer_client, guide, "publish").status_code == 302
    assert stale_ones() == set()
    for drug in (baclofen, tizanidine):
        assert writes_of_reading(client, drug) == []
        assert "Stiff mornings" in client.get(drug.get_absolute_url()).content.decode()


def test_a_failure_to_keep_costs_the_reviewer_nothing(
    client,
    baclofen,
    editor_client,
    reviewer_client,
    django_capture_on_commit_callbacks,
    monkeypatch,
    caplog,
):
    def refuse(drug):
        raise RuntimeError("the database went away")

    edited(editor_client, baclofen)
    monkeypatch.setattr(keeping, "keep_monograph", refuse)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        assert press(reviewer_client, baclofen, "publish").status_code == 302
    assert "the database went away" in caplog.text
    baclofen.refresh_from_db()
    assert not baclofen.has_pending_draft
    assert "Baclofen" in stale_ones()
    assert DOSE_NOTE in client.get(baclofen.get_absolute_url()).content.decode()  # read afresh
