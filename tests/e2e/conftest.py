"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Playwright never downloads a browser here; it launches the one apt installs (`make test` does that
when run as root). Without it the tests are skipped, or fail when REQUIRE_BROWSER=1 (set by
.ci/run, so that CI cannot pass without having run them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

VIEWPORT = {"width": 1366, "height": 768}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # The machines running the suite have no internet; without these chromium keeps trying to
    # reach Google's services and logs every refused connection.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_REASON = (
    "Browser tests skipped: Debian's chromium is not installed "
    "(make test installs it with apt-get when run as root)."
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: drives a real browser against the live server")


def find_chromium() -> str | None:
    override = os.environ.get("CHROMIUM_PATH")
    if override:
        return override if os.access(override, os.X_OK) else None
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


@pytest.fixture(scope="session")
def browser() -> Iterator:
    executable = find_chromium()
    if executable is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            where = os.environ.get("CHROMIUM_PATH") or "chromium on PATH or /usr/bin/chromium"
            pytest.fail(f"REQUIRE_BROWSER=1 but no browser was found ({where}).", pytrace=False)
        pytest.skip(SKIP_REASON)

    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API marks an event loop as running in this thread for as long as it is
    # started. Django then (1) refuses every ORM call from the thread: factories in the tests, the
    # flush between tests, later non-browser tests of the session; and (2) looks up database
    # connections in a separate, "async" store, so the thread would silently open a second
    # connection that lacks what pytest-django set on the first (the serialized data that
    # serialized_rollback restores) and that nobody closes. Hand it the same connections.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    thread_connections = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, connection in thread_connections.items():
        connections[alias] = connection
    try:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _is_favicon(message) -> bool:
    return message.location.get("url", "").endswith("/favicon.ico")


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A fresh browser tab on the live server; any console error fails the test."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text} ({message.location.get('url', '')})")
            if message.type == "error" and not _is_favicon(message)
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    yield page
    context.close()
    if errors:
        pytest.fail("The browser reported errors:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def screenshot(page):
    """Saves the visible 1366x768 viewport as docs/screenshots/<name>.png (used by the README)."""

    from tests.e2e.browsing import SCREENSHOTS

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=path, animations="disabled", caret="hide")
        return path

    return take
