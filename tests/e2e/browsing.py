"""What the browser tests share: where their screenshots go, and the steps of working in the admin
(signing in and out, picking from an autocomplete, checking the message a step shows).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect

# The README's screenshots are refreshed with UPDATE_SCREENSHOTS=1 make test; other runs still
# take them (a page that fails to render fails the test) but keep them out of the work tree.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "incident-register-screenshots"
)


def log_in(page: Page, username: str) -> None:
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw-" + username)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Logged out")).to_be_visible()


def pick_autocomplete(page: Page, select_id: str, typed: str, option: str) -> None:
    """Chooses `option` in a Django admin autocomplete (select2) after typing `typed`."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).click()
    expect(page.locator(f"#{select_id} + .select2 .select2-selection__rendered")).to_contain_text(
        option
    )


def expect_success_message(page: Page) -> None:
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".messagelist .error")).to_have_count(0)
