from __future__ import annotations

from rest_framework import generics
from rest_framework.pagination import CursorPagination

from incidents.api.serializers import IncidentListSerializer
from incidents.selectors import public_incidents


class IncidentCursorPagination(CursorPagination):
    # A cursor over (date_start, id) stays stable while partners page and records are added.
    ordering = ("-date_start", "-id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class IncidentList(generics.ListAPIView):
    serializer_class = IncidentListSerializer
    pagination_class = IncidentCursorPagination

    def get_queryset(self):
        return public_incidents()
