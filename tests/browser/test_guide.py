"""A guide in a real browser: its hero picture loads from a rendition, nothing errors,
and the guide pages fit a phone."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.factories import ArticleFactory, CuratedGuideFactory, DrugFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HERO = ".guide__hero img"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_URL = "/media/"
    settings.ROOT_URLCONF = "tests.browser.urls"
    return tmp_path


def photo(width: int = 1600, height: int = 900) -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), (11, 79, 108))
    ImageDraw.Draw(image).ellipse((width // 4, height // 4, width // 2, height // 2), fill="white")
    data = BytesIO()
    image.save(data, format="JPEG", quality=85)
    return SimpleUploadedFile("hero.jpg", data.getvalue(), content_type="image/jpeg")


@pytest.fixture
def guide(media, transactional_db):
    baclofen = DrugFactory(generic_name="Baclofen", slug="baclofen")
    article = ArticleFactory(
        title="Baclofen for Chronic Abdominal Pain: Benefits, Risks & Practical Guide",
        slug="baclofen-for-chronic-abdominal-pain",
        body="# Why\n\nText.\n\n# How\n\nMore text.\n\n# Risks\n\n| A | B |\n|---|---|\n",
        hero_image=photo(),
        hero_alt="A blue circle on a teal background",
        tags=["abdominal pain"],
        related_drugs=[baclofen],
    )
    CuratedGuideFactory(drug=baclofen, article=article)
    ArticleFactory(category=article.category, hero_image=photo(800, 600), hero_alt="A circle")
    article.refresh_from_db()
    assert article.hero_renditions, "saving the guide should have made its renditions"
    return article


def hero_state(page) -> dict:
    return page.eval_on_selector(
        HERO,
        "img => ({complete: img.complete, naturalWidth: img.naturalWidth,"
        " currentSrc: img.currentSrc})",
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_hero_image_loads_from_a_rendition(guide, visit, width):
    opened = visit(guide.get_absolute_url(), width=width)
    page = opened.page
    page.wait_for_function(
        f"() => {{ const img = document.querySelector('{HERO}');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    state = hero_state(page)
    rendition_urls = [f"/media/{r['name']}" for r in guide.hero_renditions]
    assert state["complete"]
    assert state["naturalWidth"] > 0
    assert any(state["currentSrc"].endswith(url) for url in rendition_urls), state
    # Chromium reads WebP, so it takes the <source> and never the JPEG fallback.
    assert state["currentSrc"].endswith(".webp")
    expect(page.get_by_role("img", name="A blue circle on a teal background")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert opened.problems == []


def test_contents_link_scrolls_to_its_heading(guide, visit):
    opened = visit(guide.get_absolute_url())
    page = opened.page
    page.get_by_role("navigation", name="In this guide").get_by_role("link", name="Risks").click()
    page.wait_for_function("location.hash === '#risks'")
    expect(page.locator("#risks")).to_be_in_viewport()
    assert opened.problems == []


@pytest.mark.parametrize(
    "path",
    [
        "/articles/",
        "/articles/baclofen-for-chronic-abdominal-pain/",
        "/articles/tag/abdominal-pain/",
        "/drugs/baclofen/",
        "/",
    ],
)
def test_guide_pages_fit_a_small_phone(guide, visit, path):
    phone = visit(path, width=320, height=640)
    widths = phone.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{path} scrolls sideways: {widths[0]}px in {widths[1]}px"
    assert phone.problems == []
