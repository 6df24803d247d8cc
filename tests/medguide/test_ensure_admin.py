import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run_ensure_admin() -> str:
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return re.search(r"Password: (\S+)", out.getvalue()).group(1)


def test_printed_password_signs_in_a_superuser():
    password = run_ensure_admin()
    user = authenticate(username="admin", password=password)
    assert user is not None
    assert user.is_staff
    assert user.is_superuser


def test_each_run_generates_a_new_password_and_retires_the_old_one():
    first = run_ensure_admin()
    second = run_ensure_admin()
    assert first != second
    assert authenticate(username="admin", password=first) is None
    assert authenticate(username="admin", password=second) is not None
