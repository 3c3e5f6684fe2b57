"""The publish gate, seen from outside: nothing unpublished or confidential leaves through any
endpoint in any format.

Every confidential field below holds a marker string found nowhere else, and every response of
the API is searched for each marker. Alice is an analyst, Bob a reviewer, Erin the analyst it is
assigned to, Olga the witness officer who took the testimonies: none of their usernames may appear
either. (Their accounts carry markers for usernames, so they are made here rather than taken from
tests/conftest.py: the data is built once for the whole module.)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from incidents.models import (
    Incident,
    IncidentSource,
    IncidentTestimony,
    PublicationStatus,
)
from sources.models import SourceDocument, Testimony, Witness
from tests.factories import (
    make_evidence_file,
    make_incident,
    make_published_incident,
    make_staff,
    raion_of,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/"

MARKERS = {
    "internal_notes": "MARKER-INTERNAL-NOTES-4F7Q",
    "review_comment": "MARKER-REVIEW-COMMENT-9K2D",
    "draft_title": "MARKER-DRAFT-TITLE-2H8X",
    "draft_summary": "MARKER-DRAFT-SUMMARY-7B3N",
    "in_review_title": "MARKER-IN-REVIEW-TITLE-5T1C",
    "withdrawn_title": "MARKER-WITHDRAWN-TITLE-3V6M",
    "withdrawn_summary": "MARKER-WITHDRAWN-SUMMARY-8R4P",
    "merged_title": "MARKER-MERGED-TITLE-6Y9W",
    "private_source_title": "MARKER-PRIVATE-SOURCE-1J5S",
    "private_source_url": "https://example.org/marker-private-source-0a9e",
    "evidence_original_name": "MARKER-EVIDENCE-FILENAME-4D2L.mp4",
    "witness_full_name": "MARKER-WITNESS-NAME-Olena-7Z3K",
    "witness_contact": "MARKER-WITNESS-CONTACT-+380-2G8H",
    "witness_identity_notes": "MARKER-WITNESS-IDENTITY-5Q1R",
    "statement": "MARKER-STATEMENT-TEXT-9P6F",
    "unreviewed_summary": "MARKER-UNREVIEWED-SUMMARY-3M7A",
    "unconsented_summary": "MARKER-UNCONSENTED-SUMMARY-2X4B",
    "alice": "zz-alice-analyst-8c1",
    "bob": "zz-bob-reviewer-4e7",
    "erin": "zz-erin-assignee-6n2",
    "olga": "zz-olga-interviewer-1w9",
}

PUBLIC_REASON = "Withdrawn: the video was shown to predate the reported events."


def _testimony(*, consent: bool, summary_public: bool, summary: str, interviewer) -> Testimony:
    witness = Witness.objects.create(
        full_name=MARKERS["witness_full_name"],
        contact=MARKERS["witness_contact"],
        identity_notes=MARKERS["witness_identity_notes"],
        consent_internal_use=True,
        consent_publish_anonymised=consent,
    )
    return Testimony.objects.create(
        witness=witness,
        taken_on=dt.date(2024, 5, 2),
        interviewer=interviewer,
        directness="direct",
        statement=MARKERS["statement"],
        public_summary=summary,
        summary_is_public=summary_public,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        alice = make_staff(MARKERS["alice"], "Analyst")
        bob = make_staff(MARKERS["bob"], "Reviewer")
        erin = make_staff(MARKERS["erin"], "Analyst")
        olga = make_staff(MARKERS["olga"], "Witness officer")
        now = timezone.now()

        published = make_published_incident(
            title="Execution of a prisoner of war near Hrabove",
            internal_notes=MARKERS["internal_notes"],
            region=raion_of("UA-14"),
            latitude=Decimal("48.123456"),
            longitude=Decimal("37.654321"),
            geo_precision="exact",
            coordinates_public=False,
            killed_low=1,
            killed_best=1,
            killed_high=1,
            created_by=alice,
            last_edited_by=alice,
            assigned_to=erin,
            reviewed_by=bob,
        )
        Incident.objects.filter(pk=published.pk).update(review_comment=MARKERS["review_comment"])
        private_source = SourceDocument.objects.create(
            kind="video",
            title=MARKERS["private_source_title"],
            url=MARKERS["private_source_url"],
            is_public=False,
            created_by=alice,
        )
        IncidentSource.objects.create(incident=published, source=private_source, role="primary")
        make_evidence_file(
            source=private_source,
            file="evidence/ab/abcdef0123456789",
            original_name=MARKERS["evidence_original_name"],
            uploaded_by=alice,
        )
        public_testimony = _testimony(
            consent=True,
            summary_public=True,
            summary="A released prisoner saw the shooting from a nearby vehicle.",
            interviewer=olga,
        )
        unreviewed = _testimony(
            consent=True,
            summary_public=False,
            summary=MARKERS["unreviewed_summary"],
            interviewer=olga,
        )
        unconsented = _testimony(
            consent=False,
            summary_public=True,
            summary=MARKERS["unconsented_summary"],
            interviewer=olga,
        )
        for testimony in (public_testimony, unreviewed, unconsented):
            IncidentTestimony.objects.create(incident=published, testimony=testimony)

        draft = make_incident(
            title=MARKERS["draft_title"],
            summary=MARKERS["draft_summary"],
            created_by=alice,
            killed_low=1000,
            killed_best=1000,
            killed_high=1000,
        )
        draft_only_source = SourceDocument.objects.create(
            kind="media-report", title="Report cited so far only by a draft", is_public=True
        )
        IncidentSource.objects.create(incident=draft, source=draft_only_source)
        IncidentSource.objects.create(incident=draft, source=private_source)
        IncidentTestimony.objects.create(incident=draft, testimony=public_testimony)
        in_review = make_incident(
            title=MARKERS["in_review_title"],
            publication_status=PublicationStatus.IN_REVIEW,
            killed_low=1000,
        )
        withdrawn = make_incident(
            title=MARKERS["withdrawn_title"],
            summary=MARKERS["withdrawn_summary"],
            publication_status=PublicationStatus.WITHDRAWN,
            published_at=now - dt.timedelta(days=3),
            withdrawn_at=now - dt.timedelta(days=1),
            withdrawal_reason=PUBLIC_REASON,
            killed_low=1000,
        )
        merged = make_incident(
            title=MARKERS["merged_title"],
            publication_status=PublicationStatus.WITHDRAWN,
            published_at=now - dt.timedelta(days=3),
            withdrawn_at=now - dt.timedelta(hours=2),
            withdrawal_reason=f"Merged into {published.public_id}, which records the same event.",
            duplicate_of=published,
        )
        merged_into_in_review = make_incident(
            title=MARKERS["merged_title"],
            publication_status=PublicationStatus.WITHDRAWN,
            published_at=now - dt.timedelta(days=3),
            withdrawn_at=now - dt.timedelta(hours=1),
            withdrawal_reason="Merged into a record that is being reviewed again.",
            duplicate_of=in_review,
        )
        yield {
            "published": published,
            "public_testimony": public_testimony,
            "private_source": private_source,
            "draft_only_source": draft_only_source,
            "draft": draft,
            "in_review": in_review,
            "withdrawn": withdrawn,
            "merged": merged,
            "merged_into_in_review": merged_into_in_review,
        }
        transaction.set_rollback(True)


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _hidden_ids(world) -> dict[str, str]:
    """Public ids that must never appear: records that are not published."""
    return {
        "draft": world["draft"].public_id,
        "in_review": world["in_review"].public_id,
        "private_source": world["private_source"].public_id,
        "unreviewed_testimony": Testimony.objects.get(
            public_summary=MARKERS["unreviewed_summary"]
        ).public_id,
        "unconsented_testimony": Testimony.objects.get(
            public_summary=MARKERS["unconsented_summary"]
        ).public_id,
    }


def _every_public_response(client, world) -> dict[str, bytes]:
    published = world["published"].public_id
    paths = {
        "incidents json": f"{API}incidents/",
        "incidents csv": f"{API}incidents/?format=csv",
        "incidents geojson": f"{API}incidents/?format=geojson",
        "incidents by text": f"{API}incidents/?q=MARKER",
        "incidents by date": f"{API}incidents/?date_from=2000-01-01&ordering=updated_at",
        "incident detail": f"{API}incidents/{published}/",
        "draft detail": f"{API}incidents/{world['draft'].public_id}/",
        "in review detail": f"{API}incidents/{world['in_review'].public_id}/",
        "withdrawn detail": f"{API}incidents/{world['withdrawn'].public_id}/",
        "merged detail": f"{API}incidents/{world['merged'].public_id}/",
        "merged into unpublished": f"{API}incidents/{world['merged_into_in_review'].public_id}/",
        "sources": f"{API}sources/",
        "private source detail": f"{API}sources/{world['private_source'].public_id}/",
        "draft-only source detail": f"{API}sources/{world['draft_only_source'].public_id}/",
        "regions": f"{API}regions/",
        "region": f"{API}regions/UA-14/",
        "incident types": f"{API}incident-types/",
        "stats": f"{API}stats/",
        "withdrawn": f"{API}withdrawn/",
    }
    for source in SourceDocument.objects.filter(is_public=True):
        paths[f"source {source.public_id}"] = f"{API}sources/{source.public_id}/"
    responses = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code < 500, (name, response.status_code)
        responses[name] = _body(response)
    return responses


def test_no_confidential_marker_appears_in_any_response(client, world):
    responses = _every_public_response(client, world)
    # The published record is there, so the responses are not simply empty.
    assert world["published"].public_id.encode() in responses["incidents json"]
    assert world["published"].public_id.encode() in responses["incidents csv"]
    leaks = [
        (name, marker)
        for name, body in responses.items()
        for marker in MARKERS.values()
        if marker.encode() in body
    ]
    assert leaks == []


def test_no_unpublished_record_or_private_source_id_appears_in_any_response(client, world):
    responses = _every_public_response(client, world)
    leaks = [
        (name, what)
        for name, body in responses.items()
        for what, public_id in _hidden_ids(world).items()
        if public_id.encode() in body
    ]
    assert leaks == []


def test_the_list_shows_only_the_published_incident_in_every_format(client, world):
    expected = [world["published"].public_id]
    as_json = client.get(f"{API}incidents/").json()["results"]
    assert [row["public_id"] for row in as_json] == expected
    as_csv = list(
        csv.DictReader(io.StringIO(_body(client.get(f"{API}incidents/?format=csv")).decode()))
    )
    assert [row["public_id"] for row in as_csv] == expected
    as_geojson = json.loads(_body(client.get(f"{API}incidents/?format=geojson")))
    assert [feature["id"] for feature in as_geojson["features"]] == expected


@pytest.mark.parametrize("key", ["draft", "in_review"])
def test_an_unpublished_incident_is_not_found(client, world, key):
    response = client.get(f"{API}incidents/{world[key].public_id}/")
    assert response.status_code == 404
    assert world[key].title.encode() not in response.content


def test_a_withdrawn_incident_answers_410_with_the_public_reason(client, world):
    response = client.get(f"{API}incidents/{world['withdrawn'].public_id}/")
    assert response.status_code == 410
    body = response.json()
    assert body["public_id"] == world["withdrawn"].public_id
    assert body["withdrawal_reason"] == PUBLIC_REASON
    assert MARKERS["withdrawn_summary"] not in response.content.decode()


def test_a_merged_duplicate_redirects_permanently_to_its_published_survivor(client, world):
    response = client.get(f"{API}incidents/{world['merged'].public_id}/")
    assert response.status_code == 301
    assert response["Location"] == f"{API}incidents/{world['published'].public_id}/"
    followed = client.get(response["Location"])
    assert followed.json()["public_id"] == world["published"].public_id


def test_a_duplicate_merged_into_an_unpublished_record_does_not_lead_to_it(client, world):
    response = client.get(f"{API}incidents/{world['merged_into_in_review'].public_id}/")
    assert response.status_code == 410
    assert world["in_review"].public_id not in response.content.decode()


def test_the_withdrawn_list_names_a_survivor_only_when_it_is_published(client, world):
    rows = {row["public_id"]: row for row in client.get(f"{API}withdrawn/").json()["results"]}
    assert set(rows) == {
        world["withdrawn"].public_id,
        world["merged"].public_id,
        world["merged_into_in_review"].public_id,
    }
    assert rows[world["merged"].public_id]["replaced_by"] == world["published"].public_id
    assert rows[world["withdrawn"].public_id]["replaced_by"] is None
    # The survivor is in review: its id must not leak before it is published.
    assert rows[world["merged_into_in_review"].public_id]["replaced_by"] is None


def test_sources_list_only_public_sources_and_only_published_citations(client, world):
    rows = {row["public_id"]: row for row in client.get(f"{API}sources/").json()["results"]}
    assert world["private_source"].public_id not in rows
    published_source = IncidentSource.objects.get(
        incident=world["published"], source__is_public=True
    ).source
    assert rows[published_source.public_id]["incidents"] == [world["published"].public_id]
    # A public source that only drafts cite would reveal what is under investigation.
    assert world["draft_only_source"].public_id not in rows
    response = client.get(f"{API}sources/{world['private_source'].public_id}/")
    assert response.status_code == 404


def test_an_incident_cites_only_its_public_sources_and_publishable_testimonies(client, world):
    document = client.get(f"{API}incidents/{world['published'].public_id}/").json()
    assert [source["title"] for source in document["sources"]] == ["Report"]
    assert document["testimonies"] == [
        {
            "public_id": world["public_testimony"].public_id,
            "directness": "direct",
            "summary": "A released prisoner saw the shooting from a nearby vehicle.",
        }
    ]


def test_stats_count_only_published_incidents(client, world):
    stats = client.get(f"{API}stats/").json()
    assert stats["total"] == {"incidents": 1, "killed_low": 1, "killed_best": 1, "killed_high": 1}
    assert sum(row["incidents"] for row in stats["by_verification_status"]) == 1


def test_text_search_never_finds_unpublished_or_internal_text(client, world):
    for word in (MARKERS["draft_title"], MARKERS["internal_notes"], MARKERS["statement"]):
        assert client.get(f"{API}incidents/", {"q": word}).json()["results"] == []


# Coordinates: the public never sees them finer than about 1 km, unless a reviewer marked exact
# coordinates public; coarser precisions are rounded further.

COORDINATE_CASES = [
    pytest.param("exact", False, (48.12, 37.65), id="exact-not-public"),
    pytest.param("exact", True, (48.1235, 37.6543), id="exact-public"),
    pytest.param("settlement", True, (48.12, 37.65), id="settlement"),
    pytest.param("raion", False, (48.1, 37.7), id="raion"),
    pytest.param("oblast", False, (48.1, 37.7), id="oblast"),
    pytest.param("unknown", True, (None, None), id="unknown"),
]


@pytest.mark.parametrize(("precision", "public", "expected"), COORDINATE_CASES)
def test_coordinates_are_rounded_to_their_public_precision_everywhere(
    client, precision, public, expected
):
    # A date of its own keeps the module's other records out of these lists.
    incident = make_published_incident(
        date_start=dt.date(2031, 1, 1),
        latitude=Decimal("48.123456"),
        longitude=Decimal("37.654321"),
        geo_precision=precision,
        coordinates_public=public,
    )
    latitude, longitude = expected
    only = "date_from=2031-01-01"
    detail = client.get(f"{API}incidents/{incident.public_id}/").json()
    (listed,) = client.get(f"{API}incidents/?{only}").json()["results"]
    for document in (detail, listed):
        assert (document["latitude"], document["longitude"]) == expected
    csv_body = _body(client.get(f"{API}incidents/?format=csv&{only}"))
    (row,) = csv.DictReader(io.StringIO(csv_body.decode()))
    assert (row["latitude"], row["longitude"]) == (
        ("", "") if latitude is None else (str(latitude), str(longitude))
    )
    geojson_body = _body(client.get(f"{API}incidents/?format=geojson&{only}"))
    (feature,) = json.loads(geojson_body)["features"]
    if latitude is None:
        assert feature["geometry"] is None
    else:
        assert feature["geometry"]["coordinates"] == [longitude, latitude]
    assert (feature["properties"]["latitude"], feature["properties"]["longitude"]) == expected
    for body in (client.get(f"{API}incidents/?{only}").content, csv_body, geojson_body):
        assert b"48.123456" not in body
        assert b"37.654321" not in body


def test_a_public_source_cited_only_by_drafts_stays_hidden_until_one_is_published(client):
    draft = make_incident(title="Draft under investigation")
    source = SourceDocument.objects.create(kind="video", title="Clip", is_public=True)
    IncidentSource.objects.create(incident=draft, source=source)
    standalone = SourceDocument.objects.create(kind="un-report", title="Report", is_public=True)

    listed = {row["public_id"] for row in client.get("/api/v1/sources/").json()["results"]}
    assert standalone.public_id in listed
    assert source.public_id not in listed
    assert client.get(f"/api/v1/sources/{source.public_id}/").status_code == 404

    published = make_published_incident()
    IncidentSource.objects.create(incident=published, source=source)
    listed = {row["public_id"] for row in client.get("/api/v1/sources/").json()["results"]}
    assert source.public_id in listed


@pytest.mark.parametrize("export", ["csv", "geojson"])
def test_an_export_with_a_bad_filter_answers_a_json_error(client, export):
    response = client.get(f"/api/v1/incidents/?format={export}&region=XX")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "region" in response.json()
