"""Two people editing the same incident: the second save is refused, never silently applied.

Alice is an analyst who wrote the draft. Bob and Carol are reviewers.
"""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from incidents.models import Incident, PublicationStatus
from incidents.services import incident_submit
from tests.admin_browser import open_change_page
from tests.factories import make_ready_draft

pytestmark = pytest.mark.django_db


def change_url(incident: Incident) -> str:
    return reverse("admin:incidents_incident_change", args=[incident.pk])


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def draft(alice) -> Incident:
    return make_ready_draft(created_by=alice, title="Execution near Bakhmut")


def test_the_second_of_two_saves_is_refused_and_names_who_saved_first(alice, bob, draft):
    alice_tab, bob_tab = Client(), Client()
    alice_tab.force_login(alice)
    bob_tab.force_login(bob)
    alices_form = open_change_page(alice_tab, draft)
    bobs_form = open_change_page(bob_tab, draft)
    assert alices_form["version"] == bobs_form["version"] == str(draft.version)

    bobs_save = bob_tab.post(change_url(draft), {**bobs_form, "title": "Execution of three POWs"})
    alices_save = alice_tab.post(
        change_url(draft), {**alices_form, "summary": "Alice's rewrite of the summary."}
    )

    assert bobs_save.status_code == 302
    assert alices_save.status_code == 200
    page = text(alices_save)
    assert "Bob Reid (bob) changed this incident at " in page
    assert "Your changes were not saved, so theirs are kept: reload the page" in page
    # The form is shown again with what Alice typed, so she can copy it before reloading.
    assert "Alice&#x27;s rewrite of the summary." in alices_save.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Execution of three POWs"
    assert draft.summary != "Alice's rewrite of the summary."
    assert draft.last_edited_by == bob
    assert draft.version == int(bobs_form["version"]) + 1


def test_after_reloading_the_second_person_can_save(alice, bob, draft):
    alice_tab, bob_tab = Client(), Client()
    alice_tab.force_login(alice)
    bob_tab.force_login(bob)
    stale = open_change_page(alice_tab, draft)
    bob_tab.post(change_url(draft), {**open_change_page(bob_tab, draft), "title": "Bob's title"})
    alice_tab.post(change_url(draft), {**stale, "summary": "Refused."})

    reloaded = open_change_page(alice_tab, draft)
    response = alice_tab.post(change_url(draft), {**reloaded, "summary": "Alice's summary."})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.summary) == ("Bob's title", "Alice's summary.")
    assert draft.last_edited_by == alice


def test_a_form_opened_before_a_reviewers_step_names_the_reviewer(alice, bob, carol, draft):
    incident_submit(incident=draft, actor=alice)
    bob_tab, carol_tab = Client(), Client()
    bob_tab.force_login(bob)
    carol_tab.force_login(carol)
    bobs_form = open_change_page(bob_tab, draft)

    carol_tab.post(
        reverse("admin:incidents_incident_transition", args=[draft.pk, "return"]),
        {"comment": "Add the second video."},
    )
    response = bob_tab.post(change_url(draft), {**bobs_form, "title": "Bob's title"})

    assert response.status_code == 200
    # Carol returned it; Alice, the last to edit its content, did nothing since.
    assert "Carol Lane (carol) changed this incident at " in text(response)
    draft.refresh_from_db()
    assert draft.title == "Execution near Bakhmut"
    assert draft.publication_status == PublicationStatus.DRAFT


def test_a_form_opened_before_submission_cannot_overwrite_the_incident_in_review(alice, draft):
    # Without a full name on her account, messages name Alice by her username.
    alice.first_name = alice.last_name = ""
    alice.save()
    client = Client()
    client.force_login(alice)
    form = open_change_page(client, draft)
    incident_submit(incident=draft, actor=alice)

    response = client.post(
        change_url(draft), {**form, "title": "Edited in the other tab"}, follow=True
    )

    assert response.redirect_chain == [(change_url(draft), 302)]
    page = text(response)
    # The admin capitalises the first letter of every message.
    assert "Alice changed this incident at " in page
    assert "it is now in review. Only reviewers can change an incident in review" in page
    assert "Your changes were not saved." in page
    draft.refresh_from_db()
    assert draft.title == "Execution near Bakhmut"


def test_a_save_that_does_not_say_which_version_it_edited_is_refused(alice, draft):
    client = Client()
    client.force_login(alice)
    form = open_change_page(client, draft)
    del form["version"]

    response = client.post(change_url(draft), {**form, "title": "No version"})

    assert response.status_code == 200
    assert "does not say which version of the incident you opened" in text(response)
    draft.refresh_from_db()
    assert draft.title == "Execution near Bakhmut"


def test_every_save_raises_the_version_and_a_real_change_records_the_editor(alice, bob, draft):
    client = Client()
    client.force_login(bob)
    before = draft.version

    unchanged = client.post(change_url(draft), open_change_page(client, draft))
    assert unchanged.status_code == 302
    draft.refresh_from_db()
    assert draft.version == before + 1
    # Saving without changing anything makes nobody an editor (so it costs no four-eyes right).
    assert draft.last_edited_by == alice

    form = open_change_page(client, draft)
    form["title"] = "Corrected title"
    assert client.post(change_url(draft), form).status_code == 302
    draft.refresh_from_db()
    assert draft.version == before + 2
    assert draft.last_edited_by == bob
    assert draft.created_by == alice
