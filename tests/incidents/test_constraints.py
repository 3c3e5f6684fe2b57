"""The database itself refuses records that break the data model's rules, whatever wrote them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from incidents.models import Incident, PublicationStatus, Region
from sources.models import EvidenceFile, SourceDocument, Testimony, Witness
from tests.factories import make_incident, raion_of

pytestmark = pytest.mark.django_db


def _rejected(**fields) -> str:
    """Try to insert an incident; return the name of the constraint the database cited."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        make_incident(**fields)
    return str(caught.value)


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"killed_low": 5, "killed_best": 3, "killed_high": 9}, "incident_killed_low_le_best"),
        ({"killed_low": 1, "killed_best": 8, "killed_high": 4}, "incident_killed_best_le_high"),
        ({"killed_low": 7, "killed_high": 2}, "incident_killed_low_le_high"),
        ({"wounded_low": 3, "wounded_best": 1}, "incident_wounded_low_le_best"),
        (
            {"date_start": dt.date(2025, 3, 2), "date_end": dt.date(2025, 3, 1)},
            "incident_date_end_after_start",
        ),
        ({"latitude": 90.5, "longitude": 37.0}, "incident_latitude_range"),
        ({"latitude": 48.0, "longitude": -180.5}, "incident_longitude_range"),
        ({"latitude": 48.0}, "incident_coordinates_pair"),
        (
            {
                "publication_status": PublicationStatus.PUBLISHED,
                "public_updated_at": dt.datetime.now(dt.UTC),
            },
            "incident_published_has_time",
        ),
        (
            {
                "publication_status": PublicationStatus.PUBLISHED,
                "published_at": dt.datetime.now(dt.UTC),
            },
            "incident_published_has_public_time",
        ),
        (
            {
                "publication_status": PublicationStatus.PUBLISHED,
                "published_at": dt.datetime.now(dt.UTC),
                "public_updated_at": dt.datetime.now(dt.UTC),
                "date_start": None,
            },
            "incident_published_has_date",
        ),
        (
            {
                "publication_status": PublicationStatus.WITHDRAWN,
                "withdrawn_at": dt.datetime.now(dt.UTC),
            },
            "incident_withdrawn_has_reason",
        ),
        ({"publication_status": "archived"}, "incident_publication_status_valid"),
        ({"verification_status": "probably"}, "incident_verification_status_valid"),
    ],
)
def test_the_database_rejects_an_inconsistent_incident(fields, constraint):
    assert constraint in _rejected(**fields)


def test_it_accepts_consistent_figures_and_ranges():
    incident = make_incident(
        killed_low=3,
        killed_best=5,
        killed_high=9,
        date_start=dt.date(2025, 3, 1),
        date_end=dt.date(2025, 3, 1),
        latitude=48.1,
        longitude=37.7,
    )
    assert incident.pk


def test_an_incident_cannot_be_a_duplicate_of_itself():
    incident = make_incident()
    with pytest.raises(IntegrityError, match="incident_not_duplicate_of_itself"):
        Incident.objects.filter(pk=incident.pk).update(duplicate_of=incident)


def test_only_oblast_level_units_carry_an_iso_code():
    raion = raion_of("UA-14")
    with pytest.raises(IntegrityError, match="region_iso_code_oblast_only"):
        Region.objects.filter(pk=raion.pk).update(iso_code="UA-99")


def test_an_evidence_file_belongs_to_exactly_one_source_or_testimony():
    source = SourceDocument.objects.create(kind="video", title="Clip")
    testimony = Testimony.objects.create(
        witness=Witness.objects.create(), taken_on=dt.date(2025, 1, 5), directness="direct"
    )
    common = {"sha256": "a" * 64, "size": 1, "content_type": "text/plain", "file": "evidence/x"}
    with pytest.raises(IntegrityError, match="evidence_file_one_owner"), transaction.atomic():
        EvidenceFile.objects.create(source=source, testimony=testimony, **common)
    with pytest.raises(IntegrityError, match="evidence_file_one_owner"), transaction.atomic():
        EvidenceFile.objects.create(**common)
    with pytest.raises(IntegrityError, match="evidence_file_sha256_hex"), transaction.atomic():
        EvidenceFile.objects.create(source=source, **{**common, "sha256": "not-a-hash"})
