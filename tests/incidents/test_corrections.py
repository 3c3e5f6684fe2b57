"""A published incident changes through a correction: proposed, approved by a second person,
applied at once with a public note that readers and partners notice.

Alice is an analyst, Bob and Carol are reviewers.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from incidents.corrections import Proposal
from incidents.models import (
    Correction,
    CorrectionNote,
    CorrectionStatus,
    Incident,
    IncidentType,
    PublicationStatus,
)
from incidents.services import (
    SOURCE_CORRECTED,
    TransitionError,
    correction_approve,
    correction_discard,
    correction_return,
    correction_save,
    correction_start,
    correction_submit,
    incident_assess,
    incident_create,
    incident_publish,
    incident_republish,
    incident_source_add,
    incident_submit,
    incident_testimony_add,
    incident_withdraw,
)
from sources import services as source_services
from sources.models import SourceDocument
from sources.services import source_create, witness_create
from tests.factories import raion_of

pytestmark = pytest.mark.django_db

API = "/api/v1/"
NOTE = "The number killed was corrected from three to four after a second video was geolocated."


def _source(alice, title: str = "Video of the shooting") -> SourceDocument:
    return source_create(
        actor=alice,
        data={
            "kind": "video",
            "title": title,
            # One address per source: a second source at the same one is refused.
            "url": f"https://example.org/{title.lower().replace(' ', '-')}",
            "is_public": True,
        },
    )


def _published(alice, reviewer, *sources: SourceDocument, testimonies=()) -> Incident:
    """An incident Alice wrote and the reviewer published, all through the services."""
    incident = incident_create(
        actor=alice,
        data={
            "title": "Execution of three POWs",
            "summary": "Three captured soldiers were shot after surrendering.",
            "incident_type": IncidentType.objects.get(slug="pow-execution"),
            "region": raion_of("UA-14"),
            "date_start": dt.date(2024, 12, 1),
            "killed_low": 2,
            "killed_best": 3,
            "killed_high": 5,
        },
    )
    for source in sources or [_source(alice)]:
        incident_source_add(incident=incident, actor=alice, source=source)
    for testimony in testimonies:
        incident_testimony_add(incident=incident, actor=alice, testimony=testimony)
    incident_submit(incident=incident, actor=alice)
    incident_assess(
        incident=incident,
        actor=reviewer,
        verification_status="credible",
        rationale="Two independent reports.",
    )
    return incident_publish(incident=incident, actor=reviewer)


def _save(correction: Correction, actor, proposal: Proposal, note: str = NOTE) -> Correction:
    """Saves `proposal` on the correction as of the version the caller last read."""
    return correction_save(
        correction=correction, actor=actor, version=correction.version, proposal=proposal, note=note
    )


def _draft(incident: Incident, actor, proposal: Proposal, note: str = NOTE) -> Correction:
    return _save(correction_start(incident=incident, actor=actor), actor, proposal, note)


def _in_review(incident: Incident, actor, proposal: Proposal, note: str = NOTE) -> Correction:
    return correction_submit(correction=_draft(incident, actor, proposal, note), actor=actor)


def _document(client, incident: Incident) -> dict:
    response = client.get(f"{API}incidents/{incident.public_id}/")
    assert response.status_code == 200
    return response.json()


def _updated_since(client, moment: dt.datetime) -> list[str]:
    response = client.get(
        f"{API}incidents/", {"updated_since": moment.isoformat(), "ordering": "updated_at"}
    )
    assert response.status_code == 200
    return [document["public_id"] for document in response.json()["results"]]


def _status(correction: Correction) -> str:
    return Correction.objects.get(pk=correction.pk).status


# The full path


def test_readers_and_partners_see_a_correction_only_once_a_second_person_approves_it(
    client, alice, bob
):
    incident = _published(alice, bob)
    before = _document(client, incident)
    since = timezone.now()

    draft = _draft(incident, alice, Proposal(incident={"killed_best": 4}))
    assert _document(client, incident) == before
    assert _updated_since(client, since) == []
    in_review = correction_submit(correction=draft, actor=alice)
    assert _document(client, incident) == before
    assert _updated_since(client, since) == []
    assert NOTE not in client.get(f"/incidents/{incident.public_id}/").content.decode()

    correction_approve(correction=in_review, actor=bob)

    after = _document(client, incident)
    assert after["killed_best"] == 4
    assert after["updated_at"] > before["updated_at"]
    (note,) = after["corrections"]
    assert (note["kind"], note["note"]) == ("correction", NOTE)
    assert note["noted_at"] == after["updated_at"]
    # Nothing else of the record moved.
    unchanged = {key for key in before if key not in {"killed_best", "updated_at", "corrections"}}
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
    assert _updated_since(client, since) == [incident.public_id]
    page = client.get(f"/incidents/{incident.public_id}/").content.decode()
    assert NOTE in page
    assert _status(in_review) == CorrectionStatus.APPLIED


def test_a_returned_correction_goes_back_to_its_author_and_changes_nothing(client, alice, bob):
    incident = _published(alice, bob)
    before = _document(client, incident)
    correction = _in_review(incident, alice, Proposal(incident={"killed_best": 4}))

    with pytest.raises(TransitionError, match="comment is required"):
        correction_return(correction=correction, actor=bob, comment=" ")
    returned = correction_return(correction=correction, actor=bob, comment="Which video?")

    assert (returned.status, returned.review_comment) == (CorrectionStatus.DRAFT, "Which video?")
    with pytest.raises(TransitionError, match="Only a correction that is in review"):
        correction_approve(correction=returned, actor=bob)
    correction_discard(correction=returned, actor=alice)
    assert _document(client, incident) == before


# Four eyes


def test_an_analyst_cannot_approve_a_correction(alice, bob):
    correction = _in_review(_published(alice, bob), alice, Proposal(incident={"killed_best": 4}))
    with pytest.raises(TransitionError, match="permission to approve"):
        correction_approve(correction=correction, actor=alice)
    assert _status(correction) == CorrectionStatus.IN_REVIEW


def test_four_eyes_the_proposer_cannot_approve(alice, bob, carol):
    incident = _published(alice, carol)
    correction = _in_review(incident, bob, Proposal(incident={"killed_best": 4}))

    with pytest.raises(TransitionError, match="Four eyes"):
        correction_approve(correction=correction, actor=bob)
    assert Incident.objects.get(pk=incident.pk).killed_best == 3
    correction_approve(correction=correction, actor=carol)
    assert Incident.objects.get(pk=incident.pk).killed_best == 4


def test_four_eyes_the_last_editor_of_a_correction_cannot_approve(alice, bob, carol):
    incident = _published(alice, carol)
    draft = _draft(incident, alice, Proposal(incident={"killed_best": 4}))
    # Bob rewrites Alice's proposal: now the words are his too.
    draft = _save(
        draft,
        bob,
        Proposal(incident={"killed_best": 5}),
        note="The number killed was corrected from three to five.",
    )
    correction = correction_submit(correction=draft, actor=alice)

    with pytest.raises(TransitionError, match="Four eyes"):
        correction_approve(correction=correction, actor=bob)
    correction_approve(correction=correction, actor=carol)
    assert Incident.objects.get(pk=incident.pk).killed_best == 5


def test_a_stale_form_does_not_overwrite_someone_elses_proposal(alice, bob):
    draft = _draft(_published(alice, bob), alice, Proposal(incident={"killed_best": 4}))
    _save(draft, bob, Proposal())
    with pytest.raises(TransitionError, match="changed this correction after you opened it"):
        _save(draft, alice, Proposal(incident={"killed_best": 5}))


# What an analyst may propose


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("coordinates_public", True),
        ("verification_status", "verified"),
        ("verification_rationale", "The video was geolocated."),
    ],
)
def test_reviewer_fields_are_refused_from_an_analyst(alice, bob, carol, field, value):
    incident = _published(alice, bob)
    correction = correction_start(incident=incident, actor=alice)

    with pytest.raises(ValidationError) as refused:
        _save(correction, alice, Proposal(incident={field: value}))

    assert set(refused.value.message_dict) == {field}
    assert "reviewer" in refused.value.message_dict[field][0]
    # A reviewer may propose it; a second one approves.
    correction_discard(correction=correction, actor=alice)
    approved = correction_approve(
        correction=_in_review(incident, bob, Proposal(incident={field: value})), actor=carol
    )
    assert approved.status == CorrectionStatus.APPLIED
    assert getattr(Incident.objects.get(pk=incident.pk), field) == value


def test_an_analyst_cannot_propose_to_publish_a_testimony_summary(alice, bob):
    witness = witness_create(actor=alice, data={"consent_publish_anonymised": True})
    testimony = source_services.testimony_create(
        actor=alice,
        data={
            "witness": witness,
            "taken_on": dt.date(2025, 1, 10),
            "directness": "direct",
            "public_summary": "A released prisoner saw the shooting.",
        },
    )
    incident = _published(alice, bob, _source(alice), testimonies=[testimony])
    correction = correction_start(incident=incident, actor=alice)

    with pytest.raises(ValidationError) as refused:
        _save(
            correction,
            alice,
            Proposal(testimonies={testimony.pk: {"summary_is_public": True}}),
            note="A witness account was added.",
        )

    assert set(refused.value.message_dict) == {f"testimonies.{testimony.pk}.summary_is_public"}


def test_field_errors_are_keyed_where_a_form_shows_them(alice, bob):
    source = _source(alice)
    incident = _published(alice, bob, source)
    correction = correction_start(incident=incident, actor=alice)

    with pytest.raises(ValidationError) as refused:
        _save(
            correction,
            alice,
            Proposal(incident={"title": ""}, sources={source.pk: {"url": "not a url"}}),
        )

    assert set(refused.value.message_dict) == {"title", f"sources.{source.pk}.url"}
    assert Correction.objects.get(pk=correction.pk).changes == {}


def test_a_correction_cannot_move_a_source_to_another_sources_address(alice, bob, carol):
    source = _source(alice)
    other = _source(alice, title="UN report")
    incident = _published(alice, bob, source)
    correction = correction_start(incident=incident, actor=alice)

    with pytest.raises(ValidationError) as refused:
        _save(correction, alice, Proposal(sources={source.pk: {"url": other.url + "/"}}))

    assert refused.value.message_dict == {
        f"sources.{source.pk}.url": [
            f"This address is already recorded as {other.public_id} “UN report”: cite that "
            "source rather than adding it again."
        ]
    }
    # A new address is a correction like any other, and is then checked like any other.
    moved = "https://example.org/the-original-upload"
    correction = _save(correction, alice, Proposal(sources={source.pk: {"url": moved}}))
    correction_approve(
        correction=correction_submit(correction=correction, actor=alice), actor=carol
    )
    source.refresh_from_db()
    assert source.url_normalised == moved
    with pytest.raises(ValidationError):
        source_create(actor=alice, data={"kind": "video", "title": "Copy", "url": moved + "/"})


def test_removing_the_last_evidence_is_refused(alice, bob, carol):
    source = _source(alice)
    incident = _published(alice, bob, source)
    correction = correction_start(incident=incident, actor=alice)

    with pytest.raises(ValidationError) as refused:
        _save(
            correction,
            alice,
            Proposal(remove_sources=[source.pk]),
            note="The only source was retracted.",
        )

    assert set(refused.value.message_dict) == {"evidence"}
    assert "at least one" in refused.value.message_dict["evidence"][0]
    # Replacing it is a correction like any other.
    other = _source(alice, title="UN report")
    correction = _save(
        correction,
        alice,
        Proposal(remove_sources=[source.pk], add_sources=[(other.pk, "primary", "")]),
        note="The retracted report was replaced by the UN's.",
    )
    correction_approve(
        correction=correction_submit(correction=correction, actor=alice), actor=carol
    )
    assert list(incident.source_links.values_list("source_id", flat=True)) == [other.pk]


def test_a_correction_that_changes_nothing_is_not_submitted(alice, bob):
    draft = _draft(_published(alice, bob), alice, Proposal(incident={"killed_best": 3}))
    with pytest.raises(TransitionError, match="changes nothing"):
        correction_submit(correction=draft, actor=alice)


# The record moved in the meantime


def test_a_stale_correction_is_refused_naming_what_moved(client, alice, bob, carol):
    shared = _source(alice, title="Channel video")
    first = _published(alice, bob, shared)
    second = _published(alice, bob, shared)
    correction = _in_review(
        first, alice, Proposal(sources={shared.pk: {"title": "Channel video, 1 December"}})
    )
    correction_approve(
        correction=_in_review(
            second, alice, Proposal(sources={shared.pk: {"title": "Channel video, 2 December"}})
        ),
        actor=carol,
    )
    before = _document(client, first)

    with pytest.raises(TransitionError) as refused:
        correction_approve(correction=correction, actor=bob)

    assert str(refused.value) == (
        "Since this correction was written, the title of a source changed on the record. "
        "Return it so the proposal can be checked against the record as it is now."
    )
    assert _document(client, first) == before
    assert SourceDocument.objects.get(pk=shared.pk).title == "Channel video, 2 December"
    # Returned and submitted again, it is checked against the record as it is now.
    returned = correction_return(correction=correction, actor=bob, comment="Check the title.")
    correction_approve(correction=correction_submit(correction=returned, actor=alice), actor=bob)
    assert SourceDocument.objects.get(pk=shared.pk).title == "Channel video, 1 December"


# Other records that show what changed


def test_renaming_a_cited_source_marks_every_published_incident_citing_it(
    client, alice, bob, carol
):
    shared = _source(alice, title="Channel video")
    corrected, also_citing = _published(alice, bob, shared), _published(alice, bob, shared)
    unrelated = _published(alice, bob)
    withdrawn = incident_withdraw(
        incident=_published(alice, bob, shared), actor=bob, reason="The date was wrong."
    )
    before = {incident.pk: _document(client, incident) for incident in (also_citing, unrelated)}
    withdrawn_notes = withdrawn.notes.count()
    since = timezone.now()

    correction_approve(
        correction=_in_review(
            corrected,
            alice,
            Proposal(sources={shared.pk: {"title": "Channel video, 1 December"}}),
            note="The title of a cited video was corrected.",
        ),
        actor=carol,
    )

    assert set(_updated_since(client, since)) == {corrected.public_id, also_citing.public_id}
    citing = _document(client, also_citing)
    assert [source["title"] for source in citing["sources"]] == ["Channel video, 1 December"]
    assert citing["updated_at"] > before[also_citing.pk]["updated_at"]
    assert [(note["kind"], note["note"]) for note in citing["corrections"]] == [
        ("correction", SOURCE_CORRECTED)
    ]
    assert _document(client, unrelated) == before[unrelated.pk]
    assert Incident.objects.get(pk=withdrawn.pk).notes.count() == withdrawn_notes


def test_hiding_a_cited_source_by_correction_is_a_removal_on_the_others(client, alice, bob):
    shared = _source(alice, title="Channel video")
    corrected = _published(alice, bob, shared, _source(alice, title="UN report"))
    also_citing = _published(alice, bob, shared, _source(alice, title="NGO report"))

    correction_approve(
        correction=_in_review(
            corrected,
            alice,
            Proposal(sources={shared.pk: {"is_public": False}}),
            note="A source was withdrawn by its publisher.",
        ),
        actor=bob,
    )

    document = _document(client, also_citing)
    assert [source["title"] for source in document["sources"]] == ["NGO report"]
    assert [(n["kind"], n["note"]) for n in document["corrections"]] == [
        ("removal", "A source was removed from the public record.")
    ]


# One at a time


def test_an_incident_has_one_open_correction_at_a_time(alice, bob, carol):
    incident = _published(alice, bob)
    first = _in_review(incident, alice, Proposal(incident={"killed_best": 4}))

    with pytest.raises(TransitionError, match="already has a correction in review, proposed by"):
        correction_start(incident=incident, actor=carol)

    correction_approve(correction=first, actor=bob)
    second = correction_start(incident=incident, actor=carol)
    assert second.status == CorrectionStatus.DRAFT


def test_only_a_published_incident_is_corrected(alice, bob):
    incident = incident_withdraw(incident=_published(alice, bob), actor=bob, reason="Staged.")
    with pytest.raises(TransitionError, match="Only a published incident is corrected"):
        correction_start(incident=incident, actor=alice)


def test_withdrawing_an_incident_discards_its_open_correction(client, alice, bob, carol):
    incident = _published(alice, bob)
    correction = _in_review(incident, alice, Proposal(incident={"killed_best": 4}))

    incident_withdraw(incident=incident, actor=bob, reason="The video was staged.")

    discarded = Correction.objects.get(pk=correction.pk)
    assert discarded.status == CorrectionStatus.DISCARDED
    assert discarded.review_comment == "Discarded: the incident was withdrawn."
    with pytest.raises(TransitionError, match="Only a correction that is in review"):
        correction_approve(correction=discarded, actor=carol)
    republished = incident_republish(
        incident=incident, actor=carol, note="The video was authenticated after all."
    )
    assert republished.publication_status == PublicationStatus.PUBLISHED
    assert _document(client, incident)["killed_best"] == 3
    assert correction_start(incident=incident, actor=alice).status == CorrectionStatus.DRAFT
    assert CorrectionNote.objects.filter(incident=incident, correction=correction).count() == 0
