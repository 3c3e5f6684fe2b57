"""The shape of every public document, and the CSV and GeoJSON exports.

Partners write code against these key sets: a key added, renamed or dropped is a change they
notice, so each set is spelled out here in full.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from core.public_ids import new_incident_id
from incidents.models import (
    CorrectionNote,
    CorrectionNoteKind,
    Incident,
    IncidentTestimony,
    IncidentType,
    PublicationStatus,
    Region,
    VerificationStatus,
)
from sources.models import Testimony, Witness
from tests.factories import make_incident, make_published_incident, raion_of

pytestmark = pytest.mark.django_db

API = "/api/v1/"

INCIDENT_KEYS = {
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
    "corrections",
}
CORRECTION_KEYS = {"noted_at", "kind", "note"}
INCIDENT_REGION_KEYS = {"code", "iso_code", "level", "name_en", "name_uk", "oblast"}
OBLAST_KEYS = {"code", "iso_code", "name_en", "name_uk"}
INCIDENT_TYPE_KEYS = {"slug", "name_en", "name_uk"}
INCIDENT_SOURCE_KEYS = {
    "public_id",
    "role",
    "title",
    "publisher",
    "kind",
    "url",
    "archive_url",
    "published_on",
}
TESTIMONY_KEYS = {"public_id", "directness", "summary"}
SOURCE_KEYS = {
    "public_id",
    "kind",
    "title",
    "publisher",
    "url",
    "archive_url",
    "published_on",
    "language",
    "description",
    "incidents",
}
REGION_KEYS = {
    "code",
    "iso_code",
    "level",
    "name_en",
    "name_uk",
    "latitude",
    "longitude",
    "parent_code",
}
TYPE_KEYS = {"slug", "name_en", "name_uk", "description", "legal_reference"}
FIGURES = {"incidents", "killed_low", "killed_best", "killed_high"}
STATS_KEYS = {"total", "by_month", "by_oblast", "by_incident_type", "by_verification_status"}
WITHDRAWN_KEYS = {"public_id", "withdrawn_at", "reason", "replaced_by"}
GONE_KEYS = {"public_id", "withdrawn_at", "withdrawal_reason"}
PAGE_KEYS = {"next", "previous", "results"}

CSV_HEADER = [
    "public_id",
    "url",
    "title",
    "summary",
    "incident_type",
    "date_start",
    "date_end",
    "date_precision",
    "region_code",
    "region_iso_code",
    "region_name_en",
    "region_name_uk",
    "oblast_iso_code",
    "oblast_name_en",
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
    "source_ids",
]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv_rows(client, **params) -> list[list[str]]:
    response = client.get(f"{API}incidents/", {"format": "csv", **params})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8"))))


def _csv_dicts(client, **params) -> list[dict[str, str]]:
    header, *rows = _csv_rows(client, **params)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _geojson(client, **params) -> dict:
    response = client.get(f"{API}incidents/", {"format": "geojson", **params})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    return json.loads(_body(response))


def _json_ids(client, **params) -> list[str]:
    response = client.get(f"{API}incidents/", {"page_size": 1000, **params})
    assert response.status_code == 200
    return [row["public_id"] for row in response.json()["results"]]


def _complete_incident() -> Incident:
    """A published incident with every part a document can have."""
    incident = make_published_incident(
        title="Execution of three prisoners of war near Hrabove",
        region=raion_of("UA-14"),
        incident_type=IncidentType.objects.get(slug="pow-execution"),
        date_end=dt.date(2024, 12, 3),
        location_name="Hrabove (fictional)",
        latitude=Decimal("48.123456"),
        longitude=Decimal("37.654321"),
        geo_precision="settlement",
        killed_low=3,
        killed_best=3,
        killed_high=4,
        victim_category="pow",
        perpetrator_force="Fictional force",
        attribution_confidence="medium",
    )
    witness = Witness.objects.create(consent_publish_anonymised=True)
    testimony = Testimony.objects.create(
        witness=witness,
        taken_on=dt.date(2025, 1, 5),
        directness="direct",
        public_summary="A released prisoner saw the shooting.",
        summary_is_public=True,
    )
    IncidentTestimony.objects.create(incident=incident, testimony=testimony)
    CorrectionNote.objects.create(
        incident=incident,
        kind=CorrectionNoteKind.CORRECTION,
        text="The number killed was corrected from two to three.",
        noted_at=timezone.now(),
    )
    return incident


def _bulk_published(count: int, **fields) -> list[Incident]:
    now = timezone.now()
    return Incident.objects.bulk_create(
        [
            Incident(
                public_id=new_incident_id(),
                title=f"Bulk record {number}",
                date_start=dt.date(2023, 1, 1) + dt.timedelta(days=number % 365),
                publication_status=PublicationStatus.PUBLISHED,
                published_at=now,
                public_updated_at=now,
                **fields,
            )
            for number in range(count)
        ]
    )


# JSON documents


def test_an_incident_in_the_list_has_exactly_the_documented_keys(client):
    _complete_incident()
    page = client.get(f"{API}incidents/").json()
    assert set(page) == PAGE_KEYS
    (document,) = page["results"]
    assert set(document) == INCIDENT_KEYS
    assert set(document["region"]) == INCIDENT_REGION_KEYS
    assert set(document["region"]["oblast"]) == OBLAST_KEYS
    assert set(document["incident_type"]) == INCIDENT_TYPE_KEYS
    (source,) = document["sources"]
    assert set(source) == INCIDENT_SOURCE_KEYS
    (testimony,) = document["testimonies"]
    assert set(testimony) == TESTIMONY_KEYS
    (correction,) = document["corrections"]
    assert set(correction) == CORRECTION_KEYS


def test_an_incident_detail_is_the_same_document_as_in_the_list(client):
    incident = _complete_incident()
    detail = client.get(f"{API}incidents/{incident.public_id}/").json()
    (listed,) = client.get(f"{API}incidents/").json()["results"]
    assert set(detail) == INCIDENT_KEYS
    assert detail == listed
    assert detail["url"] == f"http://testserver/incidents/{incident.public_id}/"
    assert detail["region"]["oblast"]["iso_code"] == "UA-14"
    assert detail["incident_type"]["slug"] == "pow-execution"
    assert (detail["date_start"], detail["date_end"]) == ("2024-12-01", "2024-12-03")
    assert (detail["killed_low"], detail["killed_best"], detail["killed_high"]) == (3, 3, 4)


def test_an_incident_without_region_or_type_has_nulls_not_missing_keys(client):
    make_published_incident()
    (document,) = client.get(f"{API}incidents/").json()["results"]
    assert set(document) == INCIDENT_KEYS
    assert document["region"] is None
    assert document["incident_type"] is None


def test_a_source_has_exactly_the_documented_keys(client):
    incident = make_published_incident()
    source = incident.source_links.get().source
    page = client.get(f"{API}sources/").json()
    assert set(page) == PAGE_KEYS
    (listed,) = page["results"]
    assert set(listed) == SOURCE_KEYS
    detail = client.get(f"{API}sources/{source.public_id}/").json()
    assert detail == listed
    assert detail["incidents"] == [incident.public_id]


def test_regions_and_incident_types_have_exactly_the_documented_keys(client):
    regions = client.get(f"{API}regions/").json()
    assert {frozenset(row) for row in regions} == {frozenset(REGION_KEYS)}
    assert set(client.get(f"{API}regions/UA-14/").json()) == REGION_KEYS
    types = client.get(f"{API}incident-types/").json()
    assert {frozenset(row) for row in types} == {frozenset(TYPE_KEYS)}


def test_stats_have_exactly_the_documented_keys(client):
    _complete_incident()
    stats = client.get(f"{API}stats/").json()
    assert set(stats) == STATS_KEYS
    assert set(stats["total"]) == FIGURES
    (month,) = stats["by_month"]
    assert set(month) == FIGURES | {"month"}
    (oblast,) = stats["by_oblast"]
    assert set(oblast) == FIGURES | {"oblast"}
    assert set(oblast["oblast"]) == OBLAST_KEYS
    (incident_type,) = stats["by_incident_type"]
    assert set(incident_type) == FIGURES | {"incident_type"}
    (status,) = stats["by_verification_status"]
    assert set(status) == FIGURES | {"verification_status"}


def _withdrawn(**fields) -> Incident:
    now = timezone.now()
    return make_incident(
        publication_status=PublicationStatus.WITHDRAWN,
        published_at=now - dt.timedelta(days=2),
        withdrawn_at=now - dt.timedelta(days=1),
        withdrawal_reason="The video was shown to predate the events.",
        **fields,
    )


def test_a_withdrawn_entry_has_exactly_the_documented_keys(client):
    _withdrawn()
    page = client.get(f"{API}withdrawn/").json()
    assert set(page) == PAGE_KEYS
    (entry,) = page["results"]
    assert set(entry) == WITHDRAWN_KEYS


def test_a_withdrawn_incident_answers_410_with_exactly_the_documented_keys(client):
    incident = _withdrawn()
    response = client.get(f"{API}incidents/{incident.public_id}/")
    assert response.status_code == 410
    assert set(response.json()) == GONE_KEYS


# CSV


def test_csv_has_a_header_row_and_one_row_per_incident(client):
    incident = _complete_incident()
    header, *rows = _csv_rows(client)
    assert header == CSV_HEADER
    (row,) = rows
    values = dict(zip(header, row, strict=True))
    source = incident.source_links.get().source
    assert values["public_id"] == incident.public_id
    assert values["incident_type"] == "pow-execution"
    assert values["region_code"] == raion_of("UA-14").code
    assert values["oblast_iso_code"] == "UA-14"
    assert (values["date_start"], values["date_end"]) == ("2024-12-01", "2024-12-03")
    assert (values["latitude"], values["longitude"]) == ("48.12", "37.65")
    assert (values["killed_low"], values["killed_best"], values["killed_high"]) == ("3", "3", "4")
    assert values["source_ids"] == source.public_id


def test_csv_is_served_as_a_download(client):
    make_published_incident()
    response = client.get(f"{API}incidents/", {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="incidents.csv"'


def test_csv_holds_the_whole_filtered_set_not_one_page(client):
    created = _bulk_published(120)
    rows = _csv_dicts(client)
    assert len(rows) == 120
    assert {row["public_id"] for row in rows} == {incident.public_id for incident in created}
    # Even when the partner asked for small JSON pages.
    assert len(_csv_dicts(client, page_size=10)) == 120


def test_csv_applies_the_same_filters_as_json(client):
    donetsk, lviv = raion_of("UA-14"), raion_of("UA-46")
    _bulk_published(30, region=donetsk, verification_status=VerificationStatus.VERIFIED)
    _bulk_published(30, region=lviv, verification_status=VerificationStatus.VERIFIED)
    _bulk_published(30, region=donetsk, verification_status=VerificationStatus.CREDIBLE)
    params = {"region": "UA-14", "verification_status": "verified", "date_from": "2023-01-10"}
    expected = _json_ids(client, **params)
    assert 0 < len(expected) < 30
    assert [row["public_id"] for row in _csv_dicts(client, **params)] == expected
    ordered = {**params, "ordering": "date"}
    assert [row["public_id"] for row in _csv_dicts(client, **ordered)] == _json_ids(
        client, **ordered
    )


FORMULAS = [
    '=HYPERLINK("https://example.org","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_come_out_as_text(client, formula):
    make_published_incident(
        title=formula,
        summary=formula,
        location_name=formula,
        perpetrator_unit=formula,
        verification_rationale=formula,
    )
    (row,) = _csv_dicts(client)
    for column in ("title", "summary", "location_name", "perpetrator_unit"):
        assert row[column] == "'" + formula
    assert row["verification_rationale"] == "'" + formula


def test_csv_leaves_ordinary_text_and_numbers_alone(client):
    make_published_incident(
        title='Execution near Hrabove; 3 killed, "confirmed"',
        summary="Line one.\nLine two, with a comma.",
        killed_low=2,
    )
    (row,) = _csv_dicts(client)
    assert row["title"] == 'Execution near Hrabove; 3 killed, "confirmed"'
    assert row["summary"] == "Line one.\nLine two, with a comma."
    assert row["killed_low"] == "2"


# GeoJSON


def test_geojson_is_a_feature_collection_of_points_in_lon_lat_order(client):
    incident = _complete_incident()
    collection = _geojson(client)
    assert set(collection) == {"type", "features"}
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert set(feature) == {"type", "id", "geometry", "properties"}
    assert feature["type"] == "Feature"
    assert feature["id"] == incident.public_id
    assert feature["geometry"] == {"type": "Point", "coordinates": [37.65, 48.12]}
    assert set(feature["properties"]) == INCIDENT_KEYS


def test_geojson_has_null_geometry_without_coordinates(client):
    make_published_incident()
    (feature,) = _geojson(client)["features"]
    assert feature["geometry"] is None


def test_geojson_applies_the_same_filters_and_covers_the_whole_set(client):
    _bulk_published(110, region=Region.objects.get(iso_code="UA-14"))
    _bulk_published(20, region=raion_of("UA-46"))
    assert len(_geojson(client)["features"]) == 130
    params = {"region": "UA-14", "date_to": "2023-03-01", "ordering": "date"}
    ids = [feature["id"] for feature in _geojson(client, **params)["features"]]
    assert ids == _json_ids(client, **params)
    assert 0 < len(ids) < 110


def test_an_empty_result_is_still_a_valid_document_in_every_format(client):
    assert _csv_rows(client) == [CSV_HEADER]
    assert _geojson(client) == {"type": "FeatureCollection", "features": []}
    assert client.get(f"{API}incidents/").json() == {"next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    ("export", "content_type"), [("csv", "text/csv"), ("geojson", "application/geo+json")]
)
def test_an_explicit_format_wins_over_an_accept_header_asking_for_json(
    client, export, content_type
):
    make_published_incident(title="Execution near Alpha")
    response = client.get(f"{API}incidents/", {"format": export}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "Execution near Alpha" in b"".join(response.streaming_content).decode()


def test_without_a_format_the_accept_header_decides(client):
    assert client.get(f"{API}incidents/", HTTP_ACCEPT="application/json").status_code == 200
    refused = client.get(f"{API}incidents/", HTTP_ACCEPT="application/xml")
    assert refused.status_code == 406
