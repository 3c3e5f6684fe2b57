"""The OpenAPI description of the incident endpoints (drf-spectacular): their parameters,
their answers and the decorators the views wear. The documents themselves are described in
`incidents.api.serializers`; what every endpoint shares is in `core.openapi`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from core.openapi import (
    BAD_REQUEST,
    CSV,
    CURSOR,
    GEOJSON,
    HEADERS,
    JSON,
    NOT_MODIFIED,
    PAGE_SIZE,
    SYNC_TIME,
    TAG_INCIDENTS,
    TAG_REFERENCE,
    TAG_SYNC,
    THROTTLED,
    UNAUTHORIZED,
    get_operation,
    path_id,
    responses,
)
from incidents.api.serializers import (
    GeoJSONFeatureCollectionSerializer,
    GoneSerializer,
    IncidentSerializer,
    IncidentTypeSerializer,
    RegionSerializer,
    StatsSerializer,
    WithdrawnEntrySerializer,
)
from incidents.filters import DEFAULT_ORDERING, ORDERINGS, IncidentFilterSet
from incidents.models import VerificationStatus

# Example ids in the docs; the schemathesis test creates records with these ids, so that the
# examples also exercise the 200, 410 and 301 answers of the detail endpoints.
EXAMPLE_INCIDENT_ID = "INC-7K3Q9X2M"
EXAMPLE_WITHDRAWN_INCIDENT_ID = "INC-4D8W2N6R"
EXAMPLE_MERGED_INCIDENT_ID = "INC-9T5B1H3P"


# Parameters ------------------------------------------------------------------------------------


def _filter(
    name: str, kind: Any, *, more: str = "", examples: tuple[tuple[str, Any], ...] = (), **options
) -> OpenApiParameter:
    """A filter of the incident list, described by its help text in the filter set (and `more`),
    with `examples` as (summary, value) pairs."""
    help_text = str(IncidentFilterSet.base_filters[name].extra["help_text"])
    return OpenApiParameter(
        name,
        kind,
        description=help_text + more,
        examples=[OpenApiExample(summary, value=value) for summary, value in examples],
        **options,
    )


# A comma-separated list: ?verification_status=verified,acknowledged
LISTED = {"many": True, "style": "form", "explode": False}

DATE_FROM = _filter(
    "date_from",
    OpenApiTypes.DATE,
    more=" Overlap: an incident dated by a range counts if any day of it is on or after this day.",
    examples=(("Since 1 January 2024", "2024-01-01"),),
)
DATE_TO = _filter(
    "date_to",
    OpenApiTypes.DATE,
    more=" Overlap: an incident dated by a range counts if its first day is on or before this day.",
    examples=(("Up to 31 March 2024", "2024-03-31"),),
)
REGION = _filter(
    "region",
    OpenApiTypes.STR,
    more=" /api/v1/regions/ lists the codes.",
    examples=(("ISO 3166-2 code", "UA-14"), ("KATOTTH code", "UA14000000000091971")),
)
VERIFICATION_STATUS = _filter(
    "verification_status",
    OpenApiTypes.STR,
    enum=VerificationStatus.values,
    examples=(("Verified or acknowledged", ["verified", "acknowledged"]),),
    **LISTED,
)
INCIDENT_TYPE = _filter(
    "incident_type",
    OpenApiTypes.STR,
    more=" /api/v1/incident-types/ lists the slugs.",
    examples=(("One type", ["pow-execution"]),),
    **LISTED,
)
TEXT_QUERY = _filter(
    "q",
    OpenApiTypes.STR,
    more=' Web-search syntax: "quoted phrase", or, -excluded. Ukrainian words match without '
    "stemming.",
    examples=(("Words", "prisoners shot"),),
)
UPDATED_SINCE = _filter(
    "updated_since",
    SYNC_TIME,
    examples=(
        ("Since a sync started", "2025-01-31T00:00:00Z"),
        ("With an offset", "2025-01-31T02:00:00+02:00"),
        ("Since a day began (UTC)", "2025-01-31"),
    ),
)
ORDERING = _filter("ordering", OpenApiTypes.STR, enum=list(ORDERINGS), default=DEFAULT_ORDERING)
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
    SYNC_TIME,
    description="Only entries that changed at or after this time: withdrawn then, or a merged "
    "duplicate whose `replaced_by` changed then. Use the time your previous sync started, less "
    "a minute. As `updated_since`: an ISO 8601 date and time with its zone (Z or an offset), or "
    "a date alone for 00:00 UTC.",
    examples=[
        OpenApiExample("Since a sync started", value="2025-01-31T00:00:00Z"),
        OpenApiExample("Since a day began (UTC)", value="2025-01-31"),
    ],
)
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[301],
    description="The path of the incident this duplicate was merged into.",
)


INCIDENT_ID = path_id(
    "public_id",
    "INC",
    [
        OpenApiExample("A published incident", value=EXAMPLE_INCIDENT_ID),
        OpenApiExample("A withdrawn incident (410)", value=EXAMPLE_WITHDRAWN_INCIDENT_ID),
        OpenApiExample("A merged duplicate (301)", value=EXAMPLE_MERGED_INCIDENT_ID),
    ],
)
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


# Responses -------------------------------------------------------------------------------------


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


incident_list = get_operation(
    operation_id="incidents_list",
    tags=[TAG_INCIDENTS],
    summary="Published incidents",
    description="Published incidents under the filters, in pages of `page_size` (JSON), or "
    "the whole filtered set as CSV or GeoJSON (`?format=`).",
    parameters=[*FILTERS, ORDERING, CURSOR, PAGE_SIZE, FORMAT, *HEADERS],
    responses=_export_responses(),
)
incident_detail = get_operation(
    operation_id="incidents_retrieve",
    tags=[TAG_INCIDENTS],
    summary="One published incident",
    description="A merged duplicate's id answers 301 to the incident it was merged into; a "
    "withdrawn incident answers 410 with the public reason.",
    parameters=[INCIDENT_ID, *HEADERS, LOCATION],
    responses=responses(
        IncidentSerializer,
        not_found=True,
        extra={
            301: OpenApiResponse(description="A merged duplicate: see Location."),
            410: OpenApiResponse(GoneSerializer, description="Withdrawn from publication."),
        },
    ),
)
incident_stats = get_operation(
    operation_id="stats_retrieve",
    tags=[TAG_INCIDENTS],
    summary="Statistics",
    description="Counts and victim sums of the published incidents under the same filters as "
    "the incident list, in total and by month, oblast, incident type and verification status.",
    parameters=[*FILTERS, *HEADERS],
    responses=responses(StatsSerializer),
)
region_list = get_operation(
    operation_id="regions_list",
    tags=[TAG_REFERENCE],
    summary="Administrative units",
    description="Every unit (oblast-level units and raions), broadest first, unpaginated.",
    parameters=HEADERS,
    responses=responses(RegionSerializer(many=True)),
)
region_detail = get_operation(
    operation_id="regions_retrieve",
    tags=[TAG_REFERENCE],
    summary="One administrative unit",
    parameters=[REGION_CODE, *HEADERS],
    responses=responses(RegionSerializer, not_found=True),
)
incident_type_list = get_operation(
    operation_id="incident_types_list",
    tags=[TAG_REFERENCE],
    summary="Incident types",
    parameters=HEADERS,
    responses=responses(IncidentTypeSerializer(many=True)),
)
withdrawn_list = get_operation(
    operation_id="withdrawn_list",
    tags=[TAG_SYNC],
    summary="Withdrawn incidents",
    description="Incidents that were published and are no longer, oldest withdrawal first: "
    "delete them from your copy, or for merged duplicates redirect to `replaced_by`.",
    parameters=[SINCE, CURSOR, PAGE_SIZE, *HEADERS],
    responses=responses(WithdrawnEntrySerializer),
)
