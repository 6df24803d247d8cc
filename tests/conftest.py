"""Fixtures shared by the whole suite: test settings and a complete baclofen-like monograph."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connections
from django.forms.renderers import get_default_renderer
from django.template.base import Template
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from drugs import kept_interactions, kept_rows
from drugs.models import (
    DosageForm,
    FrequencyBand,
    LabelStatus,
    NameKind,
    Population,
    Route,
    Seriousness,
    Severity,
)
from medguide.editorial.models import Status
from medguide.search import index as search_index
from tests.caches import empty, own_caches, pages_cached
from tests.factories import (
    ConditionFactory,
    DoseGuidelineFactory,
    DrugClassFactory,
    DrugFactory,
    DrugNameFactory,
    FormulationFactory,
    IndicationFactory,
    InteractionFactory,
    ReferenceFactory,
    SideEffectFactory,
    StrengthFactory,
    SubstanceFactory,
)


def pytest_configure(config):
    # WhiteNoise warns that STATIC_ROOT does not exist: tests never run collectstatic.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


def pytest_collection_modifyitems(items):
    """The slowest modules first: those driving Chromium, then those starting processes of
    their own. `make test` hands whole modules to its workers in this order
    (--no-loadscope-reorder), so the run ends on short modules; a browser module left for
    the end (5–30 s) kept one worker busy while the other stood idle."""

    def slowness(item) -> int:
        for rank, marker in enumerate(("browser", "processes")):
            if item.get_closest_marker(marker):
                return rank
        return 2

    items.sort(key=slowness)


@pytest.fixture(autouse=True)
def kept_data_counted_at_each_statement(request):
    """A test's transaction never commits, and PostgreSQL counts writes for kept rows and
    kept interactions when a transaction commits (drugs 0022 and 0021): so in each test that
    runs in one, they are counted at the end of each statement instead, as a reader in
    another transaction would see them after each commit. Tests that commit
    (transaction=True) count as production does; tests/drugs/test_kept_rows.py and
    test_kept_interactions.py check both."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    if transactional or not (marker or "db" in request.fixturenames):
        return
    request.getfixturevalue("db")
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            with connection.cursor() as cursor:
                deferred = [*kept_rows.deferred_triggers(), *kept_interactions.deferred_triggers()]
                cursor.execute(f"SET CONSTRAINTS {', '.join(deferred)} IMMEDIATE")


@pytest.fixture(scope="session", autouse=True)
def plain_http():
    """Serve plain HTTP: with DEBUG off the settings redirect every request to HTTPS, which
    neither the test client nor the live server speaks. Session-wide, because the live server
    builds its middleware once."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(scope="session", autouse=True)
def fast_passwords():
    """Hash test users' passwords with MD5: production's PBKDF2 costs over half a second a
    user on this machine, and most tests make one. No test is about the hash itself."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def widget_renders_unrecorded(django_test_environment):
    """Django's test environment records a copy of the context of every template rendered,
    for `response.context`; that includes each form widget, and an admin change page renders
    some 800 of them, which made it half as slow again. Tests read the pages' own context, so
    templates rendered by the form renderer go unrecorded."""
    instrumented_render = Template._render
    widgets = get_default_renderer().engine.engine

    def render(template, context):
        if template.engine is widgets:
            return template.nodelist.render(context)
        return instrumented_render(template, context)

    Template._render = render
    yield
    Template._render = instrumented_render


@pytest.fixture(scope="session", autouse=True)
def plain_static_files():
    """Production's manifest storage needs collectstatic; tests use the files as they are.
    Session-wide, so that a module's fixtures (a live server signed in once) have it too."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(scope="session", autouse=True)
def own_cache():
    """The suite's caches are its own local memory, whatever REDIS_URL or CACHE_URL a
    developer's .env names: emptying them can never touch a cache someone else uses."""
    with override_settings(CACHES=own_caches()):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with empty caches: counts such as the reader-report flood limit, or
    stored pages, must not carry over from the tests before it."""
    for alias in ("default", "pages"):
        empty(caches[alias])


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    """Views are tested as they render. The `page_cache` fixture turns the cache on for the
    tests of what readers get from it."""
    settings.CACHE_MIDDLEWARE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 0


@pytest.fixture
def page_cache(settings):
    """The page and fragment caches on, over the configured cache."""
    yield from pages_cached(settings)


@pytest.fixture(autouse=True)
def fresh_search_changes():
    """Each test's data is rolled back, so changes noted for the search index go with it."""
    search_index.discard()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads and renditions go to a fresh folder, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def baclofen(db):
    """A published monograph with a row in every section, modelled on the demo's baclofen."""
    relaxants = DrugClassFactory(name="Skeletal muscle relaxants")
    drug = DrugFactory(
        generic_name="Baclofen",
        slug="baclofen",
        pronunciation="BAK-loe-fen",
        classes=[relaxants],
        summary="Baclofen is a prescription muscle relaxant that eases spasticity.",
        mechanism="Baclofen probably acts by stimulating GABA-B receptors in the spinal cord.",
        boxed_warning="Do not stop intrathecal baclofen suddenly.",
        boxed_warning_scope="Intrathecal baclofen only",
        warnings="Baclofen can cause drowsiness.",
        contraindications="An allergy to baclofen.",
        stopping="Don't stop baclofen suddenly: your doctor lowers the dose slowly.",
        storage="Keep the oral solution in the refrigerator.",
        practical_tips="Keep a medication diary.\nAvoid alcohol.",
    )
    DrugNameFactory(drug=drug, name="Lioresal")
    DrugNameFactory(drug=drug, name="Kemstro", kind=NameKind.FORMER_BRAND)
    spasticity = ConditionFactory(name="Spasticity")
    IndicationFactory(drug=drug, condition=spasticity)
    IndicationFactory(
        drug=drug,
        condition=ConditionFactory(name="Trigeminal neuralgia"),
        label_status=LabelStatus.OFF_LABEL,
    )
    DoseGuidelineFactory(
        drug=drug,
        condition=spasticity,
        dosage_form=DosageForm.TABLET,
        start_amount=Decimal("5"),
        times_per_day=3,
        step_amount=Decimal("5"),
        step_interval_days=3,
        target_amount=Decimal("20"),
        usual_min_per_day=Decimal("40"),
        usual_max_per_day=Decimal("80"),
        max_per_day=Decimal("80"),
    )
    DoseGuidelineFactory(
        drug=drug,
        population=Population.KIDNEY,
        start_amount=Decimal("5"),
        times_per_day=1,
        order=1,
    )
    tablets = FormulationFactory(drug=drug, dosage_form=DosageForm.TABLET)
    for amount in (5, 10, 20):
        StrengthFactory(formulation=tablets, amount=Decimal(amount))
    FormulationFactory(
        drug=drug,
        dosage_form=DosageForm.INTRATHECAL_INJECTION,
        route=Route.INTRATHECAL,
        brand="Gablofen",
    )
    SideEffectFactory(
        drug=drug, name="Drowsiness", frequency=FrequencyBand.VERY_COMMON, incidence="10–63%"
    )
    SideEffectFactory(drug=drug, name="Seizures", seriousness=Seriousness.SERIOUS)
    InteractionFactory(
        drug=drug,
        interactant_substance=SubstanceFactory(name="Alcohol"),
        effect="Alcohol adds to baclofen's drowsiness.",
        advice="Avoid alcohol while you take baclofen.",
    )
    # Stored from the other drug's side: the monograph shows it all the same.
    InteractionFactory(
        drug=DrugFactory(generic_name="Tizanidine"),
        interactant_drug=drug,
        severity=Severity.MAJOR,
        effect="Together they lower blood pressure further.",
    )
    ReferenceFactory(drug=drug, title="Baclofen tablets: prescribing information")
    return drug


@pytest.fixture
def frozen_now(monkeypatch):
    """Stop the clock: `timezone.now()` answers the same instant for the whole test."""
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


@pytest.fixture
def draft_drug(db):
    return DrugFactory(generic_name="Bromidraft", status=Status.DRAFT)


# People in the editorial roles (groups made by medguide's roles migration) ----------------


@pytest.fixture
def person(django_user_model):
    def make(role: str, username: str | None = None):
        user = django_user_model.objects.create_user(
            username=username or role.lower().replace(" ", "-"),
            password="not-used-here",
            first_name="Dr Ada" if role == "Medical reviewer" else "Sam",
            last_name="Reviewer" if role == "Medical reviewer" else "Editor",
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def editor(client, person):
    client.force_login(person("Editor"))
    return client


@pytest.fixture
def reviewer(client, person):
    client.force_login(person("Medical reviewer"))
    return client


# Clients of their own, for a test where an editor and a reviewer (and a reader, `client`)
# take turns.
@pytest.fixture
def editor_client(person) -> Client:
    client = Client()
    client.force_login(person("Editor"))
    return client


@pytest.fixture
def reviewer_client(person) -> Client:
    client = Client()
    client.force_login(person("Medical reviewer"))
    return client
