"""Admin sign-in is locked for a while after repeated failures (django-axes)."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/"
PASSWORD = "a long enough passphrase"


@pytest.fixture(autouse=True)
def axes_enabled(settings):
    """Whatever the test settings say, these tests exercise the real lockout; a fast hasher,
    because every attempt checks a password."""
    settings.AXES_ENABLED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)


@pytest.fixture
def reviewer(django_user_model):
    return django_user_model.objects.create_user("reviewer", password=PASSWORD, is_staff=True)


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(LOGIN_URL, {"username": username, "password": password, "next": "/admin/"})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail_five_times(client: Client, username: str) -> None:
    for _ in range(5):
        sign_in(client, username, "wrong password")


def test_sixth_attempt_is_locked_out_even_with_the_right_password(editor):
    client = Client(REMOTE_ADDR="203.0.113.5")
    fail_five_times(client, "editor")

    response = sign_in(client, "editor")

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.text
    assert "contact a site administrator" in response.text
    assert not is_signed_in(client)


def test_failures_below_the_limit_do_not_lock_out(editor):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(4):
        assert sign_in(client, "editor", "wrong password").status_code == 200

    assert sign_in(client, "editor").status_code == 302
    assert is_signed_in(client)


def test_other_user_from_another_address_still_signs_in(editor, reviewer):
    fail_five_times(Client(REMOTE_ADDR="203.0.113.5"), "editor")
    client = Client(REMOTE_ADDR="198.51.100.7")

    response = sign_in(client, "reviewer")

    assert response.status_code == 302
    assert is_signed_in(client)


def test_a_stranger_elsewhere_cannot_lock_a_known_editor_out(editor):
    fail_five_times(Client(REMOTE_ADDR="203.0.113.5"), "editor")
    client = Client(REMOTE_ADDR="198.51.100.7")

    assert sign_in(client, "editor").status_code == 302
    assert is_signed_in(client)


def test_a_locked_username_and_address_stay_locked_together(editor):
    fail_five_times(Client(REMOTE_ADDR="203.0.113.5"), "editor")
    client = Client(REMOTE_ADDR="203.0.113.5")

    assert sign_in(client, "editor").status_code == 429
    assert not is_signed_in(client)


def test_behind_the_proxy_the_address_is_the_one_the_proxy_reports(editor, settings):
    settings.TRUSTED_PROXIES = 1
    # The client claims another address; our proxy appended the real one last.
    attacker = Client(
        REMOTE_ADDR="10.0.0.2", headers={"x-forwarded-for": "198.51.100.7, 203.0.113.5"}
    )
    fail_five_times(attacker, "editor")
    colleague = Client(REMOTE_ADDR="10.0.0.2", headers={"x-forwarded-for": "198.51.100.7"})

    assert sign_in(colleague, "editor").status_code == 302, "not locked by a forged entry"
    assert sign_in(attacker, "editor").status_code == 429


def test_administrators_see_the_lockout_in_the_admin(editor, admin_client):
    fail_five_times(Client(REMOTE_ADDR="203.0.113.5"), "editor")

    index = admin_client.get("/admin/")
    attempts = admin_client.get("/admin/axes/accessattempt/")

    assert "Access attempts" in index.text
    assert attempts.status_code == 200
    assert "editor" in attempts.text
    assert "203.0.113.5" in attempts.text


def test_reset_lifts_the_lockout(editor):
    client = Client(REMOTE_ADDR="203.0.113.5")
    fail_five_times(client, "editor")

    call_command("axes_reset", verbosity=0)

    assert sign_in(client, "editor").status_code == 302
    assert is_signed_in(client)


def test_administrator_deleting_the_attempt_lifts_the_lockout(editor, admin_client):
    client = Client(REMOTE_ADDR="203.0.113.5")
    fail_five_times(client, "editor")
    attempt = AccessAttempt.objects.get(username="editor")

    admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert sign_in(client, "editor").status_code == 302
    assert is_signed_in(client)
