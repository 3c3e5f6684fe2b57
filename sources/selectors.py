"""Reads of sources that the public site and the API share, built on the publication gate."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from incidents.models import Incident, IncidentSource
from sources.models import SourceDocument


def public_sources() -> QuerySet[SourceDocument]:
    """Sources that may be cited publicly: marked public, and cited by a published incident or
    by none at all. A public source cited only by drafts would tell the world what is being
    investigated."""
    links = IncidentSource.objects.filter(source=OuterRef("pk"))
    cited_publicly = links.filter(incident__in=Incident.objects.published())
    return SourceDocument.objects.filter(
        Q(Exists(cited_publicly)) | ~Q(Exists(links)), is_public=True
    )


def published_incidents_citing(source_ids: Iterable[int]) -> dict[int, list[str]]:
    """Public ids of the published incidents citing each source, in id order."""
    citing: dict[int, list[str]] = {source_id: [] for source_id in source_ids}
    links = (
        IncidentSource.objects.filter(
            source_id__in=list(citing), incident__in=Incident.objects.published()
        )
        .order_by("incident__public_id")
        .values_list("source_id", "incident__public_id")
    )
    for source_id, public_id in links:
        citing[source_id].append(public_id)
    return citing
