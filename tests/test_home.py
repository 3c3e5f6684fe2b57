from __future__ import annotations

import pytest

from tests.factories import make_incident, make_published_incident

pytestmark = pytest.mark.django_db


def test_the_home_page_links_to_the_api_and_the_admin(client):
    make_published_incident()
    make_incident(title="A draft nobody outside should count")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/api/v1/incidents/"' in html
    assert 'href="/admin/"' in html
    assert "1 incident is published" in html
