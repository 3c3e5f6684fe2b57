"""Staff sign-in is protected against password guessing without locking colleagues out.

Alice, an analyst, and Bob, a reviewer, work in one office whose computers all reach the site
from one address (192.0.2.10, a NAT). Mallory guesses passwords from 192.0.2.66, and from a
range of other addresses when that does not work.
"""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.test import Client

from tests.admin_browser import text

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
OFFICE = "192.0.2.10"
MALLORY = "192.0.2.66"


@pytest.fixture(autouse=True)
def _lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    settings.AXES_COOLOFF_TIME = 0.5  # hours
    settings.STAFF_2FA_REQUIRED = False


def _attempt(username: str, password: str, ip: str, client: Client | None = None):
    return (client or Client()).post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip
    )


def _fail(username: str, ip: str, times: int = 1) -> None:
    for _ in range(times):
        _attempt(username, "wrong", ip)


def _words(response) -> str:
    """The page's text as a reader takes it in, line breaks and indents aside."""
    return " ".join(text(response).split())


def _signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_the_sign_in_page_says_when_and_for_how_long_sign_in_is_paused(client):
    page = _words(client.get(LOGIN))
    assert (
        "After 3 failed attempts with one username, signing in with it is paused for 30 minutes."
        in page
    )
    assert (
        "After 6 failed attempts from one network, whatever the usernames, signing in from that "
        "network is paused for 30 minutes." in page
    )
    assert "You stay signed in for at most 12 hours or until you close your browser." in page


def test_a_wrong_password_says_nothing_about_whether_the_user_exists(alice):
    known = _attempt("alice", "wrong", MALLORY)
    unknown = _attempt("nobody-by-this-name", "wrong", MALLORY)
    assert known.status_code == unknown.status_code == 200
    message = "Please enter the correct username and password"
    assert message in known.content.decode()
    assert message in unknown.content.decode()


def test_repeated_failures_pause_the_username_and_say_for_how_long(alice):
    _fail("alice", MALLORY, times=3)
    client = Client()
    paused = _attempt("alice", "pw-alice", MALLORY, client)
    assert paused.status_code == 429
    page = _words(paused)
    assert "Sign-in paused" in page
    assert "too many failed sign-in attempts with this username" in page
    assert "Signing in with it is paused for 30 minutes." in page
    assert "_auth_user_id" not in client.session


def test_a_colleague_behind_the_same_address_still_signs_in(alice, bob):
    _fail("alice", OFFICE, times=3)
    assert _attempt("alice", "pw-alice", OFFICE).status_code == 429
    assert _signed_in(_attempt("bob", "pw-bob", OFFICE))


def test_guessing_one_password_from_many_addresses_is_paused_all_the_same(alice):
    for last_byte in (101, 102, 103):
        _fail("alice", f"198.51.100.{last_byte}")
    assert _attempt("alice", "pw-alice", "198.51.100.104").status_code == 429
    # The username is paused wherever its owner is.
    assert _attempt("alice", "pw-alice", OFFICE).status_code == 429


def test_guessing_many_usernames_from_one_address_pauses_the_address(alice):
    for name in ("bob", "carol", "dave", "erin", "olga", "ada"):
        _fail(name, MALLORY)
    paused = _attempt("alice", "pw-alice", MALLORY)
    assert paused.status_code == 429
    assert "too many failed sign-in attempts from your network" in _words(paused)
    assert _signed_in(_attempt("alice", "pw-alice", OFFICE))


def test_a_few_mistakes_in_an_office_do_not_pause_the_office(alice, bob, carol):
    for name in ("alice", "bob", "carol"):
        _fail(name, OFFICE)
    _fail("alice", OFFICE)
    assert _signed_in(_attempt("carol", "pw-carol", OFFICE))


def _minutes_pass(minutes: int) -> None:
    """Moves every recorded failure back in time, as if `minutes` had passed since."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=minutes))


def test_a_pause_ends_after_its_time_and_attempts_during_it_do_not_lengthen_it(alice):
    _fail("alice", MALLORY, times=3)
    _minutes_pass(20)
    assert _attempt("alice", "wrong", MALLORY).status_code == 429
    assert _attempt("alice", "pw-alice", OFFICE).status_code == 429
    _minutes_pass(11)
    assert _signed_in(_attempt("alice", "pw-alice", OFFICE))


def test_signing_in_forgets_ones_own_mistakes(alice):
    _fail("alice", OFFICE, times=2)
    assert _signed_in(_attempt("alice", "pw-alice", OFFICE))
    _fail("alice", OFFICE, times=2)
    assert _signed_in(_attempt("alice", "pw-alice", OFFICE))


def test_signing_in_to_one_account_does_not_wipe_guesses_at_another(alice, dave):
    # Mallory holds Dave's password and hopes that signing in as him resets her count on Alice.
    _fail("alice", MALLORY, times=2)
    assert _signed_in(_attempt("dave", "pw-dave", MALLORY))
    _fail("alice", MALLORY)
    assert _attempt("alice", "pw-alice", MALLORY).status_code == 429


def test_an_unknown_username_is_paused_the_same_way_as_a_known_one(alice):
    _fail("ghost", MALLORY, times=3)
    ghost = _attempt("ghost", "wrong", MALLORY)
    _fail("alice", "192.0.2.77", times=3)
    known = _attempt("alice", "wrong", "192.0.2.77")
    assert ghost.status_code == known.status_code == 429
    assert ghost.content == known.content


def test_an_administrator_lifts_a_pause_with_axes_reset_username(alice):
    _fail("alice", MALLORY, times=3)
    assert _attempt("alice", "pw-alice", OFFICE).status_code == 429
    call_command("axes_reset_username", "alice", verbosity=0)
    assert _signed_in(_attempt("alice", "pw-alice", OFFICE))


def test_an_administrator_lifts_a_paused_address_with_axes_reset_ip(alice):
    for name in ("bob", "carol", "dave", "erin", "olga", "ada"):
        _fail(name, OFFICE)
    assert _attempt("alice", "pw-alice", OFFICE).status_code == 429
    call_command("axes_reset_ip", OFFICE, verbosity=0)
    assert _signed_in(_attempt("alice", "pw-alice", OFFICE))
