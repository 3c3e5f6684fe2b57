"""Getting past the second factor in tests of the pages behind it, as their users do."""

from __future__ import annotations

import time

from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.admin_browser import Browser


def current_code(device: TOTPDevice) -> str:
    """The six digits the device's authenticator app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def verified(client: Client, user: User) -> Client:
    """Signs `client` in as `user`, who has an authenticator app, and enters its code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    client.force_login(user)
    response = client.post("/admin/two-factor/", {"token": current_code(device)})
    assert response.status_code == 302, "the second factor was not accepted"
    return client


def browser_of(user: User) -> Browser:
    """`user`'s browser on the admin, past the second factor."""
    browser = Browser(user)
    verified(browser.client, user)
    return browser
