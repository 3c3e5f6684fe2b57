from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from tests import database
from tests.factories import make_staff


def pytest_configure(config):
    # The tests empty the cache (FLUSHDB), so REDIS_URL must name a database of their own.
    url = os.environ.get("REDIS_URL", "")
    if url and urlsplit(url).path.strip("/") in {"", "0"}:
        raise pytest.UsageError(
            "REDIS_URL must name a Redis database that only the tests use, such as "
            "redis://127.0.0.1:6379/15: they empty it."
        )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    # Lets two suites share one server at once (TEST_DB_SUFFIX=a, =b) without fighting over the
    # test database.
    from django.conf import settings

    suffix = os.environ.get("TEST_DB_SUFFIX")
    default = settings.DATABASES["default"]
    test = default.setdefault("TEST", {})
    test["NAME"] = f"test_{default['NAME']}" + (f"_{suffix}" if suffix else "")
    # DATABASE_URL's user creates and owns the test database; see tests/database.py.
    database.forget_the_owner()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated by its owner, which Django's connection then reaches as the
    application role (tests/database.py)."""
    with django_db_blocker.unblock():
        database.use_application_role()
    yield
    with django_db_blocker.unblock():
        database.stop_using_application_role()


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
def _rate_limits_off(settings):
    # Suites send hundreds of requests from one address; the limits are tested on their own
    # (tests/core/test_api_limits.py, test_page_limits.py).
    settings.API_RATE_LIMITS = {"anon": None, "partner": None}
    settings.SITE_RATE_LIMITS = {"page": None, "login": None}


# --- Asked for by the modules that need them (pytest.mark.usefixtures) ------------------------


@pytest.fixture
def password_only_sign_in(settings):
    # For tests about something other than signing in, whose users are logged in directly (the
    # test client, the admin Browser, the browser tests): a second factor required by the
    # developer's environment (STAFF_2FA_REQUIRED) would turn them away. Signing in has its own
    # tests in tests/config/, which must not have this.
    settings.STAFF_2FA_REQUIRED = False


@pytest.fixture
def fresh_cache():
    # The public pages cache their headline figures and the demo flag for a few minutes; each
    # test of them starts afresh.
    cache.clear()


@pytest.fixture
def redis_cache(settings):
    """The Redis server of REDIS_URL as the cache, emptied before and after the test.

    Without REDIS_URL the test is skipped (`make test` on a machine without Redis), unless
    REQUIRE_REDIS=1 (.ci/run, when a server answers) makes that a failure.
    """
    if not settings.REDIS_URL:
        reason = "REDIS_URL is not set, and this test needs a Redis server"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"{reason} (REQUIRE_REDIS=1).")
        pytest.skip(reason)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def private_storage(settings, tmp_path):
    # Evidence files are written to a folder of the test's own.
    settings.MEDIA_ROOT = tmp_path / "evidence"


# --- Personas ----------------------------------------------------------------------------------
# The same people in every test, each with one fixed role. A test that needs someone in another
# role gets another person, never the same name with other rights. Each signs in with the
# password "pw-" and the username (tests/factories.py).


def _person(username: str, first_name: str, last_name: str, *roles: str) -> User:
    return make_staff(
        username,
        *roles,
        first_name=first_name,
        last_name=last_name,
        email=f"{username}.{last_name.lower()}@monitors.example",
    )


@pytest.fixture
def alice() -> User:
    """Alice Hart, an analyst: she documents incidents and proposes corrections."""
    return _person("alice", "Alice", "Hart", "Analyst")


@pytest.fixture
def erin() -> User:
    """Erin Walsh, another analyst, for when the author must be someone other than Alice."""
    return _person("erin", "Erin", "Walsh", "Analyst")


@pytest.fixture
def bob() -> User:
    """Bob Reid, a reviewer: he assesses, publishes, withdraws and approves corrections."""
    return _person("bob", "Bob", "Reid", "Reviewer")


@pytest.fixture
def carol() -> User:
    """Carol Lane, a second reviewer, for the four-eyes rule."""
    return _person("carol", "Carol", "Lane", "Reviewer")


@pytest.fixture
def olga() -> User:
    """Olga Koval, a witness officer: she may see who the witnesses are."""
    return _person("olga", "Olga", "Koval", "Witness officer")


@pytest.fixture
def ada() -> User:
    """Ada Moss, an administrator: she manages accounts and roles."""
    return _person("ada", "Ada", "Moss", "Administrator")


@pytest.fixture
def sofia() -> User:
    """Sofia Adams, a superuser, who holds every permission without a role."""
    return User.objects.create_superuser(
        "sofia", "sofia.adams@monitors.example", "pw-sofia", first_name="Sofia", last_name="Adams"
    )


@pytest.fixture
def vera() -> User:
    """Vera Stone, staff in no role, holding only the permissions the test at hand gives her."""
    return _person("vera", "Vera", "Stone")


@pytest.fixture
def dave() -> User:
    """Dave, staff in no role and with no permission. His account has no name, only the
    username, so screens show him as "dave"."""
    return make_staff("dave")
