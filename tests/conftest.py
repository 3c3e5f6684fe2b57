from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    # Lets two suites share one server at once (TEST_DB_SUFFIX=a, =b) without fighting over the
    # test database.
    suffix = os.environ.get("TEST_DB_SUFFIX")
    if suffix:
        from django.conf import settings

        default = settings.DATABASES["default"]
        default.setdefault("TEST", {})["NAME"] = f"test_{default['NAME']}_{suffix}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow by design; tests log users in often and check nothing about it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _login_lockout_off(settings):
    # django-axes needs the HTTP request to count failures, which Client.login() does not give it.
    # Lockouts are tested with it on, through the real login page (tests/config/test_login.py).
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _api_rate_limits_off(settings):
    # Suites send hundreds of requests from one address; the limits are tested on their own
    # (tests/core/test_api_limits.py).
    settings.API_RATE_LIMITS = {"anon": None, "partner": None}
