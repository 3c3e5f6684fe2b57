"""The ways around review that an audit found in the admin, each tried again through the admin's
real forms (the page is fetched, its form filled in as a browser would and posted back): each is
now refused, with the reason on the form, or routed into a correction that a second person
reviews. The public record page and the API record stay as they were, `updated_at` included;
removals made for someone's safety take effect at once and say only that something was removed.

Alice is an analyst. Bob and Carol are reviewers.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.models import (
    Correction,
    CorrectionStatus,
    Incident,
    IncidentSource,
)
from sources.models import SourceDocument
from tests.admin_browser import (
    Browser,
    admin_url,
    corrections_on,
    later,
    public_record,
    queue_links,
    step_url,
)
from tests.factories import linked_testimony, make_published_incident, make_ready_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("password_only_sign_in")]


# --- People and records ------------------------------------------------------------------------


@pytest.fixture
def published() -> Incident:
    return make_published_incident(title="Execution of three POWs near Bakhmut")


def cited_source(incident: Incident) -> SourceDocument:
    return incident.source_links.get().source


def cited_refusal(what: str, incident: Incident) -> str:
    return (
        f"{what} is shown with published incident {incident.public_id}: what the public sees of "
        "it changes only through a correction, which a second person reviews. Open the incident "
        "and use “Propose a correction”."
    )


# --- Sources that a published record cites -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "typed"),
    [("title", "Report, as retitled later"), ("url", "https://example.org/another-report")],
)
def test_an_analyst_cannot_rewrite_a_source_that_a_published_incident_cites(
    alice, published, name, typed
):
    source = cited_source(published)
    before = public_record(published)
    browser = Browser(alice)
    page = browser.get(admin_url(source))

    saved = browser.submit(page.form(id="sourcedocument_form"), {name: typed}, button="Save")

    assert saved.status_code == 200
    assert saved.errors() == [cited_refusal(source.public_id, published)]
    source.refresh_from_db()
    assert getattr(source, name) != typed
    assert public_record(published) == before  # the page, the API document and its updated_at


def test_an_analyst_cannot_make_a_hidden_source_of_a_published_incident_public(alice, published):
    hidden = SourceDocument.objects.create(
        kind="video", title="Unverified video from a perpetrator channel"
    )
    IncidentSource.objects.create(incident=published, source=hidden, role="mentions")
    before = public_record(published)
    browser = Browser(alice)
    page = browser.get(admin_url(hidden))

    saved = browser.submit(page.form(id="sourcedocument_form"), {"is_public": True})

    assert saved.status_code == 200
    assert saved.errors() == [cited_refusal(hidden.public_id, published)]
    hidden.refresh_from_db()
    assert not hidden.is_public
    after = public_record(published)
    assert after == before
    assert hidden.title not in after.page


def test_a_source_no_published_record_shows_is_edited_directly(alice, published):
    hidden = SourceDocument.objects.create(kind="video", title="Video, first copy")
    IncidentSource.objects.create(incident=published, source=hidden, role="mentions")
    before = public_record(published)
    browser = Browser(alice)
    page = browser.get(admin_url(hidden))

    saved = browser.submit(page.form(id="sourcedocument_form"), {"title": "Video, original"})

    assert saved.messages()[0].startswith("The source document “")
    hidden.refresh_from_db()
    assert hidden.title == "Video, original"
    assert public_record(published) == before


# --- Testimonies that a published record rests on ----------------------------------------------


def test_an_analyst_cannot_publish_a_testimony_summary_of_a_published_incident(alice, published):
    testimony = linked_testimony(published, consent=False, summary_is_public=False)
    before = public_record(published)
    browser = Browser(alice)

    # Consent alone publishes nothing: no summary is marked publishable yet.
    page = browser.get(admin_url(testimony.witness))
    consented = browser.submit(
        page.form(id="witness_form"), {"consent_publish_anonymised": True}, button="Save"
    )
    assert consented.errors() == []
    page = browser.get(admin_url(testimony))
    refused = browser.submit(
        page.form(id="testimony_form"),
        {"summary_is_public": True, "public_summary": "Rewritten after publication."},
        button="Save",
    )

    assert refused.status_code == 200
    assert refused.field_errors("summary_is_public") == [
        "Only a reviewer may mark a summary publishable, after checking that it cannot identify "
        "the witness."
    ]
    testimony.refresh_from_db()
    assert not testimony.summary_is_public
    assert testimony.public_summary != "Rewritten after publication."
    after = public_record(published)
    assert after == before
    assert after.api["testimonies"] == []


def test_a_reviewer_cannot_put_a_summary_on_a_published_record_without_a_correction(bob, published):
    testimony = linked_testimony(published, consent=True, summary_is_public=False)
    before = public_record(published)
    browser = Browser(bob)
    page = browser.get(admin_url(testimony))

    refused = browser.submit(
        page.form(id="testimony_form"), {"summary_is_public": True}, button="Save"
    )

    assert refused.status_code == 200
    assert refused.errors() == [cited_refusal(f"The summary of {testimony.public_id}", published)]
    testimony.refresh_from_db()
    assert not testimony.summary_is_public
    assert public_record(published) == before


# --- Merging into a published record -----------------------------------------------------------


def test_merging_a_draft_into_a_published_record_adds_its_evidence_only_once_approved(
    alice, bob, carol, published
):
    draft = make_ready_draft(created_by=alice, title="Shooting near Bakhmut, second report")
    video = cited_source(draft)
    SourceDocument.objects.filter(pk=video.pk).update(is_public=True)
    before = public_record(published)
    bobs = Browser(bob)

    page = bobs.get(step_url(draft, "merge"))
    merged = bobs.submit(page.form(button="Merge"), {"survivor": published.public_id})

    assert merged.messages() == [f"{draft.public_id} merged into {published.public_id}."]
    assert public_record(published) == before
    assert video.title not in public_record(published).page
    correction = Correction.objects.get(incident=published)
    assert correction.status == CorrectionStatus.IN_REVIEW
    assert correction.changes["add_sources"] == [
        {"source": video.pk, "role": "primary", "note": ""}
    ]

    carols = Browser(carol)
    queue = queue_links(carols.get(reverse("admin:index")), "corrections-review")
    review = carols.get(queue[published.title])
    assert f"cites {video.public_id} (Primary)" in review.text
    approved = carols.submit(
        review.form(button="Approve and publish the correction"),
        button="Approve and publish the correction",
    )

    assert approved.messages() == [
        f"Correction applied: the public record of {published.public_id} shows it now, with the "
        "public note under “Corrections”."
    ]
    after = public_record(published)
    assert {source["public_id"] for source in after.api["sources"]} == {
        source["public_id"] for source in before.api["sources"]
    } | {video.public_id}
    assert video.title in after.page
    assert corrections_on(after) == [
        "Correction: Evidence from a duplicate record of the same event was added."
    ]
    assert later(after, before)


# --- Safety removals: at once, and said in neutral words ---------------------------------------


SUMMARY_REMOVED = "Removal: A testimony summary was removed."


@pytest.mark.parametrize(
    ("record", "form_id", "unticked"),
    [
        ("testimony", "testimony_form", "summary_is_public"),
        ("witness", "witness_form", "consent_publish_anonymised"),
    ],
)
def test_unpublishing_a_summary_takes_effect_at_once_with_a_neutral_note(
    alice, published, record, form_id, unticked
):
    testimony = linked_testimony(published, consent=True, summary_is_public=True)
    before = public_record(published)
    assert testimony.public_summary in before.page
    browser = Browser(alice)
    page = browser.get(admin_url(testimony if record == "testimony" else testimony.witness))

    saved = browser.submit(page.form(id=form_id), {unticked: False}, button="Save")

    assert saved.errors() == []
    after = public_record(published)
    assert testimony.public_summary not in after.page
    assert testimony.public_summary not in str(after.api)
    assert after.api["testimonies"] == []
    assert corrections_on(after) == [SUMMARY_REMOVED]
    assert [(note["kind"], note["note"]) for note in after.api["corrections"]] == [
        ("removal", "A testimony summary was removed.")
    ]
    assert later(after, before)


def test_hiding_a_cited_source_takes_effect_at_once_with_a_neutral_note(alice, published):
    source = cited_source(published)
    SourceDocument.objects.filter(pk=source.pk).update(title="Channel post naming a witness")
    before = public_record(published)
    browser = Browser(alice)
    page = browser.get(admin_url(source))

    saved = browser.submit(page.form(id="sourcedocument_form"), {"is_public": False})

    assert saved.errors() == []
    after = public_record(published)
    assert "Channel post naming a witness" not in after.page
    assert "Channel post naming a witness" not in str(after.api)
    assert after.api["sources"] == []
    assert corrections_on(after) == ["Removal: A source was removed from the public record."]
    assert later(after, before)


# --- Staff fields of a published record --------------------------------------------------------


def test_staff_fields_of_a_published_incident_stay_editable_and_change_nothing_public(
    alice, bob, published
):
    before = public_record(published)
    browser = Browser(alice)
    page = browser.get(admin_url(published))
    form = page.form(id="incident_form")

    assert "title" not in form.names()
    assert "summary" not in form.names()
    saved = browser.submit(
        form,
        {"internal_notes": "Ask the HRMMU for the original upload.", "assigned_to": bob.pk},
        button="Save and continue editing",
    )

    assert saved.errors() == []
    assert saved.messages()[0].startswith("The incident “")
    published.refresh_from_db()
    assert published.internal_notes == "Ask the HRMMU for the original upload."
    assert published.assigned_to == bob
    after = public_record(published)
    assert after == before
    assert "Ask the HRMMU" not in after.page


# --- Stale forms -------------------------------------------------------------------------------


def test_a_stale_form_on_a_published_incident_is_refused_naming_who_saved(alice, bob, published):
    alices, bobs = Browser(alice), Browser(bob)
    alices_page = alices.get(admin_url(published))
    bobs_page = bobs.get(admin_url(published))

    bobs.submit(bobs_page.form(id="incident_form"), {"internal_notes": "Bob's note."})
    refused = alices.submit(
        alices_page.form(id="incident_form"), {"internal_notes": "Alice's note."}
    )

    assert refused.status_code == 200
    [error] = refused.errors()
    assert error.startswith("Bob Reid (bob) changed this incident at ")
    assert error.endswith(
        "Your changes were not saved, so theirs are kept: reload the page and apply yours again."
    )
    published.refresh_from_db()
    assert published.internal_notes == "Bob's note."


def test_a_stale_correction_form_is_refused_naming_who_saved(alice, bob, published):
    alices, bobs = Browser(alice), Browser(bob)
    started = alices.get(admin_url(published))
    alices_page = alices.submit(started.form(button="Propose a correction"))
    bobs_page = bobs.get(alices_page.url)

    bobs.submit(
        bobs_page.form(button="Save draft"),
        {"incident-title": "Execution of four POWs near Bakhmut"},
        button="Save draft",
    )
    refused = alices.submit(
        alices_page.form(button="Submit for review"),
        {"incident-summary": "Alice's summary.", "note": "The summary was corrected."},
        button="Submit for review",
    )

    assert refused.errors() == [
        "Bob Reid (bob) changed this correction after you opened it. Your changes were not "
        "saved, so theirs are kept: reload the page and apply yours again."
    ]
    assert "Alice&#x27;s summary." in refused.html  # still there to copy before reloading
    correction = Correction.objects.get(incident=published)
    assert correction.status == CorrectionStatus.DRAFT
    assert correction.changes == {
        "incident": {
            "title": {
                "from": "Execution of three POWs near Bakhmut",
                "to": "Execution of four POWs near Bakhmut",
            }
        }
    }


# --- Evidence rows of a draft ------------------------------------------------------------------


def test_picking_another_source_on_an_evidence_row_replaces_the_citation(alice):
    draft = make_ready_draft(created_by=alice)
    first = cited_source(draft)
    other = SourceDocument.objects.create(kind="ngo-report", title="NGO report")
    browser = Browser(alice)
    page = browser.get(admin_url(draft))

    saved = browser.submit(
        page.form(id="incident_form"),
        {"source_links-0-source": other.pk, "source_links-0-role": "corroborating"},
        button="Save",
    )

    assert saved.errors() == []
    cited = list(draft.source_links.values_list("source", "role"))
    assert cited == [(other.pk, "corroborating")]
    assert first.pk not in [source for source, _ in cited]
