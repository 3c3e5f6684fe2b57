"""Cursor pages: every record of the filtered set exactly once, in order, whatever the ties; and a
request costs the same few queries whatever the page size, with no COUNT(*) of the table."""

from __future__ import annotations

import base64
import datetime as dt
from urllib.parse import parse_qs, urlencode, urlsplit

import orjson
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.public_ids import new_incident_id, new_source_id
from incidents.models import Incident, IncidentSource, PublicationStatus, Region
from sources.models import SourceDocument

pytestmark = pytest.mark.django_db

API = "/api/v1/"
INCIDENTS = f"{API}incidents/"
PAGE_SIZE = 37
# The order each ?ordering= promises; the id breaks ties so that the order is total.
ORDER_BY = {
    "-date": ("-date_start", "-id"),
    "date": ("date_start", "id"),
    "updated_at": ("public_updated_at", "id"),
}
QUERY_CEILING = 6


def _bulk_incidents(count: int, *, status: str, day, **fields) -> list[Incident]:
    now = timezone.now()
    extra = {
        "published_at": now - dt.timedelta(days=30),
        "public_updated_at": now - dt.timedelta(days=30),
    }
    if status == PublicationStatus.WITHDRAWN:
        extra |= {"withdrawal_reason": "Withdrawn for the test."}
    return Incident.objects.bulk_create(
        [
            Incident(
                public_id=new_incident_id(),
                title=f"Paged record {number}",
                date_start=day(number),
                publication_status=status,
                **extra,
                **fields,
                **(
                    {"withdrawn_at": now - dt.timedelta(minutes=number)}
                    if status == PublicationStatus.WITHDRAWN
                    else {}
                ),
            )
            for number in range(count)
        ]
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """250 published incidents on only 6 distinct days (about 42 per day, more than a page), in
    groups of equal public change times too, each citing its own public source; and 210 withdrawn
    ones."""
    with django_db_blocker.unblock(), transaction.atomic():
        oblasts = list(Region.objects.filter(level="oblast").order_by("code"))
        published = _bulk_incidents(
            250,
            status=PublicationStatus.PUBLISHED,
            day=lambda number: dt.date(2024, 1, 1) + dt.timedelta(days=7 * (number % 6)),
        )
        for number, incident in enumerate(published):
            incident.region = oblasts[number % len(oblasts)]
        Incident.objects.bulk_update(published, ["region"])
        # Equal modification times in groups of 40, as after a bulk correction.
        base = timezone.now() - dt.timedelta(days=1)
        for group in range(7):
            ids = [incident.pk for incident in published[group::7]]
            Incident.objects.filter(pk__in=ids).update(
                public_updated_at=base + dt.timedelta(minutes=group % 4)
            )
        sources = SourceDocument.objects.bulk_create(
            [
                SourceDocument(
                    public_id=new_source_id(),
                    kind="media-report",
                    title=f"Report {number}",
                    is_public=True,
                    published_on=dt.date(2024, 2, 1),
                )
                for number in range(len(published))
            ]
        )
        IncidentSource.objects.bulk_create(
            [
                IncidentSource(incident=incident, source=source)
                for incident, source in zip(published, sources, strict=True)
            ]
        )
        _bulk_incidents(
            210, status=PublicationStatus.WITHDRAWN, day=lambda number: dt.date(2023, 6, 1)
        )
        yield published
        transaction.set_rollback(True)


def _expected(ordering: str, **filters) -> list[str]:
    queryset = Incident.objects.filter(publication_status=PublicationStatus.PUBLISHED, **filters)
    return list(queryset.order_by(*ORDER_BY[ordering]).values_list("public_id", flat=True))


def _walk(client, url: str, params: dict, *, link: str = "next", limit: int = 100):
    """Follow `link` from the first page; returns the pages' public ids, page by page."""
    pages = []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        page = response.json()
        pages.append([row["public_id"] for row in page["results"]])
        if page[link] is None or len(pages) > limit:
            return pages, page
        response = client.get(page[link])


def _flat(pages: list[list[str]]) -> list[str]:
    return [public_id for page in pages for public_id in page]


@pytest.mark.parametrize("ordering", list(ORDER_BY))
def test_following_next_covers_the_set_exactly_once_and_in_order(client, world, ordering):
    pages, _ = _walk(client, INCIDENTS, {"page_size": PAGE_SIZE, "ordering": ordering})
    assert _flat(pages) == _expected(ordering)
    assert [len(page) for page in pages] == [PAGE_SIZE] * 6 + [250 - 6 * PAGE_SIZE]


@pytest.mark.parametrize("ordering", list(ORDER_BY))
def test_following_next_within_a_filter_stays_within_it(client, world, ordering):
    params = {"page_size": 5, "ordering": ordering, "date_from": "2024-01-15"}
    pages, _ = _walk(client, INCIDENTS, params)
    expected = _expected(ordering, date_start__gte=dt.date(2024, 1, 15))
    assert _flat(pages) == expected
    assert 20 < len(expected) < 250


@pytest.mark.parametrize("ordering", list(ORDER_BY))
def test_following_previous_back_from_the_last_page_covers_the_set_again(client, world, ordering):
    forward, last = _walk(client, INCIDENTS, {"page_size": PAGE_SIZE, "ordering": ordering})
    backward = [forward[-1]]
    response = client.get(last["previous"])
    while True:
        page = response.json()
        backward.append([row["public_id"] for row in page["results"]])
        if page["previous"] is None or len(backward) > 20:
            break
        response = client.get(page["previous"])
    assert _flat(reversed(backward)) == _expected(ordering)


def test_previous_of_the_second_page_is_the_first_page(client, world):
    first = client.get(INCIDENTS, {"page_size": PAGE_SIZE}).json()
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["results"] != first["results"]
    again = client.get(second["previous"]).json()
    assert again["results"] == first["results"]


def test_links_keep_the_page_size_and_filters(client, world):
    first = client.get(INCIDENTS, {"page_size": 7, "region": "UA-14", "ordering": "date"}).json()
    query = parse_qs(urlsplit(first["next"]).query)
    assert query["page_size"] == ["7"]
    assert query["region"] == ["UA-14"]
    assert query["ordering"] == ["date"]


def test_more_records_on_one_day_than_the_cursor_offset_limit_still_page_through(client):
    # Records dated only to the start of a month, or a bulk import, can share one date_start;
    # a partner walking the pages must still get each of them exactly once, and reach the end.
    created = _bulk_incidents(
        1150, status=PublicationStatus.PUBLISHED, day=lambda number: dt.date(2022, 2, 24)
    )
    params = {"page_size": 100, "date_from": "2022-02-24", "date_to": "2022-02-24"}
    pages, last = _walk(client, INCIDENTS, params, limit=20)
    seen = _flat(pages)
    assert last["next"] is None, "the walk never reached the last page"
    assert len(seen) == len(set(seen)) == len(created)


def test_sources_and_withdrawn_lists_page_through_exactly_once(client, world):
    sources, _ = _walk(client, f"{API}sources/", {"page_size": PAGE_SIZE})
    assert len(_flat(sources)) == len(set(_flat(sources))) == 250
    withdrawn, _ = _walk(client, f"{API}withdrawn/", {"page_size": PAGE_SIZE})
    assert len(_flat(withdrawn)) == len(set(_flat(withdrawn))) == 210


# Query counts


def _queries(client, url: str, params: dict | None = None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, response.content
    return [query["sql"] for query in captured.captured_queries]


LISTS = [
    pytest.param(INCIDENTS, id="incidents"),
    pytest.param(f"{API}sources/", id="sources"),
    pytest.param(f"{API}withdrawn/", id="withdrawn"),
]


@pytest.mark.parametrize("url", LISTS)
def test_a_list_never_counts_the_table(client, world, url):
    for params in ({}, {"page_size": 200}):
        first = client.get(url, params).json()
        for sql in _queries(client, url, params) + _queries(client, first["next"]):
            assert "COUNT(" not in sql.upper(), sql


def test_filtered_incident_lists_and_exports_never_count_the_table(client, world):
    params = {"region": "UA-14", "verification_status": "unassessed", "q": "record"}
    for export in ("json", "csv", "geojson"):
        for sql in _queries(client, INCIDENTS, {**params, "format": export}):
            assert "COUNT(" not in sql.upper(), sql


@pytest.mark.parametrize("url", LISTS)
def test_a_list_costs_the_same_few_queries_whatever_the_page_size(client, world, url):
    small = _queries(client, url, {"page_size": 5})
    large = _queries(client, url, {"page_size": 200})
    assert len(small) == len(large) <= QUERY_CEILING


def test_a_filtered_incident_list_costs_the_same_few_queries_whatever_the_page_size(client, world):
    params = {"region": "UA-14", "incident_type": "other", "verification_status": "unassessed"}
    small = _queries(client, INCIDENTS, {**params, "page_size": 5})
    large = _queries(client, INCIDENTS, {**params, "page_size": 200})
    assert len(small) == len(large) <= QUERY_CEILING


def test_an_export_reads_evidence_per_batch_of_rows_not_per_row(client, world):
    # A server-side cursor reads the rows in batches; evidence is fetched per batch, not per row.
    few = _queries(client, INCIDENTS, {"format": "csv", "date_to": "2024-01-01"})
    many = _queries(client, INCIDENTS, {"format": "csv"})
    assert len(few) == len(many) <= QUERY_CEILING


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(f"{API}regions/", id="regions"),
        pytest.param(f"{API}regions/UA-14/", id="region"),
        pytest.param(f"{API}incident-types/", id="incident-types"),
    ],
)
def test_reference_lists_cost_a_query_or_two(client, url):
    assert len(_queries(client, url)) <= 2


def test_stats_cost_the_same_few_queries_whatever_the_data(client):
    empty = _queries(client, f"{API}stats/")
    _bulk_incidents(
        300,
        status=PublicationStatus.PUBLISHED,
        day=lambda number: dt.date(2024, 1, 1) + dt.timedelta(days=number),
        region=Region.objects.get(iso_code="UA-14"),
    )
    full = _queries(client, f"{API}stats/")
    assert len(empty) == len(full) <= QUERY_CEILING


def test_an_incident_detail_costs_the_same_few_queries_whatever_its_evidence(client, world):
    plain = world[0]
    rich = world[1]
    sources = SourceDocument.objects.bulk_create(
        [
            SourceDocument(
                public_id=new_source_id(), kind="video", title=f"Video {n}", is_public=True
            )
            for n in range(30)
        ]
    )
    IncidentSource.objects.bulk_create(
        [IncidentSource(incident=rich, source=source) for source in sources]
    )
    few = _queries(client, f"{INCIDENTS}{plain.public_id}/")
    many = _queries(client, f"{INCIDENTS}{rich.public_id}/")
    assert len(few) == len(many) <= QUERY_CEILING


# Cursors nobody was given


def _cursor_of(link: str) -> list:
    raw = parse_qs(urlsplit(link).query)["cursor"][0]
    return orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))


def _with_cursor(link: str, payload: list) -> str:
    """`link` with its cursor replaced by one that holds `payload`, encoded as cursors are."""
    token = base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=").decode()
    parts = urlsplit(link)
    query = {**parse_qs(parts.query), "cursor": [token]}
    return f"{parts.path}?{urlencode(query, doseq=True)}"


def _forged(client, url: str, params: dict, position: int, value) -> str:
    """The next link of the first page of `url`, with value number `position` of its cursor
    replaced by `value`."""
    link = client.get(url, {**params, "page_size": 1}).json()["next"]
    backwards, values = _cursor_of(link)
    values[position] = value
    return _with_cursor(link, [backwards, values])


FORGED = [
    pytest.param(f"{API}sources/", {}, 0, "SRC-\x00", id="sources-nul"),
    pytest.param(f"{API}withdrawn/", {}, 1, "INC-\x00", id="withdrawn-nul"),
    pytest.param(f"{API}withdrawn/", {}, 0, "9999-12-31T23:59:59-23:59", id="withdrawn-past-9999"),
    pytest.param(f"{API}withdrawn/", {}, 0, "0001-01-01T00:00:00+23:59", id="withdrawn-before-1"),
    pytest.param(f"{API}withdrawn/", {}, 0, "2025-01-01T00:00:00+16:00", id="withdrawn-offset"),
    pytest.param(f"{API}withdrawn/", {}, 0, "2025-01-01T00:00:00", id="withdrawn-no-zone"),
    pytest.param(
        INCIDENTS, {"ordering": "updated_at"}, 0, "0001-01-01T00:00:00+23:59", id="updated-before-1"
    ),
    pytest.param(INCIDENTS, {}, 1, 2**63, id="id-past-bigint"),
]


@pytest.mark.parametrize(("url", "params", "position", "value"), FORGED)
def test_a_cursor_no_page_could_have_given_is_a_400(client, world, url, params, position, value):
    forged = _forged(client, url, params, position, value)
    assert _cursor_of(forged)[1][position] == value

    response = client.get(forged)

    assert response.status_code == 400
    assert response.json() == {
        "cursor": ["Invalid cursor. Follow the next or previous link of a page."]
    }


def test_a_cursor_rebuilt_from_its_own_values_still_works(client, world):
    # The forging above changes only the value it names: the same cursor, rebuilt, is accepted.
    link = client.get(f"{API}withdrawn/", {"page_size": 1}).json()["next"]
    response = client.get(_with_cursor(link, _cursor_of(link)))
    assert response.status_code == 200
    assert response.json()["results"] == client.get(link).json()["results"]
