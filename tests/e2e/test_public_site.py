"""The public site in a real browser, as Olena, a journalist, uses it: filter the list, open a
record, read it in Ukrainian, download the filtered set as CSV, and do it all from the keyboard.

The `page` fixture (tests/e2e/conftest.py) fails a test on any console error, and Chromium reports
every Content-Security-Policy violation as one. The screenshots illustrate the README's
"The public site"; they show the fictional demo data, banner included.
"""

from __future__ import annotations

import csv
import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Page, expect

from incidents.filters import IncidentFilterSet
from incidents.selectors import public_incidents
from tests.e2e.browsing import SCREENSHOTS

# serialized_rollback: a live-server test ends by emptying every table, regions and incident
# types from the data migrations included; this puts them back before the next test.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 760}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture
def demo_data(settings):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("seed_demo", stdout=StringIO())
    cache.clear()


def matching(**filters: str) -> set[str]:
    """Public ids the site's own filters select, straight from the database."""
    filterset = IncidentFilterSet(filters, queryset=public_incidents())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("public_id", flat=True))


def shoot(page: Page, name: str) -> None:
    """docs/screenshots/<name>-1366.png and <name>-360.png of the whole page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name} is wider than a {viewport['width']} px screen"
        page.screenshot(
            path=SCREENSHOTS / f"{name}-{viewport['width']}.png",
            full_page=True,
            animations="disabled",
            caret="hide",
        )
    page.set_viewport_size(DESKTOP)


def shown_ids(page: Page) -> set[str]:
    hrefs = page.locator(".incident-card h3 a").evaluate_all("links => links.map(a => a.href)")
    return {re.search(r"/incidents/([^/]+)/$", href).group(1) for href in hrefs}


def test_a_journalist_filters_reads_switches_language_and_downloads(page, live_server, demo_data):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("prisoners of war")
    expect(page.locator(".demo-banner")).to_contain_text("fictional")
    expect(page.get_by_role("img", name="Published incidents per month").first).to_be_visible()
    shoot(page, "site-home")

    # Olena narrows the list to verified incidents in Donetsk oblast.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Incidents").click()
    page.get_by_label("Region").select_option(label="Donetska oblast")
    page.get_by_label("Verified", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/incidents/\?.*region=UA-14"))
    chips = page.locator(".active-filters li")
    expect(chips).to_have_text(
        [
            "Remove the filter Region: Donetska oblast ×",
            "Remove the filter Verification status: Verified ×",
        ]
    )
    expected = matching(region="UA-14", verification_status="verified")
    assert expected, "the demo data has verified incidents in Donetsk oblast"
    expect(page.get_by_role("heading", name=f"{len(expected)} incident")).to_be_visible()
    assert shown_ids(page) == expected
    for card in page.locator(".incident-card").all():
        expect(card).to_contain_text("Donetska oblast")
        expect(card.locator(".badge")).to_have_text("Verified")
    shoot(page, "site-list")
    filtered_list = page.url

    # The CSV link downloads the same incidents.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    assert download.suggested_filename == "incidents.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["public_id", "url", "title"]
    assert {row[0] for row in body} == expected
    assert {row[header.index("oblast_iso_code")] for row in body} == {"UA-14"}
    assert {row[header.index("verification_status")] for row in body} == {"verified"}

    # In Ukrainian the same list, with the same filters, and back.
    page.get_by_role("link", name="Українська").click()
    expect(page).to_have_url(re.compile(r"/uk/incidents/\?.*region=UA-14"))
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator(".active-filters li")).to_have_text(
        [
            "Прибрати фільтр Регіон: Донецька область ×",
            "Прибрати фільтр Статус перевірки: Підтверджено ×",
        ]
    )
    assert shown_ids(page) == expected
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(filtered_list)

    # She opens a record and reads it in both languages.
    first = page.locator(".incident-card h3 a").first
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    record = page.url
    expect(page.get_by_role("heading", name="Cite this record")).to_be_visible()
    expect(page.locator(".citation")).to_contain_text(record)
    expect(page.get_by_role("link", name="This record as JSON")).to_be_visible()
    shoot(page, "site-record")
    page.get_by_role("link", name="Українська").click()
    expect(page).to_have_url(record.replace(live_server.url, live_server.url + "/uk"))
    expect(page.get_by_role("heading", name="Як цитувати цей запис")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(record)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Methodology").click()
    expect(page.get_by_role("heading", name="Standard of proof")).to_be_visible()


def focused(page: Page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.id || e.value && `${e.name}=${e.value}` || e.textContent.trim(); }"
    )


def test_the_filters_work_from_the_keyboard_alone(page, live_server, demo_data):
    page.goto("/incidents/")
    # Tab from the top of the page to the first filter; every control then comes in order.
    # A date field takes several presses (day, month, year), so only changes of focus count.
    for _ in range(12):
        page.keyboard.press("Tab")
        if focused(page) == "id_q":
            break
    order = ["id_q"]
    while order[-1] != "Apply filters":
        page.keyboard.press("Tab")
        if focused(page) != order[-1]:
            order.append(focused(page))
        assert len(order) < 30, order
    statuses = ["verified", "acknowledged", "credible", "single_source", "contested", "discounted"]
    types = page.locator('input[name="incident_type"]').evaluate_all(
        "boxes => boxes.map(b => b.value)"
    )
    assert order == [
        "id_q",
        "id_region",
        "id_date_from",
        "id_date_to",
        *[f"verification_status={status}" for status in statuses],
        *[f"incident_type={slug}" for slug in types],
        "Apply filters",
    ]
    # Every control shows where the focus is.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"

    # Back to the status boxes: Space ticks one, Enter on the button applies the filters.
    page.keyboard.press("Shift+Tab")
    while focused(page) != "verification_status=verified":
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    expect(page.get_by_label("Verified", exact=True)).to_be_checked()
    while focused(page) != "Apply filters":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"verification_status=verified"))
    expect(page.locator(".active-filters li")).to_have_text(
        ["Remove the filter Verification status: Verified ×"]
    )
    assert shown_ids(page) == matching(verification_status="verified")
