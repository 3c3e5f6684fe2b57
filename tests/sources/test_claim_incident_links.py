"""Linking a claim to the register's incidents: Alice (analyst) links a draft's incidents, Bob
(reviewer) those of a claim in review, Dave (no role) none; only published incidents, never a
fictional one to a real claim, and nothing once the claim is published. Each change is in the
history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from incidents.demo_markers import FICTIONAL, FICTIONAL_URL
from incidents.models import PublicationStatus
from sources import services
from sources.models import ClaimIncident, SourceDocument
from tests.factories import make_claim, make_incident, make_published_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident():
    return make_published_incident(title="Execution near Alpha", date_start=dt.date(2024, 10, 1))


def test_an_analyst_links_a_published_incident_to_a_draft_as_counted(alice, incident):
    claim = make_claim(created_by=alice)
    link = services.claim_incident_link(
        claim=claim, incident=incident, actor=alice, note="  Named in the report's annex.  "
    )
    assert (link.relation, link.note, link.linked_by) == (
        "counted",
        "Named in the report's annex.",
        alice,
    )
    assert list(claim.incident_links.values_list("incident__title", flat=True)) == [
        "Execution near Alpha"
    ]


def test_the_relation_and_note_change_and_the_link_goes(alice, incident):
    claim = make_claim(created_by=alice)
    link = services.claim_incident_link(claim=claim, incident=incident, actor=alice)
    link = services.claim_incident_update(
        link=link, actor=alice, relation="contradicts", note="Different date."
    )
    assert (link.relation, link.note) == ("contradicts", "Different date.")
    services.claim_incident_unlink(link=link, actor=alice)
    assert not claim.incident_links.exists()
    labels = list(
        ClaimIncident.pgh_event_model.objects.filter(pgh_obj_id=link.pk)
        .order_by("pgh_id")
        .values_list("pgh_label", "relation")
    )
    assert labels == [("insert", "counted"), ("update", "contradicts"), ("delete", "contradicts")]


def test_an_incident_is_linked_once(alice, incident):
    claim = make_claim(created_by=alice)
    services.claim_incident_link(claim=claim, incident=incident, actor=alice)
    with pytest.raises(ValidationError) as refused:
        services.claim_incident_link(claim=claim, incident=incident, actor=alice)
    assert refused.value.message_dict["incident"] == [
        f"{incident.public_id} is already linked to {claim.public_id}."
    ]


def test_an_unknown_relation_is_refused_on_its_field(alice, incident):
    claim = make_claim(created_by=alice)
    with pytest.raises(ValidationError) as refused:
        services.claim_incident_link(claim=claim, incident=incident, actor=alice, relation="maybe")
    assert "relation" in refused.value.message_dict
    assert not ClaimIncident.objects.exists()


@pytest.mark.parametrize("status", [PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW])
def test_a_draft_incident_is_refused_in_words(alice, status):
    claim = make_claim(created_by=alice)
    draft = make_incident(title="Not yet reviewed", publication_status=status)
    with pytest.raises(ValidationError) as refused:
        services.claim_incident_link(claim=claim, incident=draft, actor=alice)
    assert refused.value.message_dict["incident"] == [
        f"{draft.public_id} is not published: a claim is compared only with the register's "
        "published incidents."
    ]
    assert not ClaimIncident.objects.exists()


def test_a_real_claim_is_never_linked_to_a_fictional_incident(alice):
    claim = make_claim(created_by=alice)
    fictional = make_published_incident(summary=f"{FICTIONAL} It describes no real event.")
    with pytest.raises(ValidationError) as refused:
        services.claim_incident_link(claim=claim, incident=fictional, actor=alice)
    assert "fictional demo record" in refused.value.message_dict["incident"][0]
    assert not ClaimIncident.objects.exists()


def test_a_fictional_claim_links_fictional_incidents_only(alice, incident):
    source = SourceDocument.objects.create(
        kind="un-report", title="Invented report", url=f"{FICTIONAL_URL}/sources/001"
    )
    claim = make_claim(source=source, created_by=alice)
    fictional = make_published_incident(summary=f"{FICTIONAL} It describes no real event.")
    services.claim_incident_link(claim=claim, incident=fictional, actor=alice)
    with pytest.raises(ValidationError):
        services.claim_incident_link(claim=claim, incident=incident, actor=alice)
    assert list(claim.incident_links.values_list("incident", flat=True)) == [fictional.pk]


def test_someone_without_the_right_to_edit_claims_is_refused(dave, incident):
    claim = make_claim()
    with pytest.raises(services.ClaimRefused, match="may view this claim but not change it"):
        services.claim_incident_link(claim=claim, incident=incident, actor=dave)


def test_a_claim_in_review_is_linked_by_reviewers_only(alice, bob, incident):
    claim = make_claim(created_by=alice, publication_status=PublicationStatus.IN_REVIEW)
    with pytest.raises(services.ClaimRefused, match="Only reviewers can change a claim in review"):
        services.claim_incident_link(claim=claim, incident=incident, actor=alice)
    link = services.claim_incident_link(claim=claim, incident=incident, actor=bob)
    assert link.linked_by == bob


def test_the_links_of_a_published_claim_stay_as_they_are(alice, bob, incident):
    claim = make_claim(created_by=alice)
    link = services.claim_incident_link(claim=claim, incident=incident, actor=alice)
    claim.publication_status = PublicationStatus.PUBLISHED
    claim.published_at = timezone.now()
    claim.save()
    other = make_published_incident(title="Another")
    sentence = f"{claim.public_id} is published, so its links to incidents stay as they are"
    with pytest.raises(services.ClaimRefused, match=sentence):
        services.claim_incident_link(claim=claim, incident=other, actor=bob)
    with pytest.raises(services.ClaimRefused, match=sentence):
        services.claim_incident_update(link=link, actor=bob, relation="consistent", note="")
    with pytest.raises(services.ClaimRefused, match=sentence):
        services.claim_incident_unlink(link=link, actor=bob)
    link.refresh_from_db()
    assert link.relation == "counted"
