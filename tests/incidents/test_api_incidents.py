"""The first public endpoint: published incidents only, and only their public fields."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from incidents.models import PublicationStatus
from tests.factories import make_incident, make_published_incident, raion_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"

EXPECTED_KEYS = {
    "public_id",
    "url",
    "title",
    "summary",
    "incident_type",
    "date_start",
    "date_end",
    "date_precision",
    "region",
    "location_name",
    "latitude",
    "longitude",
    "geo_precision",
    "killed_low",
    "killed_best",
    "killed_high",
    "victim_category",
    "perpetrator_force",
    "perpetrator_unit",
    "attribution_confidence",
    "verification_status",
    "verification_rationale",
    "published_at",
    "updated_at",
    "sources",
    "testimonies",
}


def _public_ids(client) -> set[str]:
    response = client.get(URL)
    assert response.status_code == 200
    return {row["public_id"] for row in response.json()["results"]}


def test_it_lists_published_incidents(client):
    published = make_published_incident(title="Published")
    assert _public_ids(client) == {published.public_id}


def test_it_hides_drafts_incidents_in_review_and_withdrawn_ones(client):
    make_incident(title="Draft")
    make_incident(title="In review", publication_status=PublicationStatus.IN_REVIEW)
    make_incident(
        title="Withdrawn",
        publication_status=PublicationStatus.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawal_reason="Duplicate of another record.",
    )
    assert _public_ids(client) == set()


def test_it_shows_only_public_fields(client):
    make_published_incident(
        internal_notes="Lead from a contact in the unit; do not publish.",
        region=raion_of("UA-14"),
    )
    response = client.get(URL)
    (row,) = response.json()["results"]
    assert set(row) == EXPECTED_KEYS
    assert set(row["region"]) == {"code", "iso_code", "level", "name_en", "name_uk", "oblast"}
    assert row["region"]["oblast"]["iso_code"] == "UA-14"
    assert "do not publish" not in response.content.decode()


def test_it_pages_with_a_cursor_newest_first(client):
    for day in range(1, 6):
        make_published_incident(date_start=dt.date(2025, 1, day))
    first = client.get(URL, {"page_size": 2}).json()
    assert [row["date_start"] for row in first["results"]] == ["2025-01-05", "2025-01-04"]
    second = client.get(first["next"]).json()
    assert [row["date_start"] for row in second["results"]] == ["2025-01-03", "2025-01-02"]


def test_it_refuses_writes(client):
    response = client.post(URL, {"title": "Injected"}, content_type="application/json")
    assert response.status_code == 405
