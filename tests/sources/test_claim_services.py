"""The claim's review: Alice (analyst) writes and submits, Bob or Carol (reviewers) return,
publish and withdraw; nobody publishes their own work, and the roles hold what they need."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from incidents.models import IncidentType, PublicationStatus
from sources import services
from sources.models import Claim, ClaimIncidentType, SourceDocument
from tests.factories import make_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def source() -> SourceDocument:
    return SourceDocument.objects.create(kind="un-report", title="HRMMU periodic report")


def _data(source: SourceDocument, **changes) -> dict:
    data = {
        "source": source,
        "period_start": dt.date(2024, 8, 1),
        "period_start_precision": "month",
        "period_end": dt.date(2025, 2, 28),
        "period_end_precision": "month",
        "region": None,
        "incident_types": list(IncidentType.objects.filter(slug="pow-execution")),
        "victim_category": "pow",
        "counted": "killed",
        "qualifier": "exactly",
        "figure_low": None,
        "figure_best": 79,
        "figure_high": None,
        "as_of": dt.date(2025, 3, 25),
        "method": "interviews with released prisoners of war",
        "quotation": "documented 79 executions of prisoners of war in 24 incidents",
        "quotation_language": "en",
        "is_public": True,
        "internal_notes": "",
    }
    return {**data, **changes}


def _in_review(author, source) -> Claim:
    claim = services.claim_create(actor=author, data=_data(source))
    return services.claim_submit_for_review(claim=claim, actor=author)


def test_an_analyst_writes_a_draft_that_counts_its_incident_types(alice, source):
    claim = services.claim_create(actor=alice, data=_data(source))
    assert claim.publication_status == PublicationStatus.DRAFT
    assert claim.created_by == alice
    assert claim.last_edited_by == alice
    assert [t.slug for t in claim.incident_types.all()] == ["pow-execution"]


def test_a_second_reviewer_publishes_what_an_analyst_submitted(alice, bob, source):
    claim = _in_review(alice, source)
    claim = services.claim_publish(claim=claim, actor=bob)
    assert claim.publication_status == PublicationStatus.PUBLISHED
    assert claim.published_at is not None
    assert claim.reviewed_by == bob


def test_the_reviewer_who_wrote_it_cannot_publish_it(bob, carol, source):
    claim = _in_review(bob, source)
    with pytest.raises(services.ClaimRefused, match="Four eyes"):
        services.claim_publish(claim=claim, actor=bob)
    assert services.claim_publish(claim=claim, actor=carol).publication_status == "published"


def test_a_reviewer_who_edited_it_in_review_leaves_publishing_to_another(alice, bob, carol, source):
    claim = _in_review(alice, source)
    claim = services.claim_update(
        claim=claim, actor=bob, version=claim.version, data={"figure_best": 80}
    )
    with pytest.raises(services.ClaimRefused, match="Four eyes"):
        services.claim_publish(claim=claim, actor=bob)
    assert services.claim_publish(claim=claim, actor=carol).figure_best == 80


def test_an_analyst_may_not_publish(alice, erin, source):
    claim = _in_review(erin, source)
    with pytest.raises(services.ClaimRefused, match="permission to publish claims"):
        services.claim_publish(claim=claim, actor=alice)


def test_a_draft_is_not_published_without_review(alice, bob, source):
    claim = services.claim_create(actor=alice, data=_data(source))
    with pytest.raises(services.ClaimRefused, match="Only a claim that is in review"):
        services.claim_publish(claim=claim, actor=bob)


def test_submission_says_what_is_missing(alice, source):
    claim = services.claim_create(
        actor=alice, data=_data(source, as_of=None, method="", quotation="", quotation_language="")
    )
    with pytest.raises(services.ClaimRefused) as caught:
        services.claim_submit_for_review(claim=claim, actor=alice)
    assert str(caught.value) == (
        f"{claim.public_id} cannot go to review yet: it needs the date it is as of, the "
        "method, in the source's words, a quotation from the source."
    )


def test_a_qualitative_finding_goes_through_review_without_a_figure(alice, bob, source):
    data = _data(
        source,
        qualifier="",
        figure_best=None,
        quotation="found a growing number of such killings",
        method="testimony of released prisoners and deserters",
    )
    claim = services.claim_create(actor=alice, data=data)
    claim = services.claim_submit_for_review(claim=claim, actor=alice)
    assert services.claim_publish(claim=claim, actor=bob).has_figure is False


def test_returning_needs_a_comment_and_the_author_sees_it(alice, bob, source):
    claim = _in_review(alice, source)
    with pytest.raises(ValidationError) as caught:
        services.claim_return_to_draft(claim=claim, actor=bob, comment="  ")
    assert caught.value.message_dict == {
        "comment": ["Say what needs to change: a comment is required to return it."]
    }
    claim = services.claim_return_to_draft(
        claim=claim, actor=bob, comment="The report says 'more than', not exactly."
    )
    assert claim.publication_status == PublicationStatus.DRAFT
    assert claim.review_comment == "The report says 'more than', not exactly."


def test_an_analyst_cannot_return_a_claim(alice, erin, source):
    claim = _in_review(erin, source)
    with pytest.raises(services.ClaimRefused, match="permission to return claims"):
        services.claim_return_to_draft(claim=claim, actor=alice, comment="Check the figure.")


def test_withdrawal_needs_a_public_reason(alice, bob, source):
    claim = services.claim_publish(claim=_in_review(alice, source), actor=bob)
    with pytest.raises(ValidationError) as caught:
        services.claim_withdraw(claim=claim, actor=bob, reason="")
    assert caught.value.message_dict == {"reason": ["Give the public reason for withdrawing it."]}
    claim = services.claim_withdraw(
        claim=claim, actor=bob, reason="The mission revised the figure in its next report."
    )
    assert claim.publication_status == PublicationStatus.WITHDRAWN
    assert claim.withdrawal_reason == "The mission revised the figure in its next report."


def test_an_analyst_cannot_withdraw(alice, erin, bob, source):
    claim = services.claim_publish(claim=_in_review(erin, source), actor=bob)
    with pytest.raises(services.ClaimRefused, match="permission to withdraw claims"):
        services.claim_withdraw(claim=claim, actor=alice, reason="Wrong.")


def test_an_analyst_cannot_change_a_claim_in_review(alice, erin, source):
    claim = _in_review(erin, source)
    with pytest.raises(services.ClaimRefused, match="Only reviewers can change a claim in review"):
        services.claim_update(
            claim=claim, actor=alice, version=claim.version, data={"figure_best": 80}
        )


def test_a_published_claim_keeps_its_content_but_not_its_internal_notes(alice, bob, source):
    claim = services.claim_publish(claim=_in_review(alice, source), actor=bob)
    with pytest.raises(services.ClaimRefused, match="is published"):
        services.claim_update(
            claim=claim, actor=bob, version=claim.version, data={"figure_best": 80}
        )
    claim = services.claim_update(
        claim=claim, actor=alice, version=claim.version, data={"internal_notes": "Ask HRMMU."}
    )
    assert claim.internal_notes == "Ask HRMMU."
    assert claim.figure_best == 79


def test_a_stale_form_is_refused_and_the_other_change_kept(alice, erin, source):
    claim = services.claim_create(actor=alice, data=_data(source))
    opened = claim.version
    services.claim_update(claim=claim, actor=erin, version=opened, data={"figure_best": 81})
    with pytest.raises(services.ClaimRefused, match="after you opened it"):
        services.claim_update(claim=claim, actor=alice, version=opened, data={"figure_best": 90})
    assert Claim.objects.get(pk=claim.pk).figure_best == 81


def test_the_service_refuses_inconsistent_figures_on_the_field(alice, source):
    with pytest.raises(ValidationError) as caught:
        services.claim_create(
            actor=alice, data=_data(source, qualifier="about", figure_low=90, figure_best=80)
        )
    assert caught.value.message_dict["figure_low"] == [
        "The low figure cannot exceed the best figure."
    ]
    assert not Claim.objects.exists()


def test_staff_without_a_role_cannot_add_claims(dave, source):
    with pytest.raises(services.ClaimRefused, match="permission to add claims"):
        services.claim_create(actor=dave, data=_data(source))


@pytest.mark.parametrize(
    ("persona", "permissions"),
    [
        ("alice", {"add_claim", "change_claim", "view_claim"}),
        ("olga", {"add_claim", "change_claim", "view_claim"}),
        ("bob", {"add_claim", "change_claim", "view_claim", "review_claim", "publish_claim"}),
        ("ada", {"add_claim", "change_claim", "view_claim", "review_claim", "publish_claim"}),
        ("dave", set()),
    ],
)
def test_each_role_holds_the_claim_permissions_of_its_incident_work(request, persona, permissions):
    user = request.getfixturevalue(persona)
    every = {"add_claim", "change_claim", "view_claim", "review_claim", "publish_claim"}
    assert {p for p in every if user.has_perm(f"sources.{p}")} == permissions
    assert not user.has_perm("sources.delete_claim")


def test_history_records_each_step_and_the_types_counted(alice, bob, source):
    claim = _in_review(alice, source)
    services.claim_publish(claim=claim, actor=bob)
    events = Claim.pgh_event_model.objects.filter(pgh_obj_id=claim.pk).order_by("pgh_id")
    assert [e.publication_status for e in events] == ["draft", "in_review", "published"]
    links = ClaimIncidentType.pgh_event_model.objects.filter(claim_id=claim.pk)
    assert [(e.pgh_label, e.incident_type.slug) for e in links] == [("insert", "pow-execution")]


def test_a_claim_made_directly_is_valid_for_the_service_too(alice):
    # The factory's defaults are a claim the services accept as it is.
    claim = make_claim(created_by=alice, last_edited_by=alice)
    services.claim_submit_for_review(claim=claim, actor=alice)
