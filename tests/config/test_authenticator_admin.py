"""The admin lists authenticator apps and removes lost ones, but never shows their keys: whoever
reads a key can make the codes of its owner's second factor.

Bob, a reviewer, has an authenticator app; Ada, an administrator, and Sofia, a superuser, look
after the accounts.
"""

from __future__ import annotations

import base64

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.config.second_factor import browser_of

pytestmark = pytest.mark.django_db

DEVICES = "/admin/otp_totp/totpdevice/"


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.STAFF_2FA_REQUIRED = True


@pytest.fixture
def bobs_phone(bob) -> TOTPDevice:
    return TOTPDevice.objects.create(user=bob, name="Bob's phone", confirmed=True)


def _key_forms(device: TOTPDevice) -> list[str]:
    return [device.key, base64.b32encode(device.bin_key).decode().rstrip("=")]


@pytest.mark.parametrize("viewer", ["ada", "sofia"])
def test_no_page_of_the_admin_shows_an_authenticators_key(request, viewer, bobs_phone):
    browser = browser_of(request.getfixturevalue(viewer))
    pages = [browser.get(DEVICES), browser.get(f"{DEVICES}{bobs_phone.pk}/change/")]
    for page in pages:
        assert page.status_code == 200
        assert "Bob's phone" in page.text
        for key in _key_forms(bobs_phone):
            assert key not in page.html
        assert "qrcode" not in page.html.lower()


@pytest.mark.parametrize("view", ["config", "qrcode"])
@pytest.mark.parametrize("viewer", ["ada", "sofia"])
def test_the_key_and_qr_pages_are_refused_even_to_a_superuser(request, viewer, bobs_phone, view):
    browser = browser_of(request.getfixturevalue(viewer))
    assert browser.get(f"{DEVICES}{bobs_phone.pk}/{view}/").status_code == 403
    # Those who may see the list of authenticators learn that an id does not exist.
    assert browser.get(f"{DEVICES}999999/{view}/").status_code == 404
    assert browser.get(f"{DEVICES}99999999999999999999/{view}/").status_code == 404


@pytest.mark.parametrize("view", ["config", "qrcode"])
def test_the_key_and_qr_pages_refuse_others_alike_whatever_the_id(client, alice, bobs_phone, view):
    addresses = [f"{DEVICES}{bobs_phone.pk}/{view}/", f"{DEVICES}999999/{view}/"]
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    browser = browser_of(alice)
    for address in addresses:
        assert browser.get(address).status_code == 403


def test_nobody_adds_or_edits_an_authenticator_by_hand(sofia, bob, bobs_phone):
    browser = browser_of(sofia)
    original_key = bobs_phone.key
    assert browser.get(f"{DEVICES}add/").status_code == 403
    chosen_key = "3132333435363738393031323334353637383930"
    crafted = {"user": bob.pk, "name": "Mine now", "confirmed": "on", "key": chosen_key}
    assert browser.post(f"{DEVICES}add/", crafted, follow=False).status_code == 403
    changed = browser.post(f"{DEVICES}{bobs_phone.pk}/change/", crafted, follow=False)
    assert changed.status_code == 403
    assert TOTPDevice.objects.filter(user=bob).count() == 1
    bobs_phone.refresh_from_db()
    assert (bobs_phone.name, bobs_phone.key) == ("Bob's phone", original_key)


def test_an_administrator_removes_a_colleagues_authenticator_but_not_a_superusers(
    ada, sofia, bobs_phone
):
    sofias_phone = TOTPDevice.objects.create(user=sofia, name="Sofia's phone", confirmed=True)
    browser = browser_of(ada)
    refused = browser.post(f"{DEVICES}{sofias_phone.pk}/delete/", {"post": "yes"})
    assert refused.status_code == 403
    # Nor by ticking it in the list: there is no bulk removal.
    browser.post(
        DEVICES, {"action": "delete_selected", "_selected_action": [sofias_phone.pk], "post": "yes"}
    )
    assert TOTPDevice.objects.filter(pk=sofias_phone.pk).exists()

    browser.post(f"{DEVICES}{bobs_phone.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=bobs_phone.pk).exists()


@pytest.mark.parametrize("view", ["config", "qrcode"])
def test_the_right_is_checked_before_the_device_even_where_keys_may_be_shown(
    settings, alice, ada, view
):
    # django-otp's own order (look the device up, then ask) would answer a server error here.
    settings.OTP_ADMIN_HIDE_SENSITIVE_DATA = False
    assert browser_of(alice).get(f"{DEVICES}999999/{view}/").status_code == 403
    assert browser_of(ada).get(f"{DEVICES}999999/{view}/").status_code == 404
