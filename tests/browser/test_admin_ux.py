"""The long editorial change forms in a real browser (issue 14): they fit a 1,280 px window,
Save and the workflow stay in reach, leaving with unsaved edits asks first, the guide body
previews as it is typed, and the Content-Security-Policy refuses nothing."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from drugs.models import Drug

# They read the module's demo_site; the one save goes to the server's database connection.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "a long enough password"
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} refused ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture(scope="module")
def signed_in(browser, demo_site, django_db_blocker) -> dict:
    """The browser state of an editor with every permission, signed in once for the module:
    the user and the session go with the module's demo content."""
    with django_db_blocker.unblock():
        User.objects.create_superuser("editor", "editor@example.org", PASSWORD)
        context = browser.new_context()
        page = context.new_page()
        page.goto(demo_site.url + reverse("admin:login"))
        page.fill("#id_username", "editor")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(demo_site.url + reverse("admin:index"))
        state = context.storage_state()
        context.close()
    return state


@pytest.fixture
def tab(browser, signed_in, settings):
    settings.ROOT_URLCONF = "tests.browser.urls"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, storage_state=signed_in)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


def open_path(page, site, path: str) -> None:
    response = page.goto(site.url + path)
    assert response.status == 200, path
    page.wait_for_load_state("load")


def drug_form() -> str:
    return reverse("admin:drugs_drug_change", args=[Drug.objects.get(slug="baclofen").pk])


def test_the_drug_form_fits_the_window_and_keeps_its_bar_in_view(tab, demo_site):
    open_path(tab, demo_site, drug_form())
    assert tab.evaluate("document.documentElement.scrollWidth") <= 1280
    tab.mouse.wheel(0, 6000)
    tab.wait_for_timeout(200)
    bar = tab.locator("#editorial-bar")
    box = bar.bounding_box()
    assert 0 <= box["y"] <= 1  # stuck to the top of the window
    expect(bar.get_by_role("button", name="Archive")).to_be_in_viewport()


def test_the_admin_pages_refuse_nothing_under_the_policy(tab, demo_site):
    guide = Article.objects.order_by("pk").first()
    for path in [
        reverse("admin:index"),
        drug_form(),
        reverse("admin:articles_article_change", args=[guide.pk]),
    ]:
        open_path(tab, demo_site, path)
        assert tab.evaluate("window.cspViolations") == [], path
        assert tab.problems == [], path


def test_leaving_with_unsaved_changes_asks_first(tab, demo_site):
    open_path(tab, demo_site, drug_form())
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    tab.on("dialog", answer)
    tab.locator("#id_pronunciation").click()
    tab.keyboard.type(" (edited)")
    with tab.expect_event("dialog"):
        tab.locator(".breadcrumbs a").first.click()
    assert dialogs == ["beforeunload"]
    assert "/change/" in tab.url  # still here


def test_saving_does_not_ask(tab, demo_site):
    open_path(tab, demo_site, drug_form())
    dialogs = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    tab.locator("#id_pronunciation").click()
    tab.keyboard.type(" (edited)")
    tab.locator("#editorial-bar [name=_continue]").click()
    tab.wait_for_load_state("load")
    assert dialogs == []


def test_the_guide_body_previews_as_it_is_typed(tab, demo_site):
    guide = Article.objects.order_by("pk").first()
    open_path(tab, demo_site, reverse("admin:articles_article_change", args=[guide.pk]))
    body = tab.locator("#id_body")
    body.click()
    tab.keyboard.press("Control+End")
    tab.keyboard.type("\n\n## A brand new heading\n")
    preview = tab.locator("#id_body_preview")
    expect(preview.get_by_role("heading", name="A brand new heading")).to_be_visible()
    # The picker inserts a link to a drug.
    tab.locator("#id_body_link").fill("baclo")
    tab.locator(".markdown-editor__choices button", has_text="Baclofen (drug)").click()
    assert "[Baclofen](/drugs/baclofen/)" in body.input_value()
    assert tab.evaluate("window.cspViolations") == []
