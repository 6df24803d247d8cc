"""A medicine's first interactions kept with it (drugs.kept_interactions): read in one query,
the same page as read afresh, and never used once anything they are read from is written,
nor past the first publication that was scheduled when they were read."""

import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from drugs.interactions import SHOWN_OF_RELATED
from drugs.kept_interactions import first_interactions, trigger_names
from drugs.kept_rows import warn_uncounted
from drugs.models import (
    Drug,
    DrugClass,
    Interaction,
    InteractionsVersion,
    KeptInteractions,
    LabelSource,
    Severity,
    Substance,
)
from medguide.editorial.drafts import rehearsal
from medguide.editorial.models import Status
from tests.drugs.test_views import KEEPING_INTERACTIONS_QUERIES
from tests.drugs.triggers import drop_trigger, refusing_inserts_into, triggers_in_database
from tests.factories import (
    DrugClassFactory,
    DrugFactory,
    InteractionFactory,
    SubstanceFactory,
)

pytestmark = pytest.mark.django_db

PAGES = ["/drugs/baclofen/", "/drugs/baclofen/?view=pro", "/drugs/baclofen.json"]


def version() -> int:
    found = InteractionsVersion.objects.first()
    return found.version if found else 0


def entries(drug: Drug, stop: int = 10) -> list[tuple]:
    """What a new reader is shown of the first `stop`, as plain values, with the counts."""
    found = first_interactions(Drug.objects.get(pk=drug.pk), stop)
    shown = [
        (e.other_name, e.other_url, e.severity, e.effect, e.kind, str(e.via_class))
        for e in found[:stop]
    ]
    return [*shown, found.count(), tuple(found.by_severity())]


def queries_to_read(drug: Drug, stop: int = 10) -> int:
    fresh = Drug.objects.get(pk=drug.pk)
    with CaptureQueriesContext(connection) as queries:
        found = first_interactions(fresh, stop)
        found[:stop], found.count(), found.by_severity()
    return len(queries)


@pytest.fixture
def named(baclofen):
    """Baclofen named by another medicine's row, and by a row naming its class."""
    InteractionFactory(
        drug=DrugFactory(generic_name="Examplamine"),
        interactant_drug=baclofen,
        severity=Severity.MAJOR,
        effect="Much more drowsiness.",
    )
    InteractionFactory(
        drug=DrugFactory(generic_name="Exampoxybate"),
        interactant_class=baclofen.classes.get(),
        interactant_drug=None,
        effect="More drowsiness.",
    )
    return baclofen


# Reading them ------------------------------------------------------------------------------


def test_a_second_reader_reads_them_in_one_query(named):
    afresh = entries(named)
    assert KeptInteractions.objects.filter(drug=named, stop=10).exists()
    assert queries_to_read(named) == 1  # the triggers, the version and the kept ones
    assert entries(named) == afresh
    assert afresh[0][:3] == ("Examplamine", "/drugs/examplamine/", "major")


def test_each_length_is_kept_apart(named):
    entries(named, stop=10)
    entries(named, stop=1)
    assert sorted(KeptInteractions.objects.values_list("stop", flat=True)) == [1, 10]
    assert entries(named, stop=1)[0] == entries(named, stop=10)[0]


def test_a_slice_past_what_is_kept_is_read(named):
    InteractionFactory.create_batch(3, interactant_drug=named)
    entries(named, stop=2)  # kept
    found = first_interactions(Drug.objects.get(pk=named.pk), 2)
    assert len(found[:2]) == 2
    assert len(found[:5]) == 5  # read
    assert len(found[:]) == found.count()


@pytest.mark.parametrize("path", PAGES)
def test_the_page_is_the_same_read_afresh_or_kept(client, named, path):
    afresh = client.get(path).content
    with CaptureQueriesContext(connection) as kept_queries:
        kept = client.get(path).content
    assert kept == afresh
    KeptInteractions.objects.all().delete()
    with CaptureQueriesContext(connection) as afresh_queries:
        assert client.get(path).content == afresh
    assert len(kept_queries) <= len(afresh_queries) - KEEPING_INTERACTIONS_QUERIES


def test_kept_interactions_belong_to_the_reader_s_own_drug(named):
    entries(named)
    reader = Drug.objects.get(pk=named.pk)
    found = first_interactions(reader, 10)
    for entry in found[:10]:
        row = entry.interaction
        assert reader in (row.drug, row.interactant_drug) or row.interactant_class_id
    assert named.summary.encode() not in bytes(KeptInteractions.objects.get(stop=10).rows)


# Never used once the database holds anything else -------------------------------------------

# Every kind of write to every table interactions are read from. Bulk writes and raw SQL send
# no signals: the database's triggers count them all the same.
WRITES: dict[str, Callable[[Drug], object]] = {
    "an interaction added": lambda drug: InteractionFactory(interactant_drug=drug),
    "interactions added in bulk": lambda drug: Interaction.objects.bulk_create(
        [
            Interaction(
                drug=DrugFactory(),
                interactant_drug=drug,
                severity=Severity.MINOR,
                effect="e",
                advice="a",
            )
        ]
    ),
    "an interaction's severity changed by update()": lambda drug: Interaction.objects.update(
        severity=Severity.MINOR
    ),
    "an interaction deleted by SQL": lambda drug: connection.cursor().execute(
        "DELETE FROM drugs_interaction"
    ),
    "a medicine renamed by update()": lambda drug: Drug.objects.filter(
        generic_name="Examplamine"
    ).update(generic_name="Renamedamine"),
    "a medicine unpublished": lambda drug: Drug.objects.filter(generic_name="Examplamine").update(
        status=Status.ARCHIVED
    ),
    "a class added to a medicine": lambda drug: drug.classes.add(DrugClassFactory()),
    "a class renamed": lambda drug: DrugClass.objects.filter(pk=drug.classes.get().pk).update(
        name="Renamed relaxants"
    ),
    "a class placed in a group": lambda drug: DrugClass.objects.first().included_in.add(
        DrugClassFactory()
    ),
    "a substance added": lambda drug: SubstanceFactory(),
    "a substance put in a class": lambda drug: Substance.objects.first().classes.add(
        drug.classes.first()
    ),
    "a label's set id changed": lambda drug: LabelSource.objects.update(set_id="another"),
}


@pytest.mark.parametrize("write", WRITES)
def test_any_write_they_are_read_from_moves_the_version(named, write):
    if write == "a label's set id changed":
        LabelSource.objects.create(
            drug=named, spl_id="spl", set_id="set", sections={}, content_hash="x"
        )
    before = version()
    WRITES[write](named)
    assert version() > before


# A change to each column interactions show of the medicines and labels they name
# (SHOWN_OF_RELATED): drugs 0023 counts an update of these tables only when one changes. A
# column added there and not here fails below, and needs adding to the triggers too.
SHOWN_CHANGES = {
    Drug: {
        "generic_name": "Renamedamine",
        "slug": "renamedamine",
        "status": Status.ARCHIVED,
        "published_at": timezone.now() + timedelta(days=1),
    },
    LabelSource: {"set_id": "another"},
}
SHOWN_COLUMNS = list(
    dict.fromkeys(
        [
            *(
                (Drug, c)
                for c in (*SHOWN_OF_RELATED["drug"], *SHOWN_OF_RELATED["interactant_drug"])
            ),
            *((LabelSource, c) for c in SHOWN_OF_RELATED["label_source"]),
        ]
    )
)


@pytest.mark.parametrize(("model", "column"), SHOWN_COLUMNS)
def test_every_column_interactions_show_moves_the_version_when_it_changes(named, model, column):
    label = LabelSource.objects.create(
        drug=named, spl_id="spl", set_id="set", sections={}, content_hash="x"
    )
    row = label if model is LabelSource else Drug.objects.get(generic_name="Examplamine")
    before = version()
    model.objects.filter(pk=row.pk).update(**{column: SHOWN_CHANGES[model][column]})
    assert version() > before


def test_a_label_moved_to_another_medicine_moves_the_version(named):
    label = LabelSource.objects.create(
        drug=named, spl_id="spl", set_id="set", sections={}, content_hash="x"
    )
    before = version()
    LabelSource.objects.filter(pk=label.pk).update(drug=DrugFactory())
    assert version() > before


def test_an_edit_interactions_do_not_show_moves_nothing(client, named):
    """A monograph's text, a pending draft, a label's text: the kept interactions of every
    medicine stay current, and are still read from what was kept."""
    label = LabelSource.objects.create(
        drug=named, spl_id="spl", set_id="set", sections={}, content_hash="x"
    )
    client.get("/drugs/baclofen/")  # kept
    before = version()
    Drug.objects.filter(generic_name="Examplamine").update(summary="Changed", mechanism="New")
    other = Drug.objects.get(generic_name="Examplamine")
    other.review_note = "Saved whole, as the admin saves"
    other.save()
    LabelSource.objects.filter(pk=label.pk).update(sections={"boxed_warning": "New text."})
    assert version() == before
    assert queries_to_read(named) == 1  # the kept list, current


def test_a_statement_that_writes_no_row_moves_nothing(named):
    before = version()
    Interaction.objects.filter(severity="no such severity").update(effect="Changed")
    Drug.objects.filter(slug="no-such-medicine").delete()
    assert version() == before  # PostgreSQL's statement triggers look at the rows written


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_a_table_emptied_by_truncate_moves_the_version(named):
    before = version()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE drugs_substance_classes")
    assert version() > before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL counts at commit")
@pytest.mark.django_db(transaction=True)
def test_postgresql_counts_a_transaction_once_when_it_commits():
    """Counted at commit, the count's row is taken last: a writer holds it only while it
    commits, so two writers never each hold what the other waits for (drugs 0021)."""
    drug, other = DrugFactory(), DrugFactory()
    before = version()
    with transaction.atomic():
        for severity in (Severity.MINOR, Severity.MODERATE, Severity.MAJOR):
            InteractionFactory(drug=DrugFactory(), interactant_drug=drug, severity=severity)
        Drug.objects.filter(pk=other.pk).update(generic_name="Renamedazole")
        assert version() == before  # nothing counted before the commit
    assert version() == before + 1
    assert [row[2] for row in entries(drug)[:3]] == ["major", "moderate", "minor"]


@pytest.mark.parametrize(
    "write",
    [
        "an interaction added",
        "interactions added in bulk",
        "an interaction's severity changed by update()",
        "an interaction deleted by SQL",
        "a medicine renamed by update()",
        "a medicine unpublished",
    ],
)
def test_after_such_a_write_they_are_read_afresh(named, write):
    entries(named)  # kept
    WRITES[write](named)
    kept = entries(named)
    KeptInteractions.objects.all().delete()
    assert kept == entries(named)


def test_another_medicine_s_major_interaction_shows_at_once(client, named):
    client.get("/drugs/baclofen/")  # kept
    other = DrugFactory(generic_name="Examplate")
    Interaction.objects.bulk_create(
        [
            Interaction(
                drug=other,
                interactant_drug=named,
                severity=Severity.MAJOR,
                effect="Breathing can slow dangerously.",
                advice="Do not take them together.",
            )
        ]
    )
    assert "Breathing can slow dangerously." in client.get("/drugs/baclofen/").content.decode()


def test_a_class_placed_in_a_group_brings_the_group_s_interactions_at_once(client, named):
    group = DrugClassFactory(name="Medicines that slow breathing")
    InteractionFactory(
        drug=DrugFactory(generic_name="Examplodone"),
        interactant_class=group,
        interactant_drug=None,
        severity=Severity.MAJOR,
        effect="Breathing can stop.",
    )
    assert "Breathing can stop." not in client.get("/drugs/baclofen/").content.decode()  # kept
    named.classes.get().included_in.add(group)
    assert "Breathing can stop." in client.get("/drugs/baclofen/").content.decode()


def test_a_medicine_unpublished_leaves_the_page_at_once(client, named):
    assert "Examplamine" in client.get("/drugs/baclofen/").content.decode()  # kept
    Drug.objects.filter(generic_name="Examplamine").update(status=Status.DRAFT)
    assert "Examplamine" not in client.get("/drugs/baclofen/").content.decode()


def test_a_scheduled_medicine_shows_once_its_time_comes_with_no_write(client, named):
    InteractionFactory(
        drug=DrugFactory(
            generic_name="Examplentin", published_at=timezone.now() + timedelta(hours=1)
        ),
        interactant_drug=named,
        severity=Severity.MAJOR,
        effect="Slowed breathing.",
    )
    assert "Examplentin" not in client.get("/drugs/baclofen/").content.decode()  # kept
    assert KeptInteractions.objects.get(stop=10).valid_until is not None
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert "Examplentin" in client.get("/drugs/baclofen/").content.decode()


def test_interactions_kept_by_other_code_are_read_afresh(named):
    afresh = entries(named)
    KeptInteractions.objects.update(layout="kept by another version")
    assert queries_to_read(named) > 1 + KEEPING_INTERACTIONS_QUERIES  # read, and kept again
    assert KeptInteractions.objects.get(stop=10).layout != "kept by another version"
    assert entries(named) == afresh


def test_unreadable_kept_interactions_are_read_afresh(client, named, caplog):
    afresh = client.get("/drugs/baclofen/").content
    KeptInteractions.objects.update(rows=b"not a pickle")
    with caplog.at_level(logging.WARNING, logger="drugs.kept_interactions"):
        assert client.get("/drugs/baclofen/").content == afresh
    assert "unreadable" in caplog.text
    assert bytes(KeptInteractions.objects.get(stop=10).rows) != b"not a pickle"


# Where they cannot be trusted, they are neither used nor kept ----------------------------------


def test_a_preview_neither_uses_nor_keeps_them(named):
    entries(named)
    with rehearsal():
        InteractionFactory(drug=DrugFactory(generic_name="Draftamine"), interactant_drug=named)
        KeptInteractions.objects.update(version=version())  # as if kept after the draft's write
        assert "Draftamine" in [row[0] for row in entries(named)[:-2]]
    assert "Draftamine" not in [row[0] for row in entries(named)[:-2]]


def test_without_all_their_triggers_they_are_neither_used_nor_kept(named, caplog):
    entries(named)
    dropped = min(name for name in trigger_names(connection.vendor) if "_drugs_interaction" in name)
    drop_trigger(dropped, "drugs_interaction")
    KeptInteractions.objects.all().delete()
    warn_uncounted.cache_clear()
    with caplog.at_level(logging.ERROR, logger="drugs.kept_rows"):
        assert entries(named)[0][0] == "Examplamine"  # read afresh
    assert not KeptInteractions.objects.exists()
    assert "a trigger of drugs 0021 is missing" in caplog.text
    warn_uncounted.cache_clear()


def test_a_database_refusing_to_keep_them_costs_the_reader_nothing(client, named, caplog):
    with (
        connection.execute_wrapper(refusing_inserts_into("drugs_keptinteractions")),
        caplog.at_level(logging.WARNING),
    ):
        response = client.get("/drugs/baclofen/")
    assert response.status_code == 200
    assert "Examplamine" in response.content.decode()
    assert "not kept" in caplog.text
    assert not KeptInteractions.objects.exists()


def test_every_table_they_are_read_from_has_its_triggers():
    assert trigger_names(connection.vendor) <= triggers_in_database()
