"""Robustness: whatever a stranger puts in a public address, its query string or a public form,
the site answers with a page, a redirect or a 4xx, never a server error.

The addresses come from the URLconf itself and the query parameters from the views' own
source and their query forms, so a new page or parameter is fuzzed without anyone remembering
to add it here. The
demo is loaded, so real slugs (mixed in with fuzzed ones) reach the views' deeper paths.
"""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from drugs.models import Drug, SectionFeedback
from medguide.editorial.caching import QueryForm

pytestmark = pytest.mark.django_db

# The examples share the test's database state (the demo, loaded once for the module), which
# is what we want: hence the function-scoped fixture check is suppressed, not worked around.
fuzz = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

PROJECT = Path(django_settings.BASE_DIR)
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
# request.GET.get("q"), .getlist("drugs"), query.get("liquid") and `"sent" in request.GET`
READS = re.compile(
    r"""(?:GET|query)\.get(?:list)?\(\s*["'](\w+)["']|["'](\w+)["']\s+in\s+request\.GET"""
)
PRIVATE_PREFIXES = ("admin/",)


def public_routes() -> list[str]:
    """Every public route of the URLconf, as "drugs/<slug:slug>/" strings. The admin is not
    public, and the development media route (DEBUG only) is not part of the site."""
    routes = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(PRIVATE_PREFIXES) or route.startswith("^"):
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                routes.append(route)

    walk(get_resolver().url_patterns)
    return routes


def query_forms(form=QueryForm) -> list[type[QueryForm]]:
    """Every query form (the URLconf has imported the views, and so their forms)."""
    return [form, *(found for sub in form.__subclasses__() for found in query_forms(sub))]


def parameters_read() -> set[str]:
    """The query parameters the project's views read: the fields of their query forms, and
    what their source reads from the query string directly."""
    names = {"p"}  # django.contrib.sitemaps' page
    names |= {name for form in query_forms() for name in form.base_fields}
    for app in ("drugs", "articles", "medguide"):
        for source in (PROJECT / app).rglob("*.py"):
            for match in READS.finditer(source.read_text()):
                names.add(match.group(1) or match.group(2))
    return names


ROUTES = public_routes()
PARAMETERS = sorted(parameters_read())

# Arbitrary text, weighted towards what breaks parsers: control characters and NUL, percent
# escapes (valid, broken and overlong), path tricks, and long strings.
nasty = st.sampled_from(
    [
        "\x00",
        "a\x00b",
        "%00",
        "%",
        "%zz",
        "%ff%fe",
        "%c0%ae%c0%ae/",
        "..",
        "../../etc/passwd",
        "/",
        "//",
        "a/b",
        "\\",
        "\r\n",
        "\ud7ff\ufffd\U0001f48a",
        "é",
        "İ",
        "ǅ",
        "-" * 3,
        "9" * 5000,
        "x" * 20000,
        "-1",
        "0",
        "1e999",
        "NaN",
        "' OR 1=1 --",
        "<script>",
        "{{7*7}}",
    ]
)
text = st.one_of(nasty, st.text(max_size=300), st.text(st.characters(max_codepoint=127)))
REAL = object()  # stands for "a slug that exists", drawn at run time from the database


def real_slugs() -> list[str]:
    """Slugs that exist, of anything with a slug: published and draft drugs, classes,
    conditions, guides, categories and tags."""
    slugs = set()
    for model in apps.get_models():
        if any(field.name == "slug" for field in model._meta.get_fields()):
            slugs.update(model._default_manager.values_list("slug", flat=True)[:50])
    return sorted(slugs)


def path_for(route: str, values: dict[str, str], *, keep: str) -> str:
    """The route with each converter replaced by its value, percent-encoded except `keep`."""
    return "/" + CONVERTER.sub(lambda m: quote(values[m["name"]], safe=keep), route)


def assert_answers(response) -> None:
    assert response.status_code < 500, response.status_code
    if not getattr(response, "streaming", False):
        assert b"Traceback" not in response.content


@pytest.fixture
def slugs(demo):
    found = real_slugs()
    assert "baclofen" in found  # the demo is there, so real pages are reached
    return found


def test_every_public_route_and_parameter_is_fuzzed():
    """The enumeration finds the site's pages and parameters, and none of the admin."""
    assert {"", "search/", "drugs/<slug:slug>/", "articles/tag/<str:slug>/"} <= set(ROUTES)
    assert not [route for route in ROUTES if route.startswith("admin")]
    assert {"q", "type", "page", "view", "drugs", "dose", "start", "liquid", "amount"} <= set(
        PARAMETERS
    )


@fuzz
@given(data=st.data(), keep=st.sampled_from(["", "/%", "/%?#&=;"]))
@example(data=None, keep="")
def test_any_path_segment_answers(client, slugs, data, keep):
    if data is None:  # the explicit example: every route with its NUL-bearing worst case
        for route in ROUTES:
            values = {m["name"]: "a\x00b" for m in CONVERTER.finditer(route)}
            assert_answers(client.get(path_for(route, values, keep=keep)))
        return
    route = data.draw(st.sampled_from(ROUTES), label="route")
    values = {
        m["name"]: data.draw(st.one_of(st.just(REAL), text), label=m["name"])
        for m in CONVERTER.finditer(route)
    }
    values = {
        name: data.draw(st.sampled_from(slugs)) if value is REAL else value
        for name, value in values.items()
    }
    assert_answers(client.get(path_for(route, values, keep=keep)))


@fuzz
@given(
    data=st.data(),
    known=st.dictionaries(st.sampled_from(PARAMETERS), text, max_size=4),
    unknown=st.dictionaries(text, text, max_size=2),
    raw=st.one_of(st.none(), text),
)
@example(data=None, known={"page": "9" * 5000, "view": "pro\x00"}, unknown={}, raw="%%%&=&&")
# A number, not too long for int(), past any offset SQL or Python's islice() holds.
@example(data=None, known={"page": "9" * 30}, unknown={}, raw=None)
def test_any_query_parameters_answer(client, slugs, data, known, unknown, raw):
    """Each route with real slugs, asked with the parameters its views read and others."""
    routes = ROUTES if data is None else [data.draw(st.sampled_from(ROUTES), label="route")]
    for route in routes:
        values = {m["name"]: "baclofen" for m in CONVERTER.finditer(route)}
        if data is not None:  # half the time the richest page's, so its parameters matter
            real = st.one_of(st.just("baclofen"), st.sampled_from(slugs))
            values = {name: data.draw(real, label=name) for name in values}
        path = path_for(route, values, keep="")
        assert_answers(client.get(path, {**unknown, **known}))
        if raw is not None:  # a query string nobody's encoder wrote
            assert_answers(client.get(f"{path}?{quote(raw, safe='%&=+;')}"))


# The public form: a reader's report on a monograph section --------------------------------


# Mostly well-formed reports, so some are saved, each field now and then anything at all.
def sometimes_anything(usual):
    return st.one_of(usual, usual, text)


REPORT_FIELDS = ["section", "message", "email", "website"]
report = st.fixed_dictionaries(
    {
        "section": sometimes_anything(st.sampled_from(["uses", "dosage", "side-effects"])),
        "message": sometimes_anything(st.text(min_size=10, max_size=2100)),
        "email": sometimes_anything(st.one_of(st.just(""), st.emails())),
        "website": st.one_of(st.just(""), st.just(""), text),
    }
)


@fuzz
@given(
    form=report,
    left_out=st.one_of(st.just(set()), st.sets(st.sampled_from(REPORT_FIELDS), max_size=2)),
    extra=st.dictionaries(text, text, max_size=2),
    which=st.one_of(st.just("published"), st.just("published"), st.just("draft"), text),
)
@example(
    form={"section": "uses", "message": "The dose\x00 is wrong here.", "email": "", "website": ""},
    left_out=set(),
    extra={},
    which="published",
)
@example(
    form={"section": "uses", "message": " Ten chars! ", "email": "a@example.org", "website": ""},
    left_out=set(),
    extra={},
    which="published",
)
def test_any_feedback_post_is_saved_whole_or_not_at_all(
    client, slugs, draft_drug, form, left_out, extra, which
):
    cache.clear()  # each example is a new reader, below the flood limit
    slug = {"published": "baclofen", "draft": draft_drug.slug}.get(which, which)
    form = {name: value for name, value in form.items() if name not in left_out}
    before = SectionFeedback.objects.count()
    url = path_for("drugs/<slug:slug>/feedback/", {"slug": slug}, keep="")
    response = client.post(url, {**extra, **form})
    assert_answers(response)
    assert response.status_code in (302, 400, 404)
    if response.status_code == 302:
        report = SectionFeedback.objects.latest("pk")
        assert SectionFeedback.objects.count() == before + 1
        assert report.drug.slug == slug == "baclofen"
        assert (report.section, report.message, report.email) == (
            form["section"],
            form["message"].strip(),
            form.get("email", ""),
        )
    else:
        assert SectionFeedback.objects.count() == before


@fuzz
@given(data=st.data(), form=st.dictionaries(text, text, max_size=4))
def test_any_post_to_a_public_page_is_refused_cleanly(client, slugs, data, form):
    """Pages that only read answer a POST with 405 (or 404 for an unknown slug), not 500;
    and nothing anywhere is stored by it."""
    route = data.draw(st.sampled_from(ROUTES), label="route")
    values = {m["name"]: data.draw(st.sampled_from(slugs)) for m in CONVERTER.finditer(route)}
    counts = [Drug.objects.count(), SectionFeedback.objects.count()]
    response = client.post(path_for(route, values, keep=""), form)
    assert_answers(response)
    assert [Drug.objects.count(), SectionFeedback.objects.count()] == counts
