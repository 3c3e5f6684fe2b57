"""Every staff sign-in needs a TOTP code when STAFF_2FA_REQUIRED is on (always in production),
and setting up the authenticator app that gives it needs a one-time code from an administrator.

Alice, an analyst, signs in for the first time; Erin, another analyst, has Alice's code but not
her password; Bob, a reviewer, has set up his authenticator app before; Ada, an administrator,
removes a lost one and issues the code for a new one.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db.models import F
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.enrolment import enrolment_code_issue
from core.models import EnrolmentCode
from tests.config.second_factor import current_code, verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.STAFF_2FA_REQUIRED = True


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


def _set_up_page(client, code: str):
    """Enters a set-up code on the second-factor page, as someone without an authenticator."""
    return client.post(
        "/admin/two-factor/", {"enrolment_code": code, "next": "/admin/"}, follow=True
    )


def _words(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def test_a_password_alone_cannot_set_up_an_authenticator(client, alice):
    _sign_in(client, "alice")
    page = client.get("/admin/two-factor/?next=/admin/")
    assert "enter the one-time set-up code an administrator gave you" in _words(page)
    assert "Scan this code" not in _words(page)
    assert 'class="segno"' not in page.content.decode()  # no QR code
    assert not re.search(r"<code>[A-Z2-7=]{16,}</code>", page.content.decode())  # nor a key
    assert not TOTPDevice.objects.filter(user=alice).exists()
    # Nor does a guessed six-digit code, nor a made-up set-up code, get any further.
    client.post("/admin/two-factor/", {"token": "123456"})
    wrong = _set_up_page(client, "ABCD-EFGH-JKMN-PQRS")
    assert "That set-up code is not right." in _words(wrong)
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert client.get("/admin/").status_code == 302


def test_a_set_up_code_lets_a_first_sign_in_enrol_an_authenticator_app(client, alice):
    _, code = enrolment_code_issue(user=alice, actor=None)
    _sign_in(client, "alice")
    page = _set_up_page(client, code.lower().replace("-", " "))  # as typed, loosely
    assert "Scan this code" in _words(page)
    assert 'class="segno"' in page.content.decode()  # the QR code
    assert re.search(r"<code>[A-Z2-7=]{16,}</code>", page.content.decode())  # for typing in
    device = TOTPDevice.objects.get(user=alice)
    assert not device.confirmed
    assert client.get("/admin/").status_code == 302

    right = client.post("/admin/two-factor/", {"token": current_code(device), "next": "/admin/"})
    assert right.status_code == 302
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def _code_used_in_another_browser(user) -> tuple[str, Client]:
    """Issues `user` a set-up code and enters it in one browser; returns the code, and a second
    browser in which `user` has signed in with their password."""
    _, code = enrolment_code_issue(user=user, actor=None)
    first, second = Client(), Client()
    _sign_in(first, user.username)
    _set_up_page(first, code)
    _sign_in(second, user.username)
    return code, second


def test_a_set_up_code_works_once(alice):
    code, second = _code_used_in_another_browser(alice)
    again = _set_up_page(second, code)
    assert "That set-up code has been used already." in _words(again)
    assert "Scan this code" not in _words(again)
    assert TOTPDevice.objects.filter(user=alice).count() == 1


def test_only_the_session_that_entered_the_code_sees_the_key(alice):
    _, second = _code_used_in_another_browser(alice)
    other = second.get("/admin/two-factor/")
    assert "Scan this code" not in _words(other)
    assert "enter the one-time set-up code" in _words(other)


def test_a_set_up_code_expires_after_a_day(client, alice):
    record, code = enrolment_code_issue(user=alice, actor=None)
    EnrolmentCode.objects.filter(pk=record.pk).update(
        issued_at=F("issued_at") - dt.timedelta(hours=24),
        expires_at=F("expires_at") - dt.timedelta(hours=24),
    )
    _sign_in(client, "alice")
    page = _set_up_page(client, code)
    assert "That set-up code expired at" in _words(page)
    assert "Ask an administrator for a new one." in _words(page)
    assert not TOTPDevice.objects.filter(user=alice).exists()


def test_a_set_up_code_is_for_one_person_only(client, alice, erin):
    _, code = enrolment_code_issue(user=alice, actor=None)
    _sign_in(client, "erin")
    page = _set_up_page(client, code)
    assert "That set-up code is not right." in _words(page)
    assert not TOTPDevice.objects.exists()


def test_a_newer_code_replaces_an_older_one(client, alice):
    _, older = enrolment_code_issue(user=alice, actor=None)
    _, newer = enrolment_code_issue(user=alice, actor=None)
    _sign_in(client, "alice")
    assert "replaced by a newer one" in _words(_set_up_page(client, older))
    assert "Scan this code" in _words(_set_up_page(client, newer))


def test_a_returning_user_is_asked_for_a_code_not_a_new_enrolment(client, bob):
    device = TOTPDevice.objects.create(user=bob, name="Phone", confirmed=True)
    _sign_in(client, "bob")
    page = client.get("/admin/two-factor/").content.decode()
    assert "Enter the six-digit code" in page
    assert "Scan this code" not in page
    client.post("/admin/two-factor/", {"token": current_code(device)})
    assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.filter(user=bob).count() == 1


def test_the_next_address_must_stay_on_this_site(client, bob):
    device = TOTPDevice.objects.create(user=bob, name="Phone", confirmed=True)
    _sign_in(client, "bob")
    response = client.post(
        "/admin/two-factor/", {"token": current_code(device), "next": "https://evil.example/"}
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
    hurried = client.post("/admin/two-factor/", {"token": current_code(device)})
    assert "Too many wrong codes" in hurried.content.decode()
    assert client.get("/admin/").status_code == 302


def test_an_administrator_removes_a_lost_authenticator_and_the_owner_enrols_again(bob, ada):
    device = TOTPDevice.objects.create(user=bob, name="Lost phone", confirmed=True)
    administrator = verified(Client(), ada)

    url = f"/admin/otp_totp/totpdevice/{device.pk}/delete/"
    assert administrator.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    issued = administrator.post("/admin/core/enrolmentcode/add/", {"user": bob.pk})
    code = re.search(r'<code id="enrolment-code">([^<]+)</code>', issued.content.decode())[1]

    client = Client()
    _sign_in(client, "bob")
    assert "Scan this code" in _words(_set_up_page(client, code))
    new_device = TOTPDevice.objects.get(user=bob)
    client.post("/admin/two-factor/", {"token": current_code(new_device)})
    assert client.get("/admin/").status_code == 200
