"""Reads shared by the public site and the API. Everything public starts from `published()`."""

from __future__ import annotations

from django.db.models import QuerySet

from incidents.models import Incident


def public_incidents() -> QuerySet[Incident]:
    return Incident.objects.published().select_related("incident_type", "region")
