"""The staff pickers: the admin autocomplete that fills in "Assigned to" on an incident and
"Interviewer" on a testimony. Analysts and reviewers may not browse user accounts, yet they
fill in these fields; the pickers answer them, with active staff only, by name and username.

Alice is an analyst, Bob a reviewer, Ada an administrator. Dave has a staff account, no role and
no name on it; Vera may only view the record. Ivan left (his account is inactive); Nina is not
staff.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from sources.models import Testimony
from sources.services import witness_create
from tests.admin_browser import Browser
from tests.factories import make_incident, make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("password_only_sign_in")]

ASSIGNMENT = {"app_label": "incidents", "model_name": "incident", "field_name": "assigned_to"}
INTERVIEWER = {"app_label": "sources", "model_name": "testimony", "field_name": "interviewer"}


@pytest.fixture
def former_and_outside_accounts() -> None:
    make_staff(
        "ivan",
        "Analyst",
        first_name="Ivan",
        last_name="Left",
        email="ivan@monitors.example",
        is_active=False,
    )
    User.objects.create_user("nina", "nina@monitors.example", "pw", first_name="Nina")


def pick(user: User, picker: dict, term: str = ""):
    client = Client()
    client.force_login(user)
    return client.get(reverse("admin:autocomplete"), {**picker, "term": term})


@pytest.mark.parametrize("picker", [ASSIGNMENT, INTERVIEWER], ids=["assignment", "interviewer"])
@pytest.mark.parametrize("username", ["alice", "bob"])
def test_pickers_answer_for_analysts_and_reviewers(
    alice, bob, dave, former_and_outside_accounts, picker, username
):
    response = pick({"alice": alice, "bob": bob}[username], picker)

    assert response.status_code == 200
    answer = response.json()
    assert answer["pagination"] == {"more": False}
    assert sorted(answer["results"], key=lambda row: row["text"]) == [
        {"id": str(alice.pk), "text": "Alice Hart (alice)"},
        {"id": str(bob.pk), "text": "Bob Reid (bob)"},
        {"id": str(dave.pk), "text": "dave"},
    ]


@pytest.mark.parametrize("picker", [ASSIGNMENT, INTERVIEWER], ids=["assignment", "interviewer"])
def test_pickers_search_names_and_usernames_never_email_addresses(alice, bob, picker):
    by_last_name = pick(alice, picker, "reid")
    by_username = pick(alice, picker, "bob")
    by_email = pick(alice, picker, "monitors.example")

    assert [row["text"] for row in by_last_name.json()["results"]] == ["Bob Reid (bob)"]
    assert [row["text"] for row in by_username.json()["results"]] == ["Bob Reid (bob)"]
    assert by_email.json()["results"] == []
    assert "@" not in pick(alice, picker).content.decode()


@pytest.mark.parametrize("picker", [ASSIGNMENT, INTERVIEWER], ids=["assignment", "interviewer"])
def test_pickers_refuse_a_user_without_rights_on_the_record(alice, dave, vera, picker):
    vera.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label=picker["app_label"],
            codename=f"view_{picker['model_name']}",
        )
    )

    assert pick(dave, picker).status_code == 403
    assert pick(vera, picker).status_code == 403


def test_other_user_autocompletes_keep_their_normal_permission_check(alice, ada):
    # Who reviewed a record is not a staff picker: listing accounts there needs the right to
    # view user accounts, which administrators have and analysts do not.
    reviewed_by = {**ASSIGNMENT, "field_name": "reviewed_by"}

    assert pick(alice, reviewed_by).status_code == 403
    assert pick(ada, reviewed_by).status_code == 200


def test_other_autocompletes_keep_their_normal_permission_check(alice, dave):
    region = {**ASSIGNMENT, "field_name": "region"}

    answered = pick(alice, region, "Bakhmut")

    assert answered.status_code == 200
    assert "Bakhmutskyi raion" in [row["text"].split(" (")[0] for row in answered.json()["results"]]
    assert pick(dave, region, "Bakhmut").status_code == 403


def test_a_crafted_request_cannot_give_a_field_to_someone_outside_the_staff(
    alice, former_and_outside_accounts
):
    # The pickers never offer them; the services refuse them all the same.
    ivan, nina = User.objects.get(username="ivan"), User.objects.get(username="nina")
    draft = make_incident(created_by=alice, last_edited_by=alice)
    alices = Browser(alice)
    incident_page = alices.get(reverse("admin:incidents_incident_change", args=[draft.pk]))
    testimony_page = alices.get(reverse("admin:sources_testimony_add"))
    witness = witness_create(actor=alice, data={"role": "eyewitness"})

    assigned = alices.submit(
        incident_page.form(id="incident_form"), {"assigned_to": nina.pk}, button="Save"
    )
    interviewed = alices.submit(
        testimony_page.form(id="testimony_form"),
        {
            "witness": witness.pk,
            "taken_on": "2025-01-10",
            "directness": "direct",
            "interviewer": ivan.pk,
        },
        button="Save",
    )

    assert assigned.field_errors("assigned_to") == [
        "Assign the record to an active member of staff."
    ]
    assert interviewed.field_errors("interviewer") == [
        "The interviewer must be an active member of staff."
    ]
    draft.refresh_from_db()
    assert draft.assigned_to is None
    assert not Testimony.objects.exists()
