"""Deleting in the admin: an analyst may delete her own drafts that never went to review, and
sources nothing depends on; nothing that has been to review or is public is ever deleted, and
every deletion stays in the history.

Alice is an analyst. Bob is a reviewer.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.models import Incident, IncidentSource
from incidents.services import incident_return_to_draft, incident_submit
from sources.models import SourceDocument
from tests.admin_browser import Browser, admin_url
from tests.factories import make_evidence_file, make_published_incident, make_ready_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("password_only_sign_in")]

CONFIRM = "Yes, I’m sure"


def offers_deletion(browser: Browser, record) -> bool:
    """Whether the record's change page has the admin's "Delete" link."""
    page = browser.get(admin_url(record))
    assert page.status_code == 200
    return f'href="{admin_url(record, "delete")}"' in page.html


def deletion_events(incident_pk: int):
    return Incident.pgh_event_model.objects.filter(pgh_obj_id=incident_pk, pgh_label="delete")


# --- Incidents ---------------------------------------------------------------------------------


def test_an_analyst_deletes_her_own_draft_that_never_went_to_review(alice):
    draft = make_ready_draft(created_by=alice, title="Entered twice by mistake")
    browser = Browser(alice)
    assert offers_deletion(browser, draft)

    page = browser.get(admin_url(draft, "delete"))
    deleted = browser.submit(page.form(button=CONFIRM), button=CONFIRM)

    assert deleted.url == reverse("admin:incidents_incident_changelist")
    assert deleted.messages() == [f"The incident “{draft}” was deleted successfully."]
    assert not Incident.objects.filter(pk=draft.pk).exists()
    [event] = deletion_events(draft.pk)
    assert event.title == "Entered twice by mistake"
    assert event.pgh_context.metadata["user"] == alice.pk
    # The source it cited stays: it may be evidence for another record.
    assert SourceDocument.objects.filter(title="Video of the shooting").exists()


def draft_of_bob(alice, bob) -> Incident:
    return make_ready_draft(created_by=bob, title="Bob's draft")


def draft_back_from_review(alice, bob) -> Incident:
    incident = incident_submit(
        incident=make_ready_draft(created_by=alice, title="Returned draft"), actor=alice
    )
    return incident_return_to_draft(incident=incident, actor=bob, comment="Add a second source.")


def published_record(alice, bob) -> Incident:
    return make_published_incident(title="Published record", created_by=alice)


@pytest.mark.parametrize("make", [draft_of_bob, draft_back_from_review, published_record])
def test_an_analyst_cannot_delete_what_is_not_her_unsubmitted_draft(alice, bob, make):
    incident = make(alice, bob)
    browser = Browser(alice)

    offered = offers_deletion(browser, incident)
    page = browser.get(admin_url(incident, "delete"))
    crafted = browser.post(admin_url(incident, "delete"), {"post": "yes"}, follow=False)

    assert not offered
    assert page.status_code == 403
    assert crafted.status_code == 403
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert not deletion_events(incident.pk).exists()


def test_a_reviewer_cannot_delete_a_published_record_either(bob):
    incident = make_published_incident(created_by=bob)
    browser = Browser(bob)

    crafted = browser.post(admin_url(incident, "delete"), {"post": "yes"}, follow=False)

    assert not offers_deletion(browser, incident)
    assert crafted.status_code == 403
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_the_incident_list_has_no_bulk_delete(alice):
    make_ready_draft(created_by=alice)

    page = Browser(alice).get(reverse("admin:incidents_incident_changelist"))

    assert page.status_code == 200
    assert 'value="delete_selected"' not in page.html


# --- Sources -----------------------------------------------------------------------------------


def test_an_analyst_deletes_a_stray_source(alice):
    stray = SourceDocument.objects.create(kind="photo", title="Photo saved to the wrong record")
    browser = Browser(alice)
    assert offers_deletion(browser, stray)

    page = browser.get(admin_url(stray, "delete"))
    deleted = browser.submit(page.form(button=CONFIRM), button=CONFIRM)

    assert deleted.messages() == [f"The source document “{stray}” was deleted successfully."]
    assert not SourceDocument.objects.filter(pk=stray.pk).exists()
    assert SourceDocument.pgh_event_model.objects.filter(
        pgh_obj_id=stray.pk, pgh_label="delete"
    ).exists()


def cited(alice) -> SourceDocument:
    source = SourceDocument.objects.create(kind="video", title="Cited by a draft")
    IncidentSource.objects.create(incident=make_ready_draft(created_by=alice), source=source)
    return source


def public(alice) -> SourceDocument:
    return SourceDocument.objects.create(kind="un-report", title="Public report", is_public=True)


def with_a_file(alice) -> SourceDocument:
    source = SourceDocument.objects.create(kind="video", title="Holds the original video")
    make_evidence_file(source=source, uploaded_by=alice)
    return source


@pytest.mark.parametrize("make", [cited, public, with_a_file])
def test_a_source_something_depends_on_is_not_deleted(alice, make):
    source = make(alice)
    browser = Browser(alice)

    offered = offers_deletion(browser, source)
    crafted = browser.post(admin_url(source, "delete"), {"post": "yes"}, follow=False)

    assert not offered
    assert crafted.status_code == 403
    assert SourceDocument.objects.filter(pk=source.pk).exists()


def test_the_source_list_has_no_bulk_delete(alice):
    SourceDocument.objects.create(kind="photo", title="Stray photo")

    page = Browser(alice).get(reverse("admin:sources_sourcedocument_changelist"))

    assert page.status_code == 200
    assert 'value="delete_selected"' not in page.html
