"""The Content-Security-Policy holds in a real browser: the public pages and Django's admin
(sign-in, index, a change form with inlines and autocompletes, the lists) load nothing the
policy refuses, and the admin's own styles still apply from their static file."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from drugs.models import Drug

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough password"

# Playwright adds this before any page script (the policy does not apply to it): it records
# every violation the browser reports, whether or not it also reaches the console.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} refused ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def demo(transactional_db, settings):
    settings.ROOT_URLCONF = "tests.browser.urls"  # serves the demo's pictures too
    call_command("load_demo", verbosity=0)
    User.objects.create_superuser("editor", "editor@example.org", PASSWORD)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.problems.append(message.text),
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


def open_path(page, live_server, path: str):
    response = page.goto(live_server.url + path)
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"], path
    page.wait_for_load_state("load")
    return response


def assert_no_violations(page):
    """Of the page now open: its record starts afresh with each page."""
    assert page.evaluate("window.cspViolations") == [], page.url
    assert page.problems == [], page.url


def test_admin_works_under_the_policy(demo, page, live_server):
    open_path(page, live_server, reverse("admin:login"))
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    assert_no_violations(page)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))

    # The editorial dashboard is laid out by static/css/admin.css.
    open_path(page, live_server, reverse("admin:index"))
    grid = page.locator(".editorial-dashboard__grid")
    assert grid.evaluate("element => getComputedStyle(element).display") == "grid"
    assert_no_violations(page)

    baclofen = Drug.objects.get(slug="baclofen")
    open_path(page, live_server, reverse("admin:drugs_drug_change", args=[baclofen.pk]))
    # The inlines' "Add another" and an autocomplete's dropdown build markup in script.
    page.locator(".add-row a").first.click()
    page.locator(".select2-selection").first.click()
    page.locator(".select2-results__option").first.wait_for()
    page.keyboard.press("Escape")
    workflow = page.locator(".workflow-state")
    assert workflow.evaluate("element => getComputedStyle(element).borderLeftWidth") == "4px"
    assert_no_violations(page)

    for path in [
        reverse("admin:drugs_drug_changelist"),
        reverse("admin:drugs_drug_changelist") + "?q=baclofen",
        reverse("admin:search_searchlog_changelist"),
        reverse("admin:articles_article_changelist"),
    ]:
        open_path(page, live_server, path)
        assert_no_violations(page)


def test_public_pages_work_under_the_policy(demo, page, live_server):
    for path in [
        reverse("home"),
        reverse("drugs:detail", kwargs={"slug": "baclofen"}),
        reverse("drugs:interactions"),
        reverse("articles:list"),
    ]:
        open_path(page, live_server, path)
        assert_no_violations(page)
    page.fill("#header-search", "bacl")  # the suggestions fetch from our own origin
    page.locator("#header-search").press("ArrowDown")
    assert_no_violations(page)
