"""A headless Debian Chromium, driven by Playwright, shared by the browser tests."""

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import modify_settings, override_settings
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an event loop in this thread, so Django's async-safety check
# would refuse the ORM calls the tests make to set up data.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Visit:
    """An open page and the console errors and uncaught exceptions it has reported."""

    page: object
    problems: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """Chromium, for the session. It depends on the test databases so that it closes before
    they are dropped: its idle keep-alive connections hold live-server request threads, and
    on PostgreSQL each of those holds a session that stops the database from being dropped."""
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("MEDGUIDE_REQUIRE_BROWSER"):  # CI must not skip them silently
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()
    requests_ended()


def requests_ended(timeout: float = 10) -> None:
    """Wait for the live servers' request threads to end, now that no browser holds their
    connections open; each closes its database connection as it ends. A thread that outlives
    its server fails to (SQLite's in-memory database is no longer shared with it), and on
    PostgreSQL its session stops the test database from being dropped."""
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(max(0.0, deadline - time.monotonic()))


def visits(browser, base_url: str) -> Iterator[Callable[..., Visit]]:
    """open_path(path, width=, height=): a path of the server at `base_url` in a fresh browser
    context of that size; the contexts are closed afterwards."""
    contexts = []

    def open_path(path: str, *, width: int = 1280, height: int = 900) -> Visit:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        visit = Visit(page=context.new_page())

        def on_console(message):
            if message.type == "error":
                visit.problems.append(f"console error: {message.text}")

        visit.page.on("console", on_console)
        visit.page.on("pageerror", lambda error: visit.problems.append(f"page error: {error}"))
        response = visit.page.goto(base_url + path)
        assert response is not None
        assert response.status == 200, path
        return visit

    yield open_path
    for context in contexts:
        context.close()


@pytest.fixture
def visit(browser, live_server):
    """Open a path of the live server, which serves the test's own (transactional) data."""
    yield from visits(browser, live_server.url)


@pytest.fixture
def demo(transactional_db):
    """The demo content, loaded for this test alone: for tests that change it."""
    call_command("load_demo", verbosity=0)


@pytest.fixture(scope="module")
def demo_site(request, django_db_setup, django_db_blocker, browser_media):
    """A live server of its own over the demo content, loaded once for the module: for
    modules whose tests only read it. They are marked django_db (not transaction=True, and
    take no live_server), so nothing empties the database between them; the module's data
    goes when it ends, as pytest-django empties the database after a transactional test."""
    if request.node.get_closest_marker("django_db") is None:  # else: the developer's database
        pytest.fail("a module served by demo_site is marked django_db")
    with django_db_blocker.unblock():
        with override_settings(MEDIA_ROOT=browser_media):
            call_command("load_demo", verbosity=0)
        server = LiveServer("localhost:0")
        try:
            with modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
                yield server
        finally:
            requests_ended()  # its connections are closed: the tests closed their contexts
            server.stop()
            call_command("flush", verbosity=0, interactive=False)
            # As after a transactional test. No test's teardown closes this one, and an open
            # connection stops PostgreSQL from dropping the test database at the end.
            connection.close()


@pytest.fixture
def visit_demo(browser, demo_site):
    """Open a path of the module's demo site (see demo_site)."""
    yield from visits(browser, demo_site.url)


@pytest.fixture(scope="session")
def browser_media(tmp_path_factory):
    return tmp_path_factory.mktemp("browser-media")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, browser_media):
    """One media folder for the whole browser session: each test loads the demo again (the
    database is emptied between them) but reuses the hero pictures already drawn, as
    load_demo does on any database whose storage has them."""
    settings.MEDIA_ROOT = browser_media
    return settings.MEDIA_ROOT
