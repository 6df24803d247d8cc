"""What `load_demo` loads from medguide/demo/content/: the seven sourced monographs, Baclofen's
in detail, and the seed's four guides. The tests only read it, so it is loaded once for the
module (tests/medguide/conftest.py); test_load_demo.py runs the command itself."""

from datetime import UTC, date, datetime
from decimal import Decimal
from html import escape
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from articles.models import Article, Author
from drugs.dosing import describe
from drugs.interactions import interactions_for
from drugs.models import Drug, LabelStatus, NameKind, Population, Route
from medguide.editorial import readability
from medguide.editorial.models import Status
from tests.medguide.demo.seed import GUIDES, SEED_SUMMARY, SEED_TITLE

pytestmark = pytest.mark.django_db

REVIEWED_BY = "MedGuide editorial team (demo content checked against FDA labeling)"
REVIEWED_ON = date(2026, 11, 23)

OTHER_DEMO_DRUGS = [
    "cyclobenzaprine",
    "dantrolene",
    "diazepam",
    "fluoxetine",
    "gabapentin",
    "tizanidine",
]


@pytest.fixture(autouse=True)
def demo_pictures(settings, demo_media) -> Path:
    """Media storage as the module's demo left it, with its guides' pictures."""
    settings.MEDIA_ROOT = demo_media
    return demo_media


@pytest.fixture
def baclofen(demo):
    return Drug.objects.for_monograph().get(slug="baclofen")


def test_demo_drugs_are_published(demo):
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
def test_other_demo_monographs_answer(client, demo, slug):
    assert client.get(f"/drugs/{slug}/").status_code == 200


def test_text_fields_keep_their_paragraphs(baclofen):
    first, second = baclofen.summary.split("\n\n")
    assert first.startswith("Baclofen is a prescription medicine that relaxes muscles. It eases")
    assert second.startswith("You can take it by mouth as tablets, liquids or granules.")
    assert "\n" not in first + second


def test_every_demo_summary_reads_at_the_sites_grade_target(demo):
    """Summaries are what readers see first, and on cards and in search: they keep to the
    reading grade the editors' own checks ask for (READING_GRADE_TARGET, 8)."""
    for drug in Drug.objects.all():
        found = readability.score(drug.summary)
        assert readability.meets_target(found), (drug.slug, found.flesch_kincaid_grade)


def test_amounts_load_as_written(demo):
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
def guides(demo) -> dict[str, Article]:
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
