"""Which address a request comes from: what X-Forwarded-For may and may not change.

Mallory sends requests from 198.51.100.7 and writes whatever she likes into X-Forwarded-For. The
register sits behind its own proxy at 10.0.0.2 (and, in one test, a load balancer at 10.1.0.5
in front of it).
"""

from __future__ import annotations

import ipaddress

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from core.client_ip import client_address, rate_limit_identity

MALLORY = "198.51.100.7"
PROXY = "10.0.0.2"


def _request(remote_addr: str, forwarded_for: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network(PROXY)]


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request(MALLORY, "203.0.113.1")) == MALLORY


def test_a_direct_client_cannot_pose_as_another_behind_a_proxy(behind_proxy):
    assert client_address(_request(MALLORY, "203.0.113.1")) == MALLORY


def test_the_address_our_proxy_saw_is_the_client(behind_proxy):
    assert client_address(_request(PROXY, MALLORY)) == MALLORY


def test_what_the_client_wrote_before_our_proxy_is_ignored(behind_proxy):
    forged = f"203.0.113.1, 203.0.113.2, {MALLORY}"
    assert client_address(_request(PROXY, forged)) == MALLORY


def test_a_chain_of_trusted_proxies_is_followed_to_the_client(settings):
    settings.TRUSTED_PROXIES = [
        ipaddress.ip_network("10.0.0.0/16"),
        ipaddress.ip_network("10.1.0.5"),
    ]
    assert client_address(_request(PROXY, f"192.0.2.99, {MALLORY}, 10.1.0.5")) == MALLORY


def test_garbage_in_the_header_stops_at_the_last_proxy(behind_proxy):
    assert client_address(_request(PROXY, "not-an-address")) == PROXY


def test_ports_and_brackets_written_by_proxies_are_understood(behind_proxy):
    assert client_address(_request(PROXY, f"{MALLORY}:51234")) == MALLORY
    assert client_address(_request(PROXY, "[2001:db8::7]:51234")) == "2001:db8::7"


def test_an_ipv6_client_is_limited_by_its_whole_network(settings):
    settings.TRUSTED_PROXIES = []
    one = rate_limit_identity(_request("2001:db8:1:2::7"))
    another_of_its_addresses = rate_limit_identity(_request("2001:db8:1:2:ffff::1"))
    assert one == another_of_its_addresses == "2001:db8:1:2::/64"
    assert rate_limit_identity(_request("2001:db8:1:3::7")) != one
    assert rate_limit_identity(_request(MALLORY)) == MALLORY
    assert rate_limit_identity(_request(f"::ffff:{MALLORY}")) == MALLORY


# --- The sign-in lockout counts the same address ------------------------------------------------


@pytest.fixture
def lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def _sign_in(client, forwarded_for: str, remote_addr: str = MALLORY):
    return client.post(
        "/admin/login/",
        {"username": "alice", "password": "wrong", "next": "/admin/"},
        REMOTE_ADDR=remote_addr,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.django_db
def test_a_rotated_header_does_not_escape_the_sign_in_lockout(client, alice, lockout_on):
    for n in range(3):
        _sign_in(client, forwarded_for=f"203.0.113.{n}")
    assert _sign_in(client, forwarded_for="203.0.113.200").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {MALLORY}


@pytest.mark.django_db
def test_the_lockout_records_the_client_behind_our_proxy(client, alice, lockout_on, behind_proxy):
    _sign_in(client, forwarded_for=f"203.0.113.1, {MALLORY}", remote_addr=PROXY)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [MALLORY]


@pytest.fixture
def https_required(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True


@pytest.mark.django_db
def test_a_direct_client_claiming_https_is_sent_to_https(client, https_required, behind_proxy):
    response = client.get("/methodology/", REMOTE_ADDR=MALLORY, HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.django_db
def test_our_proxy_saying_https_is_believed(client, https_required, behind_proxy):
    response = client.get("/methodology/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200
