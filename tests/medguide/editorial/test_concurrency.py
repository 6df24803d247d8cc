"""No lost edits: each save claims the version its editor saw, inside the saving transaction,
so of two saves of one version exactly one wins; the other editor gets their page back with
what changed meanwhile, and must have seen the newer version to save over it."""

import threading

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test import Client

from drugs.models import Drug
from medguide.editorial.concurrency import EditConflict, claim
from medguide.editorial.models import Status
from tests.admin_forms import change_form_data, change_url, press
from tests.factories import DrugFactory

ROUNDS = 20


def stored_version(item) -> int:
    return type(item).objects.values_list("version", flat=True).get(pk=item.pk)


# claim() and save() ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_claim_takes_the_next_version_when_it_is_still_the_one_seen():
    drug = DrugFactory()
    with transaction.atomic():
        claim(drug, seen_version=drug.version)
        drug.summary = "Mine."
        drug.save()
    assert drug.version == 2
    assert stored_version(drug) == 2  # the claimed save does not raise it twice


@pytest.mark.django_db
def test_claim_refuses_a_version_someone_else_moved_past():
    drug = DrugFactory()
    Drug.objects.get(pk=drug.pk).save()  # someone else, meanwhile
    with pytest.raises(EditConflict), transaction.atomic():
        claim(drug, seen_version=1)
    assert (drug.version, stored_version(drug)) == (1, 2)


# transaction=True without serialized_rollback: its flush then re-creates the content types and
# roles (post_migrate) for whatever test the same xdist worker runs next.
@pytest.mark.django_db(transaction=True)
def test_claim_outside_a_transaction_is_a_mistake():
    drug = DrugFactory()
    with pytest.raises(TransactionManagementError):
        claim(drug, seen_version=drug.version)
    assert stored_version(drug) == 1


@pytest.mark.django_db
def test_saves_from_elsewhere_raise_the_version_in_the_database():
    """Imports and the demo call save(): editors with an older page are still told."""
    drug = DrugFactory()
    assert drug.version == 1
    stale = Drug.objects.get(pk=drug.pk)
    drug.save()
    stale.save(update_fields=["summary"])  # counted, not overwritten: the database adds one
    assert stored_version(drug) == 3
    assert stale.version == 3


# The admin's change form -----------------------------------------------------------------------


@pytest.fixture
def second_editor(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("second", password="x-irr"))
    return client


@pytest.mark.django_db
def test_a_refused_save_keeps_what_was_typed_and_shows_the_other_save(admin_client, second_editor):
    drug = DrugFactory(status=Status.DRAFT)
    press(admin_client, drug, summary="The summary both start from.")  # in the history
    first_page = admin_client.get(change_url(drug))
    press(second_editor, drug, summary="The summary the second editor saved.")

    mine = change_form_data(first_page, _save="Save", summary="The summary I typed.")
    refused = admin_client.post(change_url(drug), mine)

    assert refused.status_code == 200
    content = refused.content.decode()
    assert "second saved this drug after you opened it" in content
    assert "your changes were not saved" in content
    assert "<ins>the second editor saved.</ins>" in content  # what they changed
    assert "The summary I typed.</textarea>" in content  # what I typed, kept
    assert f'name="_version" value="{stored_version(drug)}"' in content  # now seen
    assert Drug.objects.get(pk=drug.pk).summary == "The summary the second editor saved."


@pytest.mark.django_db
def test_saving_again_needs_the_newer_version_to_have_been_seen(admin_client, second_editor):
    drug = DrugFactory(status=Status.DRAFT, summary="Start.")
    first_page = admin_client.get(change_url(drug))
    press(second_editor, drug, summary="Theirs.")
    blind = change_form_data(first_page, _save="Save", summary="Mine.")

    refused = admin_client.post(change_url(drug), blind)
    assert admin_client.post(change_url(drug), blind).status_code == 200  # still blind
    assert Drug.objects.get(pk=drug.pk).summary == "Theirs."

    after_seeing = change_form_data(refused, _save="Save")  # the conflict page, as shown
    assert after_seeing["summary"] == "Mine."
    assert admin_client.post(change_url(drug), after_seeing).status_code == 302
    assert Drug.objects.get(pk=drug.pk).summary == "Mine."


@pytest.mark.django_db
def test_a_save_by_an_import_meanwhile_also_counts(admin_client):
    drug = DrugFactory(status=Status.DRAFT, summary="Start.")
    page = admin_client.get(change_url(drug))
    imported = Drug.objects.get(pk=drug.pk)
    imported.summary = "From the label import."
    imported.save()
    response = admin_client.post(change_url(drug), change_form_data(page, summary="Mine."))
    assert response.status_code == 200
    assert "Someone saved this drug after you opened it" in response.content.decode()
    assert Drug.objects.get(pk=drug.pk).summary == "From the label import."


@pytest.mark.django_db
def test_a_post_without_a_version_is_refused_as_a_conflict(admin_client):
    drug = DrugFactory(status=Status.DRAFT, summary="Start.")
    data = change_form_data(admin_client.get(change_url(drug)), summary="Mine.")
    del data["_version"]
    assert admin_client.post(change_url(drug), data).status_code == 200
    assert Drug.objects.get(pk=drug.pk).summary == "Start."


@pytest.mark.django_db
def test_an_up_to_date_save_raises_the_version_once(admin_client):
    drug = DrugFactory(status=Status.DRAFT)
    assert press(admin_client, drug, summary="Fresh.").status_code == 302
    assert stored_version(drug) == 2


# Two connections at once (PostgreSQL) ----------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_saves_exactly_one_wins_and_no_edit_is_lost(django_user_model):
    drug = DrugFactory(status=Status.DRAFT, summary="Round 0.")
    editors = []
    for name in ("first", "second"):
        client = Client()
        client.force_login(django_user_model.objects.create_superuser(name, password="x-irr"))
        editors.append(client)

    wins = {"first": 0, "second": 0}
    lost = 0
    for round_ in range(1, ROUNDS + 1):
        pages = [client.get(change_url(drug)) for client in editors]  # both see one version
        seen = {page.context["edit_version"] for page in pages}
        assert seen == {stored_version(drug)}
        barrier = threading.Barrier(len(editors))
        responses = {}

        def save(name, client, page, round_=round_, barrier=barrier, responses=responses):
            text = f"Round {round_}: {name}'s summary."
            data = change_form_data(page, _save="Save", summary=text)
            try:
                barrier.wait(timeout=30)
                responses[name] = client.post(change_url(drug), data)
            finally:
                connection.close()  # this thread's own connection

        threads = [
            threading.Thread(target=save, args=(name, client, page))
            for name, client, page in zip(["first", "second"], editors, pages, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        codes = {name: response.status_code for name, response in responses.items()}
        winners = [name for name, code in codes.items() if code == 302]
        assert len(winners) == 1, (round_, codes)
        (winner,) = winners
        (loser,) = set(codes) - {winner}
        assert codes[loser] == 200
        wins[winner] += 1
        in_db = Drug.objects.get(pk=drug.pk).summary
        if in_db != f"Round {round_}: {winner}'s summary.":
            lost += 1
        conflict_page = responses[loser].content.decode()
        assert "saved this drug after you opened it" in conflict_page
        assert f"{winner} saved" in conflict_page

    print(f"{ROUNDS} rounds: wins {wins}, losses {ROUNDS}, edits lost {lost}")
    assert lost == 0
    assert sum(wins.values()) == ROUNDS
    assert stored_version(drug) == 1 + ROUNDS
