"""Drafts of live content: editing a published monograph or guide keeps the changes as a
pending draft that readers, the open data, search and the caches do not see until a medical
reviewer publishes it."""

import io
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image
from reversion.models import Version

from articles.models import Article
from drugs.models import Drug, InteractionsVersion, KeptInteractions, KeptRows
from medguide.editorial import caching
from medguide.editorial.models import Status
from medguide.search import index as search_index
from medguide.search.models import SearchDocument
from tests.admin_forms import change_form_data, change_url, press
from tests.factories import ArticleFactory, DrugFactory, InteractionFactory

pytestmark = pytest.mark.django_db

OLD_SUMMARY = "Baclofen is a prescription muscle relaxant that eases spasticity."
NEW_SUMMARY = "Baclofen eases muscle stiffness; the draft says zephyrine."
DOSE_NOTE = "Take the draft dose with food."


def jpeg_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (960, 540), (30, 110, 160)).save(buffer, "JPEG")
    return SimpleUploadedFile("hero.jpg", buffer.getvalue(), content_type="image/jpeg")


def save(client, item, *, button: str | None = None, **changes):
    """Open the change page and submit it as it stands, with `changes`, staying on it."""
    return press(client, item, button, keep_editing=True, **changes)


def publish_at(client, item, when):
    """Press "Approve and publish" with the publication time's boxes set to `when`."""
    boxes = {"published_at_0": f"{when:%Y-%m-%d}", "published_at_1": f"{when:%H:%M:%S}"}
    return save(client, item, button="publish", **boxes)


def edit_baclofen(client, drug):
    response = save(client, drug, summary=NEW_SUMMARY, **{"doses-0-notes": DOSE_NOTE})
    assert response.status_code == 302, response.context and response.context["errors"]
    return response


def public(client, drug) -> str:
    return client.get(drug.get_absolute_url()).content.decode()


def test_an_editor_edit_of_a_live_monograph_waits_as_a_draft(baclofen, editor_client, client):
    edit_baclofen(editor_client, baclofen)

    baclofen.refresh_from_db()
    assert baclofen.summary == OLD_SUMMARY
    assert baclofen.has_pending_draft
    assert baclofen.draft_by.username == "editor"
    page = public(client, baclofen)
    assert OLD_SUMMARY in page
    assert NEW_SUMMARY not in page
    assert DOSE_NOTE not in page
    data = client.get(f"/drugs/{baclofen.slug}.json").content.decode()
    assert "eases spasticity" in data
    assert "zephyrine" not in data
    assert client.get("/search/", {"q": "zephyrine"}).context["search"].total == 0
    assert "zephyrine" not in SearchDocument.objects.get(kind="drug", object_id=baclofen.pk).summary


def test_the_change_form_shows_the_draft_and_says_it_is_pending(baclofen, editor_client):
    edit_baclofen(editor_client, baclofen)
    content = editor_client.get(change_url(baclofen)).content.decode()
    assert "A draft of this live monograph is pending, saved by Sam Editor on" in content
    assert "readers still see the published version." in content
    assert "zephyrine" in content
    assert DOSE_NOTE in content


def test_saving_the_draft_again_keeps_one_draft_and_the_live_version(baclofen, editor_client):
    edit_baclofen(editor_client, baclofen)
    response = save(editor_client, baclofen, pronunciation="BAK-lo-fen")
    assert response.status_code == 302
    baclofen.refresh_from_db()
    assert baclofen.pronunciation == "BAK-loe-fen"
    assert baclofen.draft["data"]["pronunciation"] == ["BAK-lo-fen"]
    assert baclofen.draft["data"]["summary"] == [NEW_SUMMARY]  # the form showed the draft


def test_an_invalid_draft_shows_errors_and_keeps_nothing(baclofen, editor_client):
    response = save(editor_client, baclofen, generic_name="", summary=NEW_SUMMARY)
    assert response.status_code == 200
    assert response.context["errors"]
    baclofen.refresh_from_db()
    assert not baclofen.has_pending_draft
    assert baclofen.summary == OLD_SUMMARY


def test_saving_a_draft_leaves_the_page_cache_and_the_search_index_alone(
    baclofen, editor_client, page_cache, django_capture_on_commit_callbacks
):
    search_index.flush()
    generation = caching.current_generation().token
    indexed_at = SearchDocument.objects.get(kind="drug", object_id=baclofen.pk).indexed_at
    with django_capture_on_commit_callbacks(execute=True):
        edit_baclofen(editor_client, baclofen)
    assert caching.current_generation().token == generation
    assert SearchDocument.objects.get(kind="drug", object_id=baclofen.pk).indexed_at == indexed_at


def test_preview_and_compare_show_the_draft(baclofen, editor_client, client):
    edit_baclofen(editor_client, baclofen)
    preview = editor_client.get(f"/admin/drugs/drug/{baclofen.pk}/preview/").content.decode()
    assert NEW_SUMMARY in preview
    assert DOSE_NOTE in preview
    live = editor_client.get(f"/admin/drugs/drug/{baclofen.pk}/preview/?live").content.decode()
    assert OLD_SUMMARY in live
    compare = editor_client.get(f"/admin/drugs/drug/{baclofen.pk}/draft/compare/")
    assert compare.status_code == 200
    content = compare.content.decode()
    assert "<ins>" in content
    assert "zephyrine." in content
    assert "spasticity." in content
    assert DOSE_NOTE in content
    assert Drug.objects.get(pk=baclofen.pk).summary == OLD_SUMMARY  # all rolled back
    assert NEW_SUMMARY not in public(client, baclofen)


def test_a_reviewer_publishes_the_draft_from_the_form(baclofen, editor_client, reviewer_client):
    edit_baclofen(editor_client, baclofen)
    page = reviewer_client.get(change_url(baclofen)).content.decode()
    assert 'value="publish"' in page
    response = save(reviewer_client, baclofen, button="publish")
    assert response.status_code == 302
    baclofen.refresh_from_db()
    assert baclofen.summary == NEW_SUMMARY
    assert not baclofen.has_pending_draft
    assert baclofen.status == Status.PUBLISHED
    assert baclofen.reviewed_by == "Dr Ada Reviewer"
    page = public(Client(), baclofen)
    assert NEW_SUMMARY in page
    assert DOSE_NOTE in page
    assert "Medically reviewed by Dr Ada Reviewer" in page
    found = Client().get("/search/", {"q": "zephyrine"}).context["results"]
    assert [result.title for result in found] == ["Baclofen"]


def test_a_rename_reaches_its_interactions_ranking_only_when_published(
    baclofen, editor_client, reviewer_client
):
    """The rows a monograph's interactions are ranked by hold its live name (drugs 0018): a
    draft that renames it leaves them, the reviewer's publish renames them."""
    InteractionFactory(drug=baclofen, interactant_drug=DrugFactory(generic_name="Zolpidem"))

    def ranked_by() -> set[str]:
        return set(baclofen.interactions.values_list("drug_name", flat=True))

    response = save(editor_client, baclofen, generic_name="Baclofen sodium")
    assert response.status_code == 302, response.context and response.context["errors"]
    assert ranked_by() == {"Baclofen"}

    assert save(reviewer_client, baclofen, button="publish").status_code == 302
    baclofen.refresh_from_db()
    assert baclofen.generic_name == "Baclofen sodium"
    assert ranked_by() == {"Baclofen sodium"}


def test_publishing_the_draft_refreshes_the_page_cache(
    baclofen, editor_client, reviewer_client, page_cache
):
    reader = Client()
    assert OLD_SUMMARY in public(reader, baclofen)  # now cached
    edit_baclofen(editor_client, baclofen)
    assert OLD_SUMMARY in public(reader, baclofen)
    save(reviewer_client, baclofen, button="publish")
    assert NEW_SUMMARY in public(reader, baclofen)


def test_a_dose_edited_in_a_draft_reaches_a_kept_monograph_only_when_published(
    baclofen, editor_client, reviewer_client
):
    """The monograph's dose rows are kept with it after its first reader (drugs.kept_rows):
    the draft, applied and rolled back to be shown to its editors, leaves them as they were;
    the reviewer's publish writes the rows, and readers read them afresh."""
    reader = Client()
    assert DOSE_NOTE not in public(reader, baclofen)  # its rows read, and kept
    assert KeptRows.objects.filter(drug=baclofen).exists()
    edit_baclofen(editor_client, baclofen)
    assert editor_client.get(f"{change_url(baclofen)}").status_code == 200
    assert DOSE_NOTE not in public(reader, baclofen)
    assert save(reviewer_client, baclofen, button="publish").status_code == 302
    assert DOSE_NOTE in public(reader, baclofen)


def test_the_bulk_publish_action_publishes_pending_drafts(baclofen, editor_client, person):
    edit_baclofen(editor_client, baclofen)
    reviewer = Client()
    reviewer.force_login(person("Medical reviewer"))
    response = reviewer.post(
        "/admin/drugs/drug/",
        {"action": "publish", "_selected_action": [baclofen.pk], "index": "0"},
        follow=True,
    )
    assert "Approved and published: 1." in response.content.decode()
    baclofen.refresh_from_db()
    assert baclofen.summary == NEW_SUMMARY
    assert baclofen.doses.get(order=0).notes == DOSE_NOTE
    assert not baclofen.has_pending_draft
    assert NEW_SUMMARY in public(Client(), baclofen)


def test_an_editor_cannot_publish_the_draft(baclofen, editor_client):
    edit_baclofen(editor_client, baclofen)
    assert 'value="publish"' not in editor_client.get(change_url(baclofen)).content.decode()
    assert save(editor_client, baclofen, button="publish").status_code == 403
    assert Drug.objects.get(pk=baclofen.pk).summary == OLD_SUMMARY


def test_discarding_the_draft_keeps_the_live_version(baclofen, editor_client):
    edit_baclofen(editor_client, baclofen)
    url = f"/admin/drugs/drug/{baclofen.pk}/draft/discard/"
    page = editor_client.get(url)
    assert "Discard the draft" in page.content.decode()
    response = editor_client.post(url, {"_version": page.context["edit_version"]})
    assert response.status_code == 302
    baclofen.refresh_from_db()
    assert not baclofen.has_pending_draft
    assert baclofen.summary == OLD_SUMMARY
    assert "zephyrine" not in editor_client.get(change_url(baclofen)).content.decode()


def test_restoring_a_revision_of_a_live_monograph_makes_a_draft(baclofen, reviewer_client):
    Drug.objects.filter(pk=baclofen.pk).update(status=Status.DRAFT)
    save(reviewer_client, baclofen, summary="The reviewed summary.")
    save(
        reviewer_client,
        baclofen,
        button="publish",
        summary="A later summary.",
        **{"names-0-DELETE": "on"},  # a row deleted since the revision restored below
    )
    assert Drug.objects.get(pk=baclofen.pk).is_live
    names = sorted(baclofen.names.values_list("name", flat=True))
    older = next(
        v
        for v in Version.objects.get_for_object(baclofen)
        if v.field_dict["summary"] == "The reviewed summary."
    )
    url = f"/admin/drugs/drug/{baclofen.pk}/history/{older.pk}/"
    page = reviewer_client.get(url)
    assert page.status_code == 200
    response = reviewer_client.post(url, change_form_data(page, _save="Save"))
    assert response.status_code == 302
    baclofen.refresh_from_db()
    assert baclofen.summary == "A later summary."  # live is untouched
    assert baclofen.is_live
    assert baclofen.draft["data"]["summary"] == ["The reviewed summary."]
    assert sorted(baclofen.names.values_list("name", flat=True)) == names

    # The page shows the deleted row again as a new row; the test client's form reader sends
    # only existing rows, so add it as a browser would.
    revived = {k: v for k, v in baclofen.draft["data"].items() if k.startswith("names-1-")}
    assert revived["names-1-name"] == ["Lioresal"]
    assert save(reviewer_client, baclofen, button="publish", **revived).status_code == 302
    baclofen.refresh_from_db()
    assert baclofen.summary == "The reviewed summary."
    assert sorted(baclofen.names.values_list("name", flat=True)) == ["Kemstro", "Lioresal"]


def test_a_live_guide_is_drafted_previewed_and_published_the_same_way(
    editor_client, reviewer_client, client
):
    guide = ArticleFactory(title="Living with spasticity", summary="The live summary.")
    response = save(editor_client, guide, summary="The draft summary.")
    assert response.status_code == 302
    assert Article.objects.get(pk=guide.pk).summary == "The live summary."
    assert "The draft summary." not in client.get(guide.get_absolute_url()).content.decode()
    form = editor_client.get(change_url(guide)).content.decode()
    assert "A draft of this live guide is pending" in form
    preview = editor_client.get(f"/admin/articles/article/{guide.pk}/preview/").content.decode()
    assert "The draft summary." in preview
    save(reviewer_client, guide, button="publish")
    assert "The draft summary." in client.get(guide.get_absolute_url()).content.decode()


def test_items_that_are_not_live_are_saved_directly(editor_client):
    drug = DrugFactory(status=Status.DRAFT, summary="Before.")
    assert save(editor_client, drug, summary="After.").status_code == 302
    drug.refresh_from_db()
    assert drug.summary == "After."
    assert not drug.has_pending_draft
    assert "is pending" not in editor_client.get(change_url(drug)).content.decode()


def test_a_new_hero_image_waits_in_the_draft_and_arrives_on_publish(editor_client, reviewer_client):
    guide = ArticleFactory(title="Living with spasticity", hero_alt="A physiotherapist")
    page = editor_client.get(change_url(guide))
    data = change_form_data(page, _continue="Save", hero_image=jpeg_upload())
    assert editor_client.post(change_url(guide), data).status_code == 302
    guide.refresh_from_db()
    assert not guide.hero_image
    [stored] = guide.draft["files"].values()
    assert stored.startswith("drafts/")
    assert "carries a new picture" in editor_client.get(change_url(guide)).content.decode()

    save(reviewer_client, guide, button="publish")
    guide.refresh_from_db()
    assert guide.hero_image.name.startswith("articles/hero")
    assert not guide.has_pending_draft


def test_an_interaction_in_a_draft_reaches_kept_monographs_only_when_published(
    baclofen, editor_client, reviewer_client
):
    """Baclofen's first interactions are kept with it after its first reader
    (drugs.kept_interactions), among them one tizanidine's monograph stores: an edit of it in
    tizanidine's draft leaves baclofen's page as it was; the reviewer's publish of tizanidine
    writes the row, and baclofen's readers read its interactions afresh."""
    tizanidine = Drug.objects.get(generic_name="Tizanidine")
    effect = "In the draft, blood pressure can fall too far."
    reader = Client()
    assert "Together they lower blood pressure further." in public(reader, baclofen)  # kept
    assert KeptInteractions.objects.filter(drug=baclofen).exists()
    response = save(editor_client, tizanidine, **{"interactions-0-effect": effect})
    assert response.status_code == 302, response.context and response.context["errors"]
    assert effect not in public(reader, baclofen)
    assert save(reviewer_client, tizanidine, button="publish").status_code == 302
    assert effect in public(reader, baclofen)


def test_publishing_keeps_a_publication_time_the_boxes_show_to_the_second(
    baclofen, editor_client, reviewer_client
):
    """An imported page's publication time has a fraction of a second, which the admin's
    boxes do not show and so post back without: publishing its draft leaves the time as it
    was, and the history does not say the reviewer changed it."""
    stored = baclofen.published_at.replace(microsecond=123456)
    Drug.objects.filter(pk=baclofen.pk).update(published_at=stored)
    edit_baclofen(editor_client, baclofen)
    interactions_version = InteractionsVersion.objects.get().version
    assert save(reviewer_client, baclofen, button="publish").status_code == 302
    baclofen.refresh_from_db()
    assert baclofen.published_at == stored
    # Nothing interactions show of it changed: every medicine's kept ones are still current.
    assert InteractionsVersion.objects.get().version == interactions_version
    assert not baclofen.has_pending_draft
    history = LogEntry.objects.filter(object_id=str(baclofen.pk)).order_by("-pk")
    assert "Publication time" not in " ".join(entry.get_change_message() for entry in history)


def test_a_publication_time_changed_by_a_second_is_a_change(
    baclofen, editor_client, reviewer_client
):
    stored = baclofen.published_at.replace(microsecond=123456)
    Drug.objects.filter(pk=baclofen.pk).update(published_at=stored)
    edit_baclofen(editor_client, baclofen)
    earlier = timezone.localtime(stored - timedelta(seconds=1))
    response = publish_at(reviewer_client, baclofen, earlier)
    assert response.status_code == 302
    baclofen.refresh_from_db()
    assert baclofen.published_at == earlier.replace(microsecond=0)


def test_publishing_a_live_page_s_draft_at_a_time_to_come_is_refused_at_its_field(
    baclofen, editor_client, reviewer_client, client
):
    """It would take the live page from readers until then: said at the field, nothing
    saved, never an error page."""
    edit_baclofen(editor_client, baclofen)
    response = publish_at(reviewer_client, baclofen, timezone.localtime() + timedelta(days=1))
    assert response.status_code == 200
    assert "This page is live: publishing its changes puts them live now" in (
        response.content.decode()
    )
    baclofen.refresh_from_db()
    assert baclofen.has_pending_draft
    assert baclofen.summary == OLD_SUMMARY
    assert client.get(baclofen.get_absolute_url()).status_code == 200
