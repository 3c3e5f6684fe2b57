"""Every endpoint of /api/v1/ answers what a partner asks of it, and refuses every write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from incidents.models import Incident, IncidentType, PublicationStatus, Region
from tests.factories import make_incident, make_published_incident, raion_of

pytestmark = pytest.mark.django_db

API = "/api/v1/"
DONETSK_KATOTTH = "UA14000000000091971"
SEEDED_TYPES = {
    "pow-execution",
    "execution-surrendering",
    "execution-hors-de-combat",
    "death-in-custody",
    "torture-in-captivity",
    "enforced-disappearance",
    "mutilation-of-remains",
    "other",
}


def _type(slug: str) -> IncidentType:
    return IncidentType.objects.get(slug=slug)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Four published incidents over two months, two oblasts and three types, with victim
    figures known exactly, as a range, or not at all; a draft with large figures that must
    never be counted; and three incidents withdrawn at different times, one merged."""
    with django_db_blocker.unblock(), transaction.atomic():
        now = timezone.now()
        published = {
            "exact": make_published_incident(
                date_start=dt.date(2024, 1, 5),
                region=raion_of("UA-14"),
                incident_type=_type("pow-execution"),
                verification_status="verified",
                killed_low=2,
                killed_best=3,
                killed_high=4,
            ),
            "range": make_published_incident(
                date_start=dt.date(2024, 1, 20),
                region=Region.objects.get(iso_code="UA-14"),
                incident_type=_type("pow-execution"),
                verification_status="credible",
                killed_low=1,
                killed_high=5,
            ),
            "unknown": make_published_incident(
                date_start=dt.date(2024, 2, 10),
                region=raion_of("UA-46"),
                incident_type=_type("torture-in-captivity"),
                verification_status="verified",
            ),
            "low_only": make_published_incident(
                date_start=dt.date(2024, 2, 11),
                incident_type=_type("other"),
                verification_status="acknowledged",
                killed_low=4,
            ),
        }
        make_incident(
            date_start=dt.date(2024, 1, 7),
            region=raion_of("UA-14"),
            killed_low=100,
            killed_best=100,
            killed_high=100,
        )
        withdrawn = {
            "old": make_incident(
                publication_status=PublicationStatus.WITHDRAWN,
                published_at=now - dt.timedelta(days=30),
                withdrawn_at=now - dt.timedelta(days=10),
                public_updated_at=now - dt.timedelta(days=10),
                withdrawal_reason="Found to describe a different event.",
            ),
            "recent": make_incident(
                publication_status=PublicationStatus.WITHDRAWN,
                published_at=now - dt.timedelta(days=30),
                withdrawn_at=now - dt.timedelta(days=2),
                public_updated_at=now - dt.timedelta(days=2),
                withdrawal_reason="The video was shown to predate the events.",
            ),
            "merged": make_incident(
                publication_status=PublicationStatus.WITHDRAWN,
                published_at=now - dt.timedelta(days=30),
                withdrawn_at=now - dt.timedelta(days=1),
                public_updated_at=now - dt.timedelta(days=1),
                withdrawal_reason="Merged into a record of the same event.",
                duplicate_of=published["exact"],
            ),
        }
        yield {"published": published, "withdrawn": withdrawn, "now": now}
        transaction.set_rollback(True)


def _endpoints(world) -> list[str]:
    incident = world["published"]["exact"]
    source = incident.source_links.get().source
    return [
        API,
        f"{API}incidents/",
        f"{API}incidents/{incident.public_id}/",
        f"{API}sources/",
        f"{API}sources/{source.public_id}/",
        f"{API}regions/",
        f"{API}regions/UA-14/",
        f"{API}incident-types/",
        f"{API}stats/",
        f"{API}withdrawn/",
    ]


def test_every_endpoint_answers_get_with_json(client, world):
    for url in _endpoints(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json", url
        assert response.json(), url


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_endpoint_refuses_writes_with_405(client, world, method):
    for url in _endpoints(world):
        response = getattr(client, method)(url, {"title": "x"}, content_type="application/json")
        assert response.status_code == 405, (method, url)
        assert "GET" in response["Allow"], url
    assert Incident.objects.filter(title="x").count() == 0


def test_every_endpoint_answers_head_without_a_body(client, world):
    for url in _endpoints(world):
        response = client.head(url)
        assert response.status_code == 200, url
        assert response.content == b"", url


def test_every_endpoint_answers_options_with_its_methods(client, world):
    for url in _endpoints(world):
        response = client.options(url)
        assert response.status_code == 200, url
        allowed = {method.strip() for method in response["Allow"].split(",")}
        assert allowed == {"GET", "HEAD", "OPTIONS"}, url


def test_the_base_url_lists_the_absolute_address_of_each_endpoint(client, world):
    response = client.get(API)
    assert response.status_code == 200
    assert response.json() == {
        "incidents": "http://testserver/api/v1/incidents/",
        "sources": "http://testserver/api/v1/sources/",
        "regions": "http://testserver/api/v1/regions/",
        "incident_types": "http://testserver/api/v1/incident-types/",
        "stats": "http://testserver/api/v1/stats/",
        "withdrawn": "http://testserver/api/v1/withdrawn/",
        "schema": "http://testserver/api/v1/schema/",
        "docs": "http://testserver/api/v1/docs/",
    }
    for address in response.json().values():
        assert client.get(address).status_code == 200, address
    assert list(client.get(API, {"format": "csv"}).json()) == ["format"]
    assert list(client.get(API, {"incidents": "1"}).json()) == ["incidents"]


def test_the_incident_list_and_detail_show_published_incidents(client, world):
    listed = {row["public_id"] for row in client.get(f"{API}incidents/").json()["results"]}
    assert listed == {incident.public_id for incident in world["published"].values()}
    incident = world["published"]["range"]
    detail = client.get(f"{API}incidents/{incident.public_id}/").json()
    assert detail["public_id"] == incident.public_id
    assert (detail["killed_low"], detail["killed_best"], detail["killed_high"]) == (1, None, 5)


def test_the_source_list_and_detail_show_public_sources(client, world):
    listed = client.get(f"{API}sources/").json()["results"]
    assert len(listed) == len(world["published"])
    source = world["published"]["unknown"].source_links.get().source
    detail = client.get(f"{API}sources/{source.public_id}/").json()
    assert detail["incidents"] == [world["published"]["unknown"].public_id]


@pytest.mark.parametrize(
    "url",
    [
        f"{API}incidents/INC-00000000/",
        f"{API}incidents/1/",
        f"{API}sources/SRC-00000000/",
        f"{API}regions/UA-99/",
        f"{API}regions/{'9' * 40}/",
    ],
)
def test_an_unknown_id_is_a_404_with_a_message(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("kind", ["incidents", "sources", "regions"])
def test_an_id_with_a_nul_character_is_a_404_not_a_server_error(client, kind):
    assert client.get(f"{API}{kind}/INC-%00/").status_code == 404


def test_regions_list_every_oblast_level_unit_and_raion(client):
    regions = client.get(f"{API}regions/").json()
    assert len(regions) == 163
    levels = [region["level"] for region in regions]
    assert levels.count("oblast") == 27
    assert levels.count("raion") == 136
    oblast_codes = {region["code"] for region in regions if region["level"] == "oblast"}
    assert all(
        region["parent_code"] in oblast_codes for region in regions if region["level"] == "raion"
    )


def test_a_region_is_found_by_its_iso_or_katotth_code(client):
    by_iso = client.get(f"{API}regions/UA-14/")
    by_katotth = client.get(f"{API}regions/{DONETSK_KATOTTH}/")
    assert by_iso.status_code == by_katotth.status_code == 200
    assert by_iso.json() == by_katotth.json()
    assert by_iso.json()["code"] == DONETSK_KATOTTH
    assert by_iso.json()["iso_code"] == "UA-14"
    assert client.get(f"{API}regions/ua-14/").json() == by_iso.json()


def test_katotth_and_iso_codes_differ_where_they_should(client):
    # Luhansk is UA44... in KATOTTH but UA-09 in ISO 3166-2.
    luhansk = client.get(f"{API}regions/UA-09/").json()
    assert luhansk["code"].startswith("UA44")


def test_incident_types_list_the_eight_seeded_types(client):
    types = client.get(f"{API}incident-types/").json()
    assert {row["slug"] for row in types} == SEEDED_TYPES
    assert len(types) == 8


def _figures(incidents: int, low: int, best: int, high: int) -> dict[str, int]:
    return {"incidents": incidents, "killed_low": low, "killed_best": best, "killed_high": high}


def test_stats_sum_published_incidents_with_best_falling_back_to_low(client, world):
    stats = client.get(f"{API}stats/").json()
    # exact 2/3/4, range 1/-/5 (best counts as 1), unknown -/-/-, low only 4/-/- (all three 4).
    assert stats["total"] == _figures(4, 7, 8, 13)
    by_month = {row.pop("month"): row for row in stats["by_month"]}
    assert by_month == {"2024-01": _figures(2, 3, 4, 9), "2024-02": _figures(2, 4, 4, 4)}


def test_stats_group_by_oblast_type_and_status(client, world):
    stats = client.get(f"{API}stats/").json()
    by_oblast = {(row.pop("oblast") or {}).get("iso_code"): row for row in stats["by_oblast"]}
    assert by_oblast == {
        "UA-14": _figures(2, 3, 4, 9),
        "UA-46": _figures(1, 0, 0, 0),
        None: _figures(1, 4, 4, 4),
    }
    by_type = {row.pop("incident_type"): row for row in stats["by_incident_type"]}
    assert by_type == {
        "pow-execution": _figures(2, 3, 4, 9),
        "torture-in-captivity": _figures(1, 0, 0, 0),
        "other": _figures(1, 4, 4, 4),
    }
    by_status = {row.pop("verification_status"): row for row in stats["by_verification_status"]}
    assert by_status == {
        "verified": _figures(2, 2, 3, 4),
        "credible": _figures(1, 1, 1, 5),
        "acknowledged": _figures(1, 4, 4, 4),
    }


def test_stats_take_the_same_filters_as_the_list(client, world):
    stats = client.get(f"{API}stats/", {"region": "UA-14"}).json()
    assert stats["total"] == _figures(2, 3, 4, 9)
    stats = client.get(f"{API}stats/", {"verification_status": "verified,acknowledged"}).json()
    assert stats["total"] == _figures(3, 6, 7, 8)
    stats = client.get(f"{API}stats/", {"date_from": "2024-02-01", "q": "neutral"}).json()
    assert stats["total"] == _figures(2, 4, 4, 4)


def test_stats_of_nothing_are_zeros(client, world):
    stats = client.get(f"{API}stats/", {"date_from": "2030-01-01"}).json()
    assert stats["total"] == _figures(0, 0, 0, 0)
    assert stats["by_month"] == []


def _withdrawn_ids(client, **params) -> list[str]:
    response = client.get(f"{API}withdrawn/", params)
    assert response.status_code == 200, response.content
    return [row["public_id"] for row in response.json()["results"]]


def test_withdrawn_lists_every_withdrawn_incident_oldest_first(client, world):
    withdrawn = world["withdrawn"]
    assert _withdrawn_ids(client) == [
        withdrawn[key].public_id for key in ("old", "recent", "merged")
    ]


def test_withdrawn_since_lists_only_those_withdrawn_after_that_time(client, world):
    since = world["now"] - dt.timedelta(days=5)
    expected = [world["withdrawn"][key].public_id for key in ("recent", "merged")]
    assert _withdrawn_ids(client, since=since.isoformat()) == expected
    assert _withdrawn_ids(client, since=since.strftime("%Y-%m-%dT%H:%M:%SZ")) == expected
    assert _withdrawn_ids(client, since=(world["now"] + dt.timedelta(hours=1)).isoformat()) == []


def test_withdrawn_since_accepts_an_offset_whose_plus_was_not_url_encoded(client, world):
    since = (world["now"] - dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    response = client.get(f"{API}withdrawn/?since={since}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_a_merged_duplicate_is_replaced_by_its_survivor(client, world):
    rows = {row["public_id"]: row for row in client.get(f"{API}withdrawn/").json()["results"]}
    merged = rows[world["withdrawn"]["merged"].public_id]
    assert merged["replaced_by"] == world["published"]["exact"].public_id
    assert merged["reason"] == "Merged into a record of the same event."
    assert rows[world["withdrawn"]["old"].public_id]["replaced_by"] is None


@pytest.mark.parametrize(
    "since", ["yesterday", "", "31/01/2025", "2025-13-01T00:00:00Z", "2025-02-30T10:00:00Z"]
)
def test_withdrawn_with_a_bad_since_is_a_400_naming_it(client, world, since):
    response = client.get(f"{API}withdrawn/", {"since": since})
    assert response.status_code == 400
    assert list(response.json()) == ["since"]


def test_withdrawn_refuses_unknown_parameters(client, world):
    response = client.get(f"{API}withdrawn/", {"snice": "2025-01-01T00:00:00Z"})
    assert response.status_code == 400
    assert list(response.json()) == ["snice"]
