"""The intake workflow in the admin: from an analyst's draft to a published record, and every rule
on the way said in words the user can act on.

Alice is an analyst. Bob and Carol are reviewers.
"""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from incidents.models import (
    Correction,
    Incident,
    IncidentType,
    PublicationStatus,
    VerificationStatus,
)
from incidents.services import incident_assess
from sources.models import SourceDocument
from tests.admin_browser import as_user, open_change_page, step_url, text
from tests.factories import (
    make_in_review,
    make_incident,
    make_published_incident,
    make_ready_draft,
    raion_of,
)

pytestmark = pytest.mark.django_db


def change_url(incident: Incident) -> str:
    return reverse("admin:incidents_incident_change", args=[incident.pk])


def messages_on(response) -> list[str]:
    return [
        html.unescape(message)
        for message in re.findall(
            r'<li class="(?:success|error)">(.*?)</li>', response.content.decode()
        )
    ]


def assessed(author: User, reviewer: User) -> Incident:
    return incident_assess(
        incident=make_in_review(author),
        actor=reviewer,
        verification_status=VerificationStatus.CREDIBLE,
        rationale="Two independent reports.",
    )


# --- The whole way --------------------------------------------------------------------------


def test_an_analyst_documents_a_case_and_a_reviewer_publishes_it(alice, bob):
    video = SourceDocument.objects.create(
        kind="video", title="Video of the shooting", is_public=True
    )
    alice_client, bob_client = as_user(alice), as_user(bob)

    added = alice_client.post(
        reverse("admin:incidents_incident_add"),
        {
            "title": "Three surrendering soldiers shot near Bakhmut",
            "incident_type": IncidentType.objects.get(slug="execution-surrendering").pk,
            "summary": "A video shows three soldiers with raised hands being shot.",
            "date_start": "2025-01-15",
            "date_precision": "day",
            "region": raion_of("UA-14").pk,
            "geo_precision": "raion",
            "killed_low": "3",
            "killed_best": "3",
            "killed_high": "3",
            "victim_category": "surrendering",
            "source_links-TOTAL_FORMS": "1",
            "source_links-INITIAL_FORMS": "0",
            "source_links-MIN_NUM_FORMS": "0",
            "source_links-MAX_NUM_FORMS": "1000",
            "source_links-0-source": video.pk,
            "source_links-0-role": "primary",
            "source_links-0-note": "Original upload, archived the same day.",
            "testimony_links-TOTAL_FORMS": "0",
            "testimony_links-INITIAL_FORMS": "0",
            "testimony_links-MIN_NUM_FORMS": "0",
            "testimony_links-MAX_NUM_FORMS": "1000",
            "_continue": "Save and continue editing",
        },
    )
    assert added.status_code == 302
    incident = Incident.objects.get()
    assert added["Location"] == change_url(incident)
    assert incident.source_links.get().source == video
    assert (incident.created_by, incident.last_edited_by) == (alice, alice)

    draft_page = text(alice_client.get(change_url(incident)))
    assert "Nothing is missing: it can be submitted for review." in draft_page
    submitted = alice_client.post(step_url(incident, "submit"), follow=True)
    assert messages_on(submitted) == [f"{incident.public_id} submitted for review."]

    queue = text(bob_client.get(reverse("admin:index")))
    assert "Awaiting review" in queue
    assert incident.title in queue
    assess_page = bob_client.get(step_url(incident, "assess"))
    assert assess_page.status_code == 200
    assert 'name="verification_status"' in assess_page.content.decode()
    assessed_page = bob_client.post(
        step_url(incident, "assess"),
        {"verification_status": "verified", "rationale": "Geolocated; a released POW saw it."},
        follow=True,
    )
    assert messages_on(assessed_page) == [f"{incident.public_id} assessed as verified."]
    published = bob_client.post(step_url(incident, "publish"), follow=True)
    assert messages_on(published) == [
        f"{incident.public_id} published: it is now on the public site and in the API."
    ]

    api = Client().get("/api/v1/incidents/")
    assert [row["public_id"] for row in api.json()["results"]] == [incident.public_id]
    incident.refresh_from_db()
    assert incident.publication_status == PublicationStatus.PUBLISHED
    assert incident.reviewed_by == bob


# --- Every rule says what to do ---------------------------------------------------------------


def test_a_draft_without_a_summary_lists_what_is_missing_and_cannot_be_submitted(alice):
    incident = make_incident(created_by=alice, title="Shooting reported by a relative")
    client = as_user(alice)

    page = text(client.get(change_url(incident)))
    response = client.post(step_url(incident, "submit"), follow=True)

    assert "Before it can be submitted for review it still needs:" in page
    assert "<strong>Verification:</strong> Unassessed" in page
    assert "<li>a summary</li>" in page
    assert "<li>at least one linked source or testimony</li>" in page
    assert messages_on(response) == [
        f"{incident.public_id} cannot go to review yet: it needs a summary, an incident type, "
        "a region, at least one linked source or testimony."
    ]
    incident.refresh_from_db()
    assert incident.publication_status == PublicationStatus.DRAFT


def test_nobody_publishes_an_incident_they_created(bob, carol):
    incident = assessed(author=bob, reviewer=carol)

    response = as_user(bob).post(step_url(incident, "publish"), follow=True)

    assert response.status_code == 200
    assert messages_on(response) == [
        "Four eyes: you created or last edited this incident, so another reviewer must publish it."
    ]
    incident.refresh_from_db()
    assert incident.publication_status == PublicationStatus.IN_REVIEW


def test_a_reviewer_who_edits_an_incident_leaves_publishing_to_another(alice, bob, carol):
    incident = assessed(author=alice, reviewer=bob)
    bob_client = as_user(bob)
    form = open_change_page(bob_client, incident)
    bob_client.post(change_url(incident), {**form, "title": "Corrected by Bob"})

    page = text(bob_client.get(change_url(incident)))
    refused = bob_client.post(step_url(incident, "publish"), follow=True)
    accepted = as_user(carol).post(step_url(incident, "publish"), follow=True)

    assert "You created or last edited this incident, so another reviewer has to publish" in page
    assert messages_on(refused)[0].startswith("Four eyes:")
    assert messages_on(accepted) == [
        f"{incident.public_id} published: it is now on the public site and in the API."
    ]
    incident.refresh_from_db()
    assert incident.title == "Corrected by Bob"
    assert incident.publication_status == PublicationStatus.PUBLISHED


def test_an_unassessed_incident_cannot_be_published(alice, bob):
    incident = make_in_review(alice)

    response = as_user(bob).post(step_url(incident, "publish"), follow=True)

    assert messages_on(response) == ["Assess it first: an unassessed incident cannot be published."]
    incident.refresh_from_db()
    assert incident.publication_status == PublicationStatus.IN_REVIEW


def test_a_step_the_status_does_not_allow_is_refused_with_the_reason(alice, bob):
    incident = make_ready_draft(created_by=alice)

    response = as_user(bob).post(step_url(incident, "publish"), follow=True)

    assert response.redirect_chain == [(change_url(incident), 302)]
    assert messages_on(response) == [
        f"Only an incident that is in review can be published; {incident.public_id} is draft."
    ]


@pytest.mark.parametrize(
    ("step", "typed", "shown"),
    [
        (
            "withdraw",
            {"reason": "   "},
            ["Give the public reason for withdrawing it.", 'name="reason"'],
        ),
        (
            "merge",
            {"survivor": "INC-NOSUCH00"},
            [
                "No incident has the public id INC-NOSUCH00. Copy it from the record that stays.",
                'value="INC-NOSUCH00"',
            ],
        ),
    ],
    ids=["withdrawing-without-a-reason", "merging-into-an-unknown-id-keeps-what-was-typed"],
)
def test_a_refused_step_shows_its_form_again_with_the_error(bob, step, typed, shown):
    incident = make_published_incident()

    response = as_user(bob).post(step_url(incident, step), typed)

    assert response.status_code == 200
    page = text(response)
    for expected in shown:
        assert expected in page
    incident.refresh_from_db()
    assert incident.publication_status == PublicationStatus.PUBLISHED


def test_a_reviewer_republishes_a_withdrawn_record_with_a_public_note(bob):
    incident = make_published_incident()
    client = as_user(bob)
    client.post(step_url(incident, "withdraw"), {"reason": "The date was in doubt."}, follow=True)
    assert Client().get(f"/incidents/{incident.public_id}/").status_code == 410

    response = client.post(
        step_url(incident, "republish"),
        {"note": "A second witness confirmed the date."},
        follow=True,
    )

    assert messages_on(response) == [
        f"{incident.public_id} republished: it is on the public site and in the API again."
    ]
    document = Client().get(f"/api/v1/incidents/{incident.public_id}/").json()
    assert [(entry["kind"], entry["note"]) for entry in document["corrections"]] == [
        ("withdrawal", "The date was in doubt."),
        ("republication", "A second witness confirmed the date."),
    ]
    page = text(Client().get(f"/incidents/{incident.public_id}/"))
    assert "A second witness confirmed the date." in page


def test_republishing_without_a_note_shows_the_form_again_with_the_error(bob):
    incident = make_published_incident()
    client = as_user(bob)
    client.post(step_url(incident, "withdraw"), {"reason": "The date was in doubt."})

    response = client.post(step_url(incident, "republish"), {"note": " "})

    assert response.status_code == 200
    assert "Write the public note: one sentence saying why the record is back" in text(response)
    incident.refresh_from_db()
    assert incident.publication_status == PublicationStatus.WITHDRAWN


def test_an_assessment_without_rationale_keeps_what_the_reviewer_chose(alice, bob):
    incident = make_in_review(alice)

    response = as_user(bob).post(
        step_url(incident, "assess"), {"verification_status": "verified", "rationale": ""}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the public rationale: which sources support this status" in text(response)
    assert '<option value="verified" selected>' in page
    incident.refresh_from_db()
    assert incident.verification_status == VerificationStatus.UNASSESSED


def test_the_assess_page_starts_from_the_current_assessment(alice, bob):
    incident = incident_assess(
        incident=make_in_review(alice),
        actor=bob,
        verification_status=VerificationStatus.SINGLE_SOURCE,
        rationale="One video so far.",
    )

    page = as_user(bob).get(step_url(incident, "assess")).content.decode()

    assert '<option value="single_source" selected>' in page
    assert "One video so far.</textarea>" in page


def test_merging_points_the_duplicate_to_the_survivor_and_proposes_its_evidence(bob):
    duplicate = make_published_incident(title="Execution near Avdiivka, first report")
    survivor = make_published_incident(title="Execution near Avdiivka")

    response = as_user(bob).post(
        step_url(duplicate, "merge"), {"survivor": survivor.public_id.lower()}, follow=True
    )

    assert messages_on(response) == [f"{duplicate.public_id} merged into {survivor.public_id}."]
    assert f'Merged into</strong> <a href="{change_url(survivor)}">' in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == survivor
    assert duplicate.publication_status == PublicationStatus.WITHDRAWN
    # The published survivor gains the duplicate's source only once a second reviewer agrees.
    assert survivor.source_links.count() == 1
    correction = survivor.corrections.get()
    assert correction.status == Correction.Status.IN_REVIEW
    assert [item["source"] for item in correction.changes["add_sources"]] == [
        duplicate.source_links.get().source_id
    ]


def test_an_unknown_step_is_not_found(bob):
    incident = make_published_incident()

    assert as_user(bob).post(step_url(incident, "delete")).status_code == 404


def test_a_step_on_a_missing_incident_is_not_found(bob):
    assert (
        as_user(bob)
        .get(reverse("admin:incidents_incident_transition", args=[999999, "assess"]))
        .status_code
        == 404
    )


def test_submit_and_publish_answer_only_to_post(alice):
    incident = make_ready_draft(created_by=alice)

    response = as_user(alice).get(step_url(incident, "submit"))

    assert response.status_code == 405
    incident.refresh_from_db()
    assert incident.publication_status == PublicationStatus.DRAFT


def test_a_step_needs_the_csrf_token_a_real_form_carries(alice):
    incident = make_ready_draft(created_by=alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(step_url(incident, "submit"))

    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.publication_status == PublicationStatus.DRAFT


# --- Returned drafts --------------------------------------------------------------------------


def test_a_returned_draft_shows_the_comment_to_its_author_and_in_her_queue(alice, bob):
    incident = make_in_review(alice, title="Shooting at a checkpoint")
    returned = as_user(bob).post(
        step_url(incident, "return"), {"comment": "Which video shows the shooting?"}, follow=True
    )
    alice_client = as_user(alice)

    page = text(alice_client.get(change_url(incident)))
    queue = alice_client.get(reverse("admin:index"))

    assert messages_on(returned) == [f"{incident.public_id} returned to draft with your comment."]
    assert "The reviewer returned it" in page
    assert "Which video shows the shooting?" in page
    assert 'value="Submit for review"' in page
    returned_table = re.search(r'id="queue-returned".*?</table>', queue.content.decode(), re.S)
    assert incident.public_id in returned_table.group()


def test_returning_without_a_comment_asks_for_one(alice, bob):
    incident = make_in_review(alice)

    response = as_user(bob).post(step_url(incident, "return"), {"comment": ""})

    assert response.status_code == 200
    assert "Say what needs to change: a comment is required to return it." in text(response)
    incident.refresh_from_db()
    assert incident.publication_status == PublicationStatus.IN_REVIEW
