"""Section feedback: one "Report a problem with this page" form on every monograph, with a
section picker; the honeypot and flood limit, friendly refusals, and the editors' "Reader
reports" queue."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from drugs import feedback
from drugs.models import FeedbackStatus, SectionFeedback
from drugs.monograph import Section, monograph_sections
from medguide.search import index as search_index
from tests.factories import DrugFactory, InteractionFactory, ReferenceFactory, SideEffectFactory

pytestmark = pytest.mark.django_db

URL = "/drugs/baclofen/feedback/"
GOOD = {"section": "dosage", "message": "The kidney dose is missing its unit.", "website": ""}


# Readers ------------------------------------------------------------------------------------


def test_one_report_form_per_page_offers_every_section(client, baclofen):
    page = client.get(baclofen.get_absolute_url()).content.decode()
    anchors = re.findall(r'<section class="monograph-section" id="([^"]+)"', page)
    assert len(anchors) > 10
    assert page.count("Report a problem with this page") == 1
    assert page.count('action="/drugs/baclofen/feedback/"') == 1
    picker = re.search(r'<select[^>]*name="section"[^>]*>(.*?)</select>', page, re.S).group(1)
    choices = re.findall(r'<option value="([^"]*)">', picker)
    assert choices == ["", *anchors]  # "Choose a section" first, then the page's sections
    # No token: the monograph sets no cookie, so every reader shares its cached copy.
    assert "csrfmiddlewaretoken" not in page


def test_a_report_without_a_section_is_refused_and_keeps_what_was_typed(client, baclofen):
    response = client.post(URL, {**GOOD, "section": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Your report was not sent" in page
    assert GOOD["message"] in page
    assert not SectionFeedback.objects.exists()


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client, baclofen):
    page = client.get(baclofen.get_absolute_url()).content.decode()
    trap = re.search(r'<div class="form-trap" aria-hidden="true">(.*?)</div>', page, re.S)
    assert trap
    assert 'name="website" tabindex="-1" autocomplete="off"' in trap.group(1)


def test_a_report_lands_in_the_queue_with_drug_and_section(client, baclofen):
    response = client.post(URL, {**GOOD, "email": "reader@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/drugs/baclofen/feedback/?sent=1&section=dosage"
    report = SectionFeedback.objects.get()
    assert report.drug == baclofen
    assert (report.section, report.section_title) == ("dosage", "Dosage")
    assert report.message == GOOD["message"]
    assert report.email == "reader@example.org"
    assert report.status == FeedbackStatus.OPEN
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you: your report was sent" in thanks
    assert 'href="/drugs/baclofen/#dosage"' in thanks


def test_the_email_is_optional(client, baclofen):
    assert client.post(URL, GOOD).status_code == 302
    assert SectionFeedback.objects.get().email == ""


def test_a_filled_honeypot_is_refused_and_nothing_is_stored(client, baclofen):
    response = client.post(URL, {**GOOD, "website": "https://spam.example"})
    assert response.status_code == 400
    assert "Your report was not sent" in response.content.decode()
    assert not SectionFeedback.objects.exists()


def test_a_flood_is_refused_with_429_after_the_limit(client, baclofen):
    for _ in range(feedback.REPORTS_PER_WINDOW):
        assert client.post(URL, GOOD).status_code == 302
    response = client.post(URL, GOOD)
    assert response.status_code == 429
    assert response["Retry-After"] == str(feedback.WINDOW_SECONDS)
    assert "try again in 10 minutes" in response.content.decode()
    assert SectionFeedback.objects.count() == feedback.REPORTS_PER_WINDOW


def test_the_flood_limit_is_per_client_and_stores_no_address(client, baclofen):
    for _ in range(feedback.REPORTS_PER_WINDOW + 1):
        client.post(URL, GOOD, REMOTE_ADDR="203.0.113.7")
    assert client.post(URL, GOOD, REMOTE_ADDR="198.51.100.2").status_code == 302
    keys = list(cache._cache)  # local-memory cache in tests
    assert keys
    assert not any("203.0.113.7" in key or "198.51.100.2" in key for key in keys)
    fields = {field.name for field in SectionFeedback._meta.get_fields()}
    assert not {"ip", "ip_address", "address", "remote_addr"} & fields


def test_behind_the_proxy_readers_are_counted_by_the_address_it_reports(client, baclofen, settings):
    settings.TRUSTED_PROXIES = 1
    proxy = "10.0.0.2"  # every request reaches the app from the proxy
    for _ in range(feedback.REPORTS_PER_WINDOW):
        client.post(URL, GOOD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert (
        client.post(URL, GOOD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code
        == 429
    )
    other_reader = client.post(URL, GOOD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other_reader.status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"section": "no-such-section"}, "Choose a section that is on this page."),
        ({"section": ""}, "This field is required."),
        ({"message": "Wrong."}, "Tell us a little more: at least 10 characters."),
        ({"message": "   "}, "Tell us what is wrong or unclear."),
        ({"message": "x" * 2001}, "at most 2000 characters"),
        ({"email": "not an address"}, "Enter an email address like name@example.org"),
        ({"email": "a" * 250 + "@example.org"}, "at most 254 characters"),
    ],
)
def test_bad_input_gets_a_friendly_400_that_keeps_what_was_typed(client, baclofen, data, message):
    response = client.post(URL, {**GOOD, **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Your report was not sent" in page
    assert message in page
    assert 'aria-invalid="true"' in page
    if "message" not in data:
        assert GOOD["message"] in page  # nothing typed is lost
    assert not SectionFeedback.objects.exists()


def test_a_section_that_exists_elsewhere_but_not_on_this_page_is_refused(client):
    DrugFactory(slug="plainazole", storage="")  # no Storage section
    response = client.post("/drugs/plainazole/feedback/", {**GOOD, "section": "storage"})
    assert response.status_code == 400


def test_the_form_is_checked_against_the_page_sections(baclofen):
    sections = monograph_sections(baclofen, interactions=[], guides=[])
    assert Section("dosage", "Dosage") in sections


def test_a_report_needs_no_csrf_token_and_the_page_sets_no_cookie(baclofen):
    # A report acts for nobody; the honeypot and the flood limit guard it instead.
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(baclofen.get_absolute_url())
    assert not page.cookies
    assert strict.post(URL, GOOD).status_code == 302
    assert SectionFeedback.objects.count() == 1


def test_unpublished_or_unknown_drugs_take_no_reports(client, draft_drug):
    assert client.post(f"/drugs/{draft_drug.slug}/feedback/", GOOD).status_code == 404
    assert client.post("/drugs/no-such-drug/feedback/", GOOD).status_code == 404
    assert not SectionFeedback.objects.exists()


def test_the_form_has_a_page_of_its_own(client, baclofen):
    page = client.get(URL, {"section": "storage"}).content.decode()
    assert "Report a problem with the Baclofen page" in page
    assert '<option value="storage" selected>Storage</option>' in page
    assert client.put(URL).status_code == 405


def test_the_report_queries_do_not_grow_with_the_monograph(client, baclofen):
    def queries() -> int:
        search_index.discard()  # what the test's own rows left for the search index
        with CaptureQueriesContext(connection) as captured:
            assert client.post(URL, GOOD).status_code == 302
        return len(captured)

    few = queries()
    for index in range(30):
        SideEffectFactory(drug=baclofen)
        InteractionFactory(drug=baclofen)
        ReferenceFactory(drug=baclofen, title=f"Reference {index}")
    assert queries() == few


def test_the_form_keeps_the_page_sections_until_the_content_changes(
    client, baclofen, settings, django_assert_max_num_queries
):
    settings.FRAGMENT_CACHE_SECONDS = 600
    client.get(URL, {"section": "storage"})
    with django_assert_max_num_queries(1, info="the drug alone, not its whole monograph"):
        page = client.get(URL, {"section": "storage"}).content.decode()
    assert '<option value="storage" selected>Storage</option>' in page
    baclofen.storage = ""
    baclofen.save()  # the Storage section goes, and with it the choice
    page = client.get(URL, {"section": "storage"}).content.decode()
    assert 'value="storage"' not in page


# Editors -------------------------------------------------------------------------------------


@pytest.fixture
def staff(client, django_user_model):
    def login(role: str):
        user = django_user_model.objects.create_user(
            username=role.lower().replace(" ", "-"),
            password="not-used-here",
            first_name="Sam",
            last_name="Editor",
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        return client

    return login


def report(drug, **fields) -> SectionFeedback:
    return SectionFeedback.objects.create(
        drug=drug,
        section=fields.pop("section", "dosage"),
        section_title=fields.pop("section_title", "Dosage"),
        message=fields.pop("message", "The unit is missing."),
        **fields,
    )


@pytest.mark.parametrize("role", ["Editor", "Medical reviewer"])
def test_editors_see_the_queue_with_drug_and_a_link_to_the_section(staff, baclofen, role):
    client = staff(role)
    report(baclofen, message="The kidney dose has no unit.")
    response = client.get("/admin/drugs/sectionfeedback/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Reader reports" in page
    assert "The kidney dose has no unit." in page
    assert "Baclofen" in page
    assert 'href="/drugs/baclofen/#dosage"' in page
    assert client.get("/admin/drugs/sectionfeedback/add/").status_code == 403


def test_the_queue_filters_open_and_closed(staff, baclofen):
    client = staff("Editor")
    report(baclofen, message="Still open, please fix.")
    report(baclofen, message="Already dealt with.", status=FeedbackStatus.FIXED)
    open_page = client.get("/admin/drugs/sectionfeedback/?state=open").content.decode()
    closed_page = client.get("/admin/drugs/sectionfeedback/?state=closed").content.decode()
    assert "Still open, please fix." in open_page
    assert "Already dealt with." not in open_page
    assert "Already dealt with." in closed_page
    assert "Still open, please fix." not in closed_page


@pytest.mark.parametrize(
    ("action", "status"),
    [("mark_fixed", FeedbackStatus.FIXED), ("close_without_change", FeedbackStatus.CLOSED)],
)
def test_editors_close_reports_in_bulk(staff, baclofen, action, status):
    client = staff("Editor")
    reports = [report(baclofen), report(baclofen, section="storage")]
    response = client.post(
        "/admin/drugs/sectionfeedback/",
        {"action": action, "_selected_action": [r.pk for r in reports], "index": "0"},
        follow=True,
    )
    assert response.status_code == 200
    for closed in SectionFeedback.objects.all():
        assert closed.status == status
        assert closed.closed_at is not None
        assert closed.closed_by == "Sam Editor"
    assert not SectionFeedback.objects.open().exists()


def test_closing_on_the_report_page_says_who_and_when(staff, baclofen):
    client = staff("Editor")
    open_report = report(baclofen)
    response = client.post(
        f"/admin/drugs/sectionfeedback/{open_report.pk}/change/",
        {"status": FeedbackStatus.FIXED, "_save": "Save"},
    )
    assert response.status_code == 302
    open_report.refresh_from_db()
    assert open_report.status == FeedbackStatus.FIXED
    assert open_report.closed_by == "Sam Editor"
    assert open_report.message == "The unit is missing."  # read-only: readers' words stay


def test_the_roles_may_work_the_queue():
    for role in ["Editor", "Medical reviewer"]:
        codenames = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        assert {"view_sectionfeedback", "change_sectionfeedback"} <= codenames
        assert "delete_sectionfeedback" not in codenames
