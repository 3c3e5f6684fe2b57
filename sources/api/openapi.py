"""The OpenAPI description of the source endpoints; the shared pieces are in `core.openapi`."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from core.openapi import (
    CURSOR,
    HEADERS,
    PAGE_SIZE,
    TAG_REFERENCE,
    get_operation,
    path_id,
    responses,
)
from sources.api.serializers import SourceSerializer

# The schemathesis test creates a source with this id, so the example answers 200.
EXAMPLE_SOURCE_ID = "SRC-2F6H8J4K"

SOURCE_ID = path_id("public_id", "SRC", [OpenApiExample("A source", value=EXAMPLE_SOURCE_ID)])

TEXT_QUERY = OpenApiParameter(
    "q",
    OpenApiTypes.STR,
    description="Words to find in a source's title and publisher, or a short name of its "
    "publisher (an acronym such as HRMMU, OHCHR, COI or HUR), in any case. Web-search syntax: "
    '"quoted phrase", or, -excluded. Ukrainian words match without stemming.',
    examples=[OpenApiExample("An acronym", value="HRMMU"), OpenApiExample("Words", value="POW")],
)

source_list = get_operation(
    operation_id="sources_list",
    tags=[TAG_REFERENCE],
    summary="Public sources",
    parameters=[TEXT_QUERY, CURSOR, PAGE_SIZE, *HEADERS],
    responses=responses(SourceSerializer),
)
source_detail = get_operation(
    operation_id="sources_retrieve",
    tags=[TAG_REFERENCE],
    summary="One public source",
    parameters=[SOURCE_ID, *HEADERS],
    responses=responses(SourceSerializer, not_found=True),
)
