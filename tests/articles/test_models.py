"""Article rules: rendering on save, publication and scheduling, hero image checks, curation."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from articles.models import Article, CuratedGuide
from medguide.editorial.models import Status
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    CuratedGuideFactory,
    DrugFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg(name: str = "hero.jpg", *, exif: bool = False) -> ContentFile:
    image = Image.new("RGB", (1600, 900), "teal")
    output = BytesIO()
    options = {}
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "Camera maker"  # Make
        options["exif"] = tags.tobytes()
    image.save(output, format="JPEG", **options)
    return ContentFile(output.getvalue(), name=name)


def unsaved_article(**fields) -> Article:
    return Article(
        title="Tizanidine and your liver",
        slug="tizanidine-and-your-liver",
        summary="Why liver blood tests come with tizanidine.",
        body="## Why\n\nText.",
        author=AuthorFactory(),
        category=CategoryFactory(),
        **fields,
    )


# Rendering on save


def test_save_renders_the_body_to_safe_html():
    article = ArticleFactory(body="## Dosing\n\nTake it **with food**.<script>alert(1)</script>")
    assert '<h2 id="dosing">Dosing</h2>' in article.body_html
    assert "<strong>with food</strong>" in article.body_html
    assert "<script" not in article.body_html


def test_save_records_the_headings_for_the_table_of_contents():
    article = ArticleFactory(body="## Uses\n\n### In children\n\n## Side effects")
    assert article.headings == [
        {"level": 2, "anchor": "uses", "title": "Uses"},
        {"level": 3, "anchor": "in-children", "title": "In children"},
        {"level": 2, "anchor": "side-effects", "title": "Side effects"},
    ]


def test_save_derives_reading_time_from_the_body():
    article = ArticleFactory(body="word " * 1000)
    assert article.reading_minutes == 5


def test_editing_the_body_renders_it_again():
    article = ArticleFactory(body="## Before")
    article.body = "## After\n\n" + "word " * 600
    article.save()
    article.refresh_from_db()
    assert 'id="after"' in article.body_html
    assert "Before" not in article.body_html
    assert [heading["title"] for heading in article.headings] == ["After"]
    assert article.reading_minutes == 3


# Publication and scheduling


@pytest.mark.parametrize(
    ("offset", "is_public"),
    [(timedelta(seconds=-1), True), (timedelta(0), True), (timedelta(seconds=1), False)],
    ids=["a second ago", "this instant", "in a second"],
)
def test_published_guides_are_those_whose_time_has_come(frozen_now, offset, is_public):
    article = ArticleFactory(published_at=frozen_now + offset)
    assert Article.objects.published().filter(pk=article.pk).exists() is is_public
    assert Article.objects.scheduled().filter(pk=article.pk).exists() is not is_public


def test_drafts_are_never_published_whatever_their_date(frozen_now):
    draft = ArticleFactory(status=Status.DRAFT, published_at=frozen_now - timedelta(days=30))
    assert draft not in Article.objects.published()
    assert draft not in Article.objects.scheduled()


@pytest.mark.parametrize(
    ("status", "offset", "scheduled", "live"),
    [
        (Status.PUBLISHED, timedelta(seconds=1), True, False),
        (Status.PUBLISHED, timedelta(seconds=-1), False, True),
        (Status.DRAFT, timedelta(seconds=1), False, False),
        (Status.DRAFT, timedelta(seconds=-1), False, False),
    ],
)
def test_is_scheduled_and_is_live(frozen_now, status, offset, scheduled, live):
    article = ArticleFactory(status=status, published_at=frozen_now + offset)
    assert article.is_scheduled is scheduled
    assert article.is_live is live


def test_a_scheduled_guide_goes_live_when_its_time_comes(monkeypatch):
    article = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    assert not Article.objects.published().filter(pk=article.pk).exists()
    later = timezone.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_publication_time_defaults_to_now():
    before = timezone.now()
    published_at = unsaved_article().published_at
    assert before <= published_at <= timezone.now()


# The hero image


def test_hero_image_without_alt_text_fails_validation(media):
    article = unsaved_article(hero_image=jpeg(), hero_alt="   ")
    with pytest.raises(ValidationError) as excinfo:
        article.full_clean()
    assert excinfo.value.message_dict["hero_alt"] == [
        "Describe the image for readers who cannot see it."
    ]


def test_hero_image_with_alt_text_is_valid(media):
    unsaved_article(hero_image=jpeg(), hero_alt="A blue pill organiser").full_clean()


def test_no_hero_image_needs_no_alt_text():
    unsaved_article().full_clean()


def test_a_file_that_is_not_a_picture_fails_validation(media):
    article = unsaved_article(
        hero_image=ContentFile(b"%PDF-1.7 not a picture", name="hero.jpg"), hero_alt="x"
    )
    with pytest.raises(ValidationError) as excinfo:
        article.full_clean()
    assert "hero_image" in excinfo.value.message_dict


def test_saving_a_new_hero_image_strips_metadata_and_makes_renditions(media):
    article = unsaved_article(hero_image=jpeg(exif=True), hero_alt="A teal square")
    article.full_clean()
    article.save()
    article.refresh_from_db()
    with default_storage.open(article.hero_image.name) as stored, Image.open(stored) as image:
        assert not image.getexif()
    assert article.hero_renditions
    assert all(default_storage.exists(r["name"]) for r in article.hero_renditions)
    assert {r["format"] for r in article.hero_renditions} == {"jpeg", "webp"}


def test_saving_again_makes_no_new_files(media):
    article = unsaved_article(hero_image=jpeg(), hero_alt="A teal square")
    article.save()
    files = sorted(path for path in media.rglob("*") if path.is_file())
    article.title = "Tizanidine and your liver: blood tests"
    article.save()
    assert sorted(path for path in media.rglob("*") if path.is_file()) == files


# Curation


def test_a_guide_is_curated_once_per_drug():
    curated = CuratedGuideFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CuratedGuide.objects.create(drug=curated.drug, article=curated.article, order=1)


def test_curating_a_guide_twice_gives_a_validation_message():
    curated = CuratedGuideFactory()
    duplicate = CuratedGuide(drug=curated.drug, article=curated.article, order=1)
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "This guide is already on the drug's page." in excinfo.value.messages


def test_the_same_guide_can_be_curated_on_several_drugs():
    article = ArticleFactory()
    CuratedGuideFactory(article=article)
    CuratedGuideFactory(article=article)
    assert article.curations.count() == 2


def test_curated_guides_come_in_the_editors_order():
    drug = DrugFactory()
    last = CuratedGuideFactory(drug=drug, order=2).article
    first = CuratedGuideFactory(drug=drug, order=0).article
    middle = CuratedGuideFactory(drug=drug, order=1).article
    assert [c.article for c in drug.curated_guides.all()] == [first, middle, last]


def test_deleting_a_guide_removes_its_curations():
    curated = CuratedGuideFactory()
    curated.article.delete()
    assert not CuratedGuide.objects.filter(pk=curated.pk).exists()
    assert curated.drug.curated_guides.count() == 0


def test_deleting_a_drug_removes_its_curations_but_keeps_the_guide():
    curated = CuratedGuideFactory()
    curated.drug.delete()
    assert not CuratedGuide.objects.exists()
    assert Article.objects.filter(pk=curated.article_id).exists()


# Bylines


def test_byline_shows_credentials_when_there_are_some():
    assert str(AuthorFactory(name="MedGuide Editorial Team", credentials="Editorial team")) == (
        "MedGuide Editorial Team, Editorial team"
    )
    assert str(AuthorFactory(name="Anonymous", credentials="")) == "Anonymous"


def test_feed_is_a_reserved_slug():
    article = ArticleFactory.build(slug="feed", author=AuthorFactory(), category=CategoryFactory())
    with pytest.raises(ValidationError, match="taken by a page of the site"):
        article.full_clean()


def test_update_date_cannot_precede_publication():
    article = ArticleFactory()
    article.revised_on = article.published_at.date() - timedelta(days=1)
    with pytest.raises(ValidationError, match="before it is published"):
        article.full_clean()
