"""Conditional requests, rate limits, partner tokens and cross-origin reads of the public API."""

from __future__ import annotations

import ipaddress
import re

import pytest
from django.core.cache import cache

from core.models import PartnerToken
from core.tokens import hash_key, partner_token_issue
from tests.factories import make_published_incident

pytestmark = pytest.mark.django_db

LIST = "/api/v1/incidents/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def limits(settings):
    settings.API_RATE_LIMITS = {"anon": "3/min", "partner": "5/min"}


def test_an_unchanged_list_answers_304_to_its_etag(client):
    make_published_incident()
    first = client.get(LIST)
    assert first.status_code == 200
    etag = first["ETag"]
    again = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_a_changed_list_answers_200_to_an_old_etag(client):
    incident = make_published_incident(title="Before")
    etag = client.get(LIST)["ETag"]
    incident.title = "After"
    incident.save()
    response = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["results"][0]["title"] == "After"


def test_a_record_answers_304_when_not_modified_since(client):
    incident = make_published_incident()
    url = f"/api/v1/incidents/{incident.public_id}/"
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_anonymous_clients_are_limited_per_address_with_retry_after(client, limits):
    statuses = [client.get(LIST).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(LIST)
    assert int(refused["Retry-After"]) > 0
    assert client.get(LIST, REMOTE_ADDR="192.0.2.5").status_code == 200


def test_a_rotated_forwarded_for_header_does_not_reset_the_limit(client, limits):
    statuses = [
        client.get(LIST, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(client, limits, settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.2")]
    via_proxy = {"REMOTE_ADDR": "10.0.0.2"}
    statuses = [
        client.get(LIST, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7", **via_proxy)
        for n in range(4)
    ]
    assert [response.status_code for response in statuses] == [200, 200, 200, 429]
    other = client.get(LIST, HTTP_X_FORWARDED_FOR="198.51.100.8", **via_proxy)
    assert other.status_code == 200


def test_a_partner_token_gets_its_own_higher_limit(client, limits):
    _, key = partner_token_issue(name="Example NGO")
    for _ in range(3):
        client.get(LIST)
    assert client.get(LIST).status_code == 429
    with_token = [client.get(LIST, HTTP_AUTHORIZATION=f"Token {key}").status_code for _ in range(6)]
    assert with_token == [200] * 5 + [429]


def test_a_wrong_or_revoked_token_is_refused_with_a_message(client):
    token, key = partner_token_issue(name="Example NGO")
    wrong = client.get(LIST, HTTP_AUTHORIZATION="Token not-a-key")
    assert wrong.status_code == 401
    assert "Unknown or revoked API token" in wrong.json()["detail"]
    PartnerToken.objects.filter(pk=token.pk).update(is_active=False)
    assert client.get(LIST, HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer {key}",
        "Basic cGFydG5lcjpzZWNyZXQ=",
        "Token",
        "Token {key} {key}",
        "",
    ],
)
def test_credentials_of_another_kind_or_a_malformed_header_are_a_401(client, header):
    _, key = partner_token_issue(name="Example NGO")
    # Even a right key is refused under another scheme or in a malformed header.
    response = client.get(LIST, HTTP_AUTHORIZATION=header.format(key=key))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "This API takes only partner tokens, sent as 'Authorization: Token <key>'. "
        "Leave the header out to call it without one."
    }
    assert response["WWW-Authenticate"] == "Token"


def test_a_right_token_or_no_header_at_all_is_served(client):
    make_published_incident(title="Execution near Alpha")
    _, key = partner_token_issue(name="Example NGO")
    for headers in (
        {"HTTP_AUTHORIZATION": f"Token {key}"},
        {"HTTP_AUTHORIZATION": f"token {key}"},
        {},
    ):
        response = client.get(LIST, **headers)
        assert response.status_code == 200
        assert len(response.json()["results"]) == 1


def test_only_a_hash_of_the_key_is_stored():
    token, key = partner_token_issue(name="Example NGO")
    stored = PartnerToken.objects.filter(pk=token.pk).values().get()
    assert key not in str(stored)


def test_administrators_issue_a_token_in_the_admin_and_see_the_key_once(admin_client):
    response = admin_client.post(
        "/admin/core/partnertoken/add/",
        {"name": "Example NGO data team", "contact": "data@example.org", "is_active": "on"},
        follow=True,
    )
    token = PartnerToken.objects.get(name="Example NGO data team")
    text = response.content.decode()
    assert "cannot be shown again" in text
    key = re.search(r"The key for Example NGO data team is (\S+) ", text).group(1)
    assert hash_key(key) == token.key_hash
    # The next page no longer shows it.
    assert key not in admin_client.get("/admin/core/partnertoken/").content.decode()


def test_the_api_may_be_read_from_any_origin(client):
    response = client.get(LIST, HTTP_ORIGIN="https://dashboard.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        LIST,
        HTTP_ORIGIN="https://dashboard.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_the_rest_of_the_site_is_not_opened_to_other_origins(client):
    response = client.get("/", HTTP_ORIGIN="https://dashboard.example.org")
    assert "Access-Control-Allow-Origin" not in response
