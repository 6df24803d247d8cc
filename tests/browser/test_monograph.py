"""The monograph in a real browser: its contents links work, nothing errors, phones fit."""

import gzip

import pytest
from playwright.sync_api import expect

from medguide.demo.specs import read_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db]  # they only read the demo_site

PAGE_WEIGHT_BUDGET = 60 * 1024


@pytest.mark.parametrize(
    ("link", "anchor"), [("Interactions", "interactions"), ("Dosage", "dosage")]
)
def test_contents_link_scrolls_to_its_section(visit_demo, link, anchor):
    monograph = visit_demo("/drugs/baclofen/")
    page = monograph.page
    contents = page.get_by_role("navigation", name="On this page")

    contents.get_by_role("link", name=link, exact=True).click()

    page.wait_for_function(f"location.hash === '#{anchor}'")
    assert page.url.endswith(f"/drugs/baclofen/#{anchor}")
    expect(page.locator(f"#{anchor}")).to_be_in_viewport()
    assert monograph.problems == []


def test_monograph_loads_light_and_without_errors(visit_demo, demo_site):
    monograph = visit_demo("/drugs/baclofen/")
    page = monograph.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Baclofen")

    # Load it again, recording every response the browser receives.
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.reload()
    page.wait_for_load_state("networkidle")
    assert monograph.problems == []

    # Nothing from another origin: no CDN, fonts, analytics or embeds to block rendering.
    assert [r.url for r in responses if not r.url.startswith(demo_site.url)] == []
    # HTML, CSS and JavaScript, compressed as GZipMiddleware and WhiteNoise send them
    # (images excluded): the budget is 60 KB.
    weighed = {
        r.url: len(gzip.compress(r.body(), compresslevel=6))
        for r in responses
        if r.request.resource_type in ("document", "stylesheet", "script")
    }
    assert {url.rsplit("/", 1)[-1] for url in weighed} >= {"", "site.css", "site.js", "search.js"}
    total = sum(weighed.values())
    print(f"\nBaclofen page weight, compressed: {total / 1024:.1f} KB {weighed}")
    assert total <= PAGE_WEIGHT_BUDGET, f"{total / 1024:.1f} KB: {weighed}"


@pytest.mark.parametrize("path", ["/", "/drugs/", "/drugs/baclofen/", "/search/?q=baclofen"])
def test_pages_fit_a_phone_screen(visit_demo, path):
    phone = visit_demo(path, width=390, height=844)
    phone.page.wait_for_load_state("networkidle")  # the search page asks for suggestions
    widths = phone.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{path} scrolls sideways: {widths[0]}px in {widths[1]}px"
    assert phone.problems == []


PHONE = {"width": 390, "height": 844}
DEMO_MONOGRAPHS = [drug.slug for drug in read_content().drugs]  # every one the demo has


@pytest.mark.parametrize("slug", DEMO_MONOGRAPHS)
def test_key_facts_come_within_two_phone_screens(visit_demo, slug):
    """What it treats, the usual dose, the most important warning and when to get help now
    all start within the first two screens of a 390 by 844 phone, each linking to its section;
    brand names past the first three are folded away."""
    page = visit_demo(f"/drugs/{slug}/", **PHONE).page
    facts = page.locator(".key-facts")
    rows = {
        "What it treats": None,
        "Usual adult dose": "#dosage",
        "Most important warning": None,
        "Get medical help now for": "#side-effects",
    }
    for term, link in rows.items():
        row = facts.locator("div", has=page.locator("dt", has_text=term))
        top = row.bounding_box()["y"]
        assert top < 2 * PHONE["height"], (
            f"{slug}: {term} starts {top / PHONE['height']:.2f} screens down"
        )
        if link:
            assert row.locator(f'a[href="{link}"]').count() == 1, f"{slug}: {term}"
    warning = facts.locator(".key-facts__warning a")
    assert warning.get_attribute("href") in ("#boxed-warning", "#warnings")
    assert page.locator(warning.get_attribute("href")).count() == 1
    names = page.locator(".also-known-as > .name-list > li")
    assert names.count() <= 3


def test_on_a_phone_sections_fold_and_open_when_visited_or_printed(visit_demo):
    monograph = visit_demo("/drugs/baclofen/", **PHONE)
    page = monograph.page
    screens = {
        anchor: page.locator(f"#{anchor}-title").bounding_box()["y"] / PHONE["height"]
        for anchor in ("side-effects", "interactions")
    }
    assert screens["side-effects"] < 6, screens
    assert screens["interactions"] < 8, screens
    folds = page.locator("details[data-fold]")
    assert folds.count() > 10
    assert page.locator("details[data-fold][open]").count() == 0
    # A contents link opens its section.
    page.get_by_role("navigation", name="On this page").get_by_role(
        "link", name="Interactions", exact=True
    ).click()
    expect(page.locator("#interactions details[data-fold]")).to_have_attribute("open", "")
    expect(page.locator("#interactions table").first).to_be_visible()
    # Printing unfolds the whole page.
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details[data-fold][open]").count() == folds.count()
    assert monograph.problems == []


def test_on_a_desktop_nothing_is_folded(visit_demo):
    page = visit_demo("/drugs/baclofen/#dosage").page
    folds = page.locator("details[data-fold]")
    assert folds.count() == page.locator("details[data-fold][open]").count() > 10


def test_an_address_with_a_section_opens_it_on_a_phone(visit_demo):
    page = visit_demo("/drugs/baclofen/#dosage", **PHONE).page
    expect(page.locator("#dosage details[data-fold]")).to_have_attribute("open", "")
    assert page.locator("details[data-fold][open]").count() == 1
