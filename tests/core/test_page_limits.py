"""The public pages and the staff sign-in page are rate-limited per client address.

Mallory requests pages from 198.51.100.7 as fast as she can; Nina, a journalist, reads the site
from 192.0.2.40.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

MALLORY = {"REMOTE_ADDR": "198.51.100.7"}
NINA = {"REMOTE_ADDR": "192.0.2.40"}


@pytest.fixture(autouse=True)
def limits(settings):
    cache.clear()
    settings.SITE_RATE_LIMITS = {"page": "3/min", "login": "2/min"}
    yield
    cache.clear()


def test_pages_beyond_the_limit_are_refused_with_retry_after(client):
    statuses = [client.get("/methodology/", **MALLORY).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/", **MALLORY)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Too many requests" in refused.content.decode()
    assert client.get("/", **NINA).status_code == 200


def test_the_refusal_is_in_the_language_of_the_page(client):
    for _ in range(3):
        client.get("/uk/methodology/", **MALLORY)
    refused = client.get("/uk/methodology/", **MALLORY)
    assert refused.status_code == 429
    text = refused.content.decode()
    assert 'lang="uk"' in text
    assert "Забагато запитів" in text
    assert "Too many requests" not in text
    # The reader can still switch language: the English link points at the same page.
    assert '<a href="/methodology/" lang="en" hreflang="en">English</a>' in text


def test_a_rotated_forwarded_for_header_does_not_reset_the_limit(client):
    statuses = [
        client.get("/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}", **MALLORY).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_the_sign_in_page_has_its_own_lower_limit(client):
    statuses = [client.get("/admin/login/", **MALLORY).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "too many sign-in requests" in client.get("/admin/login/", **MALLORY).content.decode()
    # The public pages are counted apart.
    assert client.get("/", **MALLORY).status_code == 200


def test_posting_passwords_counts_against_the_sign_in_limit(client, alice):
    form = {"username": "alice", "password": "wrong", "next": "/admin/"}
    statuses = [client.post("/admin/login/", form, **MALLORY).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_api_and_the_rest_of_the_admin_are_not_counted_as_pages(client, admin_client):
    for _ in range(5):
        assert client.get("/api/v1/incidents/", **MALLORY).status_code == 200
        assert admin_client.get("/admin/", **MALLORY).status_code == 200
    assert client.get("/", **MALLORY).status_code == 200


def test_the_sign_in_refusal_has_no_empty_language_menu(client):
    for _ in range(2):
        client.get("/admin/login/", **MALLORY)
    refused = client.get("/admin/login/", **MALLORY)
    assert refused.status_code == 429
    assert "language-switcher" not in refused.content.decode()
