"""Correcting a published incident in the admin: the correction page, from "Propose a correction"
in the Workflow box to a second person's approval, return or discard, with every refusal shown
where it belongs on the page.

Alice is an analyst. Bob and Carol are reviewers.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from incidents.corrections import Proposal
from incidents.models import Correction, CorrectionStatus, Incident, IncidentSource
from incidents.services import correction_save, correction_start, correction_submit
from sources import services as source_services
from sources.models import SourceDocument
from tests.admin_browser import (
    Browser,
    Page,
    admin_url,
    corrections_on,
    later,
    public_record,
    queue_links,
)
from tests.factories import linked_testimony, make_published_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("password_only_sign_in")]

APPROVE = "Approve and publish the correction"
# A correction's form, filled in: a new title and the public note that goes with it.
RETITLED = {"incident-title": "Execution of POWs near Bakhmut", "note": "The title was corrected."}


@pytest.fixture
def published() -> Incident:
    return make_published_incident(
        title="Execution of three POWs near Bakhmut", killed_low=3, killed_best=3, killed_high=3
    )


def proposed(incident: Incident, by: User, *, submit: bool = True, **fields) -> Correction:
    """A correction of `incident` by `by`, changing `fields`, with a public note."""
    correction = correction_start(incident=incident, actor=by)
    correction = correction_save(
        correction=correction,
        actor=by,
        version=correction.version,
        proposal=Proposal(incident=fields),
        note="The title was corrected.",
    )
    return correction_submit(correction=correction, actor=by) if submit else correction


def change_lines(page: Page) -> list[tuple[str, str, str]]:
    """The "What changes" table of a correction: (what, now, becomes)."""
    return [
        tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in row)
        for row in re.findall(
            r'<tr><th scope="row">(.*?)</th><td class="before">(.*?)</td><td>(.*?)</td></tr>',
            page.text,
            re.S,
        )
    ]


def start_correction(browser: Browser, incident: Incident) -> Page:
    """Opens the incident and clicks "Propose a correction" in its Workflow box."""
    page = browser.get(admin_url(incident))
    return browser.submit(page.form(button="Propose a correction"))


def edit(browser: Browser, page: Page, changes: dict, *, button: str = "Save draft") -> Page:
    return browser.submit(page.form(button=button), changes, button=button)


def approve(browser: Browser, correction: Correction) -> Page:
    """Opens the correction and clicks "Approve and publish the correction"."""
    review = browser.get(admin_url(correction))
    return browser.submit(review.form(button=APPROVE), button=APPROVE)


# --- The whole way -----------------------------------------------------------------------------


def test_an_analyst_proposes_a_correction_and_a_reviewer_approves_it(alice, bob, published):
    before = public_record(published)
    alices = Browser(alice)

    page = start_correction(alices, published)
    assert page.messages() == [
        "Correction started. Change what is wrong and write the public note; the public record "
        "stays as it is until a second person approves it."
    ]
    submitted = edit(
        alices,
        page,
        {
            "incident-title": "Execution of four POWs near Bakhmut",
            "incident-killed_best": "4",
            "incident-killed_high": "4",
            "note": "The number killed was corrected from three to four after a second video "
            "was geolocated.",
        },
        button="Submit for review",
    )

    assert submitted.messages() == [
        f"Correction of {published.public_id} sent to review. The public record stays as it is "
        "until another reviewer approves it."
    ]
    assert change_lines(submitted) == [
        ("Title", "Execution of three POWs near Bakhmut", "Execution of four POWs near Bakhmut"),
        ("Killed best", "3", "4"),
        ("Killed high", "3", "4"),
    ]
    assert not submitted.has_button(APPROVE)
    assert "Once another reviewer approves it, the record changes in one step" in submitted.text
    assert public_record(published) == before

    bobs = Browser(bob)
    queue = queue_links(bobs.get(reverse("admin:index")), "corrections-review")
    review = bobs.get(queue[published.title])
    approved = bobs.submit(review.form(button=APPROVE), button=APPROVE)

    assert approved.url == admin_url(published)
    assert approved.messages() == [
        f"Correction applied: the public record of {published.public_id} shows it now, with the "
        "public note under “Corrections”."
    ]
    after = public_record(published)
    assert after.api["title"] == "Execution of four POWs near Bakhmut"
    assert (after.api["killed_low"], after.api["killed_best"], after.api["killed_high"]) == (
        3,
        4,
        4,
    )
    assert "Execution of four POWs near Bakhmut" in after.page
    note = "The number killed was corrected from three to four after a second video was geolocated."
    assert corrections_on(after) == [f"Correction: {note}"]
    assert [(entry["kind"], entry["note"]) for entry in after.api["corrections"]] == [
        ("correction", note)
    ]
    assert later(after, before)
    correction = Correction.objects.get(incident=published)
    assert (correction.status, correction.proposed_by, correction.reviewed_by) == (
        CorrectionStatus.APPLIED,
        alice,
        bob,
    )


def test_a_reviewer_who_proposed_a_correction_leaves_approving_it_to_another(bob, carol, published):
    correction = proposed(published, carol, title="Execution of POWs near Bakhmut")
    carols = Browser(carol)

    page = carols.get(admin_url(correction))
    crafted = carols.post(admin_url(correction), {"action": "approve"})

    assert not page.has_button(APPROVE)
    assert (
        "You proposed or last changed this correction, so another reviewer has to approve it "
        "(four eyes)." in page.text
    )
    assert crafted.errors() == [
        "Four eyes: you proposed or last changed this correction, so another reviewer must "
        "approve it."
    ]
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.IN_REVIEW
    assert Browser(bob).get(admin_url(correction)).has_button(APPROVE)


def test_correcting_a_cited_source_changes_every_published_record_that_cites_it(
    alice, bob, published
):
    source = published.source_links.get().source
    also_citing = make_published_incident(title="Second record citing the same report")
    IncidentSource.objects.create(incident=also_citing, source=source)
    before = public_record(also_citing)
    alices = Browser(alice)

    page = start_correction(alices, published)
    edit(
        alices,
        page,
        {
            f"source-{source.pk}-title": "Report of the UN monitoring mission",
            f"source-{source.pk}-archive_url": "https://archive.example.org/report",
            "note": "The title of a cited report was corrected.",
        },
        button="Submit for review",
    )
    approve(Browser(bob), Correction.objects.get(incident=published))

    for incident in (published, also_citing):
        [cited] = [
            cited
            for cited in public_record(incident).api["sources"]
            if cited["public_id"] == source.public_id
        ]
        assert cited["title"] == "Report of the UN monitoring mission"
        assert cited["archive_url"] == "https://archive.example.org/report"
    assert corrections_on(public_record(published)) == [
        "Correction: The title of a cited report was corrected."
    ]
    assert corrections_on(public_record(also_citing)) == [
        "Correction: The details of a cited source were corrected."
    ]
    assert later(public_record(also_citing), before)


# --- Return and discard ------------------------------------------------------------------------


def test_a_returned_correction_shows_the_comment_to_its_proposer(alice, bob, published):
    before = public_record(published)
    correction = proposed(published, alice, title="Execution of POWs near Bakhmut")
    bobs = Browser(bob)
    review = bobs.get(admin_url(correction))

    returned = bobs.submit(
        review.form(button="Return to draft"),
        {"comment": "Which source says it was near Bakhmut?"},
        button="Return to draft",
    )
    page = Browser(alice).get(admin_url(correction))

    assert returned.messages() == ["Correction returned to draft with your comment."]
    assert "The reviewer returned it" in page.text
    assert "Which source says it was near Bakhmut?" in page.text
    assert page.has_button("Submit for review")
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.DRAFT
    assert public_record(published) == before


def test_returning_a_correction_without_a_comment_asks_for_one(alice, bob, published):
    correction = proposed(published, alice, title="Execution of POWs near Bakhmut")
    bobs = Browser(bob)
    review = bobs.get(admin_url(correction))

    refused = bobs.submit(review.form(button="Return to draft"), button="Return to draft")

    assert refused.errors() == ["Say what needs to change: a comment is required to return it."]
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.IN_REVIEW


def test_a_discarded_correction_leaves_the_record_as_it_was(alice, published):
    before = public_record(published)
    alices = Browser(alice)
    page = start_correction(alices, published)
    page = edit(alices, page, {"incident-title": "A title nobody will see"})

    discarded = alices.submit(
        page.form(button="Discard the correction"), button="Discard the correction"
    )

    assert discarded.messages() == ["Correction discarded; the public record is unchanged."]
    assert Correction.objects.get(incident=published).status == CorrectionStatus.DISCARDED
    assert public_record(published) == before
    assert alices.get(admin_url(published)).has_button("Propose a correction")


# --- Refusals land where they belong -----------------------------------------------------------


def test_figures_out_of_order_are_refused_on_the_figure(alice, published):
    alices = Browser(alice)
    page = start_correction(alices, published)

    refused = edit(alices, page, {"incident-killed_low": "5", "incident-killed_best": "3"})

    assert refused.status_code == 200
    on_the_figures = refused.field_errors("incident-killed_low") + refused.field_errors(
        "incident-killed_best"
    )
    assert on_the_figures, f"no error on the figures; the page says {refused.errors()}"
    assert not [error for error in refused.errors() if "Constraint" in error]
    assert Correction.objects.get(incident=published).changes == {}


def test_an_invalid_archive_url_is_refused_in_its_sources_section(alice, published):
    source = published.source_links.get().source
    alices = Browser(alice)
    page = start_correction(alices, published)

    refused = edit(alices, page, {f"source-{source.pk}-archive_url": "not a link"})

    assert refused.field_errors(f"source-{source.pk}-archive_url") == ["Enter a valid URL."]
    assert Correction.objects.get(incident=published).changes == {}


def test_submitting_without_a_public_note_asks_for_one_on_the_note(alice, published):
    alices = Browser(alice)
    page = start_correction(alices, published)

    refused = edit(
        alices,
        page,
        {"incident-title": "Execution of POWs near Bakhmut"},
        button="Submit for review",
    )

    [error] = refused.field_errors("note")
    assert error.startswith("Write the public note: one sentence a reader understands")
    assert Correction.objects.get(incident=published).status == CorrectionStatus.DRAFT


def test_a_correction_that_changes_nothing_cannot_be_submitted(alice, published):
    alices = Browser(alice)
    page = start_correction(alices, published)

    refused = edit(alices, page, {"note": "Nothing, really."}, button="Submit for review")

    assert refused.errors() == ["This correction changes nothing yet: make the changes first."]
    assert Correction.objects.get(incident=published).status == CorrectionStatus.DRAFT


def test_an_analyst_cannot_set_a_reviewers_fields_even_by_a_crafted_post(alice, published):
    testimony = linked_testimony(published, consent=True, summary_is_public=False)
    alices = Browser(alice)
    page = start_correction(alices, published)
    form = page.form(button="Save draft")
    reviewer_only = [
        "incident-coordinates_public",
        "incident-verification_status",
        "incident-verification_rationale",
        f"testimony-{testimony.pk}-summary_is_public",
    ]

    assert [name for name in reviewer_only if form.enabled(name) is not None] == []
    assert set(reviewer_only) <= form.names()
    crafted = {
        **form.data({"incident-title": "Execution of POWs near Bakhmut"}, "Save draft"),
        "incident-coordinates_public": "on",
        "incident-verification_status": "verified",
        "incident-verification_rationale": "Alice says so.",
        f"testimony-{testimony.pk}-summary_is_public": "on",
    }
    alices.post(page.url, crafted)

    changes = Correction.objects.get(incident=published).changes
    assert changes == {
        "incident": {
            "title": {
                "from": "Execution of three POWs near Bakhmut",
                "to": "Execution of POWs near Bakhmut",
            }
        }
    }


def test_a_page_opened_before_a_safety_removal_does_not_undo_it(alice, bob, carol, published):
    source = published.source_links.get().source
    second = SourceDocument.objects.create(kind="ngo-report", title="NGO report", is_public=True)
    IncidentSource.objects.create(incident=published, source=second)
    alices = Browser(alice)
    page = start_correction(alices, published)

    # Meanwhile the report is taken off the public record for someone's safety.
    source_services.source_update(source=source, actor=bob, data={"is_public": False})
    edit(alices, page, RETITLED, button="Submit for review")

    correction = Correction.objects.get(incident=published)
    assert set(correction.changes) == {"incident"}
    approve(Browser(carol), correction)
    cited = [cited["public_id"] for cited in public_record(published).api["sources"]]
    assert cited == [second.public_id]


def test_a_reviewers_page_opened_before_a_summary_was_unpublished_does_not_show_it_again(
    alice, bob, carol, published
):
    testimony = linked_testimony(published, consent=True, summary_is_public=True)
    bobs = Browser(bob)
    page = start_correction(bobs, published)

    source_services.testimony_update(
        testimony=testimony, actor=alice, data={"summary_is_public": False}
    )
    edit(bobs, page, RETITLED, button="Submit for review")

    correction = Correction.objects.get(incident=published)
    assert set(correction.changes) == {"incident"}
    approve(Browser(carol), correction)
    assert public_record(published).api["testimonies"] == []


def test_a_second_save_keeps_what_the_first_proposed(alice, published):
    source = published.source_links.get().source
    alices = Browser(alice)
    page = edit(
        alices,
        start_correction(alices, published),
        {f"source-{source.pk}-title": "Report of the UN monitoring mission"},
    )

    edit(alices, page, {"incident-killed_best": "3", "note": "Two details were corrected."})

    changes = Correction.objects.get(incident=published).changes
    assert changes["sources"] == {
        str(source.pk): {"title": {"from": "Report", "to": "Report of the UN monitoring mission"}}
    }


@pytest.mark.parametrize(
    ("row", "typed", "error"),
    [
        ("add-source-0-source", "999999", "Select a valid choice."),
        ("add-source-0-source", "abc", "Select a valid choice."),
        ("add-testimony-0-testimony", "999999", "Select a valid choice."),
        ("add-testimony-0-testimony", "1.5", "Select a valid choice."),
        ("incident-region", "abc", "Select a valid choice."),
        ("link-source-{source}-role", "zzz", "Select a valid choice."),
    ],
)
def test_a_bad_evidence_row_is_refused_on_the_row(alice, published, row, typed, error):
    row = row.format(source=published.source_links.get().source_id)
    alices = Browser(alice)
    page = start_correction(alices, published)

    refused = alices.post(
        page.url, page.form(button="Save draft").data({}, "Save draft") | {row: typed}
    )

    assert refused.status_code == 200
    assert "Nothing was saved: please correct the errors below." in refused.errors()
    assert [shown for shown in refused.field_errors(row) if shown.startswith(error)]
    assert Correction.objects.get(incident=published).changes == {}


# --- The reviewers' landing page ---------------------------------------------------------------


def test_the_reviewers_landing_page_lists_corrections_awaiting_review(alice, bob, published):
    draft_only = make_published_incident(title="Record with a draft correction")
    proposed(draft_only, alice, submit=False, title="Still being written")
    correction = proposed(published, alice, title="Execution of POWs near Bakhmut")

    bobs_queue = queue_links(Browser(bob).get(reverse("admin:index")), "corrections-review")
    alices_landing = Browser(alice).get(reverse("admin:index"))

    assert bobs_queue == {published.title: admin_url(correction)}
    assert 'id="queue-corrections-review"' not in alices_landing.html
    assert draft_only.title in queue_links(alices_landing, "corrections-draft")


def test_evidence_added_by_a_correction_is_cited_once_approved(alice, bob, published):
    photo = SourceDocument.objects.create(kind="photo", title="Photo of the site", is_public=True)
    before = public_record(published)
    alices = Browser(alice)
    page = start_correction(alices, published)

    edit(
        alices,
        page,
        {
            # What the source picker puts in the form once Alice has chosen the photo.
            "add-source-0-source": photo.pk,
            "add-source-0-role": "corroborating",
            "note": "A photo of the site was added as corroborating evidence.",
        },
        button="Submit for review",
    )
    assert public_record(published) == before
    review = Browser(bob).get(admin_url(Correction.objects.get(incident=published)))
    assert ("Evidence", "—", f"cites {photo.public_id} (Corroborating)") in change_lines(review)
    Browser(bob).submit(review.form(button=APPROVE), button=APPROVE)

    cited = {(s["public_id"], s["role"]) for s in public_record(published).api["sources"]}
    assert (photo.public_id, "corroborating") in cited
