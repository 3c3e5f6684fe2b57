"""The OpenAPI description of the public API (drf-spectacular).

The views answer with plain dicts built in `incidents.selectors` and `incidents.api.views`, so
nothing here serialises data: these serializers only describe those dicts, field by field, for
/api/v1/schema/ and the docs page. tests/incidents/test_api_schema.py checks real responses
against them, so a document that drifts from its description fails a test.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers

from core.api import PublicCursorPagination
from incidents.filters import DEFAULT_ORDERING, ORDERINGS, IncidentFilterSet
from incidents.models import (
    AttributionConfidence,
    CorrectionNoteKind,
    DatePrecision,
    GeoPrecision,
    RegionLevel,
    SourceRole,
    VerificationStatus,
    VictimCategory,
)
from sources.models import Directness, SourceKind

# Example ids in the docs; the schemathesis test creates records with these ids, so that the
# examples also exercise the 200, 410 and 301 answers of the detail endpoints.
EXAMPLE_INCIDENT_ID = "INC-7K3Q9X2M"
EXAMPLE_WITHDRAWN_INCIDENT_ID = "INC-4D8W2N6R"
EXAMPLE_MERGED_INCIDENT_ID = "INC-9T5B1H3P"
EXAMPLE_SOURCE_ID = "SRC-2F6H8J4K"

PUBLIC_ID_ALPHABET = "0-9A-HJKMNP-TV-Z"  # Crockford's base 32 (core.public_ids)


# Authentication --------------------------------------------------------------------------------


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.tokens.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Optional. Partners may ask for a token, sent as `Authorization: Token <key>`; it "
                "grants nothing beyond the public API, only a higher rate limit. A wrong or "
                "revoked token is a 401."
            ),
        }


# Pieces of the documents -----------------------------------------------------------------------


def _constant(value: str):
    """A string that is always `value` (GeoJSON's "type" members)."""

    @extend_schema_field({"type": "string", "enum": [value]})
    class Constant(serializers.CharField):
        pass

    return Constant()


class OblastSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="KATOTTH code of the oblast-level unit.")
    iso_code = serializers.CharField(allow_null=True, help_text="ISO 3166-2 code, e.g. UA-14.")
    name_en = serializers.CharField()
    name_uk = serializers.CharField()


class IncidentRegionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="KATOTTH code of the smallest unit that is known.")
    iso_code = serializers.CharField(
        allow_null=True, help_text="ISO 3166-2 code; oblast-level units only."
    )
    level = serializers.ChoiceField(choices=RegionLevel.choices)
    name_en = serializers.CharField()
    name_uk = serializers.CharField()
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
    region = IncidentRegionSerializer(allow_null=True)
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
    type = _constant("Point")
    coordinates = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        help_text="[longitude, latitude], rounded as in the JSON document.",
    )


class GeoJSONFeatureSerializer(serializers.Serializer):
    type = _constant("Feature")
    id = serializers.CharField(help_text="The incident's public id.")
    geometry = GeoJSONPointSerializer(
        allow_null=True, help_text="null when the location is not public."
    )
    properties = IncidentSerializer()


@extend_schema_serializer(many=False)
class GeoJSONFeatureCollectionSerializer(serializers.Serializer):
    """Every incident of the filtered set, unpaginated."""

    type = _constant("FeatureCollection")
    features = GeoJSONFeatureSerializer(many=True)


class SourceSerializer(serializers.Serializer):
    """A source that may be cited publicly, with the published incidents that cite it."""

    public_id = serializers.CharField()
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    title = serializers.CharField()
    publisher = serializers.CharField(help_text="Empty when unknown.")
    url = serializers.CharField(help_text="Link to the original; empty when there is none.")
    archive_url = serializers.CharField(help_text="A preserved copy; empty when there is none.")
    published_on = serializers.DateField(allow_null=True)
    language = serializers.CharField(help_text="Language code, e.g. uk, ru, en; may be empty.")
    description = serializers.CharField()
    incidents = serializers.ListField(
        child=serializers.CharField(), help_text="Public ids of the published incidents citing it."
    )


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="KATOTTH code.")
    iso_code = serializers.CharField(
        allow_null=True, help_text="ISO 3166-2 code; oblast-level units only."
    )
    level = serializers.ChoiceField(choices=RegionLevel.choices)
    name_en = serializers.CharField()
    name_uk = serializers.CharField()
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


class DetailErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ValidationErrorSerializer(serializers.Serializer):
    """400: each rejected parameter, with what was wrong with it (described below)."""


class ValidationErrorScheme(OpenApiSerializerExtension):
    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema, direction) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "Each rejected query parameter, with one or more messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "example": {"date_from": ["Enter a date as YYYY-MM-DD."]},
        }


# Parameters ------------------------------------------------------------------------------------


def _filter_help(name: str) -> str:
    return str(IncidentFilterSet.base_filters[name].extra["help_text"])


DATE_FROM = OpenApiParameter(
    "date_from",
    OpenApiTypes.DATE,
    description=_filter_help("date_from")
    + " Overlap: an incident dated by a range counts if any day of it is on or after this day.",
    examples=[OpenApiExample("Since 1 January 2024", value="2024-01-01")],
)
DATE_TO = OpenApiParameter(
    "date_to",
    OpenApiTypes.DATE,
    description=_filter_help("date_to")
    + " Overlap: an incident dated by a range counts if its first day is on or before this day.",
    examples=[OpenApiExample("Up to 31 March 2024", value="2024-03-31")],
)
REGION = OpenApiParameter(
    "region",
    OpenApiTypes.STR,
    description=_filter_help("region") + " /api/v1/regions/ lists the codes.",
    examples=[
        OpenApiExample("ISO 3166-2 code", value="UA-14"),
        OpenApiExample("KATOTTH code", value="UA14000000000091971"),
    ],
)
VERIFICATION_STATUS = OpenApiParameter(
    "verification_status",
    OpenApiTypes.STR,
    many=True,
    enum=VerificationStatus.values,
    style="form",
    explode=False,
    description=_filter_help("verification_status"),
    examples=[OpenApiExample("Verified or acknowledged", value=["verified", "acknowledged"])],
)
INCIDENT_TYPE = OpenApiParameter(
    "incident_type",
    OpenApiTypes.STR,
    many=True,
    style="form",
    explode=False,
    description=_filter_help("incident_type") + " /api/v1/incident-types/ lists the slugs.",
    examples=[OpenApiExample("One type", value=["pow-execution"])],
)
TEXT_QUERY = OpenApiParameter(
    "q",
    OpenApiTypes.STR,
    description=_filter_help("q")
    + ' Web-search syntax: "quoted phrase", or, -excluded. Ukrainian words match without stemming.',
    examples=[OpenApiExample("Words", value="prisoners shot")],
)
UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    description=_filter_help("updated_since"),
    examples=[OpenApiExample("Since a sync started", value="2025-01-31T00:00:00Z")],
)
ORDERING = OpenApiParameter(
    "ordering",
    OpenApiTypes.STR,
    enum=list(ORDERINGS),
    default=DEFAULT_ORDERING,
    description=_filter_help("ordering"),
)
CURSOR = OpenApiParameter(
    "cursor",
    OpenApiTypes.STR,
    description="An opaque position; follow the `next` and `previous` links of a page rather "
    "than building it.",
)
PAGE_SIZE = OpenApiParameter(
    "page_size",
    {"type": "integer", "minimum": 1, "maximum": PublicCursorPagination.max_page_size},
    default=PublicCursorPagination.page_size,
    description=f"Records per page, 1 to {PublicCursorPagination.max_page_size} "
    f"(default {PublicCursorPagination.page_size}).",
)
FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv", "geojson"],
    default="json",
    description="json: pages of documents. csv and geojson: the whole filtered set in one "
    "streamed download (cursor and page_size do not apply).",
)
SINCE = OpenApiParameter(
    "since",
    OpenApiTypes.DATETIME,
    description="Only entries that changed at or after this time (ISO 8601): withdrawn then, "
    "or a merged duplicate whose `replaced_by` changed then. Use the time your previous sync "
    "started, less a minute.",
    examples=[OpenApiExample("Since a sync started", value="2025-01-31T00:00:00Z")],
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description="The ETag of a response you already have; the answer is 304 if it is unchanged.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200],
    description="Send it back in If-None-Match to get 304 while nothing changed "
    "(not on CSV and GeoJSON downloads).",
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    location=OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before the next request.",
)
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[301],
    description="The path of the incident this duplicate was merged into.",
)


def _path_id(name: str, prefix: str, examples: list[OpenApiExample]) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        location=OpenApiParameter.PATH,
        pattern=rf"^{prefix}-[{PUBLIC_ID_ALPHABET}]{{8}}$",
        description=f"A public id, e.g. {examples[0].value}.",
        examples=examples,
    )


INCIDENT_ID = _path_id(
    "public_id",
    "INC",
    [
        OpenApiExample("A published incident", value=EXAMPLE_INCIDENT_ID),
        OpenApiExample("A withdrawn incident (410)", value=EXAMPLE_WITHDRAWN_INCIDENT_ID),
        OpenApiExample("A merged duplicate (301)", value=EXAMPLE_MERGED_INCIDENT_ID),
    ],
)
SOURCE_ID = _path_id("public_id", "SRC", [OpenApiExample("A source", value=EXAMPLE_SOURCE_ID)])
REGION_CODE = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    location=OpenApiParameter.PATH,
    pattern=r"^[Uu][Aa](-[0-9]{2}|[0-9]{17})$",
    description="A KATOTTH code (UA14000000000091971) or an ISO 3166-2 code (UA-14).",
    examples=[
        OpenApiExample("ISO 3166-2 code", value="UA-14"),
        OpenApiExample("KATOTTH code", value="UA14020000000013572"),
    ],
)

FILTERS = [
    DATE_FROM,
    DATE_TO,
    REGION,
    VERIFICATION_STATUS,
    INCIDENT_TYPE,
    TEXT_QUERY,
    UPDATED_SINCE,
]
HEADERS = [IF_NONE_MATCH, ETAG, RETRY_AFTER]


# Responses -------------------------------------------------------------------------------------

JSON = "application/json"
CSV = "text/csv"
GEOJSON = "application/geo+json"

BAD_REQUEST = OpenApiResponse(
    ValidationErrorSerializer,
    description="A parameter was rejected: unknown, misspelt, or with an invalid value. No "
    "parameter is ever silently ignored.",
)
UNAUTHORIZED = OpenApiResponse(
    DetailErrorSerializer, description="The Authorization header holds a wrong or revoked token."
)
NOT_FOUND = OpenApiResponse(DetailErrorSerializer, description="No public record has this id.")
THROTTLED = OpenApiResponse(
    DetailErrorSerializer, description="Rate limit reached; wait for Retry-After seconds."
)
NOT_MODIFIED = OpenApiResponse(description="Unchanged since the ETag sent in If-None-Match.")


def _responses(ok: Any, *, not_found: bool = False, extra: dict | None = None) -> dict[Any, Any]:
    """`ok` for 200, and the other answers every endpoint may give."""
    responses = {200: ok, 304: NOT_MODIFIED, 400: BAD_REQUEST, 401: UNAUTHORIZED, 429: THROTTLED}
    if not_found:
        responses[404] = NOT_FOUND
    responses.update(extra or {})
    return dict(sorted(responses.items()))


def _export_responses() -> dict[Any, Any]:
    # With ?format=csv or geojson, errors are the same JSON objects, sent with the export's
    # content type (the negotiated renderer writes them).
    responses: dict[Any, Any] = {
        (200, JSON): OpenApiResponse(
            IncidentSerializer,
            description="JSON: one page of incidents. CSV: every filtered incident, one row each, "
            "sources as semicolon-separated ids; cells that a spreadsheet would run as a formula "
            "start with '. GeoJSON: a FeatureCollection of every filtered incident.",
        ),
        (200, CSV): OpenApiTypes.STR,
        (200, GEOJSON): GeoJSONFeatureCollectionSerializer,
        304: NOT_MODIFIED,
    }
    for status, body in ((400, BAD_REQUEST), (401, UNAUTHORIZED), (429, THROTTLED)):
        responses[(status, JSON)] = body
        responses[(status, CSV)] = body
        responses[(status, GEOJSON)] = body
    return responses


def _get(**description: Any):
    """A class decorator describing a view's GET (decorating the class itself would apply
    operation ids to every method)."""
    return extend_schema_view(get=extend_schema(**description))


TAG_INCIDENTS = "incidents"
TAG_REFERENCE = "reference data"
TAG_SYNC = "sync"

incident_list = _get(
    operation_id="incidents_list",
    tags=[TAG_INCIDENTS],
    summary="Published incidents",
    description="Published incidents under the filters, in pages of `page_size` (JSON), or "
    "the whole filtered set as CSV or GeoJSON (`?format=`).",
    parameters=[*FILTERS, ORDERING, CURSOR, PAGE_SIZE, FORMAT, *HEADERS],
    responses=_export_responses(),
)
incident_detail = _get(
    operation_id="incidents_retrieve",
    tags=[TAG_INCIDENTS],
    summary="One published incident",
    description="A merged duplicate's id answers 301 to the incident it was merged into; a "
    "withdrawn incident answers 410 with the public reason.",
    parameters=[INCIDENT_ID, *HEADERS, LOCATION],
    responses=_responses(
        IncidentSerializer,
        not_found=True,
        extra={
            301: OpenApiResponse(description="A merged duplicate: see Location."),
            410: OpenApiResponse(GoneSerializer, description="Withdrawn from publication."),
        },
    ),
)
incident_stats = _get(
    operation_id="stats_retrieve",
    tags=[TAG_INCIDENTS],
    summary="Statistics",
    description="Counts and victim sums of the published incidents under the same filters as "
    "the incident list, in total and by month, oblast, incident type and verification status.",
    parameters=[*FILTERS, *HEADERS],
    responses=_responses(StatsSerializer),
)
source_list = _get(
    operation_id="sources_list",
    tags=[TAG_REFERENCE],
    summary="Public sources",
    parameters=[CURSOR, PAGE_SIZE, *HEADERS],
    responses=_responses(SourceSerializer),
)
source_detail = _get(
    operation_id="sources_retrieve",
    tags=[TAG_REFERENCE],
    summary="One public source",
    parameters=[SOURCE_ID, *HEADERS],
    responses=_responses(SourceSerializer, not_found=True),
)
region_list = _get(
    operation_id="regions_list",
    tags=[TAG_REFERENCE],
    summary="Administrative units",
    description="Every unit (oblast-level units and raions), broadest first, unpaginated.",
    parameters=HEADERS,
    responses=_responses(RegionSerializer(many=True)),
)
region_detail = _get(
    operation_id="regions_retrieve",
    tags=[TAG_REFERENCE],
    summary="One administrative unit",
    parameters=[REGION_CODE, *HEADERS],
    responses=_responses(RegionSerializer, not_found=True),
)
incident_type_list = _get(
    operation_id="incident_types_list",
    tags=[TAG_REFERENCE],
    summary="Incident types",
    parameters=HEADERS,
    responses=_responses(IncidentTypeSerializer(many=True)),
)
withdrawn_list = _get(
    operation_id="withdrawn_list",
    tags=[TAG_SYNC],
    summary="Withdrawn incidents",
    description="Incidents that were published and are no longer, oldest withdrawal first: "
    "delete them from your copy, or for merged duplicates redirect to `replaced_by`.",
    parameters=[SINCE, CURSOR, PAGE_SIZE, *HEADERS],
    responses=_responses(WithdrawnEntrySerializer),
)
