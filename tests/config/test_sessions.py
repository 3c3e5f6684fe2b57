"""A staff session lasts a working day at most, and ends with the browser.

Alice, an analyst, signs in on a computer she may forget to lock.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db.models import F
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _password_is_enough(settings):
    settings.STAFF_2FA_REQUIRED = False


def _sign_in(client: Client):
    response = client.post("/admin/login/", {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 302
    return response


def _hours_pass(hours: float) -> None:
    """Moves every session's end back, as if `hours` had passed since it began."""
    Session.objects.update(expire_date=F("expire_date") - dt.timedelta(hours=hours))


def test_the_session_cookie_is_forgotten_when_the_browser_closes(client, alice):
    cookie = _sign_in(client).cookies["sessionid"]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""


def test_a_session_ends_twelve_hours_after_signing_in(client, alice):
    _sign_in(client)
    session = Session.objects.get()
    assert session.expire_date - timezone.now() == pytest.approx(
        dt.timedelta(hours=12), abs=dt.timedelta(minutes=1)
    )
    _hours_pass(11.9)
    assert client.get("/admin/").status_code == 200
    _hours_pass(0.2)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
