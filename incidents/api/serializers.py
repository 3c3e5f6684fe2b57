"""The shapes of the public incident: the documents the incident endpoints (and the site's
record pages) show, field by field, and their CSV and GeoJSON forms.

Each serializer describes a document for /api/v1/schema/ and the docs page; the documents
themselves are built below as plain dicts from the selectors' rows, without a serializer's
per-field work, so that lists stay close to the speed of the query behind them.
tests/incidents/test_api_schema.py checks real responses against the serializers, so a document
that drifts from its description fails a test. A new public field is read in
`incidents.selectors` and shaped here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.openapi import constant
from incidents.models import (
    AttributionConfidence,
    CorrectionNoteKind,
    DatePrecision,
    GeoPrecision,
    Incident,
    RegionLevel,
    SourceRole,
    VerificationStatus,
    VictimCategory,
)
from incidents.selectors import (
    correction_log,
    oblasts_by_code,
    of_incidents,
    public_coordinates,
    public_incident_rows,
    public_source_links,
    public_testimony_links,
)
from sources.models import Directness, SourceKind


class OblastSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="KATOTTH code of the oblast-level unit.")
    iso_code = serializers.CharField(allow_null=True, help_text="ISO 3166-2 code, e.g. UA-14.")
    name_en = serializers.CharField()
    name_uk = serializers.CharField()


class UnitSerializer(serializers.Serializer):
    """What every administrative unit shows of itself."""

    code = serializers.CharField(help_text="KATOTTH code.")
    iso_code = serializers.CharField(
        allow_null=True, help_text="ISO 3166-2 code; oblast-level units only."
    )
    level = serializers.ChoiceField(choices=RegionLevel.choices)
    name_en = serializers.CharField()
    name_uk = serializers.CharField()


class IncidentRegionSerializer(UnitSerializer):
    oblast = OblastSerializer(
        allow_null=True, help_text="The oblast-level unit it lies in (itself for an oblast)."
    )


class IncidentTypeRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name_en = serializers.CharField()
    name_uk = serializers.CharField()


class CitedSourceSerializer(serializers.Serializer):
    """A public source as cited by one incident."""

    public_id = serializers.CharField(help_text="e.g. SRC-2F6H8J4K; see /api/v1/sources/{id}/.")
    role = serializers.ChoiceField(
        choices=SourceRole.choices, help_text="What the source does for this incident."
    )
    title = serializers.CharField()
    publisher = serializers.CharField(help_text="Empty when unknown.")
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    url = serializers.CharField(help_text="Link to the original; empty when there is none.")
    archive_url = serializers.CharField(help_text="A preserved copy; empty when there is none.")
    published_on = serializers.DateField(allow_null=True)


class TestimonySummarySerializer(serializers.Serializer):
    """An anonymised summary the witness agreed to publish and a reviewer checked."""

    public_id = serializers.CharField()
    directness = serializers.ChoiceField(choices=Directness.choices)
    summary = serializers.CharField()


class CorrectionEntrySerializer(serializers.Serializer):
    """One line of the record's public correction log."""

    noted_at = serializers.DateTimeField(help_text="When the public record changed.")
    kind = serializers.ChoiceField(
        choices=CorrectionNoteKind.choices,
        help_text="correction (reviewed by a second person), removal (made at once for "
        "someone's safety; it never says what was removed), withdrawal, or republication.",
    )
    note = serializers.CharField(help_text="What changed, in one sentence.")


class IncidentSerializer(serializers.Serializer):
    """A published incident, with its public sources and anonymised testimony summaries."""

    public_id = serializers.CharField(help_text="Stable public id, e.g. INC-7K3Q9X2M.")
    url = serializers.URLField(help_text="The incident's page on the public site.")
    title = serializers.CharField()
    summary = serializers.CharField()
    incident_type = IncidentTypeRefSerializer(allow_null=True)
    date_start = serializers.DateField(
        allow_null=True, help_text="First day the incident may have happened."
    )
    date_end = serializers.DateField(
        allow_null=True, help_text="Last possible day, when only a range is known."
    )
    date_precision = serializers.ChoiceField(
        choices=DatePrecision.choices,
        help_text="How precisely the date is known; show the date no more precisely than this.",
    )
    region = IncidentRegionSerializer(
        allow_null=True, help_text="The smallest unit where the incident is known to have happened."
    )
    location_name = serializers.CharField(help_text="Empty when not public or unknown.")
    latitude = serializers.FloatField(
        allow_null=True,
        help_text="Rounded to the public precision: 2 decimals (about 1 km) for exact and "
        "settlement locations, 1 decimal (about 10 km) for hromada, raion and oblast, 4 decimals "
        "only where a reviewer published exact coordinates; null when no location is recorded or "
        "its precision is unknown.",
    )
    longitude = serializers.FloatField(allow_null=True, help_text="Rounded as latitude is.")
    geo_precision = serializers.ChoiceField(choices=GeoPrecision.choices)
    killed_low = serializers.IntegerField(min_value=0, allow_null=True)
    killed_best = serializers.IntegerField(min_value=0, allow_null=True)
    killed_high = serializers.IntegerField(min_value=0, allow_null=True)
    victim_category = serializers.ChoiceField(choices=VictimCategory.choices)
    perpetrator_force = serializers.CharField(help_text="Empty when not attributed.")
    perpetrator_unit = serializers.CharField(help_text="Empty when not attributed.")
    attribution_confidence = serializers.ChoiceField(
        choices=AttributionConfidence.choices,
        allow_blank=True,
        help_text="Empty when not attributed.",
    )
    verification_status = serializers.ChoiceField(choices=VerificationStatus.choices)
    verification_rationale = serializers.CharField(
        help_text="Why this status: which sources, what was checked."
    )
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(
        help_text="Last change of what the public sees of the record (its fields, its sources' "
        "and testimonies' public fields, corrections, removals); use it with ?updated_since= "
        "for incremental sync."
    )
    sources = CitedSourceSerializer(many=True)
    testimonies = TestimonySummarySerializer(many=True)
    corrections = CorrectionEntrySerializer(
        many=True, help_text="The record's public correction log, oldest first."
    )


class GeoJSONPointSerializer(serializers.Serializer):
    type = constant("Point")
    coordinates = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        help_text="[longitude, latitude], rounded as in the JSON document.",
    )


class GeoJSONFeatureSerializer(serializers.Serializer):
    type = constant("Feature")
    id = serializers.CharField(help_text="The incident's public id.")
    geometry = GeoJSONPointSerializer(
        allow_null=True, help_text="null when the location is not public."
    )
    properties = IncidentSerializer()


@extend_schema_serializer(many=False)
class GeoJSONFeatureCollectionSerializer(serializers.Serializer):
    """Every incident of the filtered set, unpaginated."""

    type = constant("FeatureCollection")
    features = GeoJSONFeatureSerializer(many=True)


class RegionSerializer(UnitSerializer):
    latitude = serializers.FloatField(allow_null=True, help_text="Of its centre, where known.")
    longitude = serializers.FloatField(allow_null=True)
    parent_code = serializers.CharField(
        allow_null=True, help_text="KATOTTH code of the unit above; null for oblast-level units."
    )


class IncidentTypeSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text="Use it in ?incident_type=.")
    name_en = serializers.CharField()
    name_uk = serializers.CharField()
    description = serializers.CharField()
    legal_reference = serializers.CharField(help_text="e.g. Geneva Convention III, art. 13.")


class FiguresSerializer(serializers.Serializer):
    incidents = serializers.IntegerField(min_value=0)
    killed_low = serializers.IntegerField(min_value=0, help_text="Sum of the low estimates.")
    killed_best = serializers.IntegerField(
        min_value=0, help_text="Sum of the best estimates (the low one where no best is known)."
    )
    killed_high = serializers.IntegerField(
        min_value=0, help_text="Sum of the high estimates (else the best, else the low one)."
    )


class MonthFiguresSerializer(FiguresSerializer):
    month = serializers.CharField(
        allow_null=True, help_text="YYYY-MM of date_start; null for undated incidents."
    )


class OblastFiguresSerializer(FiguresSerializer):
    oblast = OblastSerializer(allow_null=True, help_text="null for incidents without a region.")


class IncidentTypeFiguresSerializer(FiguresSerializer):
    incident_type = serializers.CharField(
        allow_null=True, help_text="The type's slug; null for incidents without a type."
    )


class VerificationStatusFiguresSerializer(FiguresSerializer):
    verification_status = serializers.ChoiceField(choices=VerificationStatus.choices)


class StatsSerializer(serializers.Serializer):
    """Counts and killed low/best/high sums of the published incidents under the filters."""

    total = FiguresSerializer()
    by_month = MonthFiguresSerializer(many=True)
    by_oblast = OblastFiguresSerializer(many=True)
    by_incident_type = IncidentTypeFiguresSerializer(many=True)
    by_verification_status = VerificationStatusFiguresSerializer(many=True)


class WithdrawnEntrySerializer(serializers.Serializer):
    """A record that was published and is no longer: delete it, or follow `replaced_by`."""

    public_id = serializers.CharField()
    withdrawn_at = serializers.DateTimeField()
    reason = serializers.CharField(help_text="The public reason for the withdrawal.")
    replaced_by = serializers.CharField(
        allow_null=True,
        help_text="For a merged duplicate, the public id of the record kept, once that record "
        "is published (null until then).",
    )


class GoneSerializer(serializers.Serializer):
    """410: the incident was published once and has been withdrawn."""

    public_id = serializers.CharField()
    withdrawn_at = serializers.DateTimeField()
    withdrawal_reason = serializers.CharField()


# The documents ---------------------------------------------------------------------------------


def incident_documents(rows: list[dict[str, Any]], *, site_url: str = "") -> list[dict[str, Any]]:
    """The public documents of a page of rows from `selectors.public_incident_rows`: four
    queries, whatever the size of the page."""
    ids = [row["id"] for row in rows]
    sources = of_incidents(public_source_links(), ids)
    testimonies = of_incidents(public_testimony_links(), ids)
    corrections = of_incidents(correction_log(), ids)
    oblasts = oblasts_by_code() if rows else {}
    return [
        _document(
            row,
            sources.get(row["id"], []),
            testimonies.get(row["id"], []),
            corrections.get(row["id"], []),
            oblasts,
            site_url,
        )
        for row in rows
    ]


def _document(row, sources, testimonies, corrections, oblasts, site_url) -> dict[str, Any]:
    latitude, longitude = public_coordinates(
        row["latitude"], row["longitude"], row["geo_precision"], row["coordinates_public"]
    )
    region = None
    if row["region_code"]:
        oblast = oblasts.get(row["region_path"].split("/", 1)[0])
        region = {
            "code": row["region_code"],
            "iso_code": row["region_iso_code"],
            "level": row["region_level"],
            "name_en": row["region_name_en"],
            "name_uk": row["region_name_uk"],
            "oblast": oblast,
        }
    incident_type = None
    if row["type_slug"]:
        incident_type = {
            "slug": row["type_slug"],
            "name_en": row["type_name_en"],
            "name_uk": row["type_name_uk"],
        }
    return {
        "public_id": row["public_id"],
        "url": f"{site_url}/incidents/{row['public_id']}/",
        "title": row["title"],
        "summary": row["summary"],
        "incident_type": incident_type,
        "date_start": row["date_start"],
        "date_end": row["date_end"],
        "date_precision": row["date_precision"],
        "region": region,
        "location_name": row["location_name"],
        "latitude": latitude,
        "longitude": longitude,
        "geo_precision": row["geo_precision"],
        "killed_low": row["killed_low"],
        "killed_best": row["killed_best"],
        "killed_high": row["killed_high"],
        "victim_category": row["victim_category"],
        "perpetrator_force": row["perpetrator_force"],
        "perpetrator_unit": row["perpetrator_unit"],
        "attribution_confidence": row["attribution_confidence"],
        "verification_status": row["verification_status"],
        "verification_rationale": row["verification_rationale"],
        "published_at": row["published_at"],
        "updated_at": row["public_updated_at"],
        "sources": sources,
        "testimonies": testimonies,
        "corrections": corrections,
    }


def iter_incident_documents(
    queryset: QuerySet[Incident], *, site_url: str = "", batch_size: int = 1000
) -> Iterator[dict[str, Any]]:
    """Every incident of `queryset` as a public document, read through a server-side cursor."""
    batch: list[dict[str, Any]] = []
    for row in public_incident_rows(queryset).iterator(chunk_size=batch_size):
        batch.append(row)
        if len(batch) == batch_size:
            yield from incident_documents(batch, site_url=site_url)
            batch = []
    if batch:
        yield from incident_documents(batch, site_url=site_url)


# CSV and GeoJSON -------------------------------------------------------------------------------

# How the nested members of a document become CSV columns; every other field of the document is
# a column of its own, in the same order.
_CSV_FLATTENED = {
    "incident_type": ["incident_type"],  # its slug
    "region": [
        "region_code",
        "region_iso_code",
        "region_name_en",
        "region_name_uk",
        "oblast_iso_code",
        "oblast_name_en",
    ],
    "sources": ["source_ids"],
    "testimonies": [],
    "corrections": [],
}
CSV_COLUMNS = [
    column
    for name in IncidentSerializer._declared_fields
    for column in _CSV_FLATTENED.get(name, [name])
]


def csv_row(document: dict[str, Any]) -> list[Any]:
    region = document["region"] or {}
    oblast = region.get("oblast") or {}
    incident_type = document["incident_type"] or {}
    flat = {
        **document,
        "incident_type": incident_type.get("slug", ""),
        "region_code": region.get("code", ""),
        "region_iso_code": region.get("iso_code") or "",
        "region_name_en": region.get("name_en", ""),
        "region_name_uk": region.get("name_uk", ""),
        "oblast_iso_code": oblast.get("iso_code", ""),
        "oblast_name_en": oblast.get("name_en", ""),
        "source_ids": ";".join(source["public_id"] for source in document["sources"]),
    }
    return [_cell(flat[column]) for column in CSV_COLUMNS]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    # Times in the same ISO 8601 form as the JSON.
    return value.isoformat() if isinstance(value, dt.datetime) else value


def geojson_feature(document: dict[str, Any]) -> dict[str, Any]:
    """An incident document as a GeoJSON feature: a point at its public precision, if any."""
    latitude, longitude = document["latitude"], document["longitude"]
    return {
        "type": "Feature",
        "id": document["public_id"],
        "geometry": None
        if latitude is None
        else {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": document,
    }
