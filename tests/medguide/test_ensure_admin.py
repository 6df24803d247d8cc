import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def run_ensure_admin() -> str:
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return re.search(r"Password: (\S+)", out.getvalue()).group(1)


def sign_in(password: str):
    # The admin passes its request on; django-axes refuses to authenticate without one.
    return authenticate(RequestFactory().post("/admin/login/"), username="admin", password=password)


def test_printed_password_signs_in_a_superuser():
    password = run_ensure_admin()
    user = sign_in(password)
    assert user is not None
    assert user.is_staff
    assert user.is_superuser


def test_each_run_generates_a_new_password_and_retires_the_old_one():
    first = run_ensure_admin()
    second = run_ensure_admin()
    assert first != second
    assert sign_in(first) is None
    assert sign_in(second) is not None
