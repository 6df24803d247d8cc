"""The monograph in a real browser: its contents links work, nothing errors, phones fit."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize(
    ("link", "anchor"), [("Interactions", "interactions"), ("Dosage", "dosage")]
)
def test_contents_link_scrolls_to_its_section(demo, visit, link, anchor):
    monograph = visit("/drugs/baclofen/")
    page = monograph.page
    contents = page.get_by_role("navigation", name="On this page")

    contents.get_by_role("link", name=link, exact=True).click()

    page.wait_for_function(f"location.hash === '#{anchor}'")
    assert page.url.endswith(f"/drugs/baclofen/#{anchor}")
    expect(page.locator(f"#{anchor}")).to_be_in_viewport()
    assert monograph.problems == []


def test_monograph_loads_without_errors(demo, visit):
    monograph = visit("/drugs/baclofen/")
    expect(monograph.page.get_by_role("heading", level=1)).to_contain_text("Baclofen")
    monograph.page.wait_for_load_state("networkidle")
    assert monograph.problems == []


@pytest.mark.parametrize("path", ["/", "/drugs/", "/drugs/baclofen/", "/search/?q=baclofen"])
def test_pages_fit_a_phone_screen(demo, visit, path):
    phone = visit(path, width=390, height=844)
    phone.page.wait_for_load_state("networkidle")
    widths = phone.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{path} scrolls sideways: {widths[0]}px in {widths[1]}px"
    assert phone.problems == []
