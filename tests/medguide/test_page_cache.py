"""The page cache: readers without a session share stored pages, which go stale on no
publish; editors always see live pages. Runs on local memory and on the Redis server."""

import gzip
import logging
import re
import threading
import time
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from drugs.models import DosageForm, Drug
from medguide.editorial.models import Status
from medguide.search import log as search_log
from medguide.search.models import SearchLog
from tests.admin_forms import press
from tests.caches import empty, own_redis, pages_cached, require_redis
from tests.factories import DrugFactory, FormulationFactory, StrengthFactory


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    """The page cache on, over local memory and over Redis, emptied before and after."""
    if request.param == "redis":
        require_redis()
        # Parallel tests and runs keep apart.
        settings.CACHES = {"default": own_redis(), "pages": own_redis()}
    default = caches["default"]
    yield from pages_cached(settings)
    empty(default)  # what the test wrote there too: the reader-report flood limit


@pytest.fixture
def reader():
    return Client()


def test_a_second_reader_gets_the_stored_page_without_a_query(
    page_cache, reader, baclofen, django_assert_num_queries
):
    first = reader.get("/drugs/baclofen/")
    assert first["X-Page-Cache"] == "miss"
    assert first["Cache-Control"] == "public, no-cache"
    with django_assert_num_queries(0):
        second = Client().get("/drugs/baclofen/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # Revalidated with the ETag, never kept by browsers past a publish (no max-age, no Expires).
    assert second["Cache-Control"] == "public, no-cache"
    assert "Expires" not in second
    assert second["X-Frame-Options"] == "DENY"
    assert second["X-Content-Type-Options"] == "nosniff"


def test_a_publish_reaches_the_next_reader(page_cache, reader, reviewer, baclofen):
    drug = DrugFactory(generic_name="Newdrugazole", status=Status.IN_REVIEW)
    assert "Newdrugazole" not in reader.get("/drugs/").content.decode()
    assert reader.get("/drugs/")["X-Page-Cache"] == "hit"

    assert press(reviewer, drug, "publish").status_code == 302

    after = reader.get("/drugs/")
    assert after["X-Page-Cache"] == "miss"
    assert "Newdrugazole" in after.content.decode()
    assert reader.get(drug.get_absolute_url()).status_code == 200


def test_pages_stored_before_the_commit_are_dropped_by_it(
    page_cache, reader, baclofen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        baclofen.summary = "Changed in a transaction."
        baclofen.save()
        # Another reader, still seeing the data before the commit, stores the page then...
        assert reader.get("/drugs/baclofen/")["X-Page-Cache"] == "miss"
        assert reader.get("/drugs/baclofen/")["X-Page-Cache"] == "hit"
    # ...and the commit throws that copy away.
    assert reader.get("/drugs/baclofen/")["X-Page-Cache"] == "miss"


def test_an_archived_drug_leaves_at_once(page_cache, reader, baclofen):
    assert reader.get("/drugs/baclofen/").status_code == 200
    baclofen.status = Status.ARCHIVED
    baclofen.save()
    assert reader.get("/drugs/baclofen/").status_code == 404


def test_a_scheduled_drug_appears_when_its_time_comes(page_cache, reader, baclofen, time_machine):
    time_machine.move_to(timezone.now())
    DrugFactory(
        generic_name="Punctualin",
        status=Status.PUBLISHED,
        published_at=timezone.now() + timedelta(seconds=2),
    )
    assert "Punctualin" not in reader.get("/drugs/").content.decode()
    assert reader.get("/drugs/")["X-Page-Cache"] == "hit"
    time_machine.shift(timedelta(seconds=2.1))  # no save: the publication time alone ends them
    assert "Punctualin" in reader.get("/drugs/").content.decode()


def test_editors_with_a_session_always_get_live_pages(page_cache, editor, reader, baclofen):
    reader.get("/drugs/baclofen/")
    response = editor.get("/drugs/baclofen/")
    assert "X-Page-Cache" not in response
    # And what an editor is served is never stored for readers.
    editor.get("/drugs/")
    assert reader.get("/drugs/")["X-Page-Cache"] == "miss"


def test_search_is_never_stored_so_every_query_is_counted(page_cache, reader, baclofen):
    for _ in range(3):
        assert "X-Page-Cache" not in reader.get("/search/", {"q": "baclofen"})
    search_log.flush()  # on Redis the counts wait there
    assert SearchLog.objects.get(query="baclofen").searches == 3


def test_only_successful_gets_are_stored(page_cache, reader, baclofen):
    assert reader.get("/drugs/no-such-drug/").status_code == 404
    assert "X-Page-Cache" not in reader.get("/drugs/no-such-drug/")
    reader.post("/drugs/baclofen/feedback/", {"section": "dosage", "message": "x"})
    assert reader.get("/drugs/baclofen/")["X-Page-Cache"] == "miss"


def test_a_reader_with_a_current_copy_gets_304(page_cache, reader, baclofen):
    etag = reader.get("/drugs/baclofen/")["ETag"]
    again = reader.get("/drugs/baclofen/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again["X-Page-Cache"] == "hit"
    assert not again.content


def test_compressed_and_plain_copies_are_kept_apart(page_cache, reader, baclofen):
    plain = reader.get("/drugs/baclofen/").content
    for _ in range(2):
        packed = reader.get("/drugs/baclofen/", headers={"Accept-Encoding": "gzip, br"})
        assert packed["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.content) == plain
    assert reader.get("/drugs/baclofen/").content == plain


def test_a_cache_server_that_is_down_costs_speed_not_pages(settings, page_cache, reader, baclofen):
    down = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
    }
    settings.CACHES = {"default": down, "pages": down}
    response = reader.get("/drugs/baclofen/")
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    health = reader.get("/healthz")
    assert health.status_code == 503
    assert health.json() == {"status": "error", "database": "ok", "cache": "unavailable"}


def test_healthz_does_not_look_in_the_page_cache(settings, page_cache, reader, db, caplog):
    """It is never stored, so looking it up (a generation, a key, a render lock) would only
    make the check dearer than the pages it guards."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"},
    }
    health = reader.get("/healthz")
    assert health.status_code == 200
    assert "X-Page-Cache" not in health
    assert "Page cache unavailable" not in caplog.text


# What a page is stored by: the parameters its view reads, as its query form cleans them.


def test_parameters_a_page_does_not_read_share_its_stored_copy(
    page_cache, reader, baclofen, django_assert_num_queries
):
    stored = reader.get("/drugs/baclofen/")
    for address in ["/drugs/baclofen/?utm_source=newsletter", "/drugs/baclofen/?x=1&fbclid=a"]:
        with django_assert_num_queries(0):
            tracked = Client().get(address)
        assert tracked["X-Page-Cache"] == "hit"
        assert tracked.content == stored.content


def test_values_a_page_treats_alike_share_its_stored_copy(page_cache, reader, baclofen):
    assert reader.get("/drugs/")["X-Page-Cache"] == "miss"
    for junk in ["", "zzz", "z1", "%00", "%E2%80%AE"]:  # not a letter or two: the whole index
        assert reader.get(f"/drugs/?letter={junk}")["X-Page-Cache"] == "hit", junk
    assert reader.get("/drugs/?letter=b")["X-Page-Cache"] == "miss"
    assert reader.get("/drugs/?letter=+B+&utm_medium=email")["X-Page-Cache"] == "hit"
    for old_or_bad in ["page=2", "cursor=abc", "cursor=W10"]:  # no cursor: the first page
        assert reader.get(f"/drugs/?letter=b&{old_or_bad}")["X-Page-Cache"] == "hit", old_or_bad
    assert reader.get("/articles/")["X-Page-Cache"] == "miss"
    assert reader.get("/articles/?page=abc")["X-Page-Cache"] == "hit"  # the first page


def test_a_question_to_the_converter_is_answered_but_never_stored(page_cache, reader, baclofen):
    """Strangers can ask as many questions as they like: each stored answer would take room
    from the pages every reader shares. The body they share is kept (the fragment cache)."""
    solution = FormulationFactory(drug=baclofen, dosage_form=DosageForm.ORAL_SOLUTION)
    strength = StrengthFactory(formulation=solution, amount=5, per_amount=5, per_unit="mL")
    unasked = reader.get("/drugs/baclofen/")
    assert unasked["X-Page-Cache"] == "miss"
    assert "Enter an amount to convert." not in unasked.content.decode()
    # Present but empty is a question: the page answers it with a message.
    asked = reader.get("/drugs/baclofen/?amount=")
    assert "X-Page-Cache" not in asked
    assert "Enter an amount to convert." in asked.content.decode()
    answer = f"/drugs/baclofen/?liquid={strength.pk}&amount=10&unit=mg"
    for _ in range(2):
        response = reader.get(answer)
        assert "X-Page-Cache" not in response
        assert "10 mg of Oral solution, 5 mg/5 mL is 10 mL." in response.content.decode()
    assert reader.get("/drugs/baclofen/?unit=mL&view=")["X-Page-Cache"] == "hit"  # no question


def test_a_checker_page_with_a_name_no_medicine_has_is_never_stored(page_cache, reader, baclofen):
    DrugFactory(generic_name="Diazepam")
    assert reader.get("/interactions/?drugs=baclofen,diazepam")["X-Page-Cache"] == "miss"
    for typed in ["baclofen,diazepamm", "baclofen,zzzz"]:
        for _ in range(2):
            response = reader.get(f"/interactions/?drugs={typed}")
            assert response.status_code == 200
            assert "X-Page-Cache" not in response, typed
            assert "private" in response["Cache-Control"]
    assert reader.get("/interactions/?drugs=baclofen,diazepam")["X-Page-Cache"] == "hit"


def test_an_untidy_checker_address_is_tidied_though_the_tidy_page_is_stored(
    page_cache, reader, baclofen
):
    assert reader.get("/interactions/?drugs=baclofen,alcohol")["X-Page-Cache"] == "miss"
    untidy = reader.get("/interactions/?drugs=baclofen&drugs=alcohol")
    assert untidy.status_code == 302
    assert untidy["Location"] == "/interactions/?drugs=baclofen,alcohol"


def test_a_page_that_does_not_say_what_it_reads_is_stored_by_its_whole_address(
    page_cache, reader, baclofen
):
    assert reader.get("/sitemap-drugs.xml")["X-Page-Cache"] == "miss"
    assert reader.get("/sitemap-drugs.xml?p=1")["X-Page-Cache"] == "miss"
    assert reader.get("/sitemap-drugs.xml?p=1")["X-Page-Cache"] == "hit"


# The pages readers reach from the site's own links, by URL name.
LINKED_PAGES = {
    "home",
    "robots",
    "search-suggest",
    "drugs:list",
    "drugs:list-json",
    "drugs:detail",
    "drugs:detail-json",
    "drugs:changes",
    "drugs:feedback",
    "drugs:diary",
    "drugs:class-detail",
    "drugs:condition-list",
    "drugs:condition-detail",
    "drugs:interactions",
    "articles:list",
    "articles:category",
    "articles:tag",
    "articles:detail",
}


def views_by_name(patterns=None, namespace="") -> dict:
    views = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            views |= views_by_name(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            views[namespace + entry.name] = entry.callback
    return views


def test_the_pages_readers_reach_say_which_parameters_they_read():
    views = views_by_name()
    undeclared = [
        name
        for name in sorted(LINKED_PAGES)
        if getattr(views[name], "query_form", None) is None
        and getattr(getattr(views[name], "view_class", None), "query_form", None) is None
    ]
    assert undeclared == []
    assert views["search"].page_cache_exempt
    assert views["search"].query_form


# The fragment cache: the monograph's body and search results, for what the page cache skips.


def test_an_editor_gets_the_monograph_body_without_its_queries(
    page_cache, editor, baclofen, django_assert_max_num_queries
):
    first = editor.get("/drugs/baclofen/")
    assert "X-Page-Cache" not in first  # a session: never the page cache
    with django_assert_max_num_queries(3):  # the session, the user, the drug
        second = editor.get("/drugs/baclofen/")
    assert second.content == first.content


def test_addresses_with_other_parameters_share_the_body_but_not_the_audience(
    page_cache, editor, baclofen, django_assert_max_num_queries
):
    patient = editor.get("/drugs/baclofen/").content.decode()
    with django_assert_max_num_queries(3):  # the body is kept: the session, the user, the drug
        tracked = editor.get("/drugs/baclofen/?utm_source=newsletter")
    assert "Baclofen" in tracked.content.decode()
    professional = editor.get("/drugs/baclofen/?view=pro&utm_source=x").content.decode()
    assert professional != patient
    assert 'aria-current="page">For health professionals' in professional


def test_a_fresh_part_is_rendered_for_each_request_and_the_rest_once(page_cache, db):
    renders = []

    def body():
        renders.append("body")
        return "kept"

    page = Template(
        '{% load fragments %}{% remember "test-fresh" key %}{{ body }}|'
        '{% fresh "answer" if asked %}{{ answer }}{% endfresh %}{% endremember %}'
    )

    def render(**values):
        return page.render(Context({"body": body, "asked": True, **values}))

    assert render(key=1, answer="first") == "kept|first"
    assert render(key=1, answer="second") == "kept|second"
    assert renders == ["body"]
    # Not asked: kept with the rest, under parts that say so.
    assert render(key=2, asked=False, answer="kept too") == "kept|kept too"
    assert render(key=2, asked=False, answer="not this") == "kept|kept too"
    # Never kept (a preview): all of it rendered in place.
    assert render(key=None, answer="third") == "kept|third"
    with pytest.raises(TemplateSyntaxError):
        Template('{% load fragments %}{% fresh "answer" %}{% endfresh %}')


def test_a_converter_question_is_answered_in_the_kept_body(
    page_cache, editor, reader, baclofen, django_assert_max_num_queries
):
    """Each question renders only the converter ({% fresh %}): not the body, nor a body of its
    own in the cache, which any stranger could fill with questions."""
    solution = FormulationFactory(drug=baclofen, dosage_form=DosageForm.ORAL_SOLUTION)
    strength = StrengthFactory(formulation=solution, amount=5, per_amount=5, per_unit="mL")
    baclofen.practical_tips = "No text can hold the mark: <!--fresh converter-->"
    baclofen.save()
    plain = editor.get("/drugs/baclofen/").content.decode()
    editor.get(f"/drugs/baclofen/?liquid={strength.pk}&amount=1")  # keeps the body they share
    questions = {
        f"liquid={strength.pk}&amount=10&unit=mg": "10 mg of Oral solution, 5 mg/5 mL is 10 mL.",
        f"liquid={strength.pk}&amount=3&unit=mL": "3 mL of Oral solution, 5 mg/5 mL is 3 mg.",
        f"liquid={strength.pk}&amount=abc": "Enter the amount as a number, such as 10 or 2.5.",
        "liquid=0&amount=1": "Choose one of the liquids listed.",
    }
    for question, answer in questions.items():
        # The session, the user and the drug: the body's queries never run, and what the
        # converter converts with is kept beside the body.
        with django_assert_max_num_queries(3):
            response = editor.get(f"/drugs/baclofen/?{question}")
        rendered = {template.name for template in response.templates}
        assert "includes/liquid_converter.html" in rendered
        assert "includes/side_effect_list.html" not in rendered  # nor its templates
        asked = response.content.decode()
        assert answer in asked, question
        # The page around the converter is the page without a question, byte for byte.
        before, after = re.split(r'(?s)<section class="converter".*?</section>', asked)
        assert plain.startswith(before)
        assert plain.endswith(after)
        assert "<!--fresh" not in asked
        assert "&lt;!--fresh converter--&gt;" in asked
    # What the converter converts with is kept beside the body, and goes with it on a change.
    strength.amount = 10
    strength.save()
    asked = editor.get(f"/drugs/baclofen/?liquid={strength.pk}&amount=10&unit=mg")
    assert "10 mg of Oral solution, 10 mg/5 mL is 5 mL." in asked.content.decode()
    professional = reader.get(f"/drugs/baclofen/?view=pro&liquid={strength.pk}&amount=10")
    page = professional.content.decode()
    assert 'aria-current="page">For health professionals' in page
    assert '<input type="hidden" name="view" value="pro">' in page
    assert "10 mg of Oral solution, 10 mg/5 mL is 5 mL." in page


def test_a_change_reaches_editors_and_every_address(page_cache, editor, reader, baclofen):
    editor.get("/drugs/baclofen/")
    reader.get("/drugs/baclofen/?utm_source=x")
    baclofen.summary = "Freshly corrected words."
    baclofen.save()
    assert "Freshly corrected words." in editor.get("/drugs/baclofen/").content.decode()
    assert (
        "Freshly corrected words." in reader.get("/drugs/baclofen/?utm_source=x").content.decode()
    )


def test_a_preview_is_never_kept(page_cache, editor):
    drug = DrugFactory(generic_name="Draftazole", status=Status.DRAFT, summary="First words.")
    url = f"/admin/drugs/drug/{drug.pk}/preview/"
    assert "First words." in editor.get(url).content.decode()
    Drug.objects.filter(pk=drug.pk).update(summary="Second words.")  # no signal, no new generation
    assert "Second words." in editor.get(url).content.decode()


def test_a_bad_host_gets_the_400_page_and_one_quiet_line(page_cache, reader, caplog):
    with caplog.at_level(logging.INFO):
        response = reader.get("/drugs/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in warnings] == ["django.security.DisallowedHost"]
    assert warnings[0].exc_info is None


# One render after a publish ---------------------------------------------------------------


def test_readers_asking_while_a_page_renders_get_that_render(
    page_cache, transactional_db, monkeypatch
):
    """After a publish the first reader renders the page; readers who ask meanwhile wait for
    it (across servers, on Redis) instead of each rendering it again."""
    from drugs.views import DrugDetailView

    url = DrugFactory(generic_name="Coldazole").get_absolute_url()
    rendering, release, renders = threading.Event(), threading.Event(), []
    real_get = DrugDetailView.get

    def held_get(self, request, *args, **kwargs):
        renders.append(request)
        rendering.set()
        release.wait(30)  # until the other readers have asked
        return real_get(self, request, *args, **kwargs)

    monkeypatch.setattr(DrugDetailView, "get", held_get)
    responses = {}

    def read(name: str) -> None:
        try:
            responses[name] = Client().get(url)
        finally:
            connection.close()  # this thread's own connection

    first = threading.Thread(target=read, args=("first",))
    first.start()
    assert rendering.wait(30)
    others = [threading.Thread(target=read, args=(name,)) for name in ("second", "third")]
    for thread in others:
        thread.start()
    release.set()
    for thread in [first, *others]:
        thread.join(30)
    assert len(renders) == 1
    assert responses["first"]["X-Page-Cache"] == "miss"
    for name in ("second", "third"):
        assert responses[name]["X-Page-Cache"] == "hit", name
        assert responses[name].content == responses["first"].content


def test_a_render_ending_while_a_reader_looks_for_its_page_is_not_rendered_again(
    page_cache, transactional_db, monkeypatch
):
    """The race a loaded machine found: the render stores its page and lets its lock go just
    after a waiting reader looked for the page and just before it looked at the lock. That
    reader must take the stored page, not render it a second time."""
    from drugs.views import DrugDetailView
    from medguide import page_cache as page_cache_module

    url = DrugFactory(generic_name="Racezole").get_absolute_url()
    rendering, release, renders = threading.Event(), threading.Event(), []
    real_get, real_key = DrugDetailView.get, page_cache_module.get_cache_key
    responses, first_done, waiter_looks = {}, threading.Event(), []

    def held_get(self, request, *args, **kwargs):
        renders.append(request)
        rendering.set()
        release.wait(30)
        return real_get(self, request, *args, **kwargs)

    def key_while_the_render_ends(*args, **kwargs):
        """The waiter's first look while it waits (its second in all: the first is its
        request's own lookup) finds no page; the render then ends before it goes on."""
        key = real_key(*args, **kwargs)
        if threading.current_thread().name == "waiter":
            waiter_looks.append(key)
            if len(waiter_looks) == 2:
                release.set()
                first.join(30)
                first_done.set()
        return key

    def read(name: str) -> None:
        try:
            responses[name] = Client().get(url)
        finally:
            connection.close()  # this thread's own connection

    monkeypatch.setattr(DrugDetailView, "get", held_get)
    monkeypatch.setattr(page_cache_module, "get_cache_key", key_while_the_render_ends)
    first = threading.Thread(target=read, args=("first",))
    first.start()
    assert rendering.wait(30)
    waiter = threading.Thread(target=read, args=("waiter",), name="waiter")
    waiter.start()
    waiter.join(30)
    assert first_done.is_set()  # the waiter did look while the render was held
    assert len(renders) == 1
    assert responses["first"]["X-Page-Cache"] == "miss"
    assert responses["waiter"]["X-Page-Cache"] == "hit"
    assert responses["waiter"].content == responses["first"].content


def test_a_reader_waits_in_vain_for_a_render_that_died_then_renders_it(
    page_cache, reader, baclofen, settings, monkeypatch
):
    settings.PAGE_CACHE_RENDER_WAIT = 0.2
    monkeypatch.setattr("medguide.page_cache.render_lock_key", lambda keyed, token: "held")
    page_cache.add("held", 1, timeout=60)  # a lock whose holder was killed mid-render
    started = time.monotonic()
    response = reader.get("/drugs/baclofen/")
    assert time.monotonic() - started >= 0.2
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss"


def test_the_a_to_z_letters_are_kept_until_content_changes(page_cache, editor, baclofen):
    """The letter strip (every published name's first letter) is a kept fragment: read once
    per content change, and a new medicine's letter shows at once."""

    def a_to_z() -> tuple[bool, str]:
        """Whether the letters were read from the database, and the page."""
        with CaptureQueriesContext(connection) as captured:
            content = editor.get("/drugs/").content.decode()
        return any("AS starts" in query["sql"] for query in captured.captured_queries), content

    read, content = a_to_z()
    assert read
    assert 'href="/drugs/?letter=q"' not in content
    assert a_to_z()[0] is False  # kept
    DrugFactory(generic_name="Quuxazole")
    read, content = a_to_z()
    assert read
    assert 'href="/drugs/?letter=q"' in content


def test_a_reader_stops_waiting_once_the_render_ends_without_storing_a_page(
    page_cache, reader, baclofen, settings, monkeypatch
):
    """A render that stored nothing (a 404, a redirect) lets its waiters go when its lock
    goes, rather than after the whole wait."""
    settings.PAGE_CACHE_RENDER_WAIT = 30
    monkeypatch.setattr("medguide.page_cache.render_lock_key", lambda keyed, token: "held")
    page_cache.add("held", 1, timeout=1)  # another render, over within a second
    started = time.monotonic()
    response = reader.get("/drugs/baclofen/")
    assert time.monotonic() - started < 10
    assert response["X-Page-Cache"] == "miss"
