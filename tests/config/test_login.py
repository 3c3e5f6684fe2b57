"""Staff sign-in is protected against password guessing without letting anyone lock others out.

Alice is an analyst; Mallory guesses passwords from 192.0.2.66; Alice works from 192.0.2.10.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
MALLORY = "192.0.2.66"
ALICE_DESK = "192.0.2.10"


@pytest.fixture(autouse=True)
def _lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def _attempt(client, username: str, password: str, ip: str):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip
    )


def test_a_wrong_password_says_nothing_about_whether_the_user_exists(client, alice):
    known = _attempt(client, "alice", "wrong", MALLORY)
    unknown = _attempt(client, "nobody-by-this-name", "wrong", MALLORY)
    assert known.status_code == unknown.status_code == 200
    message = "Please enter the correct username and password"
    assert message in known.content.decode()
    assert message in unknown.content.decode()


def test_repeated_failures_lock_the_username_from_that_address(client, alice):
    for _ in range(3):
        _attempt(client, "alice", "wrong", MALLORY)
    locked = _attempt(client, "alice", "pw-alice", MALLORY)
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_locked_username_still_signs_in_from_another_address(client, alice):
    for _ in range(3):
        _attempt(client, "alice", "wrong", MALLORY)
    response = _attempt(client, "alice", "pw-alice", ALICE_DESK)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_guessing_many_usernames_from_one_address_locks_the_address(client, alice):
    for name in ("bob", "carol", "dave"):
        _attempt(client, name, "wrong", MALLORY)
    assert _attempt(client, "alice", "pw-alice", MALLORY).status_code == 429
    assert _attempt(client, "alice", "pw-alice", ALICE_DESK).status_code == 302


def test_an_unknown_username_locks_out_the_same_way_as_a_known_one(client, alice):
    for _ in range(3):
        _attempt(client, "ghost", "wrong", MALLORY)
    ghost = _attempt(client, "ghost", "wrong", MALLORY)
    client.logout()
    for _ in range(3):
        _attempt(client, "alice", "wrong", "192.0.2.77")
    known = _attempt(client, "alice", "wrong", "192.0.2.77")
    assert ghost.status_code == known.status_code == 429
    assert ghost.content == known.content
