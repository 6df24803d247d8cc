"""The interaction checker in a real browser: by keyboard alone, and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db]  # they only read the demo_site

CNS_WARNING = "Baclofen and other medicines that slow the brain"


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id: str, *, limit: int = 40) -> None:
    """Press Tab until the element has focus, as a keyboard user would."""
    for _ in range(limit):
        if focused_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} never took focus")


def choose(page, text: str, option: str) -> None:
    """Type into the focused field, then pick a suggestion with the arrow keys and Enter."""
    page.keyboard.type(text, delay=30)
    expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def test_an_option_highlighted_before_newer_suggestions_arrive_stays_chosen(visit_demo):
    """Typed on, then an arrow key on the list still shown: the suggestions for the longer
    text arrive after it, and the option they hold too stays highlighted for Enter."""
    page = visit_demo("/interactions/").page
    held = []  # the request for "diaz", answered when the test says
    page.route(lambda url: "q=diaz" in url, lambda route: held.append(route))
    tab_to(page, "drug-1")
    page.keyboard.type("dia", delay=30)
    diazepam = page.get_by_role("option", name="Diazepam", exact=True)
    expect(diazepam).to_be_visible()
    page.keyboard.type("z")
    for _ in range(100):  # until the field asks for "diaz" (after its 150 ms pause)
        if held:
            break
        page.wait_for_timeout(20)
    assert held, "no request for the longer text"
    page.keyboard.press("ArrowDown")  # on the list shown for "dia"
    expect(diazepam).to_have_attribute("aria-selected", "true")
    page.evaluate("document.querySelectorAll('[role=option]').forEach(o => o.dataset.old = 1)")
    held[0].continue_()
    expect(page.locator("[role=option][data-old]")).to_have_count(0)  # the new list is shown
    expect(diazepam).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(page.locator("#drug-1")).to_have_value("Diazepam")


def test_checking_baclofen_diazepam_and_alcohol_by_keyboard_only(visit_demo):
    visit_ = visit_demo("/interactions/")
    page = visit_.page

    tab_to(page, "drug-1")
    choose(page, "lio", "Lioresal brand of Baclofen")
    expect(page.locator("#drug-1")).to_have_value("Lioresal")
    expect(page.locator("#drug-1")).to_have_attribute("aria-expanded", "false")

    tab_to(page, "drug-2")
    choose(page, "diaz", "Diazepam")
    expect(page.locator("#drug-2")).to_have_value("Diazepam")

    # "Add another medicine" adds a third field and moves focus into it.
    page.keyboard.press("Tab")  # Remove
    page.keyboard.press("Tab")  # Check interactions
    page.keyboard.press("Tab")  # Add another medicine
    page.keyboard.press("Enter")
    expect(page.get_by_role("combobox", name="Medicine 3")).to_be_focused()
    choose(page, "alc", "Alcohol substance")
    expect(page.locator("#drug-3")).to_have_value("Alcohol")

    page.keyboard.press("Enter")  # with the list closed, Enter checks
    page.wait_for_url("**/interactions/?drugs=Lioresal,Diazepam,Alcohol")

    # Three CNS depressants: one shared warning holding the three pairs, not three cards.
    shared = page.get_by_role("heading", name="Moderate Baclofen, Diazepam and Alcohol together")
    expect(shared).to_be_visible()
    expect(page.get_by_role("heading", name="Moderate interactions (3)")).to_have_count(0)
    expect(page.get_by_role("heading", name="Baclofen + Diazepam")).to_be_visible()
    expect(page.get_by_text(CNS_WARNING)).to_be_visible()
    expect(page.get_by_role("heading", name="Baclofen + Alcohol")).to_be_visible()
    expect(page.get_by_role("heading", name="Diazepam + Alcohol")).to_be_visible()

    # Removing a name by keyboard checks the list again without it.
    tab_to(page, "drug-3")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Remove Alcohol")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/interactions/?drugs=Lioresal,Diazepam")
    expect(page.get_by_role("heading", name="Baclofen + Alcohol")).to_have_count(0)
    expect(page.get_by_role("heading", name="Baclofen + Diazepam")).to_be_visible()
    assert visit_.problems == []


def test_combobox_follows_the_aria_pattern(visit_demo):
    page = visit_demo("/interactions/").page
    box = page.get_by_role("combobox", name="Medicine 1")
    expect(box).to_have_attribute("aria-autocomplete", "list")
    expect(box).to_have_attribute("aria-expanded", "false")

    box.press_sequentially("bac")
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    expect(listbox).to_have_attribute("role", "listbox")
    expect(listbox.get_by_role("option").first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")

    box.press("ArrowDown")
    first = listbox.get_by_role("option").first
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("bac")


def test_unknown_names_offer_what_was_meant(visit_demo):
    page = visit_demo("/interactions/?drugs=baclofen,diazapam").page

    expect(page.get_by_text("“diazapam” is not in our database.")).to_be_visible()
    page.get_by_role("link", name="Diazepam", exact=True).first.click()

    page.wait_for_url("**/interactions/?drugs=baclofen,Diazepam")
    expect(page.get_by_role("heading", name="Baclofen + Diazepam")).to_be_visible()


def test_the_plain_form_works_without_javascript(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(demo_site.url + "/interactions/")
        page.get_by_label("Medicine 1").fill("baclofen")
        page.get_by_label("Medicine 2").fill("alcohol")
        page.get_by_role("button", name="Add another medicine").click()
        expect(page.get_by_label("Medicine 3")).to_be_focused()
        page.get_by_label("Medicine 3").fill("gabapentin")
        page.get_by_role("button", name="Check interactions").click()

        page.wait_for_url(re.compile(r"/interactions/\?drugs=baclofen,alcohol,gabapentin$"))
        expect(page.get_by_role("heading", name="Baclofen + Alcohol")).to_be_visible()
        expect(
            page.get_by_role("heading", name="Pairs with no interaction in our database")
        ).to_be_visible()
        page.get_by_role("link", name="Remove gabapentin").click()
        page.wait_for_url(re.compile(r"/interactions/\?drugs=baclofen,alcohol$"))
    finally:
        context.close()


def test_the_results_print_without_the_form(visit_demo):
    page = visit_demo("/interactions/?drugs=baclofen,diazepam,alcohol").page
    expect(page.get_by_role("button", name="Print these results")).to_be_visible()

    page.emulate_media(media="print")

    expect(page.locator("form.checker-form")).to_be_hidden()
    expect(page.get_by_role("heading", name="Baclofen + Diazepam")).to_be_visible()
    assert page.pdf(format="A4")[:4] == b"%PDF"
