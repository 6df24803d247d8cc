"""A draft of a live monograph in a real browser (issue 14): an editor's edit of published
Baclofen leaves the public page as it was until a medical reviewer publishes it."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from drugs.models import Drug
from medguide.editorial.models import ReviewerProfile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough password"
NEW_SUMMARY = "Baclofen relaxes stiff muscles; this sentence waits in a draft."


@pytest.fixture
def demo(live_server, transactional_db, settings):
    settings.ROOT_URLCONF = "tests.browser.urls"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", verbosity=0)
    for username, role, first, last in [
        ("sam", "Editor", "Sam", "Editor"),
        ("ada", "Medical reviewer", "Ada", "Reviewer"),
    ]:
        user = User.objects.create_user(
            username, password=PASSWORD, first_name=first, last_name=last, is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
    ReviewerProfile.objects.create(
        user=User.objects.get(username="ada"), display_name="Ada Reviewer", qualification="PharmD"
    )
    return Drug.objects.get(slug="baclofen")


@pytest.fixture
def signed_in(browser, live_server):
    """signed_in(username): a tab of that user, signed in to the admin. The tabs' contexts are
    closed afterwards: left open, their idle connections kept live-server threads (each with
    a database connection) alive long after the test."""
    contexts = []

    def sign_in(username: str):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + reverse("admin:login"))
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(live_server.url + reverse("admin:index"))
        return page

    yield sign_in
    for context in contexts:
        context.close()


def test_an_editors_draft_reaches_readers_only_when_a_reviewer_publishes_it(
    demo, signed_in, visit, live_server
):
    before = demo.summary
    change = live_server.url + reverse("admin:drugs_drug_change", args=[demo.pk])

    editor = signed_in("sam")
    editor.goto(change)
    expect(editor.locator(".draft-notice")).to_contain_text("saving keeps your changes as a draft")
    editor.fill("#id_summary", NEW_SUMMARY)
    editor.locator("input[name=_continue]").last.click()
    expect(editor.locator("#draft-notice")).to_contain_text(
        "A draft of this live monograph is pending, saved by Sam Editor on"
    )
    expect(editor.locator("#draft-notice")).to_contain_text(
        "readers still see the published version."
    )
    expect(editor.locator("#id_summary")).to_have_value(NEW_SUMMARY)

    reader = visit(demo.get_absolute_url()).page
    expect(reader.locator("body")).not_to_contain_text(NEW_SUMMARY)
    assert " ".join(before.split())[:60] in " ".join(reader.locator("body").inner_text().split())

    reviewer = signed_in("ada")
    reviewer.goto(change)
    expect(reviewer.locator("#id_summary")).to_have_value(NEW_SUMMARY)
    reviewer.get_by_role("button", name="Approve and publish").first.click()
    reviewer.wait_for_load_state("load")

    reader.reload()
    expect(reader.locator("body")).to_contain_text(NEW_SUMMARY)
    # Who reviewed it and when: the review line names the reviewer (by their profile once the
    # workflow records it, by their account's name until then) and today's date.
    review_line = reader.get_by_text("Medically reviewed by", exact=False).first
    expect(review_line).to_contain_text("Ada Reviewer")
    expect(review_line).to_contain_text(f"{timezone.localdate():%-d %B %Y}")
    assert not Drug.objects.get(pk=demo.pk).has_pending_draft
