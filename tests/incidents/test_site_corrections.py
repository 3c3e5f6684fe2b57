"""The public record's "Corrections" section, in both languages, and the page of a merged record.

Alice is an analyst; Bob and Carol are reviewers.
"""

from __future__ import annotations

import html
import re

import pytest

from incidents import services
from incidents.corrections import Proposal
from sources import services as source_services
from tests.factories import make_published_incident, make_ready_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code in (200, 410), response.status_code
    # The text as a reader sees it: without the markup, spaces collapsed.
    words = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+([:.,])", r"\1", " ".join(html.unescape(words).split()))


def corrected(incident, alice, bob, *, note: str):
    correction = services.correction_start(incident=incident, actor=alice)
    correction = services.correction_save(
        correction=correction,
        actor=alice,
        version=correction.version,
        proposal=Proposal(incident={"killed_best": 4}),
        note=note,
    )
    services.correction_submit(correction=correction, actor=alice)
    return services.correction_approve(correction=correction, actor=bob)


def test_a_record_without_changes_has_no_corrections_section(client):
    incident = make_published_incident()

    assert "Corrections" not in page(client, f"/incidents/{incident.public_id}/")


def test_the_log_lists_each_change_oldest_first_with_its_kind(client, alice, bob, carol):
    incident = make_published_incident(created_by=alice, last_edited_by=alice)
    corrected(incident, alice, bob, note="The best estimate was corrected to four.")
    source = incident.source_links.get().source
    source_services.source_update(source=source, actor=alice, data={"is_public": False})

    text = page(client, f"/incidents/{incident.public_id}/")

    section = text[text.index("Corrections") :]
    first = section.index("Correction: The best estimate was corrected to four.")
    second = section.index("Removal: A source was removed from the public record.")
    assert first < second


def test_ukrainian_readers_get_the_standard_sentences_in_ukrainian(client, alice):
    incident = make_published_incident(created_by=alice, last_edited_by=alice)
    source_services.source_update(
        source=incident.source_links.get().source, actor=alice, data={"is_public": False}
    )

    text = page(client, f"/uk/incidents/{incident.public_id}/")

    assert "Виправлення" in text
    assert "Вилучення: Джерело вилучено з публічного запису." in text


def test_a_merged_record_waiting_for_its_survivor_names_no_record(client, alice, bob):
    duplicate = make_published_incident(title="Reported twice")
    survivor = make_ready_draft(created_by=alice)

    services.incident_merge(duplicate=duplicate, survivor=survivor, actor=bob)
    english = page(client, f"/incidents/{duplicate.public_id}/")
    ukrainian = page(client, f"/uk/incidents/{duplicate.public_id}/")

    assert "Merged into another record of the same event." in english
    assert "Об’єднано з іншим записом про ту саму подію." in ukrainian
    assert survivor.public_id not in english
    assert survivor.public_id not in ukrainian
