"""Reads shared by the public site and the API. Everything public starts from `published()`.

Public lists read flat rows (`values()`) and attach evidence with one query per page, so a page
costs the same few queries whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import CharField, Count, F, Func, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from incidents.models import (
    Correction,
    CorrectionNote,
    CorrectionStatus,
    GeoPrecision,
    Incident,
    IncidentSource,
    IncidentTestimony,
    PublicationStatus,
    Region,
    RegionLevel,
)


def public_incidents() -> QuerySet[Incident]:
    return Incident.objects.published().select_related("incident_type", "region")


def region_by_code(code: str) -> Region | None:
    """A region by its KATOTTH code (UA14000000000091971) or ISO 3166-2 code (UA-14), in any
    case and with blanks around it; None when no unit has it. The filters, the API and the site
    all look regions up here."""
    code = code.strip().upper()
    return Region.objects.filter(Q(code=code) | Q(iso_code=code)).first()


# Columns of a public incident row; nothing else of an incident ever leaves through the API.
PUBLIC_FIELDS = (
    "id",
    "public_id",
    "title",
    "summary",
    "date_start",
    "date_end",
    "date_precision",
    "location_name",
    "latitude",
    "longitude",
    "geo_precision",
    "coordinates_public",
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
    # Shown as `updated_at`: the last change of what the public sees, not of the row.
    "public_updated_at",
)
PUBLIC_RELATED = {
    "type_slug": F("incident_type__slug"),
    "type_name_en": F("incident_type__name_en"),
    "type_name_uk": F("incident_type__name_uk"),
    "region_code": F("region__code"),
    "region_iso_code": F("region__iso_code"),
    "region_level": F("region__level"),
    "region_name_en": F("region__name_en"),
    "region_name_uk": F("region__name_uk"),
    "region_path": F("region__path"),
}

# Decimal places shown publicly for each location precision: 2 places are about 1 km, 1 place
# about 10 km. Finer than 1 km only when a reviewer marked exact coordinates public.
_PUBLIC_DECIMALS = {
    GeoPrecision.EXACT: 2,
    GeoPrecision.SETTLEMENT: 2,
    GeoPrecision.HROMADA: 1,
    GeoPrecision.RAION: 1,
    GeoPrecision.OBLAST: 1,
}
EXACT_PUBLIC_DECIMALS = 4


def public_coordinates(
    latitude: Decimal | None, longitude: Decimal | None, precision: str, exact_is_public: bool
) -> tuple[float, float] | tuple[None, None]:
    decimals = _PUBLIC_DECIMALS.get(precision)
    if latitude is None or longitude is None or decimals is None:
        return None, None
    if precision == GeoPrecision.EXACT and exact_is_public:
        decimals = EXACT_PUBLIC_DECIMALS
    step = Decimal(1).scaleb(-decimals)
    return (
        float(latitude.quantize(step, rounding=ROUND_HALF_UP)),
        float(longitude.quantize(step, rounding=ROUND_HALF_UP)),
    )


def public_incident_rows(queryset: QuerySet[Incident]) -> QuerySet[dict[str, Any]]:
    return queryset.values(*PUBLIC_FIELDS, **PUBLIC_RELATED)


def oblasts_by_code() -> dict[str, dict[str, Any]]:
    """The oblast-level units by KATOTTH code, as documents show them."""
    return {
        oblast["code"]: oblast
        for oblast in Region.objects.filter(level=RegionLevel.OBLAST).values(
            "code", "iso_code", "name_en", "name_uk"
        )
    }


# The evidence and the correction log that documents show, each as one queryset over every
# incident, so that a page narrows it to its own incidents (`of_incidents`) and the benchmark's
# baseline can run the very same SQL.


def public_source_links() -> QuerySet[dict[str, Any]]:
    """The public sources incidents cite, with their role, in the order a document lists them."""
    return (
        IncidentSource.objects.filter(source__is_public=True)
        .order_by("incident_id", "source__published_on", "source_id")
        .values(
            "incident_id",
            "role",
            public_id=F("source__public_id"),
            title=F("source__title"),
            publisher=F("source__publisher"),
            kind=F("source__kind"),
            url=F("source__url"),
            archive_url=F("source__archive_url"),
            published_on=F("source__published_on"),
        )
    )


def public_testimony_links() -> QuerySet[dict[str, Any]]:
    """Anonymised summaries the witness agreed to publish and a reviewer marked public."""
    return (
        IncidentTestimony.objects.filter(
            testimony__summary_is_public=True,
            testimony__witness__consent_publish_anonymised=True,
        )
        .exclude(testimony__public_summary="")
        .order_by("incident_id", "testimony_id")
        .values(
            "incident_id",
            public_id=F("testimony__public_id"),
            directness=F("testimony__directness"),
            summary=F("testimony__public_summary"),
        )
    )


def correction_log() -> QuerySet[dict[str, Any]]:
    """Each incident's public correction log, oldest first."""
    return CorrectionNote.objects.order_by("incident_id", "noted_at", "id").values(
        "incident_id", "noted_at", "kind", note=F("text")
    )


def of_incidents(
    rows: QuerySet[dict[str, Any]], incident_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    """The rows of one of the querysets above that belong to these incidents, by incident."""
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows.filter(incident_id__in=incident_ids):
        grouped[row.pop("incident_id")].append(row)
    return grouped


def incident_stats(queryset: QuerySet[Incident]) -> dict[str, Any]:
    """Counts and victim sums by month, oblast, type and verification status."""
    # Where only a range is known, the best estimate counts as its low end (and the high as the
    # best), so that the sums keep low <= best <= high. Aggregates get names of their own: reusing
    # a field's name would make the next aggregate sum the sum.
    totals = {
        "n": Count("id"),
        "low": Sum("killed_low"),
        "best": Sum(Coalesce("killed_best", "killed_low")),
        "high": Sum(Coalesce("killed_high", "killed_best", "killed_low")),
    }
    queryset = queryset.order_by()

    def figures(row: dict[str, Any]) -> dict[str, int]:
        return {
            "incidents": row.pop("n"),
            "killed_low": row.pop("low") or 0,
            "killed_best": row.pop("best") or 0,
            "killed_high": row.pop("high") or 0,
        }

    def grouped(key: str, **annotations: Any) -> list[dict[str, Any]]:
        rows = queryset.annotate(**annotations).values(key).annotate(**totals).order_by(key)
        # figures() takes the aggregates out of the row; what is left is the group's key.
        return [row | figures(row) for row in rows]

    by_month = grouped("month", month=TruncMonth("date_start"))
    for row in by_month:
        row["month"] = row["month"].strftime("%Y-%m") if row["month"] else None
    oblasts = oblasts_by_code()
    by_oblast = [
        {"oblast": oblasts.get(row.pop("oblast_code")), **row}
        for row in grouped("oblast_code", oblast_code=_oblast_code_expression())
    ]
    by_type = [
        {"incident_type": row.pop("incident_type__slug"), **row}
        for row in grouped("incident_type__slug")
    ]
    return {
        "total": figures(queryset.aggregate(**totals)),
        "by_month": by_month,
        "by_oblast": by_oblast,
        "by_incident_type": by_type,
        "by_verification_status": grouped("verification_status"),
    }


def _oblast_code_expression():
    # The first segment of the region path is the oblast-level unit's code.
    return Func(
        F("region__path"), Value("/"), Value(1), function="split_part", output_field=CharField()
    )


def replaced_by() -> Subquery:
    """For a merged duplicate, the public id of the record it was merged into, while that record
    is published; null otherwise. The id of a record still in preparation is never shown."""
    survivor = Incident.objects.published().filter(pk=OuterRef("duplicate_of"))
    return Subquery(survivor.values("public_id")[:1])


def withdrawn_incident(public_id: str) -> dict[str, Any] | None:
    """What anyone may know of an incident that was public and is no longer: when and why it was
    withdrawn, and where it went (`replaced_by`). None for an id that was never public."""
    return (
        withdrawn_incidents()
        .filter(public_id=public_id)
        .values("public_id", "withdrawn_at", "withdrawal_reason", replaced_by=replaced_by())
        .first()
    )


def withdrawn_incidents(since=None) -> QuerySet[Incident]:
    """Incidents that were public once and are no longer: withdrawn, or merged into another.

    `since` selects the entries that changed since then: a withdrawal, and a merged duplicate
    whose survivor became public (or stopped being so), which changes its `replaced_by`.
    """
    queryset = Incident.objects.filter(
        publication_status=PublicationStatus.WITHDRAWN, published_at__isnull=False
    )
    if since is not None:
        queryset = queryset.filter(public_updated_at__gte=since)
    return queryset


# --- Staff work queues --------------------------------------------------------------------------
# What waits for whom, shown on the admin's landing page and behind its "queue" filter. These are
# staff reads: nothing here is public, and none of it starts from `published()`.


def incidents_assigned_to(
    incidents: QuerySet[Incident], *, user: AbstractBaseUser
) -> QuerySet[Incident]:
    """Records assigned to `user` that still need work, the last touched first."""
    return (
        incidents.filter(assigned_to=user)
        .exclude(publication_status__in=[PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN])
        .order_by("-updated_at", "-id")
    )


def incidents_awaiting_review(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """Records in review, oldest first: whoever submitted first has waited longest."""
    return incidents.filter(publication_status=PublicationStatus.IN_REVIEW).order_by(
        "submitted_at", "-id"
    )


def incidents_returned_to(
    incidents: QuerySet[Incident], *, user: AbstractBaseUser
) -> QuerySet[Incident]:
    """Drafts a reviewer sent back that `user` created or is assigned, the latest first."""
    return incidents.filter(
        Q(created_by=user) | Q(assigned_to=user),
        publication_status=PublicationStatus.DRAFT,
        returned_at__isnull=False,
    ).order_by("-returned_at", "-id")


def corrections_awaiting_review() -> QuerySet[Correction]:
    """Corrections submitted for review, oldest first."""
    return Correction.objects.filter(status=CorrectionStatus.IN_REVIEW).order_by(
        "submitted_at", "id"
    )


def corrections_drafted_by(*, user: AbstractBaseUser) -> QuerySet[Correction]:
    """`user`'s corrections still in draft, the last touched first."""
    return Correction.objects.filter(status=CorrectionStatus.DRAFT, proposed_by=user).order_by(
        "-updated_at", "-id"
    )
