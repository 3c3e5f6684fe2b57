"""Shared pieces of the public API: strict parameter checking and cursor pagination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

# Parameters every list endpoint understands besides its filters.
COMMON_PARAMS = frozenset({"format"})
PAGINATION_PARAMS = frozenset({"cursor", "page_size"})


def reject_unknown_params(request: Request, known: Iterable[str]) -> None:
    """A misspelt parameter is an error, not an ignored filter that returns everything."""
    known = set(known) | COMMON_PARAMS
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        listing = ", ".join(sorted(known))
        raise ValidationError(
            {name: [f"Unknown parameter. This endpoint accepts: {listing}."] for name in unknown}
        )


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, plus a 400 for any parameter that is neither a filter nor pagination."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        known = set(filterset.filters) if filterset is not None else set()
        if getattr(view, "pagination_class", None) is not None:
            known |= PAGINATION_PARAMS
        reject_unknown_params(request, known)
        return super().filter_queryset(request, queryset, view)


class PublicCursorPagination(CursorPagination):
    """Cursor pages: stable while records are added, and no COUNT(*) of the whole table."""

    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def decode_cursor(self, request: Request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {"cursor": ["Invalid cursor. Follow the next or previous link of a page."]}
            ) from None


class StrictContentNegotiation(DefaultContentNegotiation):
    """An unknown ?format= is a 400 naming the formats on offer, not a bare 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            offered = ", ".join(renderer.format for renderer in renderers)
            raise ValidationError({"format": [f"Unknown format. Use one of: {offered}."]}) from None


def as_utc(moment: dt.datetime) -> dt.datetime:
    """An aware time in UTC. ISO 8601 allows offsets up to +-23:59, PostgreSQL only +-15:59; the
    instant is the same. Times too close to year 1 or 9999 to shift are clamped."""
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        return (
            dt.datetime.min.replace(tzinfo=dt.UTC)
            if moment.year < 5000
            else (dt.datetime.max.replace(tzinfo=dt.UTC))
        )
