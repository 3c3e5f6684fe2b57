"""Reads shared by the public site and the API. Everything public starts from `published()`."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from incidents.models import Incident, Region


def public_incidents() -> QuerySet[Incident]:
    return Incident.objects.published().select_related("incident_type", "region")


def region_by_code(code: str) -> Region:
    """A region by its KATOTTH code (UA14000000000091971) or ISO 3166-2 code (UA-14)."""
    code = code.strip().upper()
    return Region.objects.get(Q(code=code) | Q(iso_code=code))
