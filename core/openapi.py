"""What every endpoint of the public API shares in its OpenAPI description (drf-spectacular):
the partner token, the error bodies, the paging, caching and rate-limit parameters, and the
answers every endpoint may give. Each app's `api/openapi.py` describes its own endpoints with
these pieces.
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
    extend_schema_view,
)
from rest_framework import serializers

from core.api import PublicCursorPagination

PUBLIC_ID_ALPHABET = "0-9A-HJKMNP-TV-Z"  # Crockford's base 32 (core.public_ids)

JSON = "application/json"
CSV = "text/csv"
GEOJSON = "application/geo+json"

TAG_INCIDENTS = "incidents"
TAG_REFERENCE = "reference data"
TAG_SYNC = "sync"


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
                "revoked token, or any other Authorization header, is a 401."
            ),
        }


def constant(value: str):
    """A string that is always `value` (GeoJSON's "type" members)."""

    @extend_schema_field({"type": "string", "enum": [value]})
    class Constant(serializers.CharField):
        pass

    return Constant()


# Errors ----------------------------------------------------------------------------------------


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


BAD_REQUEST = OpenApiResponse(
    ValidationErrorSerializer,
    description="A parameter was rejected: unknown, misspelt, empty, or with an invalid value. No "
    "parameter is ever silently ignored.",
)
UNAUTHORIZED = OpenApiResponse(
    DetailErrorSerializer,
    description="The Authorization header holds anything but a valid partner token: a wrong or "
    "revoked one, another kind of credentials, or a malformed header.",
)
NOT_FOUND = OpenApiResponse(DetailErrorSerializer, description="No public record has this id.")
THROTTLED = OpenApiResponse(
    DetailErrorSerializer, description="Rate limit reached; wait for Retry-After seconds."
)
NOT_MODIFIED = OpenApiResponse(description="Unchanged since the ETag sent in If-None-Match.")


# Parameters ------------------------------------------------------------------------------------

# `updated_since` and `withdrawn/?since=` (core.api.parse_sync_time): a date and time with its
# zone, or a date alone for 00:00 UTC of that day.
SYNC_TIME = {
    "oneOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]
}

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
HEADERS = [IF_NONE_MATCH, ETAG, RETRY_AFTER]


def path_id(name: str, prefix: str, examples: list[OpenApiExample]) -> OpenApiParameter:
    """A public id in the path, e.g. INC-7K3Q9X2M."""
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        location=OpenApiParameter.PATH,
        pattern=rf"^{prefix}-[{PUBLIC_ID_ALPHABET}]{{8}}$",
        description=f"A public id, e.g. {examples[0].value}.",
        examples=examples,
    )


# Responses and operations ----------------------------------------------------------------------


def responses(ok: Any, *, not_found: bool = False, extra: dict | None = None) -> dict[Any, Any]:
    """`ok` for 200, and the other answers every endpoint may give."""
    answers = {200: ok, 304: NOT_MODIFIED, 400: BAD_REQUEST, 401: UNAUTHORIZED, 429: THROTTLED}
    if not_found:
        answers[404] = NOT_FOUND
    answers.update(extra or {})
    return dict(sorted(answers.items()))


def get_operation(**description: Any):
    """A class decorator describing a view's GET (decorating the class itself would apply
    operation ids to every method)."""
    return extend_schema_view(get=extend_schema(**description))
