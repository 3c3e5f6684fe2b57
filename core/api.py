"""Shared pieces of the public API: strict parameter checking and cursor pagination."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterable

import orjson
from django.db import models
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

# A day as every date parameter takes it: four, two and two digits. strptime and
# date.fromisoformat alone would also take 2024-1-1 or 20240101.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

# Parameters every list endpoint understands besides its filters.
COMMON_PARAMS = frozenset({"format"})
PAGINATION_PARAMS = frozenset({"cursor", "page_size"})


def declared_fields(
    serializer: type[serializers.Serializer], *, besides: Iterable[str] = ()
) -> list[str]:
    """The fields a serializer declares, in order, less `besides`: the columns a view reads for
    the shape the serializer describes, so that the shape is written down once."""
    return [name for name in serializer._declared_fields if name not in set(besides)]


EMPTY_PARAM = "Must not be empty: give a value, or leave the parameter out."


def check_params(request: Request, known: Iterable[str]) -> None:
    """A misspelt parameter is an error, not an ignored filter that returns everything; so is an
    empty one (`?region=`), which a partner's script sends when a variable was not set."""
    known = set(known) | COMMON_PARAMS
    listing = ", ".join(sorted(known))
    errors = {
        name: [f"Unknown parameter. This endpoint accepts: {listing}."]
        for name in sorted(set(request.query_params) - known)
    }
    for name, values in request.query_params.lists():
        if name in known and any(not value.strip() for value in values):
            errors[name] = [EMPTY_PARAM]
    if errors:
        raise ValidationError(errors)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, plus a 400 for any parameter that is neither a filter nor pagination, or
    that is sent empty."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        known = set(filterset.filters) if filterset is not None else set()
        if getattr(view, "pagination_class", None) is not None:
            known |= PAGINATION_PARAMS
        check_params(request, known)
        return super().filter_queryset(request, queryset, view)


class PublicCursorPagination(BasePagination):
    """Keyset pages: the cursor holds the sort values of the row it continues from.

    Unlike an offset, a keyset cursor stays right while records are added, never needs COUNT(*),
    costs the same on page 1 and page 10,000, and does not care how many records share a date:
    the last ordering field must be unique (the id) and breaks every tie. Subclasses give
    `ordering` or override `get_ordering`; rows are dicts holding every ordering field.
    """

    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    ordering: tuple[str, ...] = ()

    def get_ordering(self, request: Request, queryset, view) -> tuple[str, ...]:
        return self.ordering

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

    def paginate_queryset(self, queryset, request: Request, view=None) -> list:
        self.request = request
        self.ordering_used = self.get_ordering(request, queryset, view)
        self.size = self.get_page_size(request)
        self.fields = [
            queryset.model._meta.get_field(name.lstrip("-")) for name in self.ordering_used
        ]
        backwards, position = self._decode_cursor(request)
        ordering = self.ordering_used
        if backwards:
            ordering = tuple(_flip(name) for name in ordering)
        if position is not None:
            queryset = queryset.filter(_after(ordering, position))
        rows = list(queryset.order_by(*ordering)[: self.size + 1])
        more = len(rows) > self.size
        rows = rows[: self.size]
        if backwards:
            rows.reverse()
        # Going forwards there is a previous page whenever we came from a cursor; going
        # backwards there is a next page for the same reason.
        self.has_next = (more if not backwards else position is not None) and bool(rows)
        self.has_previous = (position is not None if not backwards else more) and bool(rows)
        self.rows = rows
        return rows

    def _decode_cursor(self, request: Request) -> tuple[bool, list | None]:
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return False, None
        try:
            payload = orjson.loads(base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4)))
            backwards, values = bool(payload[0]), payload[1]
            # strict: a cursor with too few or too many values is as invalid as a garbled one.
            return backwards, [
                _parse(field, value) for field, value in zip(self.fields, values, strict=True)
            ]
        except (ValueError, TypeError, IndexError, KeyError, orjson.JSONDecodeError):
            raise ValidationError(
                {"cursor": ["Invalid cursor. Follow the next or previous link of a page."]}
            ) from None

    def _link(self, row: dict, backwards: bool) -> str:
        values = [_dump(row[name.lstrip("-")]) for name in self.ordering_used]
        token = base64.urlsafe_b64encode(orjson.dumps([int(backwards), values])).rstrip(b"=")
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, token.decode())

    def get_next_link(self) -> str | None:
        return self._link(self.rows[-1], backwards=False) if self.has_next else None

    def get_previous_link(self) -> str | None:
        return self._link(self.rows[0], backwards=True) if self.has_previous else None

    def get_paginated_response(self, data) -> Response:
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where a page starts; take it from a page's next or previous link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Records per page, 1 to {self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


def _flip(name: str) -> str:
    return name[1:] if name.startswith("-") else "-" + name


def _after(ordering: tuple[str, ...], position: list) -> Q:
    """Rows strictly after `position` in `ordering`: (a, b) > (x, y) as a OR of prefixes."""
    condition = Q()
    for index, name in enumerate(ordering):
        field = name.lstrip("-")
        beyond = Q(**{f"{field}__{'lt' if name.startswith('-') else 'gt'}": position[index]})
        equal_before = Q(**{ordering[i].lstrip("-"): position[i] for i in range(index)})
        condition |= equal_before & beyond
    return condition


def _dump(value) -> object:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


# PostgreSQL's bigint, the widest integer column a cursor can hold.
_BIGINT = range(-(2**63), 2**63)


def _parse(field, value):
    """A cursor value as the database column takes it, or ValueError. Cursors are ours (`_dump`
    writes them from database rows), so anything a row could not hold is a tampered cursor."""
    if isinstance(field, models.DateTimeField):
        moment = dt.datetime.fromisoformat(value)
        # Rows come back in UTC. Another offset may lie beyond what PostgreSQL accepts (+-15:59)
        # or shift the time past year 9999.
        if moment.utcoffset() != dt.timedelta(0):
            raise ValueError
        return moment
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat(value)
    if isinstance(field, (models.AutoField, models.BigAutoField, models.IntegerField)):
        if not isinstance(value, int) or isinstance(value, bool) or value not in _BIGINT:
            raise ValueError
        return value
    # PostgreSQL refuses to compare text with a NUL byte.
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError
    return value


class StrictContentNegotiation(DefaultContentNegotiation):
    """An explicit `?format=` wins over the Accept header, and an unknown one is a 400 naming
    the formats on offer. Many HTTP libraries send `Accept: application/json` on every request;
    asking them for `?format=csv` must give CSV, not DRF's 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        asked = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if asked is None:
            return super().select_renderer(request, renderers, format_suffix)
        asked = asked.strip()
        if not asked:
            # The view's parameter check refuses it by name; until then, the first format.
            return renderers[0], renderers[0].media_type
        for renderer in renderers:
            if renderer.format == asked:
                return renderer, renderer.media_type
        offered = ", ".join(renderer.format for renderer in renderers)
        raise ValidationError({"format": [f"Unknown format. Use one of: {offered}."]})


# An ISO 8601 date and time in the extended format (RFC 3339's, with its lower-case t and z),
# seconds and their fraction optional; the zone is optional here only so that a time without one
# gets a message of its own.
_SYNC_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)
SYNC_TIME_INVALID = (
    "Enter a date and time in ISO 8601 with its time zone, e.g. 2025-01-31T00:00:00Z or "
    "2025-01-31T02:00:00+02:00, or a date alone (2025-01-31) for midnight UTC."
)
SYNC_TIME_WITHOUT_ZONE = (
    "A time zone is required: add Z for UTC or an offset such as +02:00 "
    "(2025-01-31T00:00:00Z), or give a date alone (2025-01-31) for midnight UTC."
)


def parse_sync_time(value: str) -> dt.datetime:
    """The instant that a sync parameter (`updated_since`, `withdrawn/?since=`) names, in UTC.

    An ISO 8601 date and time with its zone (Z or an offset), or a date alone, which means 00:00
    UTC of that day. A time without a zone is refused: read in the server's zone it would shift a
    partner's sync by hours without a word. A `+` that arrived as a space (an offset not
    URL-encoded) is read as the `+` it was. Raises ValueError with a message for the client.
    """
    value = value.replace(" ", "+")
    if ISO_DATE.fullmatch(value):
        try:
            return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), tzinfo=dt.UTC)
        except ValueError:
            raise ValueError(SYNC_TIME_INVALID) from None
    parts = _SYNC_TIME.fullmatch(value)
    if parts is None:
        raise ValueError(SYNC_TIME_INVALID)
    if parts["zone"] is None:
        raise ValueError(SYNC_TIME_WITHOUT_ZONE)
    try:
        day = dt.date.fromisoformat(parts["date"])
        moment = dt.datetime(
            day.year,
            day.month,
            day.day,
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts["second"] or 0),
            int((parts["fraction"] or "")[:6].ljust(6, "0")),
            tzinfo=_zone(parts["zone"]),
        )
    except ValueError:  # Month 13, 25 o'clock, an offset of 24 hours or more.
        raise ValueError(SYNC_TIME_INVALID) from None
    return as_utc(moment)


def _zone(text: str) -> dt.tzinfo:
    if text in ("Z", "z"):
        return dt.UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if minutes > 59:
        raise ValueError
    offset = dt.timedelta(hours=hours, minutes=minutes)
    return dt.timezone(-offset if text[0] == "-" else offset)


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
