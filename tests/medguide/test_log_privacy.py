"""Logs say what happened, never what a reader asked: no query string or form value in any
log line, whatever the route, the method or the status."""

import io
import logging
import re

import pytest
from django.urls import reverse

from medguide.logs import PrivateRequestFilter, without_query
from tests.medguide.test_fuzz import ROUTES, path_for

pytestmark = pytest.mark.django_db

MARK = "zz-private-mark"
METHODS = ["get", "post", "put", "patch", "delete", "options", "head"]


@pytest.fixture
def captured():
    """What the site's own console handler writes (settings.LOGGING), as text."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    # Swapped without setStream(), which flushes the old stream first: another test's captured
    # stderr, which pytest may have closed by now (the order differs under pytest-xdist).
    previous, handler.stream = handler.stream, buffer
    level = logging.getLogger().level
    logging.getLogger().setLevel(logging.INFO)
    yield buffer
    logging.getLogger().setLevel(level)
    handler.stream = previous


def test_every_public_route_and_method_logs_no_query_string_or_form_value(client, demo, captured):
    values = {"slug": "baclofen", "letter": "b", "path": "x", "section": "dosage"}
    seen = 0
    for route in ROUTES:
        path = path_for(route, _values(route, values), keep="")
        for method in METHODS:
            response = getattr(client, method)(
                f"{path}?q={MARK}&drugs={MARK}", data={"message": MARK, "q": MARK}
            )
            assert response.status_code < 500
            seen += 1
    client.get(f"{reverse('search')}?q={MARK}")
    output = captured.getvalue()
    assert seen > 100
    assert output, "the request log was captured"
    assert MARK not in output


def _values(route: str, known: dict[str, str]) -> dict[str, str]:
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    return {name: known.get(name, "baclofen") for name in names}


def test_a_warning_that_carries_the_request_keeps_only_its_method_and_path(rf):
    request = rf.post(f"/search/?q={MARK}", data={"q": MARK})
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Forbidden: %s %s", (request, "x"), None
    )
    record.request = request
    PrivateRequestFilter().filter(record)
    assert record.request == "POST /search/"
    assert MARK not in record.getMessage()


def test_query_strings_go_from_any_text():
    assert without_query(f"Not Found: /drugs/x/?q={MARK}") == "Not Found: /drugs/x/"
    assert without_query(f'"GET /search/?q={MARK} HTTP/1.1" 400') == '"GET /search/ HTTP/1.1" 400'
    assert without_query("no path here? fine") == "no path here? fine"
