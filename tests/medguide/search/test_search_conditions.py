"""Search understands conditions: a condition's page is a result of its own, and a query
naming a condition finds the medicines used for it (their indications) before medicines
that only mention it, as a side effect or in a warning."""

import pytest
from django.utils import timezone

from medguide.editorial.models import Status
from medguide.search import index as search_index
from medguide.search import query as site_search
from tests.factories import ConditionFactory, DrugFactory, IndicationFactory, SideEffectFactory

pytestmark = pytest.mark.django_db


def results(query: str, **kwargs) -> list[tuple[str, str]]:
    search_index.flush()
    found = site_search.search(query, **kwargs)
    return [(result.kind, result.title) for result in found.page.object_list]


@pytest.fixture
def muscle_spasm(db):
    condition = ConditionFactory(name="Muscle spasm", synonyms="Muscle cramps")
    IndicationFactory(
        drug=DrugFactory(generic_name="Relaxazole", summary="Relieves muscle spasm."),
        condition=condition,
    )
    # Mentions the words more often, but lists spasm as something it can cause.
    causes = DrugFactory(
        generic_name="Crampazole",
        summary="Muscle spasm and muscle cramps are common: muscle spasm may be severe.",
    )
    SideEffectFactory(drug=causes, name="Muscle spasm")
    return condition


def test_a_condition_is_a_result_of_its_own(muscle_spasm):
    found = results("muscle spasm")
    assert found[0] == ("condition", "Muscle spasm")
    assert site_search.search("muscle spasm").counts["condition"] == 1
    assert results("muscle spasm", kind="condition") == [("condition", "Muscle spasm")]


def test_a_condition_is_found_by_its_other_names(muscle_spasm):
    assert ("condition", "Muscle spasm") in results("muscle cramps")
    names = [(s.name, s.kind) for s in site_search.suggest("muscle cr")]
    assert ("Muscle cramps", "condition") in names


def test_medicines_used_for_it_come_before_medicines_that_mention_it(muscle_spasm):
    drugs = [title for kind, title in results("muscle spasm") if kind == "drug"]
    assert drugs == ["Relaxazole", "Crampazole"]


def test_the_start_of_a_condition_name_puts_no_medicines_first(db):
    """A query only starting a condition's name does not name it: at scale, "hi" (High blood
    pressure, HIV) put 1,500 medicines ahead of everything else."""
    IndicationFactory(
        drug=DrugFactory(generic_name="Treatazole", summary="A long-acting medicine."),
        condition=ConditionFactory(name="Night cramp"),
    )
    mentions = DrugFactory(
        generic_name="Mentionazole", summary="Night cramp, night cramp and more night cramp."
    )
    SideEffectFactory(drug=mentions, name="Night cramp")
    named = [title for kind, title in results("night cramp") if kind == "drug"]
    assert named == ["Treatazole", "Mentionazole"], "named in full: its medicine first"
    drugs = [title for kind, title in results("night cra") if kind == "drug"]
    assert drugs == ["Mentionazole", "Treatazole"], "by their text alone"


def test_a_condition_no_published_medicine_is_used_for_is_not_found(db):
    hidden = ConditionFactory(name="Draftitis")
    IndicationFactory(
        drug=DrugFactory(generic_name="Unseen", status=Status.DRAFT), condition=hidden
    )
    ConditionFactory(name="Lonelitis")  # no medicine at all
    assert results("draftitis") == []
    assert results("lonelitis") == []


def test_a_condition_is_found_once_its_first_medicine_is_public_and_not_after_its_last_goes(
    db, time_machine
):
    condition = ConditionFactory(name="Draftitis")
    drug = DrugFactory(generic_name="Unseen", status=Status.DRAFT)
    indication = IndicationFactory(drug=drug, condition=condition)
    assert results("draftitis") == []
    drug.status = Status.PUBLISHED
    drug.published_at = drug.published_at + timezone.timedelta(days=1)  # scheduled
    drug.save()
    assert results("draftitis") == []
    time_machine.move_to(drug.published_at + timezone.timedelta(minutes=1))
    assert ("condition", "Draftitis") in results("draftitis")
    indication.delete()  # its only medicine is no longer used for it
    assert results("draftitis") == []
    IndicationFactory(drug=drug, condition=condition)
    assert ("condition", "Draftitis") in results("draftitis")
    drug.status = Status.ARCHIVED
    drug.save()
    assert results("draftitis") == []


def test_a_renamed_condition_is_found_by_its_new_name(muscle_spasm):
    muscle_spasm.name = "Muscle spasms and cramps"
    muscle_spasm.save()
    assert ("condition", "Muscle spasms and cramps") in results("spasms and cramps")


def test_the_results_page_labels_and_links_condition_results(client, muscle_spasm):
    content = client.get("/search/", {"q": "muscle spasm"}).content.decode()
    assert f'href="{muscle_spasm.get_absolute_url()}"' in content
    assert ">Condition</p>" in content
    assert "Conditions" in content  # the filter
