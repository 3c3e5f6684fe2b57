"""Canary: a witness's identity and statement must surface nowhere but where they are cleared.

Every confidential field of a witness and a testimony holds a unique marker; the testimony is
linked to a published incident. The markers must not appear in any public page, any API response
in any format, any admin page an analyst without clearance can open, the history tables, the
full-text index, the logs, or a raw SELECT of the tables (only ciphertext is stored).

Alice, an analyst, edits the witness; Erin, another analyst, looks for the markers; Olga, a
witness officer, is cleared to see them.
"""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.db import connection

from incidents.models import IncidentTestimony
from sources.models import Testimony, Witness
from tests.factories import make_published_incident

pytestmark = pytest.mark.django_db

MARKERS = {
    "full_name": "Canaryname Zqxvbw7731",
    "contact": "canary-contact-Hjkq5520@example.org",
    "identity_notes": "Canarynote Plmokn3318",
    "statement": "Canarystatement Wsxedc9046",
}


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    # Lower-cased too: the search index stores words in lower case.
    return [marker for marker in MARKERS.values() if marker.lower() in lowered]


@pytest.fixture
def world(client, alice):
    cache.clear()
    incident = make_published_incident(title="Execution near a fictional village")
    witness = Witness.objects.create(
        full_name=MARKERS["full_name"],
        contact=MARKERS["contact"],
        identity_notes=MARKERS["identity_notes"],
        consent_publish_anonymised=True,
    )
    testimony = Testimony.objects.create(
        witness=witness,
        taken_on="2025-01-20",
        directness="direct",
        statement=MARKERS["statement"],
        public_summary="A released prisoner saw the shooting.",
        summary_is_public=True,
    )
    IncidentTestimony.objects.create(incident=incident, testimony=testimony)
    # An edit by an analyst through the admin, so that the admin log and history have entries.
    client.force_login(alice)
    client.post(
        f"/admin/sources/witness/{witness.pk}/change/",
        {
            "code": witness.code,
            "role": "released-pow",
            "risk_level": "high",
            "consent_publish_anonymised": "on",
        },
    )
    client.logout()
    return {"incident": incident, "witness": witness, "testimony": testimony, "alice": alice}


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def test_no_public_page_or_api_response_carries_a_marker(client, world, caplog):
    public_id = world["incident"].public_id
    urls = [
        "/",
        "/uk/",
        "/incidents/",
        f"/incidents/{public_id}/",
        f"/uk/incidents/{public_id}/",
        "/methodology/",
        "/api/v1/incidents/",
        "/api/v1/incidents/?format=csv",
        "/api/v1/incidents/?format=geojson",
        f"/api/v1/incidents/{public_id}/",
        "/api/v1/sources/",
        "/api/v1/stats/",
        "/api/v1/withdrawn/",
        "/api/v1/incidents/?q=Canaryname",
    ]
    with caplog.at_level(logging.DEBUG):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert _leaks(_body(response)) == [], url
        # The anonymised summary is what the public gets instead.
        assert "A released prisoner saw the shooting." in _body(
            client.get(f"/incidents/{public_id}/")
        )
    assert _leaks(caplog.text) == []


def test_no_admin_page_an_analyst_can_open_carries_a_marker(client, world, erin):
    witness, testimony = world["witness"], world["testimony"]
    client.force_login(erin)
    urls = [
        "/admin/",
        f"/admin/incidents/incident/{world['incident'].pk}/change/",
        "/admin/sources/witness/",
        f"/admin/sources/witness/{witness.pk}/change/",
        f"/admin/sources/witness/{witness.pk}/history/",
        "/admin/sources/testimony/",
        f"/admin/sources/testimony/{testimony.pk}/change/",
        f"/admin/sources/testimony/{testimony.pk}/history/",
        "/admin/autocomplete/?app_label=incidents&model_name=incidenttestimony"
        "&field_name=testimony&term=",
        "/admin/autocomplete/?app_label=sources&model_name=testimony&field_name=witness&term=",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert _leaks(_body(response)) == [], url


def test_searching_the_admin_for_a_name_finds_nobody(client, world, erin):
    client.force_login(erin)
    response = client.get("/admin/sources/witness/", {"q": MARKERS["full_name"]})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_a_witness_officer_does_see_the_identity(client, world, olga):
    client.force_login(olga)
    page = _body(client.get(f"/admin/sources/witness/{world['witness'].pk}/change/"))
    assert MARKERS["full_name"] in page


def test_the_database_holds_only_ciphertext_even_in_history_logs_and_search(world):
    from django.contrib.admin.models import LogEntry

    queries = [
        "SELECT full_name, contact, identity_notes FROM sources_witness",
        "SELECT statement FROM sources_testimony",
        "SELECT full_name, contact, identity_notes FROM sources_witnessevent",
        "SELECT statement FROM sources_testimonyevent",
        "SELECT search_vector::text FROM incidents_incident",
        "SELECT metadata::text FROM pghistory_context",
    ]
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql)
            dump = " ".join(str(value) for row in cursor.fetchall() for value in row)
            assert _leaks(dump) == [], sql
    log = " ".join(LogEntry.objects.values_list("object_repr", flat=True))
    assert log
    assert _leaks(log) == []
    assert _leaks(" ".join(LogEntry.objects.values_list("change_message", flat=True))) == []


def test_sql_logging_shows_ciphertext_only(world, caplog):
    connection.force_debug_cursor = True
    try:
        with caplog.at_level(logging.DEBUG, logger="django.db.backends"):
            Witness.objects.create(full_name=MARKERS["full_name"])
            list(Witness.objects.all())
    finally:
        connection.force_debug_cursor = False
    assert "INSERT INTO" in caplog.text
    assert _leaks(caplog.text) == []
