"""Documenting a case in a real browser: an analyst records it, a reviewer verifies and publishes.

Alice is an analyst, Bob a reviewer. The screenshots taken on the way illustrate the README's
"Documenting a case".
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from incidents.services import incident_submit
from sources.models import SourceDocument
from tests.e2e.browsing import expect_success_message, log_in, log_out, pick_autocomplete
from tests.factories import make_ready_draft

# serialized_rollback: a live-server test ends by emptying every table, regions, incident types
# and roles from the data migrations included; this puts them back before each test.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("password_only_sign_in"),
]

TITLE = "Three surrendering soldiers shot near Bakhmut (fictional test record)"
SUMMARY = (
    "A video shows three soldiers in uniform, hands raised, being shot at close range after "
    "surrendering. Fictional record made by the browser test."
)
SOURCE_TITLE = "Video of the executions (fictional test record)"


def test_an_analyst_documents_a_case_and_a_reviewer_publishes_it(
    page, live_server, screenshot, alice, bob
):
    SourceDocument.objects.create(kind="video", title=SOURCE_TITLE, is_public=True)

    # Alice records the incident and links the video as its primary source.
    log_in(page, "alice")
    page.goto("/admin/incidents/incident/add/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_incident_type").select_option(label="Execution of a prisoner of war")
    page.locator("#id_summary").fill(SUMMARY)
    page.locator("#id_date_start").fill("2025-01-15")
    pick_autocomplete(page, "id_region", "Bakhmut", "Bakhmutskyi raion")
    page.get_by_role("button", name="Add another Incident source").click()
    pick_autocomplete(page, "id_source_links-0-source", "executions", SOURCE_TITLE)
    page.locator("#id_source_links-0-role").select_option(label="Primary")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot("admin-add-incident")
    page.locator("#source_links-group").scroll_into_view_if_needed()
    screenshot("admin-link-source")
    page.get_by_role("button", name="Save and continue editing").click()
    expect_success_message(page)

    public_id = page.locator(".field-public_id .readonly").inner_text().strip()
    assert re.fullmatch(r"INC-[0-9A-Z]{8}", public_id), public_id

    page.get_by_role("button", name="Submit for review").click()
    expect_success_message(page)
    log_out(page)

    # Bob, a second pair of eyes, finds it waiting for him, assesses and publishes it.
    log_in(page, "bob")
    queued = page.get_by_role("link", name=TITLE)
    expect(queued).to_be_visible()
    screenshot("admin-work-queue")
    queued.click()
    expect(page.locator(".field-public_id .readonly")).to_have_text(public_id)
    screenshot("admin-workflow")

    page.get_by_role("link", name="Assess", exact=True).click()
    page.get_by_label("Verification status").select_option(label="Verified")
    page.get_by_label("Public rationale").fill(
        "The video was geolocated to the outskirts of Bakhmut and chronolocated to mid-January "
        "2025; a released prisoner of war saw the shooting."
    )
    page.get_by_role("button", name="Save assessment").click()
    expect_success_message(page)

    page.get_by_role("button", name="Publish", exact=True).click()
    expect_success_message(page)
    expect(page.get_by_role("region", name="Workflow")).to_contain_text("Published")

    # Anyone, without logging in, now finds it in the public API.
    with urllib.request.urlopen(live_server.url + "/api/v1/incidents/", timeout=10) as response:
        published = json.load(response)
    assert public_id in [incident["public_id"] for incident in published["results"]]


def test_a_reviewer_sees_publish_and_an_analyst_does_not(page, alice, bob):
    incident = make_ready_draft(created_by=alice, title=TITLE)
    incident_submit(incident=incident, actor=alice)
    change_url = f"/admin/incidents/incident/{incident.pk}/change/"

    log_in(page, "alice")
    page.goto(change_url)
    workflow = page.get_by_role("region", name="Workflow")
    expect(workflow).to_contain_text("In review")
    expect(workflow.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    log_out(page)

    log_in(page, "bob")
    page.goto(change_url)
    expect(workflow.get_by_role("button", name="Publish", exact=True)).to_be_visible()
