"""The filters of /api/v1/incidents/, one test per filter, and a 400 for every value that makes no
sense: a partner's typo must never return the whole register as if it were the answer."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.db import transaction
from django.utils import timezone

from incidents.models import IncidentType, PublicationStatus, Region, VerificationStatus
from tests.factories import make_incident, make_published_incident, raion_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"


def _type(slug: str) -> IncidentType:
    return IncidentType.objects.get(slug=slug)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Published incidents in two oblasts over three months, plus a draft that matches everything.

    Built once for the module inside a transaction that is rolled back at the end (the pytest
    form of `setUpTestData`); each test runs in a savepoint within it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        donetsk = Region.objects.get(iso_code="UA-14")
        donetsk_raion = raion_of("UA-14")
        lviv_raion = raion_of("UA-46")
        records = {
            "january": make_published_incident(
                title="Execution of two prisoners of war near Hrabove",
                summary="Two captured soldiers were shot after they laid down their arms.",
                internal_notes="Lead from a contact: zebrafinch.",
                date_start=dt.date(2024, 1, 10),
                region=donetsk_raion,
                incident_type=_type("pow-execution"),
                verification_status=VerificationStatus.VERIFIED,
            ),
            "february_range": make_published_incident(
                title="Disappearance of detainees from a filtration point",
                summary="Detainees were last seen at a filtration point during these weeks.",
                date_start=dt.date(2024, 2, 1),
                date_end=dt.date(2024, 2, 20),
                date_precision="week",
                region=donetsk,
                incident_type=_type("enforced-disappearance"),
                verification_status=VerificationStatus.CREDIBLE,
            ),
            "february": make_published_incident(
                title="Ill-treatment of captured soldiers",
                summary="Полонених катували в підвалі школи.",
                date_start=dt.date(2024, 2, 15),
                region=lviv_raion,
                incident_type=_type("torture-in-captivity"),
                verification_status=VerificationStatus.ACKNOWLEDGED,
            ),
            "march": make_published_incident(
                title="Death in custody",
                summary="A prisoner died in a detention facility.",
                date_start=dt.date(2024, 3, 1),
                incident_type=_type("death-in-custody"),
                verification_status=VerificationStatus.SINGLE_SOURCE,
            ),
        }
        make_incident(
            title="Execution of prisoners (draft)",
            summary="Полонених катували.",
            date_start=dt.date(2024, 2, 15),
            region=donetsk_raion,
            incident_type=_type("pow-execution"),
            verification_status=VerificationStatus.VERIFIED,
        )
        make_incident(
            title="Execution of prisoners (in review)",
            publication_status=PublicationStatus.IN_REVIEW,
            date_start=dt.date(2024, 2, 15),
            region=donetsk_raion,
        )
        yield records
        transaction.set_rollback(True)


def _titles(client, **params) -> set[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def _ids(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return [row["public_id"] for row in response.json()["results"]]


def _titles_of(world, *keys: str) -> set[str]:
    return {world[key].title for key in keys}


def test_without_filters_it_lists_every_published_incident(client, world):
    assert _titles(client) == _titles_of(world, "january", "february_range", "february", "march")


def test_date_from_and_date_to_find_incidents_that_overlap_the_range(client, world):
    found = _titles(client, date_from="2024-02-10", date_to="2024-02-28")
    # The range of 1-20 February starts before date_from and ends after it: it overlaps.
    assert found == _titles_of(world, "february_range", "february")


def test_date_from_and_date_to_are_inclusive(client, world):
    assert _titles(client, date_from="2024-02-15", date_to="2024-02-15") == _titles_of(
        world, "february_range", "february"
    )
    assert _titles(client, date_to="2024-01-10") == _titles_of(world, "january")
    assert _titles(client, date_from="2024-03-01") == _titles_of(world, "march")
    assert _titles(client, date_from="2024-02-20", date_to="2024-02-20") == _titles_of(
        world, "february_range"
    )


def test_region_by_iso_code_includes_incidents_in_its_raions(client, world):
    # January's incident lies in a raion of Donetsk oblast; February's range in the oblast itself.
    assert _titles(client, region="UA-14") == _titles_of(world, "january", "february_range")
    assert _titles(client, region="ua-14") == _titles_of(world, "january", "february_range")


def test_region_by_iso_code_leaves_out_other_oblasts(client, world):
    assert _titles(client, region="UA-46") == _titles_of(world, "february")


def test_region_by_katotth_code_of_an_oblast_or_a_raion(client, world):
    assert _titles(client, region="UA14000000000091971") == _titles_of(
        world, "january", "february_range"
    )
    assert _titles(client, region=raion_of("UA-14").code) == _titles_of(world, "january")


def test_verification_status_takes_a_comma_list(client, world):
    assert _titles(client, verification_status="verified") == _titles_of(world, "january")
    assert _titles(client, verification_status="verified,acknowledged") == _titles_of(
        world, "january", "february"
    )


def test_incident_type_takes_a_comma_list_of_slugs(client, world):
    assert _titles(client, incident_type="pow-execution") == _titles_of(world, "january")
    assert _titles(client, incident_type="torture-in-captivity,death-in-custody") == _titles_of(
        world, "february", "march"
    )


def test_q_matches_english_words_by_their_stem(client, world):
    # "executed" and "Execution" share the stem "execut"; the draft that says it is never found.
    assert _titles(client, q="executed") == _titles_of(world, "january")
    assert _titles(client, q="executions") == _titles_of(world, "january")


def test_q_finds_a_ukrainian_word_in_a_summary(client, world):
    assert _titles(client, q="катували") == _titles_of(world, "february")
    assert _titles(client, q="Полонених") == _titles_of(world, "february")


def test_q_does_not_search_internal_notes(client, world):
    assert _titles(client, q="zebrafinch") == set()


def test_filters_combine(client, world):
    found = _titles(client, region="UA-14", date_from="2024-02-01", verification_status="credible")
    assert found == _titles_of(world, "february_range")


def test_updated_since_returns_incidents_changed_at_or_after_that_time(client, world):
    cutoff = timezone.now() + dt.timedelta(days=30)
    for key, delta in (("january", -1), ("february", 0), ("march", 5)):
        type(world[key]).objects.filter(pk=world[key].pk).update(
            public_updated_at=cutoff + dt.timedelta(seconds=delta)
        )
    assert _titles(client, updated_since=cutoff.isoformat()) == _titles_of(
        world, "february", "march"
    )
    assert _titles(client, updated_since=cutoff.strftime("%Y-%m-%dT%H:%M:%S.%fZ")) == _titles_of(
        world, "february", "march"
    )


def test_ordering_by_date_newest_first_is_the_default(client, world):
    newest_first = [
        world[key].public_id for key in ("march", "february", "february_range", "january")
    ]
    assert _ids(client) == newest_first
    assert _ids(client, ordering="-date") == newest_first


def test_ordering_by_date_oldest_first(client, world):
    assert _ids(client, ordering="date") == [
        world[key].public_id for key in ("january", "february_range", "february", "march")
    ]


def test_ordering_by_updated_at_for_incremental_sync(client, world):
    base = timezone.now()
    order = ("february", "march", "january", "february_range")
    for position, key in enumerate(order):
        type(world[key]).objects.filter(pk=world[key].pk).update(
            public_updated_at=base + dt.timedelta(minutes=position)
        )
    assert _ids(client, ordering="updated_at") == [world[key].public_id for key in order]


def _tampered_cursor(position: str) -> str:
    return base64.b64encode(f"p={position}".encode()).decode()


INVALID = [
    pytest.param({"verification_status": "verified,confirmed"}, "verification_status", id="status"),
    pytest.param({"incident_type": "pow-execution,massacre"}, "incident_type", id="type"),
    pytest.param({"date_from": "2024-13-01"}, "date_from", id="month-13"),
    pytest.param({"date_to": "01/02/2024"}, "date_to", id="slashed-date"),
    pytest.param({"date_from": "2024-02-30"}, "date_from", id="february-30"),
    pytest.param({"date_from": "2024-1-1"}, "date_from", id="unpadded-date"),
    pytest.param({"date_to": "2024-01-1"}, "date_to", id="unpadded-day"),
    pytest.param({"date_to": "20240101"}, "date_to", id="basic-format-date"),
    pytest.param({"date_from": "\u0662\u0660\u0662\u0664-01-01"}, "date_from", id="other-digits"),
    pytest.param({"region": "UA-99"}, "region", id="unknown-iso-region"),
    pytest.param({"region": "UA99000000000000000"}, "region", id="unknown-katotth-region"),
    pytest.param({"region": "Donetsk"}, "region", id="region-name"),
    pytest.param({"updated_since": "yesterday"}, "updated_since", id="updated-since-word"),
    pytest.param({"updated_since": "2025-13-01T00:00:00Z"}, "updated_since", id="month-13-time"),
    pytest.param({"ordering": "title"}, "ordering", id="ordering"),
    pytest.param({"regoin": "UA-14"}, "regoin", id="misspelt-parameter"),
    pytest.param({"page_size": "0"}, "page_size", id="page-size-0"),
    pytest.param({"page_size": "1001"}, "page_size", id="page-size-1001"),
    pytest.param({"page_size": "abc"}, "page_size", id="page-size-abc"),
    pytest.param({"cursor": "not-a-cursor"}, "cursor", id="garbage-cursor"),
    pytest.param({"cursor": _tampered_cursor("not-a-date")}, "cursor", id="tampered-cursor"),
    pytest.param({"format": "xml"}, "format", id="format"),
    pytest.param({"q": "execution\x00"}, "q", id="nul-in-q"),
    pytest.param({"region": "UA-14\x00"}, "region", id="nul-in-region"),
    pytest.param({"incident_type": "other\x00"}, "incident_type", id="nul-in-type"),
]


@pytest.mark.parametrize(("params", "name"), INVALID)
def test_an_invalid_value_is_a_400_naming_the_parameter(client, world, params, name):
    response = client.get(URL, params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert "results" not in body
    assert list(body) == [name]
    (message,) = body[name]
    assert isinstance(message, str)
    assert len(message) > 10


@pytest.mark.parametrize("url", [URL, "/api/v1/stats/", URL + "?format=csv"])
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("region", "UA-14%s"),
        ("incident_type", "pow-execution,%(x)s"),
        ("verification_status", "100%"),
    ],
)
def test_a_percent_sign_in_an_unknown_value_is_named_in_a_400(client, world, url, name, value):
    # A value is quoted in its message as it was sent, never read as a format.
    response = client.get(url, {name: value})
    assert response.status_code == 400
    (message,) = json.loads(response.content)[name]
    assert repr(value.split(",")[-1]) in message


@pytest.mark.parametrize("export", ["csv", "geojson"])
def test_an_export_with_an_invalid_filter_is_a_400_not_the_whole_register(client, world, export):
    response = client.get(URL, {"format": export, "region": "UA-99"})
    assert response.status_code == 400
    # The error comes back as JSON text, whatever format was asked for.
    assert list(json.loads(response.content)) == ["region"]
    assert world["january"].public_id.encode() not in response.content


def test_stats_refuse_invalid_filters_the_same_way(client, world):
    response = client.get("/api/v1/stats/", {"verification_status": "confirmed"})
    assert response.status_code == 400
    assert list(response.json()) == ["verification_status"]
    response = client.get("/api/v1/stats/", {"regoin": "UA-14"})
    assert response.status_code == 400
    assert list(response.json()) == ["regoin"]


def test_several_invalid_values_are_each_named(client, world):
    response = client.get(URL, {"date_from": "2024-13-01", "region": "UA-99"})
    assert response.status_code == 400
    assert set(response.json()) == {"date_from", "region"}


EMPTY = "Must not be empty: give a value, or leave the parameter out."
FILTERS = [
    "date_from",
    "date_to",
    "region",
    "verification_status",
    "incident_type",
    "q",
    "updated_since",
]


@pytest.mark.parametrize("name", [*FILTERS, "ordering", "cursor", "page_size", "format"])
@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_parameter_is_a_400_not_a_filter_left_out(client, world, name, value):
    response = client.get(URL, {name: value})
    assert response.status_code == 400
    assert response.json() == {name: [EMPTY]}


def test_each_empty_parameter_is_named(client, world):
    response = client.get(URL, {"region": "", "date_from": "", "verification_status": "verified"})
    assert response.status_code == 400
    assert response.json() == {"date_from": [EMPTY], "region": [EMPTY]}
    # A repeated parameter with one empty value is refused too.
    response = client.get(f"{URL}?verification_status=verified&verification_status=")
    assert response.json() == {"verification_status": [EMPTY]}


@pytest.mark.parametrize("name", FILTERS)
def test_stats_refuse_an_empty_filter(client, world, name):
    response = client.get("/api/v1/stats/", {name: ""})
    assert response.status_code == 400
    assert response.json() == {name: [EMPTY]}


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/withdrawn/", "since"),
        ("/api/v1/withdrawn/", "cursor"),
        ("/api/v1/sources/", "page_size"),
        ("/api/v1/regions/", "format"),
    ],
)
def test_other_endpoints_refuse_an_empty_parameter(client, world, url, name):
    response = client.get(url, {name: ""})
    assert response.status_code == 400
    assert response.json() == {name: [EMPTY]}


def test_updated_since_accepts_an_offset_whose_plus_was_not_encoded(client):
    # "…T00:00:00+02:00" typed into a URL arrives as "…T00:00:00 02:00".
    response = client.get("/api/v1/incidents/?updated_since=2025-01-01T00:00:00+02:00")
    assert response.status_code == 200
