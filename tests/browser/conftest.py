"""A headless Debian Chromium, driven by Playwright, shared by the browser tests."""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

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
def browser():
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


@pytest.fixture
def visit(browser, live_server):
    """Open a path of the live server in a fresh browser context of the given size."""
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
        response = visit.page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 200, path
        return visit

    yield open_path
    for context in contexts:
        context.close()


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
