"""Correcting a published record in a real browser: an analyst proposes the correction, a
reviewer approves it, and the public page, the API record and partners' incremental sync all
show it, with the public note.

Alice is an analyst, Bob a reviewer.
"""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browsing import expect_success_message, log_in, log_out
from tests.factories import make_published_incident

# serialized_rollback: a live-server test ends by emptying every table, regions, incident types
# and roles from the data migrations included; this puts them back before each test.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("password_only_sign_in"),
]

TITLE = "Execution of three POWs near Bakhmut (fictional test record)"
CORRECTED_TITLE = "Execution of four POWs near Bakhmut (fictional test record)"
NOTE = "The number killed was corrected from three to four after a second video was geolocated."


def api(live_server, path: str) -> dict:
    with urllib.request.urlopen(live_server.url + path, timeout=10) as response:
        return json.load(response)


def test_a_correction_goes_from_proposal_to_the_public_record(page: Page, live_server, alice, bob):
    incident = make_published_incident(title=TITLE, killed_low=3, killed_best=3, killed_high=3)

    # Alice proposes the correction from the record's Workflow box.
    log_in(page, "alice")
    page.goto(f"/admin/incidents/incident/{incident.pk}/change/")
    page.get_by_role("region", name="Workflow").get_by_role(
        "button", name="Propose a correction"
    ).click()
    expect_success_message(page)
    page.locator("#id_incident-title").fill(CORRECTED_TITLE)
    page.locator("#id_incident-killed_best").fill("4")
    page.locator("#id_incident-killed_high").fill("4")
    page.locator("#id_note").fill(NOTE)
    page.get_by_role("button", name="Submit for review").click()
    expect_success_message(page)
    expect(page.get_by_role("button", name="Approve and publish the correction")).to_have_count(0)
    log_out(page)

    # The public record has not changed yet.
    assert api(live_server, f"/api/v1/incidents/{incident.public_id}/")["title"] == TITLE
    before_approval = timezone.now()

    # Bob finds it waiting on his landing page and approves it.
    log_in(page, "bob")
    page.locator("#queue-corrections-review").get_by_role("link", name=TITLE).click()
    expect(page.locator(".correction-changes")).to_contain_text(CORRECTED_TITLE)
    page.get_by_role("button", name="Approve and publish the correction").click()
    expect_success_message(page)
    log_out(page)

    # Anyone now reads the corrected record and the note saying what changed.
    page.goto(f"/incidents/{incident.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(CORRECTED_TITLE)
    corrections = page.get_by_role("region", name="Corrections")
    expect(corrections).to_contain_text(NOTE)

    detail = api(live_server, f"/api/v1/incidents/{incident.public_id}/")
    assert (detail["title"], detail["killed_best"], detail["killed_high"]) == (
        CORRECTED_TITLE,
        4,
        4,
    )
    assert [(entry["kind"], entry["note"]) for entry in detail["corrections"]] == [
        ("correction", NOTE)
    ]
    synced = api(
        live_server,
        "/api/v1/incidents/?" + urlencode({"updated_since": before_approval.isoformat()}),
    )
    assert [row["public_id"] for row in synced["results"]] == [incident.public_id]
