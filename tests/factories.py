"""Small builders for test records, with only what each model needs to be valid."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from incidents.models import Incident, IncidentSource, PublicationStatus, Region, VerificationStatus
from sources.models import SourceDocument


def raion_of(oblast_iso: str) -> Region:
    return Region.objects.filter(parent__iso_code=oblast_iso).order_by("code").first()


def make_incident(**fields: Any) -> Incident:
    fields.setdefault("title", "Test incident")
    fields.setdefault("date_start", dt.date(2024, 12, 1))
    return Incident.objects.create(**fields)


def make_published_incident(**fields: Any) -> Incident:
    fields.setdefault("summary", "What happened, in neutral words.")
    fields.setdefault("verification_status", VerificationStatus.CREDIBLE)
    fields.setdefault("verification_rationale", "Two independent sources.")
    incident = make_incident(
        publication_status=PublicationStatus.PUBLISHED, published_at=timezone.now(), **fields
    )
    source = SourceDocument.objects.create(kind="media-report", title="Report", is_public=True)
    IncidentSource.objects.create(incident=incident, source=source)
    return incident
