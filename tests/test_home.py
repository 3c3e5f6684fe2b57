from __future__ import annotations

import pytest

from tests.factories import make_incident, make_published_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_the_home_page_counts_verified_apart_from_credible(client):
    make_published_incident(verification_status="verified", killed_low=2, killed_best=3)
    make_published_incident(verification_status="acknowledged", killed_low=1, killed_best=1)
    make_published_incident(verification_status="credible", killed_low=5, killed_best=5)
    make_incident(title="A draft nobody outside should count", verification_status="verified")
    response = client.get("/")
    assert response.status_code == 200
    figures = response.context["headline"]
    assert (figures["verified"], figures["killed"]) == (2, 4)
    assert (figures["credible"], figures["credible_killed"]) == (1, 5)
    assert figures["published"] == 3
    html = response.content.decode()
    assert 'href="/incidents/"' in html
    assert 'href="/api/v1/incidents/"' in html
