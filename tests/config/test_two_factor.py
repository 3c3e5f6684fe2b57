"""Every staff sign-in needs a TOTP code when STAFF_2FA_REQUIRED is on (always in production).

Alice, an analyst, signs in for the first time; Bob, a reviewer, has set up his authenticator app
before; Ada, an administrator, removes a lost one.
"""

from __future__ import annotations

import re
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.STAFF_2FA_REQUIRED = True


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _sign_in(client, username: str):
    return client.post(
        "/admin/login/", {"username": username, "password": f"pw-{username}", "next": "/admin/"}
    )


def test_a_password_alone_does_not_open_the_admin(client, alice):
    response = _sign_in(client, "alice")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/")
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/incidents/incident/").status_code == 302


def test_a_first_sign_in_enrols_an_authenticator_app(client, alice):
    _sign_in(client, "alice")
    page = client.get("/admin/two-factor/?next=/admin/").content.decode()
    assert "Scan this code" in page
    assert "<svg" in page
    assert re.search(r"<code>[A-Z2-7=]{16,}</code>", page)  # the key, for typing in by hand
    device = TOTPDevice.objects.get(user=alice)
    assert not device.confirmed

    right = client.post("/admin/two-factor/", {"token": _code(device), "next": "/admin/"})
    assert right.status_code == 302
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_returning_user_is_asked_for_a_code_not_a_new_enrolment(client, bob):
    device = TOTPDevice.objects.create(user=bob, name="Phone", confirmed=True)
    _sign_in(client, "bob")
    page = client.get("/admin/two-factor/").content.decode()
    assert "Enter the six-digit code" in page
    assert "Scan this code" not in page
    client.post("/admin/two-factor/", {"token": _code(device)})
    assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.filter(user=bob).count() == 1


def test_the_next_address_must_stay_on_this_site(client, bob):
    device = TOTPDevice.objects.create(user=bob, name="Phone", confirmed=True)
    _sign_in(client, "bob")
    response = client.post(
        "/admin/two-factor/", {"token": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


def test_with_the_requirement_off_a_password_is_enough(client, settings, alice):
    settings.STAFF_2FA_REQUIRED = False
    _sign_in(client, "alice")
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_and_slows_down_the_next_try(client, bob):
    device = TOTPDevice.objects.create(user=bob, name="Phone", confirmed=True)
    _sign_in(client, "bob")
    wrong = client.post("/admin/two-factor/", {"token": "000000"})
    assert "That code is not right" in wrong.content.decode()
    # Guessing is throttled: even the right code waits until the pause is over.
    hurried = client.post("/admin/two-factor/", {"token": _code(device)})
    assert "Too many wrong codes" in hurried.content.decode()
    assert client.get("/admin/").status_code == 302


def test_an_administrator_removes_a_lost_authenticator_and_the_owner_enrols_again(
    client, settings, bob, ada
):
    device = TOTPDevice.objects.create(user=bob, name="Lost phone", confirmed=True)
    ada_device = TOTPDevice.objects.create(user=ada, name="Phone", confirmed=True)
    client.force_login(ada)
    client.post("/admin/two-factor/", {"token": _code(ada_device)})

    url = f"/admin/otp_totp/totpdevice/{device.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()

    client.logout()
    _sign_in(client, "bob")
    assert "Scan this code" in client.get("/admin/two-factor/").content.decode()
