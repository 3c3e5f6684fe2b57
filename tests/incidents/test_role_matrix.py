"""Who may do what in the staff admin: every role against every workflow step and main page.

Alice is an analyst, Bob a reviewer, Olga a witness officer, Ada an administrator and Dave a staff
member in no group. Carol, another reviewer, wrote and prepared the incidents they act on, so
that four eyes never gets in the way of the role being tested.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from incidents.models import Incident, PublicationStatus, VerificationStatus
from incidents.services import incident_assess, incident_submit
from sources.models import Witness
from tests.factories import make_published_incident, make_ready_draft

pytestmark = pytest.mark.django_db

# One of each role (tests/conftest.py), by the name of their fixture.
PERSONAS = ["alice", "bob", "olga", "ada", "dave"]
EDITORS = {"alice", "bob", "olga", "ada"}
REVIEWERS = {"bob", "ada"}


def transition_url(incident: Incident, name: str) -> str:
    return reverse("admin:incidents_incident_transition", args=[incident.pk, name])


def change_url(incident: Incident) -> str:
    return reverse("admin:incidents_incident_change", args=[incident.pk])


def in_review(carol: User) -> Incident:
    return incident_submit(incident=make_ready_draft(created_by=carol), actor=carol)


def assessed(carol: User) -> Incident:
    return incident_assess(
        incident=in_review(carol),
        actor=carol,
        verification_status=VerificationStatus.CREDIBLE,
        rationale="Two independent reports.",
    )


@dataclass(frozen=True)
class Step:
    allowed: set[str]
    prepare: Callable[[User], Incident]
    data: Callable[[Incident], dict]
    # What a user would see change once the step is done.
    done: Callable[[Incident], bool]


STEPS = {
    "submit": Step(
        EDITORS,
        lambda carol: make_ready_draft(created_by=carol),
        lambda incident: {},
        lambda incident: incident.publication_status == PublicationStatus.IN_REVIEW,
    ),
    "return": Step(
        REVIEWERS,
        in_review,
        lambda incident: {"comment": "Check the date against the video's metadata."},
        lambda incident: incident.publication_status == PublicationStatus.DRAFT,
    ),
    "assess": Step(
        REVIEWERS,
        in_review,
        lambda incident: {"verification_status": "credible", "rationale": "Two reports."},
        lambda incident: incident.verification_status == VerificationStatus.CREDIBLE,
    ),
    "publish": Step(
        REVIEWERS,
        assessed,
        lambda incident: {},
        lambda incident: incident.publication_status == PublicationStatus.PUBLISHED,
    ),
    "withdraw": Step(
        REVIEWERS,
        lambda carol: make_published_incident(),
        lambda incident: {"reason": "The video was staged."},
        lambda incident: incident.publication_status == PublicationStatus.WITHDRAWN,
    ),
    "merge": Step(
        REVIEWERS,
        lambda carol: make_published_incident(),
        lambda incident: {"survivor": make_published_incident(title="The same event").public_id},
        lambda incident: incident.duplicate_of is not None,
    ),
}


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("name", STEPS)
def test_each_role_may_take_exactly_its_workflow_steps(client, request, carol, username, name):
    step = STEPS[name]
    incident = step.prepare(carol)
    version_before = incident.version
    client.force_login(request.getfixturevalue(username))

    response = client.post(transition_url(incident, name), step.data(incident))

    incident.refresh_from_db()
    if username in step.allowed:
        assert response.status_code == 302
        assert response["Location"] == change_url(incident)
        assert step.done(incident)
    else:
        assert response.status_code == 403
        assert not step.done(incident)
        assert incident.version == version_before


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("name", ["return", "assess", "withdraw", "merge"])
def test_each_role_may_open_exactly_the_step_pages_it_may_use(
    client, request, carol, username, name
):
    step = STEPS[name]
    incident = step.prepare(carol)
    client.force_login(request.getfixturevalue(username))

    response = client.get(transition_url(incident, name))

    assert response.status_code == (200 if username in step.allowed else 403)


ALL_PAGES = {
    "incident changelist",
    "incident add",
    "incident change",
    "witness change",
    "regions changelist",
    "users changelist",
}
STAFF_PAGES = ALL_PAGES - {"users changelist"}
PAGES_BY_PERSONA = {
    "alice": STAFF_PAGES,
    "bob": STAFF_PAGES,
    "olga": STAFF_PAGES,
    "ada": ALL_PAGES,
    "dave": set(),
}


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("page", sorted(ALL_PAGES))
def test_each_role_opens_exactly_the_admin_pages_it_needs(client, request, carol, username, page):
    incident = make_ready_draft(created_by=carol)
    witness = Witness.objects.create()
    urls = {
        "incident changelist": reverse("admin:incidents_incident_changelist"),
        "incident add": reverse("admin:incidents_incident_add"),
        "incident change": change_url(incident),
        "witness change": reverse("admin:sources_witness_change", args=[witness.pk]),
        "regions changelist": reverse("admin:incidents_region_changelist"),
        "users changelist": reverse("admin:auth_user_changelist"),
    }
    client.force_login(request.getfixturevalue(username))

    response = client.get(urls[page])

    assert response.status_code == (200 if page in PAGES_BY_PERSONA[username] else 403)


def workflow_actions(html: str) -> set[str]:
    """The labels of the buttons and links in the page's "Workflow" box."""
    box = re.search(r'<section class="module workflow".*?</section>', html, re.S)
    assert box is not None, "the change page has no Workflow box"
    buttons = re.findall(r'<input type="submit"[^>]*value="([^"]+)"', box.group())
    links = re.findall(r'<a class="button" href="[^"]+">([^<]+)</a>', box.group())
    return {*buttons, *links}


def prepare_in(status: str, carol: User) -> Incident:
    if status == "draft":
        return make_ready_draft(created_by=carol)
    if status == "in review":
        return in_review(carol)
    return make_published_incident()


VISIBLE_ACTIONS = {
    ("draft", "editor"): {"Submit for review"},
    ("draft", "reviewer"): {"Submit for review", "Merge"},
    ("in review", "editor"): set(),
    ("in review", "reviewer"): {"Assess", "Publish", "Return to draft", "Merge"},
    ("published", "editor"): {"Propose a correction"},
    ("published", "reviewer"): {"Withdraw", "Merge", "Propose a correction"},
}


@pytest.mark.parametrize("username", ["alice", "bob", "olga", "ada"])
@pytest.mark.parametrize("status", ["draft", "in review", "published"])
def test_the_workflow_box_shows_only_the_steps_the_user_may_take(
    client, request, carol, username, status
):
    incident = prepare_in(status, carol)
    client.force_login(request.getfixturevalue(username))

    response = client.get(change_url(incident))

    assert response.status_code == 200
    kind = "reviewer" if username in REVIEWERS else "editor"
    assert workflow_actions(response.content.decode()) == VISIBLE_ACTIONS[(status, kind)]


def test_a_withdrawn_incident_offers_only_republication(client, ada, alice):
    incident = make_published_incident()
    client.force_login(ada)
    client.post(transition_url(incident, "withdraw"), {"reason": "Staged video."})

    response = client.get(change_url(incident))

    assert workflow_actions(response.content.decode()) == {"Republish"}
    client.force_login(alice)
    assert workflow_actions(client.get(change_url(incident)).content.decode()) == set()


def test_a_user_without_access_sees_no_incident_page_and_no_step(client, carol, dave):
    incident = make_ready_draft(created_by=carol)
    client.force_login(dave)

    assert client.get(change_url(incident)).status_code == 403
    assert client.get(transition_url(incident, "assess")).status_code == 403
