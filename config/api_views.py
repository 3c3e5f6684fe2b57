"""Views of /api/v1/ that belong to no app: the index of the endpoints, and the docs page."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import check_params
from core.openapi import HEADERS, get_operation, responses
from core.renderers import ORJSONRenderer

# What the index lists: each endpoint that takes no id, by the name of its route.
INDEX = {
    "incidents": "api:incident-list",
    "sources": "api:source-list",
    "regions": "api:region-list",
    "incident_types": "api:incident-type-list",
    "stats": "api:stats",
    "withdrawn": "api:withdrawn-list",
    "schema": "api:schema",
    "docs": "api:docs",
}


class ApiIndexSerializer(serializers.Serializer):
    """The address of each endpoint of the API."""

    incidents = serializers.URLField(help_text="Published incidents, filtered; CSV and GeoJSON.")
    sources = serializers.URLField(help_text="Sources that may be cited publicly.")
    regions = serializers.URLField(help_text="Administrative units and their codes.")
    incident_types = serializers.URLField(help_text="The vocabulary of incident types.")
    stats = serializers.URLField(help_text="Counts and victim sums under the incident filters.")
    withdrawn = serializers.URLField(help_text="Incidents withdrawn since a time, for sync.")
    schema = serializers.URLField(help_text="This OpenAPI description.")
    docs = serializers.URLField(help_text="The interactive documentation.")


@get_operation(
    operation_id="index",
    tags=["index"],
    summary="The endpoints",
    description="The absolute address of each endpoint, so that a client needs to know only "
    "the base URL.",
    parameters=HEADERS,
    responses=responses(ApiIndexSerializer),
)
class ApiIndex(APIView):
    renderer_classes = [ORJSONRenderer]

    def get(self, request: Request) -> Response:
        check_params(request, ())
        return Response(
            {name: request.build_absolute_uri(reverse(route)) for name, route in INDEX.items()}
        )


class ApiDocs(SpectacularSwaggerSplitView):
    """Swagger UI, from our static files. Its page is the only HTML of the API."""

    def options(self, request: Request, *args, **kwargs) -> HttpResponse:
        # DRF would describe the view by rendering its description through the page's template,
        # which has no schema address to show; the Allow header (added by DRF) says it all.
        return HttpResponse(status=200)
