"""The workflow rules, enforced in the services whatever screen or script calls them.

Alice and Erin are analysts, Bob and Carol are reviewers, Dave is staff with no role.
"""

from __future__ import annotations

import pytest

from incidents.models import (
    CorrectionStatus,
    Incident,
    IncidentSource,
    PublicationStatus,
    VerificationStatus,
)
from incidents.services import (
    TransitionError,
    incident_assess,
    incident_merge,
    incident_publish,
    incident_republish,
    incident_return_to_draft,
    incident_submit,
    incident_withdraw,
)
from sources.models import SourceDocument
from tests.factories import make_incident, make_ready_draft

pytestmark = pytest.mark.django_db


def _in_review(alice, **fields) -> Incident:
    return incident_submit(incident=make_ready_draft(created_by=alice, **fields), actor=alice)


def _assessed(alice, reviewer, **fields) -> Incident:
    return incident_assess(
        incident=_in_review(alice, **fields),
        actor=reviewer,
        verification_status=VerificationStatus.VERIFIED,
        rationale="Video geolocated; two direct witnesses.",
    )


def _status(incident: Incident) -> str:
    return Incident.objects.get(pk=incident.pk).publication_status


# Submit


def test_an_analyst_submits_a_complete_draft(alice):
    incident = _in_review(alice)
    assert incident.publication_status == PublicationStatus.IN_REVIEW
    assert incident.submitted_at is not None
    assert incident.last_edited_by == alice


@pytest.mark.parametrize(
    ("blank", "complaint"),
    [
        ({"summary": ""}, "a summary"),
        ({"incident_type": None}, "an incident type"),
        ({"region": None}, "a region"),
        ({"date_start": None}, "a start date"),
    ],
)
def test_submission_names_what_is_missing(alice, blank, complaint):
    draft = make_ready_draft(created_by=alice, **blank)
    with pytest.raises(TransitionError, match=complaint):
        incident_submit(incident=draft, actor=alice)
    assert _status(draft) == PublicationStatus.DRAFT


def test_submission_needs_a_linked_source_or_testimony(alice):
    draft = make_ready_draft(created_by=alice)
    draft.source_links.all().delete()
    with pytest.raises(TransitionError, match="at least one linked source or testimony"):
        incident_submit(incident=draft, actor=alice)


def test_an_incident_in_review_cannot_be_submitted_again(alice):
    incident = _in_review(alice)
    with pytest.raises(TransitionError, match="Only an incident that is draft"):
        incident_submit(incident=incident, actor=alice)


def test_staff_without_a_role_cannot_submit(alice, dave):
    draft = make_ready_draft(created_by=alice)
    with pytest.raises(TransitionError, match="permission to submit"):
        incident_submit(incident=draft, actor=dave)


# Return to draft


def test_a_reviewer_returns_an_incident_with_a_comment(alice, bob):
    incident = incident_return_to_draft(
        incident=_in_review(alice), actor=bob, comment="Add the second video."
    )
    assert incident.publication_status == PublicationStatus.DRAFT
    assert incident.review_comment == "Add the second video."
    assert incident.returned_at is not None


def test_returning_needs_a_comment(alice, bob):
    incident = _in_review(alice)
    with pytest.raises(TransitionError, match="comment is required"):
        incident_return_to_draft(incident=incident, actor=bob, comment="  ")
    assert _status(incident) == PublicationStatus.IN_REVIEW


def test_an_analyst_cannot_return_an_incident(alice):
    with pytest.raises(TransitionError, match="permission to return"):
        incident_return_to_draft(incident=_in_review(alice), actor=alice, comment="Mine.")


# Assess


def test_a_reviewer_assesses_an_incident(alice, bob):
    incident = _assessed(alice, bob)
    assert incident.verification_status == VerificationStatus.VERIFIED
    assert incident.reviewed_by == bob
    # Assessing is reviewing, not editing: it must not make the reviewer the last editor.
    assert incident.last_edited_by == alice


def test_an_assessment_needs_a_public_rationale(alice, bob):
    with pytest.raises(TransitionError, match="public rationale"):
        incident_assess(
            incident=_in_review(alice), actor=bob, verification_status="credible", rationale=""
        )


def test_an_unknown_verification_status_is_refused(alice, bob):
    with pytest.raises(TransitionError, match="'probable' is not a verification status"):
        incident_assess(
            incident=_in_review(alice), actor=bob, verification_status="probable", rationale="x"
        )


def test_an_analyst_cannot_assess(alice):
    with pytest.raises(TransitionError, match="permission to assess"):
        incident_assess(
            incident=_in_review(alice), actor=alice, verification_status="verified", rationale="x"
        )


# Publish


def test_a_second_person_publishes_an_assessed_incident(alice, bob):
    incident = incident_publish(incident=_assessed(alice, bob), actor=bob)
    assert incident.publication_status == PublicationStatus.PUBLISHED
    assert incident.published_at is not None
    assert Incident.objects.published().filter(pk=incident.pk).exists()


def test_four_eyes_the_creator_cannot_publish(bob, carol):
    incident = _assessed(bob, carol)  # Bob, a reviewer, wrote it himself.
    with pytest.raises(TransitionError, match="Four eyes"):
        incident_publish(incident=incident, actor=bob)
    assert incident_publish(incident=incident, actor=carol).publication_status == "published"


def test_four_eyes_the_last_editor_cannot_publish(alice, bob, carol):
    incident = _assessed(alice, bob)
    Incident.objects.filter(pk=incident.pk).update(last_edited_by=bob)
    with pytest.raises(TransitionError, match="Four eyes"):
        incident_publish(incident=incident, actor=bob)
    assert _status(incident) == PublicationStatus.IN_REVIEW
    incident_publish(incident=incident, actor=carol)
    assert _status(incident) == PublicationStatus.PUBLISHED


def test_an_unassessed_incident_cannot_be_published(alice, bob):
    incident = _in_review(alice)
    with pytest.raises(TransitionError, match="unassessed"):
        incident_publish(incident=incident, actor=bob)


def test_a_draft_cannot_be_published(alice, bob):
    draft = make_ready_draft(created_by=alice, verification_status="verified")
    with pytest.raises(TransitionError, match="Only an incident that is in review"):
        incident_publish(incident=draft, actor=bob)


def test_an_analyst_cannot_publish(alice, bob, erin):
    incident = _assessed(erin, bob)
    with pytest.raises(TransitionError, match="permission to publish"):
        incident_publish(incident=incident, actor=alice)


# Withdraw


def test_a_reviewer_withdraws_with_a_public_reason(alice, bob):
    incident = incident_publish(incident=_assessed(alice, bob), actor=bob)
    incident = incident_withdraw(incident=incident, actor=bob, reason="The video was staged.")
    assert incident.publication_status == PublicationStatus.WITHDRAWN
    assert incident.withdrawal_reason == "The video was staged."
    assert not Incident.objects.published().filter(pk=incident.pk).exists()
    # A tombstone, not a deletion.
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_withdrawing_needs_a_reason(alice, bob):
    incident = incident_publish(incident=_assessed(alice, bob), actor=bob)
    with pytest.raises(TransitionError, match="public reason"):
        incident_withdraw(incident=incident, actor=bob, reason="")
    assert _status(incident) == PublicationStatus.PUBLISHED


def test_only_published_incidents_can_be_withdrawn(alice, bob):
    with pytest.raises(TransitionError, match="Only an incident that is published"):
        incident_withdraw(incident=_in_review(alice), actor=bob, reason="Mistake.")


# Republication


def _withdrawn(alice, bob) -> Incident:
    incident = incident_publish(incident=_assessed(alice, bob), actor=bob)
    return incident_withdraw(incident=incident, actor=bob, reason="The date was in doubt.")


def test_a_reviewer_republishes_a_withdrawn_incident_with_a_public_note(alice, bob, carol):
    incident = _withdrawn(alice, bob)

    republished = incident_republish(
        incident=incident, actor=carol, note="A second witness confirmed the date."
    )

    assert republished.publication_status == PublicationStatus.PUBLISHED
    assert (republished.withdrawn_at, republished.withdrawal_reason) == (None, "")
    assert republished.public_updated_at > incident.public_updated_at
    assert list(republished.notes.values_list("kind", "text")) == [
        ("withdrawal", "The date was in doubt."),
        ("republication", "A second witness confirmed the date."),
    ]


def test_four_eyes_the_author_of_a_withdrawn_incident_cannot_republish_it(alice, bob):
    incident = _withdrawn(alice, bob)
    alice.groups.add(*bob.groups.all())  # Alice became a reviewer since
    alice = type(alice).objects.get(pk=alice.pk)

    with pytest.raises(TransitionError, match="Four eyes"):
        incident_republish(incident=incident, actor=alice, note="It was right after all.")
    assert _status(incident) == PublicationStatus.WITHDRAWN


def test_republishing_needs_a_note_and_a_reviewer(alice, bob, carol, erin):
    incident = _withdrawn(alice, bob)

    with pytest.raises(TransitionError, match="Write the public note"):
        incident_republish(incident=incident, actor=carol, note="  ")
    with pytest.raises(TransitionError, match="permission to republish"):
        incident_republish(incident=incident, actor=erin, note="Back.")
    assert _status(incident) == PublicationStatus.WITHDRAWN


def test_a_merged_duplicate_is_not_republished_whether_it_was_public_or_not(alice, bob, carol):
    survivor = incident_publish(incident=_assessed(alice, bob), actor=bob)
    duplicate = incident_publish(incident=_assessed(alice, bob), actor=bob)
    incident_merge(duplicate=duplicate, survivor=survivor, actor=bob)
    draft = make_ready_draft(created_by=alice)
    incident_merge(duplicate=draft, survivor=_in_review(alice), actor=bob)

    with pytest.raises(TransitionError, match=f"was merged into {survivor.public_id}"):
        incident_republish(incident=duplicate, actor=carol, note="Back.")
    with pytest.raises(TransitionError, match="was merged into"):
        incident_republish(incident=draft, actor=carol, note="Back.")


# Merge


def test_merging_into_a_record_in_review_moves_the_missing_evidence_at_once(alice, bob):
    survivor = _in_review(alice)
    duplicate = incident_publish(incident=_assessed(alice, bob), actor=bob)
    shared = survivor.source_links.get().source
    IncidentSource.objects.create(incident=duplicate, source=shared)
    extra = SourceDocument.objects.create(kind="ngo-report", title="NGO report")
    IncidentSource.objects.create(incident=duplicate, source=extra)
    version_before = survivor.version

    incident_merge(duplicate=duplicate, survivor=survivor, actor=bob)

    duplicate.refresh_from_db()
    survivor.refresh_from_db()
    assert duplicate.duplicate_of == survivor
    assert duplicate.publication_status == PublicationStatus.WITHDRAWN
    # The survivor is not public yet: the duplicate's public reason must not name it.
    assert survivor.public_id not in duplicate.withdrawal_reason
    assert extra.pk in set(survivor.source_links.values_list("source_id", flat=True))
    assert survivor.source_links.filter(source=shared).count() == 1
    assert survivor.version > version_before


def test_merging_into_a_published_record_proposes_the_missing_evidence_for_review(alice, bob):
    survivor = incident_publish(incident=_assessed(alice, bob), actor=bob)
    duplicate = incident_publish(incident=_assessed(alice, bob), actor=bob)
    extra = SourceDocument.objects.create(kind="ngo-report", title="NGO report", is_public=True)
    IncidentSource.objects.create(incident=duplicate, source=extra)

    incident_merge(duplicate=duplicate, survivor=survivor, actor=bob)

    survivor.refresh_from_db()
    assert extra.pk not in set(survivor.source_links.values_list("source_id", flat=True))
    proposal = survivor.corrections.get()
    assert proposal.status == CorrectionStatus.IN_REVIEW
    assert extra.pk in [added["source"] for added in proposal.changes["add_sources"]]


def test_an_incident_cannot_be_merged_into_itself_or_into_a_duplicate(alice, bob):
    first, second, third = (make_ready_draft(created_by=alice) for _ in range(3))
    with pytest.raises(TransitionError, match="into itself"):
        incident_merge(duplicate=first, survivor=first, actor=bob)
    incident_merge(duplicate=second, survivor=first, actor=bob)
    with pytest.raises(TransitionError, match="itself a merged duplicate"):
        incident_merge(duplicate=third, survivor=second, actor=bob)
    with pytest.raises(TransitionError, match="already merged"):
        incident_merge(duplicate=second, survivor=third, actor=bob)


def test_an_analyst_cannot_merge(alice):
    first, second = make_incident(), make_incident()
    with pytest.raises(TransitionError, match="permission to merge"):
        incident_merge(duplicate=first, survivor=second, actor=alice)


# Versions


def test_every_transition_raises_the_version(alice, bob):
    draft = make_ready_draft(created_by=alice)
    versions = [draft.version]
    incident = incident_submit(incident=draft, actor=alice)
    versions.append(incident.version)
    incident = incident_assess(
        incident=incident, actor=bob, verification_status="credible", rationale="Two reports."
    )
    versions.append(incident.version)
    incident = incident_publish(incident=incident, actor=bob)
    versions.append(incident.version)
    assert versions == sorted(set(versions))
