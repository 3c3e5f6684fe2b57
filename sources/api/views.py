"""The public API's sources: those that may be cited publicly, with the incidents citing them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PublicCursorPagination, check_params, declared_fields
from core.renderers import ORJSONRenderer
from sources.api import openapi
from sources.api.serializers import SourceSerializer
from sources.models import SourceDocument
from sources.selectors import public_sources, published_incidents_citing, sources_matching

# The citing incidents come from a query of their own.
FIELDS = declared_fields(SourceSerializer, besides=["incidents"])


def _rows(queryset: QuerySet[SourceDocument]) -> QuerySet[dict[str, Any]]:
    return queryset.values("id", *FIELDS)


def _with_citing_incidents(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    citing = published_incidents_citing(row["id"] for row in rows)
    return [
        {**{name: row[name] for name in FIELDS}, "incidents": citing[row["id"]]} for row in rows
    ]


class SourcePagination(PublicCursorPagination):
    ordering = ("public_id",)


@openapi.source_list
class SourceList(generics.ListAPIView):
    """Sources that may be cited publicly, with the published incidents that cite them."""

    renderer_classes = [ORJSONRenderer]
    pagination_class = SourcePagination

    def get_queryset(self):
        sources = public_sources()
        text = self.request.query_params.get("q", "").strip()
        if text:
            sources = sources_matching(sources, text)
        return _rows(sources)

    def list(self, request: Request, *args, **kwargs):
        check_params(request, {"cursor", "page_size", "q"})
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(_with_citing_incidents(page))


@openapi.source_detail
class SourceDetail(APIView):
    renderer_classes = [ORJSONRenderer]

    def get(self, request: Request, public_id: str):
        check_params(request, ())
        rows = list(_rows(public_sources().filter(public_id=public_id)))
        if not rows:
            raise NotFound("No public source has this id.")
        return Response(_with_citing_incidents(rows)[0])
