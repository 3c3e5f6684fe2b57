"""The demo logins: the printed password works, each user has the role of its group, and the
command refuses a short password and production."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from incidents.demo import DEMO_USERS
from tests.incidents.seed_demo.seeding import PASSWORD, row_counts, seed

pytestmark = pytest.mark.django_db


def test_demo_users_can_log_in_with_the_printed_password(first_run: str) -> None:
    for username, role, _, _ in DEMO_USERS:
        assert Client().login(username=username, password=PASSWORD), username
        assert username in first_run
        assert role in first_run
    assert PASSWORD in first_run
    assert "http://127.0.0.1:8000/admin/" in first_run


def test_with_a_second_factor_required_the_output_says_how_to_set_one_up(settings) -> None:
    settings.STAFF_2FA_REQUIRED = False
    assert "issue_enrolment_code" not in seed()

    settings.STAFF_2FA_REQUIRED = True
    assert "manage.py issue_enrolment_code USERNAME" in seed()


def test_the_analyst_can_work_in_the_admin() -> None:
    client = Client()
    client.login(username="analyst", password=PASSWORD)

    response = client.get(reverse("admin:incidents_incident_changelist"))

    assert response.status_code == 200
    assert b"-Demo" in response.content


def test_a_changed_password_takes_effect(settings) -> None:
    settings.DEMO_PASSWORD = "another-demo-password"
    seed()

    assert Client().login(username="analyst", password="another-demo-password")
    assert not Client().login(username="analyst", password=PASSWORD)


def test_each_demo_user_has_the_role_of_its_group() -> None:
    users = {u.username: u for u in get_user_model().objects.all()}

    assert users["reviewer"].has_perm("incidents.publish_incident")
    assert users["reviewer"].has_perm("incidents.review_incident")
    assert not users["analyst"].has_perm("incidents.publish_incident")
    assert users["officer"].has_perm("sources.view_witness_identity")
    assert not users["analyst"].has_perm("sources.view_witness_identity")
    assert users["analyst"].has_perm("incidents.add_incident")
    assert users["admin"].is_superuser
    assert all(user.is_staff for user in users.values())
    for username, _, group, _ in DEMO_USERS:
        assert users[username].groups.filter(name=group).exists()
        # The group is the one place a role is defined.
        assert not users[username].user_permissions.exists()


def test_without_demo_password_it_generates_one_and_keeps_it(settings, tmp_path) -> None:
    settings.DEMO_PASSWORD = ""
    settings.DATA_DIR = tmp_path

    first = seed()
    password = (tmp_path / "demo_password").read_text().strip()
    second = seed()

    assert len(password) >= 8
    assert password in first
    assert password in second
    assert Client().login(username="officer", password=password)


def test_a_short_demo_password_is_refused(settings) -> None:
    settings.DEMO_PASSWORD = "short"
    counts = row_counts()

    with pytest.raises(CommandError, match="at least 8"):
        seed()
    assert row_counts() == counts
    assert Client().login(username="analyst", password=PASSWORD)


@pytest.mark.parametrize("args", [(), ("--reset", "--no-input")])
def test_it_refuses_to_run_in_production(settings, args: tuple[str, ...]) -> None:
    settings.PRODUCTION = True
    counts = row_counts()

    with pytest.raises(CommandError, match="production"):
        seed(*args)
    assert row_counts() == counts


def test_it_prints_the_admin_address_of_the_port_being_served() -> None:
    out = StringIO()
    call_command("seed_demo", site_url="http://127.0.0.1:8080/", stdout=out)
    assert "Demo logins at http://127.0.0.1:8080/admin/" in out.getvalue()
