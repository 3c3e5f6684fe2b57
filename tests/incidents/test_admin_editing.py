"""Who may edit what on an incident's change page in the admin: reviewers change an incident in
review, nobody changes the content of a published one, and evidence and verification have no back
door.

Alice is an analyst. Bob and Carol are reviewers. Ada is an administrator, Sofia a superuser.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.models import Incident, IncidentSource, VerificationStatus
from sources.models import SourceDocument
from tests.admin_browser import as_user, open_change_page, text
from tests.factories import make_in_review, make_published_incident, make_ready_draft

pytestmark = pytest.mark.django_db


def change_url(incident: Incident) -> str:
    return reverse("admin:incidents_incident_change", args=[incident.pk])


def test_an_analyst_cannot_edit_an_incident_in_review(alice, carol):
    incident = make_in_review(alice, title="Execution near Kurakhove")
    client = as_user(alice)
    form = open_change_page(as_user(carol), incident)

    page = client.get(change_url(incident))
    response = client.post(change_url(incident), {**form, "title": "Changed in review"})

    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()
    assert "Only reviewers can change an incident in review" in text(page)
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.title == "Execution near Kurakhove"


def test_a_reviewer_can_edit_an_incident_in_review(alice, bob):
    incident = make_in_review(alice)
    client = as_user(bob)

    response = client.post(
        change_url(incident), {**open_change_page(client, incident), "title": "Fixed"}
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.title == "Fixed"
    assert incident.last_edited_by == bob


@pytest.mark.parametrize("persona", ["alice", "bob", "ada", "sofia"])
def test_nobody_can_change_the_content_of_a_published_incident(request, persona):
    incident = make_published_incident(title="Published record")
    client = as_user(request.getfixturevalue(persona))

    page = client.get(change_url(incident))
    response = client.post(
        change_url(incident),
        {
            "title": "Rewritten after publication",
            "version": str(incident.version),
            "source_links-TOTAL_FORMS": "0",
            "source_links-INITIAL_FORMS": "0",
            "testimony_links-TOTAL_FORMS": "0",
            "testimony_links-INITIAL_FORMS": "0",
        },
    )

    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()
    assert 'name="source_links-0-source"' not in page.content.decode()
    assert "changes only through a correction that a second person reviews" in text(page)
    # Its staff fields stay open, so the save goes through; the title is not among them.
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.title == "Published record"


def test_the_evidence_of_a_published_incident_cannot_be_removed_by_the_back_door(bob):
    incident = make_published_incident()
    link = incident.source_links.get()
    client = as_user(bob)

    response = client.post(
        reverse("admin:incidents_incidentsource_delete", args=[link.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert IncidentSource.objects.filter(pk=link.pk).exists()


def test_evidence_cannot_be_linked_to_a_published_incident_by_the_back_door(alice):
    incident = make_published_incident()
    source = SourceDocument.objects.create(kind="photo", title="Photo of the site")

    response = as_user(alice).post(
        reverse("admin:incidents_incidentsource_add"),
        {"incident": incident.pk, "source": source.pk, "role": "corroborating", "note": ""},
    )

    assert response.status_code == 200
    assert "a published record changes through a correction" in text(response)
    assert not incident.source_links.filter(source=source).exists()


def test_verification_is_set_only_through_the_assessment(alice):
    incident = make_ready_draft(created_by=alice)
    client = as_user(alice)

    form = open_change_page(client, incident)
    client.post(change_url(incident), {**form, "verification_status": "verified"})

    assert "verification_status" not in form
    incident.refresh_from_db()
    assert incident.verification_status == VerificationStatus.UNASSESSED
