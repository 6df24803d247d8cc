"""The medication diary printed to PDF, and the liquid-dose converter with JavaScript."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db]  # they only read the demo_site


def test_diary_prints_to_an_a4_pdf_with_every_day(visit_demo):
    start = timezone.localdate() + timedelta(days=1)
    diary = visit_demo(f"/drugs/baclofen/diary/?start={start.isoformat()}")
    page = diary.page

    pdf = page.pdf(format="A4", print_background=True)

    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="print")
    expect(page.locator(".diary__dates")).to_be_hidden()
    text = page.locator(".diary-table").inner_text()
    for day in range(1, 13):
        assert f"Day {day}\n" in text or f"Day {day}\t" in text
    assert f"{start.day} {start.strftime('%b')}" in text
    assert diary.problems == []


def test_diary_start_date_form_fills_the_dates(visit_demo):
    page = visit_demo("/drugs/baclofen/diary/").page
    page.get_by_label("First day of the diary").fill("2099-01-01")
    page.get_by_role("button", name="Fill in the dates").click()
    expect(page.get_by_text("Choose a first day within a year of today.").first).to_be_visible()


def test_converter_answers_as_the_reader_types(visit_demo):
    monograph = visit_demo("/drugs/baclofen/")
    page = monograph.page
    converter = page.locator("#converter")
    expect(converter.get_by_text("Check the strength on your bottle.")).to_be_visible()
    address = page.url

    converter.get_by_label("Ozobax oral solution").check()
    converter.get_by_label("Amount").fill("10")
    result = converter.locator("output")
    expect(result).to_have_text("10 mg of Ozobax oral solution, 5 mg/5 mL is 10 mL.")

    converter.get_by_label("Fleqsuvy oral suspension").check()
    expect(result).to_have_text("10 mg of Fleqsuvy oral suspension, 25 mg/5 mL is 2 mL.")

    converter.get_by_label("mL", exact=True).check()
    expect(result).to_have_text("10 mL of Fleqsuvy oral suspension, 25 mg/5 mL is 50 mg.")

    converter.get_by_label("Amount").fill("-1")
    expect(converter.get_by_text("Enter an amount more than zero.")).to_be_visible()
    expect(converter.get_by_label("Amount")).to_have_attribute("aria-invalid", "true")

    assert page.url == address  # answered in the page, not by a round trip
    assert monograph.problems == []


def test_converter_submit_keeps_a_shareable_address(visit_demo):
    page = visit_demo("/drugs/baclofen/").page
    converter = page.locator("#converter")
    converter.get_by_label("Fleqsuvy oral suspension").check()
    converter.get_by_label("Amount").fill("10")
    converter.get_by_role("button", name="Convert").click()
    page.wait_for_function("location.search.includes('amount=10')")

    shared = visit_demo(page.evaluate("location.pathname + location.search + location.hash"))
    expect(shared.page.locator("#converter output")).to_have_text(
        "10 mg of Fleqsuvy oral suspension, 25 mg/5 mL is 2 mL."
    )


def test_the_diary_fits_a_phone_and_prints_from_its_button(visit_demo):
    diary = visit_demo("/drugs/baclofen/diary/", width=390, height=844)
    page = diary.page
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    table = page.locator(".diary-table")
    assert table.evaluate("t => t.getBoundingClientRect().right") <= 390
    expect(page.get_by_text("the columns you fill in by hand are left out")).to_be_visible()
    # The browser's print dialog, counted instead of opened.
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Print the diary").click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")  # on paper every column is there again
    expect(page.get_by_role("columnheader", name="Symptoms or side effects")).to_be_visible()
    expect(page.get_by_role("button", name="Print the diary")).to_be_hidden()
    assert diary.problems == []
