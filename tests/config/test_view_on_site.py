"""The admin's "view on site" redirect (/admin/r/<content type>/<id>/) answers nobody which ids
exist unless they may see records of that kind.

Alice is an analyst, who works on incidents; Dave is staff in no role.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from incidents.models import Incident
from tests.factories import make_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("password_only_sign_in")]


@pytest.fixture
def incidents_type() -> int:
    return ContentType.objects.get_for_model(Incident).pk


def _addresses(incidents_type: int) -> dict[str, str]:
    incident = make_incident()
    return {
        "existing": f"/admin/r/{incidents_type}/{incident.pk}/",
        "missing": f"/admin/r/{incidents_type}/{incident.pk + 1000}/",
        "not an id": f"/admin/r/{incidents_type}/x/",
        "past bigint": f"/admin/r/{incidents_type}/99999999999999999999/",
    }


def test_someone_who_may_not_see_the_records_is_refused_alike_whatever_the_id(
    client, dave, incidents_type
):
    client.force_login(dave)
    for address in _addresses(incidents_type).values():
        assert client.get(address).status_code == 403, address


def test_a_content_type_that_names_no_record_in_the_admin_is_refused(client, alice):
    client.force_login(alice)
    sessions_type = ContentType.objects.get(app_label="sessions").pk
    for content_type in (sessions_type, 999999, "x", "99999999999999999999"):
        assert client.get(f"/admin/r/{content_type}/1/").status_code == 403, content_type


def test_someone_who_may_see_the_records_learns_that_an_id_does_not_exist(
    client, alice, incidents_type
):
    client.force_login(alice)
    for name, address in _addresses(incidents_type).items():
        # Incidents have no page of their own to go to, so an existing one is a 404 too.
        assert client.get(address).status_code == 404, name


def test_an_anonymous_visitor_is_sent_to_sign_in_whatever_the_id(client, incidents_type):
    for address in _addresses(incidents_type).values():
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
