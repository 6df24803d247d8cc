"""Search suggestions in a real browser: the combobox by keyboard and mouse, and the plain form."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db]  # they only read the demo_site


@pytest.fixture
def home(visit_demo):
    return visit_demo("/")


def search_box(page):
    return page.get_by_role("combobox", name="Search for a medicine, brand name or condition")


def lioresal(page):
    return page.get_by_role("option", name="Lioresal brand of Baclofen", exact=True)


def test_typing_a_brand_suggests_it_with_its_generic(home):
    page = home.page
    search_box(page).fill("lio")

    expect(lioresal(page)).to_be_visible()
    expect(page.get_by_role("search").get_by_role("status")).to_have_text(
        re.compile(r"^\d+ suggestions?$")
    )
    assert home.problems == []


def test_arrow_down_and_enter_open_the_suggestion(home):
    page = home.page
    box = search_box(page)
    box.press_sequentially("lio")
    expect(lioresal(page)).to_be_visible()

    box.press("ArrowDown")
    box.press("Enter")

    page.wait_for_url("**/drugs/baclofen/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Baclofen")
    assert home.problems == []


def test_clicking_a_suggestion_opens_it(home):
    page = home.page
    search_box(page).fill("lio")

    lioresal(page).click()

    page.wait_for_url("**/drugs/baclofen/")
    assert home.problems == []


def test_combobox_attributes_follow_the_arrow_keys(home):
    page = home.page
    box = search_box(page)
    expect(box).to_have_attribute("aria-autocomplete", "list")
    expect(box).to_have_attribute("aria-expanded", "false")
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    expect(listbox).to_have_attribute("role", "listbox")
    expect(listbox).to_be_attached()
    assert box.get_attribute("aria-activedescendant") is None

    box.fill("lio")
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_be_visible()
    count = options.count()

    box.press("ArrowDown")
    first = options.nth(0)
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    expect(first).to_have_attribute("aria-selected", "true")

    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    expect(first).not_to_have_attribute("aria-selected", "true")

    box.press("ArrowUp")
    box.press("ArrowUp")  # wraps from the first option to the last
    last = options.nth(count - 1)
    expect(box).to_have_attribute("aria-activedescendant", last.get_attribute("id"))
    assert home.problems == []


def test_escape_closes_then_clears(home):
    page = home.page
    box = search_box(page)
    box.fill("lio")
    expect(lioresal(page)).to_be_visible()

    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(box).to_have_value("lio")

    box.press("Escape")
    expect(box).to_have_value("")
    assert home.problems == []


def test_enter_without_a_highlighted_option_searches(home):
    page = home.page
    box = search_box(page)
    box.fill("lio")
    expect(lioresal(page)).to_be_visible()

    box.press("Enter")

    page.wait_for_url("**/search/?q=lio")
    assert home.problems == []


def test_the_form_searches_without_javascript(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(demo_site.url + "/")
        box = page.get_by_role("searchbox", name="Search for a medicine, brand name or condition")
        box.fill("lioresal")
        box.press("Enter")
        page.wait_for_url("**/search/?q=lioresal")
        expect(page.get_by_role("link", name="Baclofen").first).to_be_visible()
    finally:
        context.close()
