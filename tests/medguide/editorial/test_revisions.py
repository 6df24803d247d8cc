"""Revision history with inline rows, comparison, restore as a new revision, and refusing a
save that would overwrite someone else's changes."""

import pytest
from reversion.models import Version

from articles.models import Article
from drugs.models import Drug, DrugName, Formulation, Strength
from medguide.editorial import revisions
from medguide.editorial.models import Status
from tests.admin_forms import change_form_data, change_url
from tests.factories import (
    ArticleFactory,
    DrugFactory,
    DrugNameFactory,
    FormulationFactory,
    StrengthFactory,
)

pytestmark = pytest.mark.django_db


def save(client, item, *, token: str | None = None, **changes):
    page = client.get(change_url(item))
    data = change_form_data(page, _save="Save", **changes)
    if token is not None:
        data["_version"] = token
    return client.post(change_url(item), data)


def opened(client, item) -> str:
    """The version the change page hands out, as a browser would post it back."""
    content = client.get(change_url(item)).content.decode()
    marker = 'name="_version" value="'
    start = content.index(marker) + len(marker)
    return content[start : content.index('"', start)]


@pytest.fixture
def monograph(db):
    # Not live: an admin save of a live monograph keeps a draft (editorial/test_drafts.py).
    drug = DrugFactory(generic_name="Baclofen", summary="A muscle relaxant.", status=Status.DRAFT)
    DrugNameFactory(drug=drug, name="Lioresal")
    StrengthFactory(formulation=FormulationFactory(drug=drug))
    return drug


def test_each_save_keeps_a_revision_with_the_inline_rows(admin_client, monograph):
    save(admin_client, monograph, summary="A muscle relaxant for spasticity.")
    save(admin_client, monograph, **{"names-0-name": "Lioresol"})
    versions = list(Version.objects.get_for_object(monograph))
    assert len(versions) == 2
    kept = {v.content_type.model for v in versions[1].revision.version_set.all()}
    assert {"drug", "drugname", "formulation", "strength"} <= kept


def test_comparing_two_revisions_shows_field_and_row_changes(admin_client, monograph):
    save(admin_client, monograph, summary="A muscle relaxant for spasticity.")
    save(admin_client, monograph, **{"names-0-name": "Lioresol"}, summary="Relaxes muscles.")
    newer, older = Version.objects.get_for_object(monograph)[:2]
    response = admin_client.get(
        f"/admin/drugs/drug/{monograph.pk}/history/compare/",
        {"older": older.pk, "newer": newer.pk},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Lioresal" in content
    assert "Lioresol" in content
    assert "<del>A muscle relaxant for spasticity.</del>" in content
    assert "<ins>Relaxes muscles.</ins>" in content


def test_history_page_offers_comparison_and_restore(admin_client, monograph):
    save(admin_client, monograph, summary="First.")
    save(admin_client, monograph, summary="Second.")
    content = admin_client.get(f"/admin/drugs/drug/{monograph.pk}/history/").content.decode()
    assert "Compare the two revisions" in content
    assert f"/admin/drugs/drug/{monograph.pk}/history/" in content


def test_restoring_an_earlier_revision_saves_it_as_a_new_one(admin_client, monograph):
    save(admin_client, monograph, summary="The good summary.")
    save(admin_client, monograph, summary="A worse summary.", **{"names-0-name": "Lioresol"})
    good = Version.objects.get_for_object(monograph)[1]
    url = f"/admin/drugs/drug/{monograph.pk}/history/{good.pk}/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert Drug.objects.get(pk=monograph.pk).summary == "A worse summary."  # only shown
    response = admin_client.post(url, change_form_data(page, _save="Save"))
    assert response.status_code == 302
    monograph.refresh_from_db()
    assert monograph.summary == "The good summary."
    assert list(DrugName.objects.filter(drug=monograph).values_list("name", flat=True)) == [
        "Lioresal"
    ]
    assert Version.objects.get_for_object(monograph).count() == 3  # nothing was overwritten
    assert Formulation.objects.filter(drug=monograph).count() == 1
    assert Strength.objects.filter(formulation__drug=monograph).count() == 1


def test_guides_keep_revisions_too(admin_client):
    guide = ArticleFactory(title="Old title")
    save(admin_client, guide, title="New title")
    assert Version.objects.get_for_object(guide).count() == 1


# Edit conflicts -------------------------------------------------------------------------------


def test_a_stale_save_is_refused_with_what_changed(
    admin_client, client, monograph, django_user_model
):
    first = admin_client  # saves once, opens the page again, then is slow to save
    save(first, monograph, summary="The summary both editors start from.")
    token = opened(first, monograph)
    second_user = django_user_model.objects.create_superuser("second", password="x-irrelevant")
    client.force_login(second_user)
    save(client, monograph, summary="Edited by the second editor.")

    response = save(first, monograph, token=token, summary="Edited by the first editor.")

    assert response.status_code == 200
    content = response.content.decode()
    assert "second saved this drug after you opened it" in content
    assert "Their saves:<ul><li>second at" in content  # as the history records it
    assert "<ins>Edited by the second editor.</ins>" in content
    assert Drug.objects.get(pk=monograph.pk).summary == "Edited by the second editor."


def test_a_change_to_inline_rows_alone_also_counts(
    admin_client, client, monograph, django_user_model
):
    token = opened(admin_client, monograph)
    client.force_login(django_user_model.objects.create_superuser("other", password="x-irr"))
    save(client, monograph, **{"names-0-name": "Lioresol"})
    response = save(admin_client, monograph, token=token, summary="Mine.")
    assert response.status_code == 200
    assert "other saved this drug after you opened it" in response.content.decode()
    assert Drug.objects.get(pk=monograph.pk).summary == "A muscle relaxant."


def test_an_up_to_date_save_goes_through(admin_client, monograph):
    token = opened(admin_client, monograph)
    response = save(admin_client, monograph, token=token, summary="Fresh.")
    assert response.status_code == 302
    assert Drug.objects.get(pk=monograph.pk).summary == "Fresh."


def test_a_garbled_version_is_refused_without_breaking_the_page(admin_client, monograph):
    response = save(admin_client, monograph, token="not-a-number", summary="Not saved.")
    assert response.status_code == 200
    assert "your changes were not saved" in response.content.decode()
    assert Drug.objects.get(pk=monograph.pk).summary == "A muscle relaxant."


# The history starts at the beginning ------------------------------------------------------------


@pytest.fixture
def fresh_demo(db):
    """The demo loaded by this test itself, for a test of what loading records."""
    from medguide.demo.loader import load_demo

    load_demo()


@pytest.fixture
def demo_pictures(demo, settings, demo_media):
    """The module's demo (tests/medguide/conftest.py) with the storage its pictures are in,
    for tests that save a guide through the admin form, which reads its picture."""
    settings.MEDIA_ROOT = demo_media


def test_load_demo_records_a_first_revision_and_a_second_run_none(fresh_demo):
    from medguide.demo.loader import load_demo

    drug = Drug.objects.get(slug="baclofen")
    guide = Article.objects.get(slug="exercise-tips-for-fluoxetine-users")
    assert Version.objects.get_for_object(drug).count() == 1
    assert Version.objects.get_for_object(guide).count() == 1
    load_demo()
    assert Version.objects.get_for_object(drug).count() == 1


@pytest.mark.parametrize("slug", ["baclofen", "tizanidine"])
def test_a_first_edit_of_a_demo_drug_lists_only_what_changed(admin_client, demo, slug):
    drug = Drug.objects.get(slug=slug)
    save(admin_client, drug, summary="A new summary.")
    newer, older = Version.objects.get_for_object(drug)[:2]
    differences = revisions.compare(older, newer)
    assert [(d.what, d.field) for d in differences] == [(f"Drug “{drug}”", "summary")]


def test_a_first_edit_of_a_demo_guide_lists_only_what_changed(admin_client, demo_pictures):
    guide = Article.objects.get(slug="footwear-advice-for-muscle-stiffness")
    save(admin_client, guide, title="Shoes for stiff muscles")
    newer, older = Version.objects.get_for_object(guide)[:2]
    differences = revisions.compare(older, newer)
    assert [d.field for d in differences] == ["title"]


def test_a_guides_tags_are_part_of_its_revisions(admin_client):
    guide = ArticleFactory(title="Sleep and spasm", status=Status.DRAFT)
    guide.tags.set(["Sleep", "Spasm"])
    save(admin_client, guide, tags="Sleep, Spasm")
    save(admin_client, guide, tags="Sleep, Night cramps")
    newer, older = Version.objects.get_for_object(guide)[:2]

    differences = revisions.compare(older, newer)

    assert sorted((d.what, d.change) for d in differences) == [
        ("Tag “Night cramps”", "added"),
        ("Tag “Spasm”", "removed"),
    ]
    history = admin_client.get(change_url(guide).replace("/change/", "/history/"))
    assert history.status_code == 200


def test_restoring_a_guide_revision_brings_its_tags_back(admin_client):
    guide = ArticleFactory(title="Sleep and spasm", status=Status.DRAFT)
    save(admin_client, guide, tags="Sleep, Spasm")
    save(admin_client, guide, tags="Night cramps")
    first = Version.objects.get_for_object(guide)[1]
    url = f"/admin/articles/article/{guide.pk}/history/{first.pk}/"
    page = admin_client.get(url)
    assert page.status_code == 200

    response = admin_client.post(url, change_form_data(page, _save="Save"))

    assert response.status_code == 302
    assert sorted(guide.tags.names()) == ["Sleep", "Spasm"]
