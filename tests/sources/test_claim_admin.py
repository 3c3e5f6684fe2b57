"""The claim's admin as its users meet it: Alice (analyst) records a claim from the source's
page and submits it; Bob and Carol (reviewers) return, publish and withdraw it with the
Workflow box; mistakes come back as sentences on the field concerned."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from incidents.models import IncidentType
from sources import services
from sources.models import Claim, SourceDocument
from tests.admin_browser import Browser, admin_url
from tests.factories import make_claim

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("password_only_sign_in")]


@pytest.fixture
def source() -> SourceDocument:
    return SourceDocument.objects.create(kind="un-report", title="HRMMU periodic report")


def _step_url(claim: Claim, name: str) -> str:
    return reverse("admin:sources_claim_transition", args=[claim.pk, name])


FILLED = {
    "period_start": "2024-08-01",
    "period_start_precision": "month",
    "period_end": "2025-02-28",
    "period_end_precision": "month",
    "victim_category": "pow",
    "counted": "killed",
    "qualifier": "exactly",
    "figure_best": "79",
    "as_of": "2025-03-25",
    "method": "Interviews with released prisoners of war",
    "quotation": "documented 79 executions of prisoners of war in 24 incidents",
    "quotation_language": "en",
}


def _add_page(browser: Browser, source: SourceDocument):
    """The add page as the source's "Add a claim from this source" link opens it."""
    page = browser.get(admin_url(source))
    link = re.search(
        r'<a class="button" href="([^"]+)">Add a claim from this source</a>', page.html
    )
    assert link, "the source's page offers no way to add a claim"
    return browser.get(link.group(1).replace("&amp;", "&"))


def test_an_analyst_records_a_claim_from_its_sources_page(alice, source):
    browser = Browser(alice)
    page = _add_page(browser, source)
    pow_execution = IncidentType.objects.get(slug="pow-execution")
    page = browser.submit(
        page.form(id="claim_form"),
        {**FILLED, "types": [str(pow_execution.pk)]},
        button="Save",
    )
    claim = Claim.objects.get()
    assert page.status_code == 200
    assert claim.source == source
    assert claim.created_by == alice
    assert [t.slug for t in claim.incident_types.all()] == ["pow-execution"]
    assert claim.public_id in browser.get(admin_url(source)).text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"qualifier": "about", "figure_low": "80"},
            "figure_low",
            "The low figure cannot exceed the best figure.",
        ),
        (
            {"qualifier": "", "figure_best": "79"},
            "qualifier",
            "Say how the source qualifies its figure: exactly, at least, about or up to.",
        ),
        (
            {"qualifier": "about", "figure_best": ""},
            "qualifier",
            "A qualifier goes with a figure: enter the figure, or leave the qualifier empty for "
            "a finding without one.",
        ),
        ({"period_end": "2024-07-01"}, "period_end", "The period cannot end before it starts."),
        (
            {"quotation_language": ""},
            "quotation_language",
            "Say which language the quotation is in.",
        ),
    ],
)
def test_a_mistake_is_a_sentence_on_its_field_and_nothing_is_saved(
    alice, source, changes, field, message
):
    browser = Browser(alice)
    page = _add_page(browser, source)
    page = browser.submit(page.form(id="claim_form"), {**FILLED, **changes}, button="Save")
    assert page.status_code == 200
    assert page.field_errors(field) == [message]
    assert not Claim.objects.exists()


def test_a_draft_shows_what_it_lacks_and_is_submitted_from_the_workflow_box(alice, source):
    claim = make_claim(source=source, created_by=alice, last_edited_by=alice, method="")
    browser = Browser(alice)
    page = browser.get(admin_url(claim))
    assert "the method, in the source's words" in page.text
    page = browser.submit(page.form(button="Submit for review"), button="Submit for review")
    assert any("cannot go to review yet" in message for message in page.messages())
    services.claim_update(
        claim=claim, actor=alice, version=claim.version, data={"method": "Verified video"}
    )
    page = browser.get(admin_url(claim))
    page = browser.submit(page.form(button="Submit for review"), button="Submit for review")
    assert f"{claim.public_id} submitted for review." in page.messages()
    assert Claim.objects.get(pk=claim.pk).publication_status == "in_review"
    # An analyst cannot publish: no button, and the step itself refuses.
    assert not page.has_button("Publish")
    assert browser.post(_step_url(claim, "publish"), {}).status_code == 403


def test_a_reviewer_publishes_another_persons_claim_but_not_their_own(alice, bob, carol, source):
    theirs = services.claim_submit_for_review(
        claim=make_claim(source=source, created_by=alice, last_edited_by=alice), actor=alice
    )
    own = services.claim_submit_for_review(
        claim=make_claim(source=source, created_by=bob, last_edited_by=bob), actor=bob
    )
    browser = Browser(bob)
    page = browser.get(admin_url(own))
    assert "You created or last edited this claim, so another reviewer has to publish it" in (
        page.text
    )
    page = browser.submit(page.form(button="Publish"), button="Publish")
    assert any(message.startswith("Four eyes") for message in page.messages())
    assert Claim.objects.get(pk=own.pk).publication_status == "in_review"

    page = browser.get(admin_url(theirs))
    page = browser.submit(page.form(button="Publish"), button="Publish")
    assert f"{theirs.public_id} published." in page.messages()
    assert Claim.objects.get(pk=theirs.pk).publication_status == "published"


def test_returning_asks_for_a_comment_which_the_author_then_reads(alice, bob, source):
    claim = services.claim_submit_for_review(
        claim=make_claim(source=source, created_by=alice, last_edited_by=alice), actor=alice
    )
    browser = Browser(bob)
    page = browser.get(_step_url(claim, "return"))
    page = browser.submit(page.form(button="Return to draft"), button="Return to draft")
    assert page.field_errors("comment") == [
        "Say what needs to change: a comment is required to return it."
    ]
    page = browser.submit(
        page.form(button="Return to draft"),
        {"comment": "The report says more than 79."},
        button="Return to draft",
    )
    assert f"{claim.public_id} returned to draft with your comment." in page.messages()
    assert "The report says more than 79." in Browser(alice).get(admin_url(claim)).text


def test_withdrawing_asks_for_the_public_reason(alice, bob, source):
    claim = services.claim_submit_for_review(
        claim=make_claim(source=source, created_by=alice, last_edited_by=alice), actor=alice
    )
    claim = services.claim_publish(claim=claim, actor=bob)
    browser = Browser(bob)
    page = browser.get(_step_url(claim, "withdraw"))
    page = browser.submit(page.form(button="Withdraw"), button="Withdraw")
    assert page.field_errors("reason") == ["Give the public reason for withdrawing it."]
    assert Claim.objects.get(pk=claim.pk).publication_status == "published"
    page = browser.submit(
        page.form(button="Withdraw"),
        {"reason": "The mission revised the figure."},
        button="Withdraw",
    )
    assert f"{claim.public_id} withdrawn." in page.messages()
    assert Claim.objects.get(pk=claim.pk).withdrawal_reason == "The mission revised the figure."


def test_a_published_claim_shows_its_content_read_only_and_keeps_notes_open(alice, bob, source):
    claim = services.claim_submit_for_review(
        claim=make_claim(source=source, created_by=alice, last_edited_by=alice), actor=alice
    )
    claim = services.claim_publish(claim=claim, actor=bob)
    browser = Browser(alice)
    page = browser.get(admin_url(claim))
    form = page.form(id="claim_form")
    assert form.enabled("figure_best") is None
    assert form.enabled("types") is None
    assert "its content stays as it was published" in page.text
    browser.submit(form, {"internal_notes": "Ask the mission for the list."}, button="Save")
    claim.refresh_from_db()
    assert claim.internal_notes == "Ask the mission for the list."
    assert claim.figure_best == 79
    # A crafted POST of a content field changes nothing either.
    data = form.data({"internal_notes": "again"}, "Save")
    browser.post(admin_url(claim), {**data, "figure_best": "5"})
    assert Claim.objects.get(pk=claim.pk).figure_best == 79


def test_a_stale_form_is_refused_with_the_other_change_kept(alice, erin, source):
    claim = make_claim(source=source, created_by=alice, last_edited_by=alice)
    mine, theirs = Browser(alice), Browser(erin)
    form = mine.get(admin_url(claim)).form(id="claim_form")
    theirs.submit(
        theirs.get(admin_url(claim)).form(id="claim_form"), {"figure_best": "81"}, button="Save"
    )
    page = mine.submit(form, {"figure_best": "90"}, button="Save")
    assert any("after you opened it" in error for error in page.errors())
    assert Claim.objects.get(pk=claim.pk).figure_best == 81


def test_the_history_page_says_who_took_each_step(alice, bob, source):
    claim = services.claim_submit_for_review(
        claim=make_claim(source=source, created_by=alice, last_edited_by=alice), actor=alice
    )
    browser = Browser(bob)
    page = browser.get(admin_url(claim))
    browser.submit(page.form(button="Publish"), button="Publish")
    page = browser.get(admin_url(claim, "history"))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "Publication status: Draft -> In review" in text
    step = f"/admin/sources/claim/{claim.pk}/transition/publish/"
    assert f"UTC bob (Bob Reid) {step} changed Published at:" in text
    assert "Publication status: In review -> Published" in text


def test_staff_without_a_role_cannot_open_claims(dave, source):
    claim = make_claim(source=source)
    browser = Browser(dave)
    assert browser.get(admin_url(claim)).status_code == 403
    assert browser.get(_step_url(claim, "return")).status_code == 403


def test_a_claim_appears_on_no_public_page_or_api_response(client, alice, bob, source):
    source.is_public = True
    source.save()
    marker = "Canaryclaim Qwe8841"
    claim = make_claim(
        source=source, created_by=alice, last_edited_by=alice, quotation=marker, is_public=True
    )
    services.claim_publish(
        claim=services.claim_submit_for_review(claim=claim, actor=alice), actor=bob
    )
    for url in [
        "/",
        "/uk/",
        "/incidents/",
        "/methodology/",
        "/api/v1/",
        "/api/v1/sources/",
        f"/api/v1/sources/{source.public_id}/",
        "/api/v1/schema/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert marker not in body, url
        assert claim.public_id not in body, url


def test_a_source_that_holds_a_claim_is_not_deleted(alice, source):
    make_claim(source=source, created_by=alice, last_edited_by=alice)
    browser = Browser(alice)
    assert browser.get(admin_url(source, "delete")).status_code == 403
    with pytest.raises(services.Refused, match="holds claims"):
        services.source_delete(source=source, actor=alice)
    assert SourceDocument.objects.filter(pk=source.pk).exists()
