"""The two times a partner's sync sends, `incidents/?updated_since=` and `withdrawn/?since=`,
are read by one parser: a date and time with its zone, or a date alone for midnight UTC; a time
without a zone is refused with a message saying so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from incidents.models import PublicationStatus
from tests.factories import make_incident, make_published_incident

pytestmark = pytest.mark.django_db

MIDNIGHT = dt.datetime(2025, 1, 31, tzinfo=dt.UTC)
JUST_BEFORE = MIDNIGHT - dt.timedelta(seconds=1)

# (endpoint, parameter) for each of the two sync times.
SYNC_TIMES = [
    pytest.param("/api/v1/incidents/", "updated_since", id="updated_since"),
    pytest.param("/api/v1/withdrawn/", "since", id="withdrawn-since"),
]


@pytest.fixture
def changes() -> dict[str, set[str]]:
    """On each endpoint, one record that changed at midnight UTC on 31 January 2025 and one a
    second before; the public ids of those changed at or after midnight."""
    at_midnight = make_published_incident(title="At midnight")
    before = make_published_incident(title="Just before")
    withdrawn = {}
    for name, moment in (("at midnight", MIDNIGHT), ("just before", JUST_BEFORE)):
        withdrawn[name] = make_incident(
            title=f"Withdrawn {name}",
            publication_status=PublicationStatus.WITHDRAWN,
            published_at=timezone.now(),
            withdrawn_at=moment,
            withdrawal_reason="The only source retracted its report.",
            public_updated_at=moment,
        )
    type(at_midnight).objects.filter(pk=at_midnight.pk).update(public_updated_at=MIDNIGHT)
    type(before).objects.filter(pk=before.pk).update(public_updated_at=JUST_BEFORE)
    return {
        "updated_since": {at_midnight.public_id},
        "since": {withdrawn["at midnight"].public_id},
    }


def _ids(client, url: str, name: str, value: str) -> set[str]:
    response = client.get(url, {name: value})
    assert response.status_code == 200, response.content
    return {row["public_id"] for row in response.json()["results"]}


@pytest.mark.parametrize(("url", "name"), SYNC_TIMES)
@pytest.mark.parametrize(
    "value",
    [
        "2025-01-31T00:00:00Z",
        "2025-01-31t00:00:00z",
        "2025-01-31T00:00Z",
        "2025-01-31T00:00:00.000000Z",
        "2025-01-31T02:00:00+02:00",
        "2025-01-30T19:00:00-05:00",
        "2025-01-31T02:00:00+0200",
        "2025-01-31",
    ],
)
def test_a_time_with_its_zone_or_a_date_for_midnight_utc_is_read_the_same_on_both(
    client, changes, url, name, value
):
    assert _ids(client, url, name, value) == changes[name]


@pytest.mark.parametrize(("url", "name"), SYNC_TIMES)
def test_an_offset_whose_plus_was_not_encoded_is_read_as_a_plus(client, changes, url, name):
    response = client.get(f"{url}?{name}=2025-01-31T02:00:00+02:00")
    assert {row["public_id"] for row in response.json()["results"]} == changes[name]


@pytest.mark.parametrize(("url", "name"), SYNC_TIMES)
@pytest.mark.parametrize("value", ["2025-01-31T00:00:00", "2025-01-31T00:00"])
def test_a_time_without_a_zone_is_refused_with_a_message_asking_for_one(
    client, changes, url, name, value
):
    response = client.get(url, {name: value})
    assert response.status_code == 400
    assert response.json() == {
        name: [
            "A time zone is required: add Z for UTC or an offset such as +02:00 "
            "(2025-01-31T00:00:00Z), or give a date alone (2025-01-31) for midnight UTC."
        ]
    }


@pytest.mark.parametrize(("url", "name"), SYNC_TIMES)
@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2025-1-31",
        "2025-01-31T0:00:00Z",
        "20250131T000000Z",
        "2025-01-31X00:00:00Z",
        "2025-02-30",
        "2025-13-01T00:00:00Z",
        "2025-01-31T24:00:00Z",
        "2025-01-31T00:00:00+24:00",
        "2025-01-31T00:00:00+02:60",
        "31/01/2025",
    ],
)
def test_anything_else_is_refused_with_the_forms_it_takes(client, changes, url, name, value):
    response = client.get(url, {name: value})
    assert response.status_code == 400
    assert response.json() == {
        name: [
            "Enter a date and time in ISO 8601 with its time zone, e.g. 2025-01-31T00:00:00Z or "
            "2025-01-31T02:00:00+02:00, or a date alone (2025-01-31) for midnight UTC."
        ]
    }
