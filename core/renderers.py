"""Fast JSON for the API (orjson), and the streaming helpers behind CSV and GeoJSON exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import orjson
from rest_framework.renderers import BaseRenderer

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return b"" if data is None else dumps(data)


class PassthroughRenderer(BaseRenderer):
    """Lets `?format=csv|geojson` be negotiated; the views stream those bodies themselves."""

    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        # Only reached for errors (e.g. a 400 for a bad filter): answer them as JSON text.
        return dumps(data)


class CSVRenderer(PassthroughRenderer):
    media_type = "text/csv"
    format = "csv"


class GeoJSONRenderer(PassthroughRenderer):
    media_type = "application/geo+json"
    format = "geojson"


def inert_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a leading ' stops =, +, -, @ starting a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(header)
    yield flush()
    for row in rows:
        writer.writerow([inert_cell(value) for value in row])
        yield flush()
