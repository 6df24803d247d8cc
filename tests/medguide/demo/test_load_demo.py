"""`load_demo` loads the seven sourced monographs and the seed's four guides from
medguide/demo/content/, a second run changes nothing, in the database or in media storage, and a
mistake in a content file loads nothing and says where it is."""

import shutil
from datetime import UTC, date, datetime
from decimal import Decimal
from html import escape
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from articles.models import Article, Author
from drugs.dosing import describe
from drugs.interactions import interactions_for
from drugs.models import Drug, DrugClass, LabelStatus, NameKind, Population, Route
from medguide.demo import loader
from medguide.demo.specs import CONTENT_DIR, DemoContentError
from medguide.editorial.models import Status

pytestmark = pytest.mark.django_db

REVIEWED_BY = "MedGuide editorial team (demo content checked against FDA labeling)"
REVIEWED_ON = date(2026, 11, 23)

# The seed's guides, in the order the seed lists them on the Baclofen page.
GUIDES = [
    "baclofen-for-chronic-abdominal-pain",
    "exercise-tips-for-fluoxetine-users",
    "footwear-advice-for-muscle-stiffness",
    "how-smoking-affects-heart-failure",
]
SEED_TITLE = "Baclofen for Chronic Abdominal Pain: Benefits, Risks & Practical Guide"
SEED_SUMMARY = (
    "Explore how Baclofen can relieve chronic abdominal pain, its dosing, safety, evidence, and "
    "how it compares to other GI therapies."
)

OTHER_DEMO_DRUGS = [
    "cyclobenzaprine",
    "dantrolene",
    "diazepam",
    "fluoxetine",
    "gabapentin",
    "tizanidine",
]


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(autouse=True)
def media(settings, shared_media) -> Path:
    """The demo draws its guides' pictures into media storage: keep them out of the repo.

    Shared by the module's tests, as a reloaded database shares a server's media: after the
    first test, each run finds the pictures already there, which keeps the suite quick.
    """
    settings.MEDIA_ROOT = shared_media
    return shared_media


@pytest.fixture
def empty_media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def snapshot() -> dict[str, list[dict]]:
    """Every row of every drugs, articles and tags table (many-to-many tables included),
    primary keys and timestamps and all."""
    return {
        model._meta.db_table: list(model.objects.order_by("pk").values())
        for label in ["drugs", "articles", "taggit"]
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def media_files(root: Path) -> dict[str, tuple[int, int]]:
    """Each stored file, by path, with its size and modification time."""
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def baclofen(db):
    load_demo()
    return Drug.objects.for_monograph().get(slug="baclofen")


def test_loading_twice_changes_nothing():
    load_demo()
    before = snapshot()
    load_demo()
    assert snapshot() == before
    # Label sources come from the FDA label import, US products from Drugs@FDA, reader reports
    # from readers and change log entries from publishing: none from the demo.
    not_demo = {
        "drugs_labelsource",
        "drugs_product",
        "drugs_product_drugs",
        "drugs_sectionfeedback",
    }
    demo_tables = {table: rows for table, rows in before.items() if table not in not_demo}
    assert all(demo_tables.values()), "every drugs, articles and tags table has demo rows"


def test_second_run_says_it_is_up_to_date():
    load_demo()
    assert "Already up to date" in load_demo()


def test_demo_drugs_are_published(db):
    load_demo()
    published = set(Drug.objects.published().values_list("slug", flat=True))
    assert published >= {"baclofen", *OTHER_DEMO_DRUGS}


def test_baclofen_is_published_with_its_brand_names(baclofen):
    assert baclofen.status == Status.PUBLISHED
    assert "Lioresal" in baclofen.brand_names
    assert all(name.kind in NameKind.values for name in baclofen.names.all())


def test_baclofen_works_on_gaba_b_receptors(baclofen):
    assert "GABA-B" in baclofen.mechanism


def test_baclofen_is_for_spasticity_and_multiple_sclerosis(baclofen):
    on_label = {i.condition.slug for i in baclofen.indications.all() if not i.is_off_label}
    assert on_label >= {"spasticity", "multiple-sclerosis"}


def test_baclofen_is_used_off_label_for_trigeminal_neuralgia(baclofen):
    [neuralgia] = [
        i for i in baclofen.indications.all() if i.condition.slug == "trigeminal-neuralgia"
    ]
    assert neuralgia.label_status == LabelStatus.OFF_LABEL


def test_baclofen_adult_dose_reads_as_in_the_label(baclofen):
    adult_oral = [
        dose
        for dose in baclofen.doses.all()
        if dose.population == Population.ADULT and dose.route == Route.ORAL
    ]
    assert describe(adult_oral[0]) == (
        "5 mg three times a day, raised by 5 mg per dose every 3 days "
        "(5 → 10 → 15 → 20 mg three times a day); usually 40–80 mg a day; "
        "never more than 80 mg a day"
    )
    assert adult_oral[0].max_per_day == Decimal("80")


def test_baclofen_never_more_than_80_mg_a_day(baclofen):
    maxima = {dose.max_per_day for dose in baclofen.doses.all() if dose.unit == "mg"}
    assert max(m for m in maxima if m is not None) == Decimal("80")


def test_baclofen_has_a_kidney_impairment_guideline(baclofen):
    assert any(dose.population == Population.KIDNEY for dose in baclofen.doses.all())


def test_baclofen_comes_as_tablets_and_intrathecal_injection(baclofen):
    forms = baclofen.formulations.all()
    assert any(f.dosage_form == "tablet" and f.strengths.all() for f in forms)
    assert any(f.route == Route.INTRATHECAL for f in forms)


def test_baclofen_boxed_warning_is_scoped_to_intrathecal_use(baclofen):
    assert baclofen.boxed_warning
    assert "intrathecal" in baclofen.boxed_warning_scope.lower()


def test_baclofen_interacts_with_alcohol_and_cns_depressants(baclofen):
    entries = {entry.other_name: entry for entry in interactions_for(baclofen)}
    assert {"Alcohol", "CNS depressants", "Opioids"} <= set(entries)
    assert entries["Opioids"].severity == "major"
    depressants = entries["CNS depressants"].effect.lower()
    assert "benzodiazepine" in depressants
    assert "opioid" in depressants


def test_baclofen_tips_mention_a_diary_and_braces_or_stretching(baclofen):
    tips = " ".join(baclofen.tip_list).lower()
    assert "medication diary" in tips
    assert "braces" in tips
    assert "stretch" in tips


def test_baclofen_cites_its_sources(baclofen):
    references = baclofen.references.all()
    assert len(references) >= 3
    assert all(reference.title for reference in references)
    assert any("dailymed.nlm.nih.gov" in reference.url for reference in references)


def test_baclofen_monograph_shows_the_demo_content(client, baclofen):
    response = client.get("/drugs/baclofen/")
    assert response.status_code == 200
    content = response.content.decode()
    for text in ["Baclofen", "Lioresal", "GABA-B", "Trigeminal neuralgia", "Alcohol"]:
        assert text in content


@pytest.mark.parametrize("slug", OTHER_DEMO_DRUGS)
def test_other_demo_monographs_answer(client, slug):
    load_demo()
    assert client.get(f"/drugs/{slug}/").status_code == 200


def test_text_fields_keep_their_paragraphs(baclofen):
    first, second = baclofen.summary.split("\n\n")
    assert first.startswith("Baclofen is a prescription muscle relaxant. It eases spasticity,")
    assert second.startswith("It comes as tablets, liquids and granules taken by mouth,")
    assert "\n" not in first + second


def test_amounts_load_as_written():
    load_demo()
    dantrolene = Drug.objects.get(slug="dantrolene")
    child = dantrolene.doses.get(population=Population.CHILD)
    assert (child.start_amount, child.unit, child.times_per_day) == (Decimal("0.5"), "mg/kg", 1)


def test_baclofen_change_log_carries_the_review_line(baclofen):
    changes = baclofen.changes.order_by("pk")
    assert len(changes) == 4
    assert {(change.changed_on, change.reviewer) for change in changes} == {
        (REVIEWED_ON, REVIEWED_BY)
    }
    assert "\u201cevery few days\u201d" in changes[1].summary


def test_baclofen_cites_its_fda_label_as_retrieved(baclofen):
    label = baclofen.references.get(title__startswith="Baclofen tablets, USP")
    assert label.publisher == "U.S. Food and Drug Administration (via openFDA)"
    assert label.url.endswith("?setid=00c6c924-ddfd-4a75-afd7-f6561ff9abbc")
    assert label.accessed_on == date(2026, 7, 15)


# Guides


@pytest.fixture
def guides(db) -> dict[str, Article]:
    load_demo()
    return {article.slug: article for article in Article.objects.for_detail()}


def test_the_seeds_four_guides_are_published(guides):
    assert set(GUIDES) <= set(guides)
    published = set(Article.objects.published().values_list("slug", flat=True))
    assert set(GUIDES) <= published


@pytest.mark.parametrize(
    ("slug", "category"),
    [
        ("baclofen-for-chronic-abdominal-pain", "Medications"),
        ("exercise-tips-for-fluoxetine-users", "Lifestyle"),
        ("footwear-advice-for-muscle-stiffness", "Lifestyle"),
        ("how-smoking-affects-heart-failure", "Conditions"),
    ],
)
def test_guides_are_in_their_categories(guides, slug, category):
    assert guides[slug].category.name == category
    assert guides[slug].category.description


def test_guides_are_curated_on_baclofen_in_the_seeds_order(guides):
    baclofen = Drug.objects.get(slug="baclofen")
    curated = baclofen.curated_guides.select_related("article")
    assert [curation.article.slug for curation in curated] == GUIDES
    assert [curation.order for curation in curated] == [0, 1, 2, 3]


def test_the_abdominal_pain_guide_has_the_seeds_title_date_and_summary(guides):
    guide = guides["baclofen-for-chronic-abdominal-pain"]
    assert guide.title == SEED_TITLE
    assert guide.summary == SEED_SUMMARY
    assert guide.published_at == datetime(2025, 10, 22, 9, 0, tzinfo=UTC)


def test_the_abdominal_pain_guide_says_the_use_is_off_label(guides):
    body = guides["baclofen-for-chronic-abdominal-pain"].body
    assert "off-label" in body
    assert "not one of the uses the FDA has approved" in body


def test_other_guides_have_distinct_past_dates_in_2025(guides):
    dates = [guides[slug].published_at for slug in GUIDES]
    assert len({moment.date() for moment in dates}) == len(GUIDES)
    assert all(moment.year == 2025 for moment in dates)


@pytest.mark.parametrize("slug", GUIDES)
def test_each_guide_is_complete(guides, slug):
    guide = guides[slug]
    assert guide.summary
    assert len(guide.headings) >= 3, "enough sections for a table of contents"
    assert 3 <= guide.tags.count() <= 6
    assert guide.author.name == "MedGuide Editorial Team"
    assert guide.reviewed_by == REVIEWED_BY
    assert guide.reviewed_on == REVIEWED_ON
    assert "## Sources" in guide.body


@pytest.mark.parametrize("slug", GUIDES)
def test_each_guide_has_a_hero_image_with_renditions_and_alt_text(guides, slug):
    guide = guides[slug]
    assert guide.hero_image
    assert default_storage.exists(guide.hero_image.name)
    assert guide.hero_alt.startswith("Abstract illustration")
    assert {rendition["format"] for rendition in guide.hero_renditions} == {"jpeg", "webp"}
    assert all(default_storage.exists(r["name"]) for r in guide.hero_renditions)
    assert max(rendition["width"] for rendition in guide.hero_renditions) == 1600


@pytest.mark.parametrize(
    ("slug", "drugs"),
    [
        ("baclofen-for-chronic-abdominal-pain", {"baclofen"}),
        ("exercise-tips-for-fluoxetine-users", {"fluoxetine"}),
        ("footwear-advice-for-muscle-stiffness", {"baclofen", "tizanidine"}),
        ("how-smoking-affects-heart-failure", set()),
    ],
)
def test_guides_link_the_demo_drugs_they_draw_on(guides, slug, drugs):
    assert {drug.slug for drug in guides[slug].related_drugs.all()} == drugs


def test_bylines_are_editorial_not_invented_people(guides):
    assert set(Author.objects.values_list("name", flat=True)) == {"MedGuide Editorial Team"}


def test_loading_twice_changes_no_guide_and_draws_no_picture(empty_media):
    load_demo()
    rows, files = snapshot(), media_files(empty_media)
    load_demo()
    assert snapshot() == rows
    assert media_files(empty_media) == files
    # Each picture, and a WebP and a JPEG copy at each width up to its own 1600 pixels.
    assert len(files) == len(GUIDES) * (1 + 2 * 4)


def test_a_fresh_database_reuses_the_pictures_already_in_storage(empty_media):
    load_demo()
    files = media_files(empty_media)
    Article.objects.all().delete()
    load_demo()
    assert media_files(empty_media) == files
    assert all(article.hero_renditions for article in Article.objects.all())


def test_a_missing_picture_is_drawn_again(empty_media):
    load_demo()
    guide = Article.objects.get(slug=GUIDES[0])
    default_storage.delete(guide.hero_image.name)
    load_demo()
    guide.refresh_from_db()
    assert default_storage.exists(guide.hero_image.name)


def test_summary_lists_the_guides():
    output = load_demo()
    assert "Demo guides: 4 published" in output
    assert SEED_TITLE in output


def test_baclofen_page_lists_the_four_guides_in_order(client, guides):
    content = client.get("/drugs/baclofen/").content.decode()
    positions = [content.find(escape(guides[slug].title)) for slug in GUIDES]
    assert -1 not in positions
    assert positions == sorted(positions)
    assert "22 October 2025" in content


@pytest.mark.parametrize("slug", GUIDES)
def test_guide_pages_answer(client, guides, slug):
    response = client.get(guides[slug].get_absolute_url())
    assert response.status_code == 200
    assert escape(guides[slug].hero_alt) in response.content.decode()


def test_a_guide_body_is_its_markdown_without_the_front_matter(guides):
    body = guides["how-smoking-affects-heart-failure"].body
    assert body.startswith("Heart failure means the heart is not pumping blood")
    assert body.endswith(
        "[nhs-treatment]: https://www.nhs.uk/conditions/heart-failure/treatment/\n"
    )
    assert "hero_alt:" not in body


# Mistakes in the content files


@pytest.fixture
def content(tmp_path) -> Path:
    """A copy of the demo content to spoil."""
    return shutil.copytree(CONTENT_DIR, tmp_path / "content")


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def misspell_a_key(data):
    data["side_effects"][0]["advise"] = data["side_effects"][0].pop("advice")


def misspell_a_severity(data):
    data["interactions"][0]["severity"] = "mjor"


def name_a_missing_condition(data):
    data["indications"][0]["condition"] = "spasticty"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (misspell_a_key, "tizanidine.yaml, side_effects[0].advise: unknown field"),
        (misspell_a_severity, "tizanidine.yaml, interactions[0].severity: 'mjor' is not one of"),
        (name_a_missing_condition, "tizanidine.yaml, indications[0].condition: 'spasticty'"),
    ],
)
def test_a_mistake_names_its_file_and_field_and_loads_nothing(content, change, message):
    edit_yaml(content / "drugs" / "tizanidine.yaml", change)
    with pytest.raises(DemoContentError) as error:
        loader.load_demo(content_dir=content)
    assert message in str(error.value)
    assert not Drug.objects.exists()
    assert not DrugClass.objects.exists()


def test_a_mistake_in_a_guides_front_matter_is_named(content):
    path = content / "guides" / "footwear-advice-for-muscle-stiffness.md"
    path.write_text(path.read_text().replace("motif: stones", "motif: stone"))
    with pytest.raises(DemoContentError, match=r"muscle-stiffness\.md, hero\.motif: 'stone'"):
        loader.load_demo(content_dir=content)
    assert not Article.objects.exists()


def test_a_row_the_models_refuse_rolls_back_every_file(content):
    """The last drug file holds a row that only the database step can refuse (the same side
    effect twice): the drugs written before it are taken back too."""

    def repeat_a_side_effect(data):
        data["side_effects"].append(data["side_effects"][0])

    edit_yaml(content / "drugs" / "tizanidine.yaml", repeat_a_side_effect)
    with pytest.raises(DemoContentError, match=r"tizanidine\.yaml: .* twice"):
        loader.load_demo(content_dir=content)
    assert not Drug.objects.exists()


def test_the_command_reports_a_mistake_without_a_traceback(content, monkeypatch):
    edit_yaml(content / "drugs" / "tizanidine.yaml", misspell_a_severity)
    monkeypatch.setattr(
        "medguide.demo.management.commands.load_demo.load_demo",
        lambda **options: loader.load_demo(content_dir=content, **options),
    )
    with pytest.raises(CommandError, match=r"^Demo content not loaded: .*tizanidine\.yaml"):
        load_demo()
