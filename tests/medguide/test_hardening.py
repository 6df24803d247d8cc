"""Hardening (issue 8): friendly error pages that leak nothing, bad hosts and oversized
requests answered 400, the upload limits, the admin at a configurable path, and every
security header on a public page under production settings."""

import importlib.util
import io
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.template import loader
from django.test import Client
from django.urls import path, reverse
from PIL import Image

from articles import images
from articles.models import Article
from drugs.models import Drug
from medguide import urls as site_urls
from tests.factories import AuthorFactory, CategoryFactory, DrugFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SECRET = "kept-out-of-pages"
# What a debug page or a stack trace would show.
LEAKS = ["Traceback", "SECRET_KEY", "settings.py", "DATABASES", str(ROOT), SECRET]


def permission_denied(request):
    raise PermissionDenied(SECRET)


def server_error(request):
    raise RuntimeError(f"{SECRET} in {ROOT / 'medguide'}")


# This module is also the URLconf of the error-page tests: the site plus two failing views.
urlpatterns = [
    path("test/forbidden/", permission_denied),
    path("test/error/", server_error),
    *site_urls.urlpatterns,
]


def assert_leaks_nothing(response):
    page = response.content.decode()
    for leak in LEAKS:
        assert leak not in page


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


# Error pages ------------------------------------------------------------------------------


def test_missing_page_is_the_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in template_names(response)
    assert "Page not found" in response.content.decode()
    assert_leaks_nothing(response)


@pytest.mark.urls(__name__)
def test_refusal_is_the_friendly_403(client):
    response = client.get("/test/forbidden/")
    assert response.status_code == 403
    assert "403.html" in template_names(response)
    assert "Sorry, you cannot see this page" in response.content.decode()
    assert_leaks_nothing(response)


@pytest.mark.urls(__name__)
def test_server_error_is_the_friendly_500():
    response = Client(raise_request_exception=False).get("/test/error/")
    assert response.status_code == 500
    assert "500.html" in template_names(response)
    page = response.content.decode()
    assert "Sorry, something went wrong" in page
    assert "css/error.css" in page
    assert "<style" not in page
    assert_leaks_nothing(response)


def test_500_page_renders_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = loader.get_template("500.html").render()
    assert "Sorry, something went wrong" in page


def test_form_without_csrf_token_gets_the_friendly_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("admin:login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "403_csrf.html" in template_names(response)
    page = response.content.decode()
    assert "Sorry, we could not accept that form" in page
    assert "CSRF cookie" not in page  # Django's reason for the refusal stays out
    assert_leaks_nothing(response)


# A host we do not serve ------------------------------------------------------------------


def test_unknown_host_gets_the_friendly_400_and_one_quiet_log_line(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("home"), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "400.html" in template_names(response)
    assert "Sorry, we could not understand that request" in response.content.decode()
    assert "Content-Security-Policy" in response
    assert_leaks_nothing(response)
    [record] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert record.levelname == "WARNING"
    assert record.exc_info is None
    assert "evil.example" in record.getMessage()


# Request and upload size limits ------------------------------------------------------------


@pytest.fixture
def feedback_url():
    drug = DrugFactory(generic_name="Feedbackol")
    return reverse("drugs:feedback", kwargs={"slug": drug.slug})


def test_oversized_post_to_a_public_form_gets_the_friendly_400(client, feedback_url):
    message = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(feedback_url, {"section": "side-effects", "message": message})
    assert response.status_code == 400
    assert "400.html" in template_names(response)
    assert_leaks_nothing(response)


def test_post_with_too_many_fields_gets_the_friendly_400(client, feedback_url):
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(feedback_url, fields)
    assert response.status_code == 400
    assert "400.html" in template_names(response)


def oversized_png() -> io.BytesIO:
    """A real PNG (Django's own image check passes it) padded past the upload limit."""
    data = io.BytesIO()
    Image.new("RGB", (64, 64), (11, 79, 108)).save(data, "PNG")
    data.write(b"\0" * images.MAX_UPLOAD_BYTES)
    data.seek(0)
    data.name = "huge.png"
    return data


def test_oversized_picture_is_refused_with_a_message_editors_understand(admin_client):
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Living with spasticity",
            "slug": "living-with-spasticity",
            "category": CategoryFactory().pk,
            "summary": "Everyday ways to manage stiff muscles.",
            "body": "## Start here\n\nSome text.",
            "author": AuthorFactory().pk,
            "status": "draft",
            "hero_alt": "A blue square",
            "hero_image": oversized_png(),
        },
    )
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["hero_image"]
    assert error.startswith("This file is 10.0\xa0MB; the limit is 10.0\xa0MB.")
    assert not Article.objects.exists()


# The admin's address -----------------------------------------------------------------------


@pytest.fixture
def admin_elsewhere(settings):
    """The site's URLconf as it is built when ADMIN_URL=editorial-7f3a/ (a fresh copy of
    medguide/urls.py, so the imported module keeps the default)."""
    settings.ADMIN_URL = "editorial-7f3a/"
    settings.CACHE_MIDDLEWARE_SECONDS = 0
    spec = importlib.util.find_spec("medguide.urls")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    settings.ROOT_URLCONF = module
    return "/editorial-7f3a/"


def test_admin_lives_at_admin_url(client, admin_elsewhere):
    assert reverse("admin:index") == admin_elsewhere
    login = client.get(admin_elsewhere)
    assert login.status_code == 302
    assert login["Location"].startswith(f"{admin_elsewhere}login/")
    assert client.get("/admin/").status_code == 404


def test_robots_txt_never_names_the_admin_which_says_noindex_itself(client, admin_elsewhere):
    robots = client.get(reverse("robots")).content.decode()
    assert admin_elsewhere not in robots
    assert "/admin/" not in robots
    login = client.get(f"{admin_elsewhere}login/")
    assert login["X-Robots-Tag"] == "noindex, nofollow"
    assert "X-Robots-Tag" not in client.get("/")


def test_no_template_or_script_hard_codes_the_admin_path():
    sources = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "static" / "js").rglob("*.js")]
    assert sources
    offenders = [str(p.relative_to(ROOT)) for p in sources if "/admin/" in p.read_text()]
    assert offenders == []


# Security headers under production settings ------------------------------------------------

PRODUCTION = {
    "DEBUG": False,
    "SECURE_SSL_REDIRECT": False,  # the proxy in front ends TLS; the test client speaks HTTP
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.fixture
def production(settings):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)


def test_public_page_carries_every_security_header(client, production):
    drug = DrugFactory(generic_name="Headerol")
    response = client.get(drug.get_absolute_url(), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert directives(response["Content-Security-Policy"]) == directives(POLICY)
    assert "unsafe" not in response["Content-Security-Policy"]


def test_cookies_are_secure_and_the_session_is_out_of_reach_of_scripts(client, production):
    User.objects.create_user("editor", password="a long enough password", is_staff=True)
    login_page = client.get(reverse("admin:login"), secure=True)
    csrf = login_page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"]
    signed_in = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "a long enough password"},
        secure=True,
    )
    assert signed_in.status_code == 302
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"]
    assert session["httponly"]


def test_no_template_has_inline_styles_or_scripts():
    inline = re.compile(r"<style|\sstyle=|<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))")
    offenders = [
        str(template.relative_to(ROOT))
        for template in (ROOT / "templates").rglob("*.html")
        if inline.search(template.read_text())
    ]
    assert offenders == []


# Last: the demo, once loaded, stays for the rest of the module.


def test_fullest_demo_monograph_posts_well_within_the_field_limit(demo, admin_client):
    # Every inline row (names, doses, side effects, interactions...) and the blank rows the
    # admin adds posts a field per column: baclofen's page has the most of the demo.
    baclofen = Drug.objects.get(slug="baclofen")
    page = admin_client.get(reverse("admin:drugs_drug_change", args=[baclofen.pk]))
    controls = re.findall(r"<(?:input|select|textarea)[^>]*\sname=", page.content.decode())
    assert 500 < len(controls) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS / 2
