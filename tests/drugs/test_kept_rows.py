"""A monograph's own rows kept with it (drugs.kept_rows): read in one query, the same page as
read afresh, and never used once the database holds anything else."""

import gc
import logging
import threading
import weakref
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Category, CuratedGuide
from drugs import kept_interactions, kept_rows
from drugs.kept_rows import (
    KEPT,
    layout,
    prefetch_monograph,
    probe,
    trigger_names,
    warn_uncounted,
)
from drugs.models import (
    SCHEDULED_GUIDES_READ,
    ChangeLogEntry,
    Condition,
    Drug,
    DrugClass,
    DrugName,
    KeptInteractions,
    KeptRows,
    LabelSource,
    MonographVersion,
    Product,
    SideEffect,
    Strength,
)
from medguide.editorial import caching
from medguide.editorial.drafts import rehearsal
from medguide.editorial.models import Status
from tests.caches import pages_cached
from tests.drugs.test_views import KEEPING_QUERIES
from tests.drugs.triggers import drop_trigger, refusing_inserts_into, triggers_in_database
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    ConditionFactory,
    CuratedGuideFactory,
    DoseGuidelineFactory,
    DrugClassFactory,
    DrugFactory,
    DrugNameFactory,
    FormulationFactory,
    IndicationFactory,
    ReferenceFactory,
    SideEffectFactory,
    StrengthFactory,
)

pytestmark = pytest.mark.django_db


def version_of(subject: int) -> int:
    found = MonographVersion.objects.filter(subject=subject).first()
    return found.version if found else 0


def read(drug: Drug) -> Drug:
    """The drug as a new reader fetches it, its monograph's rows prefetched."""
    fresh = Drug.objects.get(pk=drug.pk)
    prefetch_monograph(fresh)
    return fresh


def queries_to_read(drug: Drug) -> int:
    with CaptureQueriesContext(connection) as queries:
        read(drug)
    return len(queries)


def relations(drug: Drug) -> dict[str, list]:
    """What the page reads of each kept relation, as plain values."""
    read_back = {name: list(getattr(drug, name).all()) for name in KEPT}
    return {name: [values(row) for row in rows] for name, rows in read_back.items()} | {
        "strengths": [[values(s) for s in f.strengths.all()] for f in read_back["formulations"]]
    }


def logged(drug: Drug) -> ChangeLogEntry:
    return ChangeLogEntry.objects.create(
        drug=drug, summary="Dose table corrected", section="dosage", section_title="Dosage"
    )


def values(row) -> tuple:
    return (str(row), *(getattr(row, field.attname) for field in row._meta.concrete_fields))


def label(drug: Drug) -> LabelSource:
    return LabelSource.objects.create(
        drug=drug,
        spl_id=f"spl-{drug.pk}",
        set_id=f"set-{drug.pk}",
        generic_name_raw=drug.generic_name.upper(),
        sections={"indications_and_usage": "For spasticity."},
        content_hash="x",
    )


def product(drug: Drug) -> Product:
    made = Product.objects.create(
        application_number="012345", product_number="001", name="Brandname"
    )
    made.drugs.add(drug)
    return made


# Reading them ------------------------------------------------------------------------------


def test_a_second_reader_reads_the_kept_rows_in_the_one_query(baclofen):
    logged(baclofen)
    afresh = read(baclofen)  # read, and kept
    assert KeptRows.objects.filter(drug=baclofen).exists()
    assert queries_to_read(baclofen) == 2  # the drug, then which have rows with the kept ones
    assert relations(read(baclofen)) == relations(afresh)


def test_kept_rows_belong_to_the_reader_s_own_drug(baclofen):
    read(baclofen)
    kept = bytes(KeptRows.objects.get(drug=baclofen).rows)
    assert baclofen.summary.encode() not in kept  # the drug itself is not kept with them
    reader = read(baclofen)
    for name in ("names", "indications", "side_effects"):
        assert all(row.drug is reader for row in getattr(reader, name).all())


@pytest.mark.parametrize(
    "query",
    [kept_rows._probe(connection.vendor), kept_interactions._probe(connection.vendor, 10)],
    ids=["kept rows", "kept interactions"],
)
def test_a_probe_is_compiled_once_and_asks_what_the_orm_asks(baclofen, query, monkeypatch):
    other = DrugFactory()
    read(baclofen)
    first_interactions = kept_interactions.first_interactions
    first_interactions(Drug.objects.get(pk=baclofen.pk), 10)  # its interactions kept too
    # A time, which SQLite returns as text and the ORM converts.
    KeptInteractions.objects.update(valid_until=timezone.now() + timedelta(days=1))
    compiled = []
    compile_sql = kept_rows._compile
    monkeypatch.setattr(kept_rows._compiled, "probes", {})
    monkeypatch.setattr(
        kept_rows, "_compile", lambda *args: compiled.append(args) or compile_sql(*args)
    )
    for drug in (baclofen, other, baclofen):
        assert probe(query, drug) == query.filter(pk=drug.pk).get()
    assert len(compiled) == 1
    gone = DrugFactory()
    gone.delete()
    with pytest.raises(Drug.DoesNotExist):
        probe(query, gone)


@pytest.mark.django_db(transaction=True)
def test_a_thread_s_compiled_probes_go_with_it():
    """A server that starts a thread for each request (runserver) keeps none of them."""
    drug = DrugFactory()
    seen = {}

    def read() -> None:
        try:
            prefetch_monograph(Drug.objects.get(pk=drug.pk))
            seen["probes"] = len(kept_rows._compiled.probes)
            seen["connection"] = weakref.ref(connections["default"])
        finally:
            connections.close_all()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join()
    assert seen["probes"] == 1
    gc.collect()
    assert seen["connection"]() is None  # nothing kept holds the thread's connection


@pytest.mark.parametrize(
    "path",
    [
        "/drugs/baclofen/",
        "/drugs/baclofen/?view=pro",
        "/drugs/baclofen.json",
    ],
)
def test_the_page_is_the_same_read_afresh_or_kept(client, baclofen, path):
    label(baclofen)
    product(baclofen)
    logged(baclofen)
    afresh = client.get(path).content
    with CaptureQueriesContext(connection) as kept_queries:
        kept = client.get(path).content
    assert kept == afresh
    KeptRows.objects.all().delete()
    with CaptureQueriesContext(connection) as afresh_queries:
        assert client.get(path).content == afresh
    assert len(kept_queries) <= len(afresh_queries) - KEEPING_QUERIES


# Never used once the database holds anything else -------------------------------------------

# Every kind of write to every table the kept rows come from, by the medicine it concerns. Bulk
# writes and raw SQL send no signals: the database's triggers count them all the same.
WRITES: dict[str, Callable[[Drug], object]] = {
    "a name added": lambda drug: DrugNameFactory(drug=drug),
    "names added in bulk": lambda drug: DrugName.objects.bulk_create(
        [DrugName(drug=drug, name="Bulkname")]
    ),
    "a name's note changed by update()": lambda drug: DrugName.objects.filter(drug=drug).update(
        note="Changed"
    ),
    "a name deleted": lambda drug: DrugName.objects.filter(drug=drug).delete(),
    "a class added": lambda drug: drug.classes.add(DrugClassFactory()),
    "a class taken off": lambda drug: drug.classes.clear(),
    "a use added": lambda drug: IndicationFactory(drug=drug),
    "a dose added": lambda drug: DoseGuidelineFactory(drug=drug),
    "a dose changed": lambda drug: drug.doses.update(start_amount=7),
    "a form added": lambda drug: FormulationFactory(drug=drug),
    "a strength added": lambda drug: StrengthFactory(formulation=drug.formulations.first()),
    "a strength changed": lambda drug: Strength.objects.filter(formulation__drug=drug).update(
        amount=15
    ),
    "a side effect added": lambda drug: SideEffectFactory(drug=drug),
    "a side effect changed by SQL": lambda drug: connection.cursor().execute(
        "UPDATE drugs_sideeffect SET advice = 'Changed' WHERE drug_id = %s", [drug.pk]
    ),
    "a side effect deleted": lambda drug: SideEffect.objects.filter(drug=drug).delete(),
    "a source added": lambda drug: ReferenceFactory(drug=drug),
    "a label added": label,
    "a product added": product,
    "a product changed": lambda drug: Product.objects.filter(drugs=drug).update(name="Other"),
    "a guide placed": lambda drug: CuratedGuideFactory(drug=drug),
    "a placed guide retitled by update()": lambda drug: Article.objects.filter(
        curations__drug=drug
    ).update(title="Retitled"),
    "a placed guide taken off": lambda drug: CuratedGuide.objects.filter(drug=drug).delete(),
    "a placed guide deleted": lambda drug: Article.objects.filter(curations__drug=drug).delete(),
    "a guide about it added": lambda drug: ArticleFactory(related_drugs=[drug]),
    "a guide about it retitled by update()": lambda drug: Article.objects.filter(
        related_drugs=drug
    ).update(title="Retitled"),
    "a guide about it placed on it too, retitled": lambda drug: Article.objects.filter(
        related_drugs=drug, curations__drug=drug
    ).update(title="Retitled"),
    "a guide no longer about it": lambda drug: drug.articles.clear(),
    "a guide about it deleted": lambda drug: Article.objects.filter(related_drugs=drug).delete(),
    "a change logged": lambda drug: logged(drug),
    "a logged change reworded by update()": lambda drug: drug.changes.update(summary="Reworded"),
    "a logged change deleted": lambda drug: drug.changes.all().delete(),
}


@pytest.mark.parametrize("write", WRITES)
def test_any_write_to_a_medicine_s_rows_moves_its_version(baclofen, write):
    if write == "a product changed":
        product(baclofen)
    if write.startswith("a placed guide"):
        CuratedGuideFactory(drug=baclofen)
    if write.startswith("a guide about it placed"):
        CuratedGuideFactory(drug=baclofen, article=ArticleFactory(related_drugs=[baclofen]))
    elif write.startswith("a guide") and write != "a guide about it added":
        ArticleFactory(related_drugs=[baclofen])
    if write.startswith("a logged change"):
        logged(baclofen)
    before, other = version_of(baclofen.pk), DrugFactory()
    other_before = version_of(other.pk)
    WRITES[write](baclofen)
    assert version_of(baclofen.pk) > before
    assert version_of(other.pk) == other_before  # another medicine's rows are still current


@pytest.mark.parametrize(
    "write",
    [
        lambda: ConditionFactory(),
        lambda: Condition.objects.update(synonyms="Another name"),
        lambda: DrugClass.objects.update(name="Renamed"),
        lambda: DrugClass.objects.all().delete(),
        lambda: CategoryFactory(),
        lambda: Category.objects.update(name="Renamed"),
    ],
    ids=[
        "condition added",
        "conditions' synonyms",
        "classes renamed",
        "classes deleted",
        "guides' category added",
        "guides' categories renamed",
    ],
)
def test_a_write_to_the_conditions_or_classes_moves_every_medicine_s_version(baclofen, write):
    CategoryFactory()  # a category to rename
    before = version_of(MonographVersion.SHARED)
    write()
    assert version_of(MonographVersion.SHARED) > before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_a_table_emptied_by_truncate_forgets_every_kept_monograph(baclofen):
    read(baclofen)
    with connection.cursor() as cursor:
        # The fixture's rows' foreign keys are checked first, as at a commit: PostgreSQL
        # truncates no table with a check of its rows still to come.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE drugs_reference")
    assert not KeptRows.objects.exists()
    assert relations(read(baclofen))["references"] == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL counts at commit")
@pytest.mark.django_db(transaction=True)
def test_postgresql_counts_a_transaction_s_writes_when_it_commits():
    drug = DrugFactory()
    before, shared = version_of(drug.pk), version_of(MonographVersion.SHARED)
    with transaction.atomic():
        SideEffectFactory(drug=drug)
        DrugNameFactory(drug=drug)
        ConditionFactory()
        assert (version_of(drug.pk), version_of(MonographVersion.SHARED)) == (before, shared)
    assert version_of(drug.pk) > before
    assert version_of(MonographVersion.SHARED) > shared


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL counts at commit")
@pytest.mark.django_db(transaction=True)
def test_a_writer_does_not_wait_for_another_s_transaction_to_count_the_same_medicine():
    """Counted at commit, a medicine's count is taken last: an import's batch in progress
    holds none, so an editor's save of the same medicine is not kept waiting for the batch,
    nor ends a deadlock with it (drugs 0022)."""
    psycopg = pytest.importorskip("psycopg")
    drug = DrugFactory()
    before = version_of(drug.pk)
    settings = connection.settings_dict
    with transaction.atomic():  # the batch, still writing
        SideEffectFactory(drug=drug)
        ConditionFactory()
        with psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
        ) as editor:
            editor.execute("SET lock_timeout = '2s'")
            editor.execute(
                "INSERT INTO drugs_drugname (drug_id, name, kind, note)"
                " VALUES (%s, 'Savedname', 'brand', '')",
                [drug.pk],
            )
            editor.execute("UPDATE drugs_condition SET synonyms = synonyms")
            editor.commit()  # counted at once, these waited for the batch, and timed out
        assert version_of(drug.pk) == before + 1  # the editor's, committed
    assert version_of(drug.pk) == before + 2


def test_a_side_effect_changed_in_bulk_is_read_at_once(client, baclofen):
    client.get("/drugs/baclofen/")  # kept
    SideEffect.objects.filter(drug=baclofen, name="Drowsiness").update(name="Sleepiness")
    page = client.get("/drugs/baclofen/").content.decode()
    assert "Sleepiness" in page
    assert "Drowsiness" not in page


def test_a_condition_renamed_is_read_at_once_on_every_kept_monograph(client, baclofen):
    client.get("/drugs/baclofen/")  # kept, naming Spasticity
    Condition.objects.filter(name="Spasticity").update(name="Muscle stiffness")
    page = client.get("/drugs/baclofen/").content.decode()
    assert "Muscle stiffness" in page
    assert "Spasticity" not in page


def test_a_change_logged_is_read_at_once(client, baclofen):
    assert "What changed" not in client.get("/drugs/baclofen/").content.decode()  # kept
    logged(baclofen)
    assert "Dose table corrected" in client.get("/drugs/baclofen/").content.decode()
    baclofen.changes.update(summary="Dose table rechecked")
    page = client.get("/drugs/baclofen/").content.decode()
    assert "Dose table rechecked" in page
    assert "Dose table corrected" not in page


def test_a_placed_guide_retitled_is_read_at_once(client, baclofen):
    CuratedGuideFactory(drug=baclofen, article__title="Living with spasticity")
    assert "Living with spasticity" in client.get("/drugs/baclofen/").content.decode()  # kept
    Article.objects.filter(title="Living with spasticity").update(title="Stiff muscles at home")
    page = client.get("/drugs/baclofen/").content.decode()
    assert "Stiff muscles at home" in page
    assert "Living with spasticity" not in page


def test_a_placed_guide_unpublished_leaves_the_page_at_once(client, baclofen):
    CuratedGuideFactory(drug=baclofen, article__title="Living with spasticity")
    client.get("/drugs/baclofen/")  # kept
    Article.objects.filter(title="Living with spasticity").update(status=Status.ARCHIVED)
    assert "Living with spasticity" not in client.get("/drugs/baclofen/").content.decode()


def test_a_scheduled_guide_shows_once_its_time_comes_with_no_write(client, baclofen):
    """Every placed guide is kept, live or not; which are live is asked as the page is shown."""
    CuratedGuideFactory(
        drug=baclofen,
        article__title="Living with spasticity",
        article__published_at=timezone.now() + timedelta(hours=1),
    )
    assert "Living with spasticity" not in client.get("/drugs/baclofen/").content.decode()
    assert KeptRows.objects.filter(drug=baclofen).exists()
    with (
        time_machine.travel(timezone.now() + timedelta(hours=2)),
        CaptureQueriesContext(connection) as queries,
    ):
        page = client.get("/drugs/baclofen/").content.decode()
    assert "Living with spasticity" in page
    assert not [q for q in queries if "keptrows" in q["sql"] and "INSERT" in q["sql"]]  # kept


GUIDES_READ = 'SELECT "articles_article"."id"'  # what reading guides begins with


def test_the_newest_guides_are_kept_and_a_guide_about_it_published_shows_at_once(client, baclofen):
    """With no guide placed on it, the page shows the newest guides about the medicine: kept
    with its rows, and read again after any write to them."""
    ArticleFactory(related_drugs=[baclofen], title="Living with spasticity")
    assert "Living with spasticity" in client.get("/drugs/baclofen/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert "Living with spasticity" in client.get("/drugs/baclofen/").content.decode()
    assert not [q for q in queries if q["sql"].startswith(GUIDES_READ)]  # kept with the rows

    ArticleFactory(related_drugs=[baclofen], title="Stretching at home")
    assert "Stretching at home" in client.get("/drugs/baclofen/").content.decode()
    Article.objects.filter(title="Stretching at home").update(title="Stretches for stiffness")
    page = client.get("/drugs/baclofen/").content.decode()
    assert "Stretches for stiffness" in page
    assert "Stretching at home" not in page
    Article.objects.filter(title="Living with spasticity").update(status=Status.ARCHIVED)
    assert "Living with spasticity" not in client.get("/drugs/baclofen/").content.decode()


@pytest.mark.parametrize("scheduled", [1, SCHEDULED_GUIDES_READ + 1])
def test_only_the_newest_guides_are_kept_and_scheduled_ones_show_when_their_time_comes(
    client, baclofen, scheduled
):
    """The newest live guides, and every scheduled one, are kept (however many are scheduled:
    past SCHEDULED_GUIDES_READ, a second query finds the live ones): a scheduled guide's time
    coming is no write, and it then leads the list with no reading."""
    now = timezone.now()
    for hours in range(1, 7):
        ArticleFactory(
            related_drugs=[baclofen],
            title=f"Guide {hours} hours old",
            published_at=now - timedelta(hours=hours),
        )
    for n in range(scheduled):
        ArticleFactory(
            related_drugs=[baclofen],
            title=f"Scheduled guide {n}",
            published_at=now + timedelta(hours=1, minutes=n),
        )
    page = client.get("/drugs/baclofen/").content.decode()
    live = [f"Guide {hours} hours old" for hours in range(1, 7)]
    assert all(title in page for title in live[:4])
    assert not any(title in page for title in live[4:])
    assert "Scheduled guide" not in page
    kept = bytes(KeptRows.objects.get(drug=baclofen).rows)
    assert not any(title.encode() in kept for title in live[4:])  # no more than it can show

    with (
        time_machine.travel(now + timedelta(hours=2)),
        CaptureQueriesContext(connection) as queries,
    ):
        page = client.get("/drugs/baclofen/").content.decode()
    newest = [f"Scheduled guide {n}" for n in range(scheduled)][-4:] + live
    assert all(title in page for title in newest[:4])
    assert not any(title in page for title in newest[4:])
    assert not [q for q in queries if q["sql"].startswith(GUIDES_READ)]  # still kept


def test_rows_kept_by_other_code_are_read_afresh(baclofen):
    afresh = relations(read(baclofen))
    KeptRows.objects.filter(drug=baclofen).update(layout="kept by another version")
    assert queries_to_read(baclofen) > 2 + KEEPING_QUERIES  # read, and kept again
    assert KeptRows.objects.get(drug=baclofen).layout != "kept by another version"
    assert relations(read(baclofen)) == afresh


def test_unreadable_kept_rows_are_read_afresh(client, baclofen, caplog):
    afresh = client.get("/drugs/baclofen/").content
    KeptRows.objects.filter(drug=baclofen).update(rows=b"not a pickle")
    with caplog.at_level(logging.WARNING, logger="drugs.kept_rows"):
        assert client.get("/drugs/baclofen/").content == afresh
    assert "unreadable" in caplog.text
    assert bytes(KeptRows.objects.get(drug=baclofen).rows) != b"not a pickle"  # kept again


def test_keeping_and_forgetting_them_leaves_the_page_cache_alone(settings, baclofen):
    pages = pages_cached(settings)
    next(pages)
    generation = caching.current_generation().token
    read(baclofen)  # kept
    KeptRows.objects.all().delete()  # as a drug's deletion would, or an operator
    caching.forget_request()
    assert caching.current_generation().token == generation
    next(pages, None)


# Where they cannot be trusted, they are neither used nor kept ----------------------------------


def test_a_preview_neither_uses_nor_keeps_them(baclofen):
    read(baclofen)
    with rehearsal():
        SideEffectFactory(drug=baclofen, name="Draft side effect")
        KeptRows.objects.filter(drug=baclofen).update(
            version=version_of(baclofen.pk)  # as if kept after the draft's write
        )
        previewed = read(baclofen)
        assert "Draft side effect" in [s.name for s in previewed.side_effects.all()]
    assert "Draft side effect" not in [s.name for s in read(baclofen).side_effects.all()]


def test_without_all_their_triggers_rows_are_neither_used_nor_kept(baclofen, caplog):
    read(baclofen)
    dropped = min(name for name in trigger_names(connection.vendor) if "sideeffect" in name)
    drop_trigger(dropped, "drugs_sideeffect")
    KeptRows.objects.all().delete()
    warn_uncounted.cache_clear()
    with caplog.at_level(logging.ERROR, logger="drugs.kept_rows"):
        reader = read(baclofen)
    assert list(reader.side_effects.all())  # read afresh
    assert not KeptRows.objects.exists()
    assert "a trigger of drugs 0020 or 0022 is missing" in caplog.text
    warn_uncounted.cache_clear()


def test_a_database_refusing_to_keep_them_costs_the_reader_nothing(client, baclofen, caplog):
    with (
        connection.execute_wrapper(refusing_inserts_into("drugs_keptrows")),
        caplog.at_level(logging.WARNING),
    ):
        response = client.get("/drugs/baclofen/")
    assert response.status_code == 200
    assert "Drowsiness" in response.content.decode()
    assert "not kept" in caplog.text
    assert not KeptRows.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_they_are_kept_by_one_statement_and_a_refusal_costs_nothing(
    client, caplog
):
    """A reader's request is in no transaction: the row is written by its one statement, in
    no transaction of its own (keep_row), and a refused write leaves the connection usable."""
    drug = DrugFactory(generic_name="Keepazole")
    with (
        connection.execute_wrapper(refusing_inserts_into("drugs_keptrows")),
        caplog.at_level(logging.WARNING),
    ):
        assert client.get(drug.get_absolute_url()).status_code == 200
    assert "not kept" in caplog.text
    assert not KeptRows.objects.exists()
    writes = []

    def note_writes(execute, sql, params, many, context):
        if sql.startswith("INSERT") and "drugs_keptrows" in sql:
            writes.append(context["connection"].in_atomic_block)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note_writes):
        assert client.get(drug.get_absolute_url()).status_code == 200
    assert writes == [False]  # one statement, in no transaction (BEGIN, COMMIT) of its own
    assert KeptRows.objects.get(drug=drug).layout == layout()


def test_every_table_the_rows_come_from_has_its_triggers():
    assert trigger_names(connection.vendor) <= triggers_in_database()
