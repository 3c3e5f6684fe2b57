"""What partners and readers are told when the public record of incidents changes: the public
change time that `?updated_since=` follows, and the correction log."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from incidents.corrections import (
    SOURCE_PUBLIC_FIELDS,
    current_value,
)
from incidents.models import (
    Correction,
    CorrectionNote,
    Incident,
    IncidentSource,
    IncidentTestimony,
    PublicationStatus,
)
from sources.models import SourceDocument, Testimony


def _published(incident_ids: Iterable[int]) -> list[int]:
    return list(
        Incident.objects.published().filter(pk__in=set(incident_ids)).values_list("pk", flat=True)
    )


def record_public_change(
    *,
    incident_ids: Iterable[int],
    kind: str,
    text: str,
    correction: Correction | None = None,
) -> list[int]:
    """Tell partners and readers that what the public sees of these incidents changed.

    Only published incidents are touched: their `public_updated_at` moves (so `?updated_since=`
    returns them) and their correction log gains `text`. Returns the ids touched.
    """
    touched = _published(incident_ids)
    if not touched:
        return []
    now = timezone.now()
    Incident.objects.filter(pk__in=touched).update(public_updated_at=now)
    CorrectionNote.objects.bulk_create(
        [
            CorrectionNote(
                incident_id=pk, kind=kind, text=text, noted_at=now, correction=correction
            )
            for pk in touched
        ]
    )
    return touched


def touch_tombstones(survivor_ids: Iterable[int]) -> None:
    """A merged duplicate's entry in `withdrawn/` names its survivor only while that is public,
    so every change of the survivor's status is a change of the entry."""
    Incident.objects.filter(
        duplicate_of__in=list(survivor_ids),
        publication_status=PublicationStatus.WITHDRAWN,
        published_at__isnull=False,
    ).update(public_updated_at=timezone.now())


def _published_among(links: QuerySet) -> list[int]:
    """Ids of the published incidents these evidence links belong to."""
    published = links.filter(incident__in=Incident.objects.published())
    return sorted(set(published.values_list("incident_id", flat=True)))


def published_citing(source_ids: Iterable[int]) -> list[int]:
    """Ids of the published incidents that cite any of these sources."""
    return _published_among(IncidentSource.objects.filter(source_id__in=list(source_ids)))


def published_linking(testimony_ids: Iterable[int]) -> list[int]:
    """Ids of the published incidents that rest on any of these testimonies."""
    return _published_among(IncidentTestimony.objects.filter(testimony_id__in=list(testimony_ids)))


def source_view(source: SourceDocument) -> tuple | None:
    """What the public sees of a source wherever it is cited; None when it is not public."""
    if not source.is_public:
        return None
    return tuple(current_value(source, name) for name in SOURCE_PUBLIC_FIELDS)


def testimony_view(testimony: Testimony, *, consent: bool) -> tuple | None:
    """What the public sees of a testimony linked to a published incident; None when nothing.

    A summary is shown only when the witness consented, a reviewer marked it publishable, and
    there is a summary to show (the selectors apply the same three conditions).
    """
    if not (consent and testimony.summary_is_public and testimony.public_summary != ""):
        return None
    return (testimony.public_summary, testimony.directness)


def public_ids(incident_ids: Iterable[int]) -> str:
    ids = list(
        Incident.objects.filter(pk__in=list(incident_ids))
        .order_by("public_id")
        .values_list("public_id", flat=True)
    )
    return ", ".join(ids)
