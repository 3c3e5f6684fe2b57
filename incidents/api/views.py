"""The public read-only API. Every view starts from a public gate and lists its fields itself."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.http import HttpResponsePermanentRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils.http import http_date
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import (
    PublicCursorPagination,
    StrictFilterBackend,
    check_params,
    declared_fields,
    parse_sync_time,
)
from core.renderers import CSVRenderer, GeoJSONRenderer, ORJSONRenderer, csv_lines, dumps
from incidents.api import openapi
from incidents.api.serializers import (
    CSV_COLUMNS,
    IncidentTypeSerializer,
    RegionSerializer,
    csv_row,
    geojson_feature,
    incident_documents,
    iter_incident_documents,
)
from incidents.filters import DEFAULT_ORDERING, ORDERINGS, IncidentFilterSet
from incidents.models import (
    Incident,
    IncidentType,
    Region,
)
from incidents.selectors import (
    incident_stats,
    public_incident_rows,
    public_incidents,
    region_by_code,
    replaced_by,
    withdrawn_incident,
    withdrawn_incidents,
)


def _site_url(request: Request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _geojson_chunks(documents) -> Any:
    yield b'{"type":"FeatureCollection","features":['
    for position, document in enumerate(documents):
        yield (b"," if position else b"") + dumps(geojson_feature(document))
    yield b"]}"


class IncidentPagination(PublicCursorPagination):
    def get_ordering(self, request, queryset, view):
        return ORDERINGS.get(request.query_params.get("ordering") or DEFAULT_ORDERING)


@openapi.incident_list
class IncidentList(generics.ListAPIView):
    """Published incidents, filtered; JSON pages, or the whole filtered set as CSV or GeoJSON."""

    renderer_classes = [ORJSONRenderer, CSVRenderer, GeoJSONRenderer]
    filter_backends = [StrictFilterBackend]
    filterset_class = IncidentFilterSet
    pagination_class = IncidentPagination

    def handle_exception(self, exc):
        # An error is JSON whatever format was asked for: a 400 labelled text/csv would be
        # saved by a partner's script as if it were the data.
        self.request.accepted_renderer = ORJSONRenderer()
        self.request.accepted_media_type = ORJSONRenderer.media_type
        return super().handle_exception(exc)

    def get_queryset(self) -> QuerySet[Incident]:
        return public_incidents()

    def list(self, request: Request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        site_url = _site_url(request)
        export = request.accepted_renderer.format
        if export in ("csv", "geojson"):
            documents = iter_incident_documents(queryset, site_url=site_url)
            if export == "csv":
                body, content_type = csv_lines(CSV_COLUMNS, map(csv_row, documents)), "text/csv"
            else:
                body, content_type = _geojson_chunks(documents), "application/geo+json"
            response = StreamingHttpResponse(body, content_type=f"{content_type}; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="incidents.{export}"'
            return response
        page = self.paginate_queryset(public_incident_rows(queryset))
        return self.get_paginated_response(incident_documents(page, site_url=site_url))


@openapi.incident_detail
class IncidentDetail(APIView):
    """One published incident. A merged duplicate's id redirects to the survivor; a withdrawn
    incident answers 410 with the public reason."""

    renderer_classes = [ORJSONRenderer]

    def get(self, request: Request, public_id: str):
        check_params(request, ())
        rows = list(public_incident_rows(public_incidents().filter(public_id=public_id)))
        if rows:
            (document,) = incident_documents(rows, site_url=_site_url(request))
            response = Response(document)
            response["Last-Modified"] = http_date(document["updated_at"].timestamp())
            return response
        gone = withdrawn_incident(public_id)
        if gone is None:
            raise NotFound("No published incident has this id.")
        survivor = gone.pop("replaced_by")  # A redirect, never part of the 410 body.
        if survivor is not None:
            return HttpResponsePermanentRedirect(reverse("api:incident-detail", args=[survivor]))
        return Response(gone, status=410)


REGION_FIELDS = declared_fields(RegionSerializer, besides=["parent_code"])


def _region_rows(queryset) -> list[dict[str, Any]]:
    return list(queryset.values(*REGION_FIELDS, parent_code=F("parent__code")))


@openapi.region_list
class RegionList(APIView):
    """Every administrative unit, oblast-level units first, each with its parent's code."""

    renderer_classes = [ORJSONRenderer]

    def get(self, request: Request):
        check_params(request, ())
        return Response(_region_rows(Region.objects.order_by("path")))


@openapi.region_detail
class RegionDetail(APIView):
    renderer_classes = [ORJSONRenderer]

    def get(self, request: Request, code: str):
        check_params(request, ())
        region = region_by_code(code)
        if region is None:
            raise NotFound("No region has this KATOTTH or ISO 3166-2 code.")
        return Response(_region_rows(Region.objects.filter(pk=region.pk))[0])


@openapi.incident_type_list
class IncidentTypeList(APIView):
    renderer_classes = [ORJSONRenderer]

    def get(self, request: Request):
        check_params(request, ())
        return Response(
            list(
                IncidentType.objects.order_by("slug").values(
                    *declared_fields(IncidentTypeSerializer)
                )
            )
        )


@openapi.incident_stats
class IncidentStats(APIView):
    """Counts and victim sums under the same filters as the incident list."""

    renderer_classes = [ORJSONRenderer]

    def get(self, request: Request):
        filterset = IncidentFilterSet(request.query_params, queryset=public_incidents())
        check_params(request, set(filterset.filters) - {"ordering"})
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return Response(incident_stats(filterset.qs))


class WithdrawnPagination(PublicCursorPagination):
    ordering = ("withdrawn_at", "public_id")


@openapi.withdrawn_list
class WithdrawnList(generics.ListAPIView):
    """Incidents that were published and are no longer, for partners keeping a mirror in sync."""

    renderer_classes = [ORJSONRenderer]
    pagination_class = WithdrawnPagination

    def get_queryset(self):
        since = None
        raw = self.request.query_params.get("since")
        if raw is not None:
            try:
                since = parse_sync_time(raw)
            except ValueError as error:
                raise ValidationError({"since": [str(error)]}) from None
        return withdrawn_incidents(since).values(
            "public_id", "withdrawn_at", reason=F("withdrawal_reason"), replaced_by=replaced_by()
        )

    def list(self, request: Request, *args, **kwargs):
        check_params(request, {"since", "cursor", "page_size"})
        return self.get_paginated_response(self.paginate_queryset(self.get_queryset()))
