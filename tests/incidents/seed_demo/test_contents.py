"""What the demo shows: every status and kind of source, a history that reads like the demo
users' work, and nothing fictional that could be taken for a real record."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from incidents import services
from incidents.demo import (
    FICTIONAL,
    REAL_DOCUMENTS,
    REPUBLICATION_NOTE,
    demo_incidents,
    demo_testimonies,
)
from incidents.models import (
    Correction,
    CorrectionNote,
    CorrectionNoteKind,
    CorrectionStatus,
    Incident,
    IncidentSource,
    IncidentTestimony,
    PublicationStatus,
    SourceRole,
    VerificationStatus,
)
from sources.models import SourceDocument, SourceKind, Testimony, Witness
from tests.incidents.seed_demo.seeding import by, user

pytestmark = pytest.mark.django_db

PUB = PublicationStatus


def test_it_creates_about_sixty_incidents_in_every_status() -> None:
    assert 55 <= Incident.objects.count() <= 65
    publication = set(Incident.objects.values_list("publication_status", flat=True))
    verification = set(Incident.objects.values_list("verification_status", flat=True))
    assert publication == set(PublicationStatus.values)
    assert verification == set(VerificationStatus.values)


def test_it_uses_every_kind_of_source() -> None:
    assert set(SourceDocument.objects.values_list("kind", flat=True)) == set(SourceKind.values)
    assert set(IncidentSource.objects.values_list("role", flat=True)) == set(SourceRole.values)


def test_published_incidents_were_assessed_and_published_by_someone_else() -> None:
    published = Incident.objects.published().annotate(
        sources=Count("source_links", distinct=True),
        testimonies=Count("testimony_links", distinct=True),
    )
    assert published.count() >= 15
    for incident in published:
        assert incident.verification_status != VerificationStatus.UNASSESSED
        assert incident.verification_rationale
        assert incident.sources + incident.testimonies >= 1
        assert incident.submitted_at <= incident.published_at
        assert incident.created_by.username == "analyst"
        assert incident.reviewed_by.username == "reviewer"
        # Four eyes: the reviewer who published it did not write it.
        assert incident.last_edited_by.username != "reviewer"
    # Exact coordinates shown to the public were a second reviewer's decision.
    shown = published.filter(coordinates_public=True)
    assert shown.exists()
    for incident in shown:
        assert incident.geo_precision == "exact"
        assert incident.last_edited_by.username == "admin"


def test_the_history_shows_the_analyst_wrote_it_and_the_reviewer_published_it() -> None:
    incident = (
        Incident.objects.published()
        .filter(coordinates_public=False, notes__isnull=True)
        .order_by("pk")
        .first()
    )
    events = list(
        Incident.pgh_event_model.objects.filter(pgh_obj=incident)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )

    assert events[0].pgh_label == "insert"
    assert by(events[0]) == "analyst"
    submitted = next(e for e in events if e.publication_status == PUB.IN_REVIEW)
    assessed = next(e for e in events if e.verification_status != VerificationStatus.UNASSESSED)
    published = next(e for e in events if e.publication_status == PUB.PUBLISHED)
    assert by(submitted) == "analyst"
    assert by(assessed) == "reviewer"
    assert by(published) == "reviewer"

    client = Client()
    client.force_login(user("admin"))
    page = client.get(reverse("admin:incidents_incident_history", args=[incident.pk]))
    assert "analyst (Demo Analyst)" in page.content.decode()
    assert "reviewer (Demo Reviewer)" in page.content.decode()


def test_returned_drafts_carry_the_reviewers_comment() -> None:
    returned = demo_incidents().filter(publication_status=PUB.DRAFT, returned_at__isnull=False)

    assert returned.count() == 5
    for incident in returned:
        assert incident.verification_status != VerificationStatus.UNASSESSED
        assert incident.review_comment.startswith("Fictional demo comment:")
        assert incident.reviewed_by.username == "reviewer"


def test_withdrawn_incidents_give_a_reason_and_the_duplicate_was_merged(client) -> None:
    withdrawn = Incident.objects.filter(publication_status=PUB.WITHDRAWN)
    assert withdrawn.count() == 3
    for incident in withdrawn:
        assert incident.withdrawal_reason
        assert incident.published_at <= incident.withdrawn_at
    duplicate = withdrawn.get(duplicate_of__isnull=False)
    survivor = duplicate.duplicate_of
    assert survivor.publication_status == PUB.PUBLISHED
    assert duplicate.withdrawal_reason == services.MERGED_REASON
    assert survivor.public_id not in duplicate.withdrawal_reason

    cache.clear()
    entries = client.get("/api/v1/withdrawn/").json()["results"]
    entry = next(e for e in entries if e["public_id"] == duplicate.public_id)
    assert entry["replaced_by"] == survivor.public_id


def test_the_correction_and_the_republication_are_on_the_public_record(client) -> None:
    cache.clear()
    applied = Correction.objects.get(status=CorrectionStatus.APPLIED)
    corrected = client.get(f"/api/v1/incidents/{applied.incident.public_id}/").json()
    republished = CorrectionNote.objects.get(kind=CorrectionNoteKind.REPUBLICATION).incident
    restored = client.get(f"/api/v1/incidents/{republished.public_id}/").json()

    assert applied.proposed_by.username == "analyst"
    assert applied.reviewed_by.username == "reviewer"
    assert [(c["kind"], c["note"]) for c in corrected["corrections"]] == [
        ("correction", applied.note)
    ]
    assert corrected["killed_high"] == applied.changes["incident"]["killed_high"]["to"]
    assert [c["kind"] for c in restored["corrections"]] == ["withdrawal", "republication"]
    assert restored["corrections"][1]["note"] == REPUBLICATION_NOTE
    assert "republished" in restored["corrections"][0]["note"]
    assert restored["verification_status"] == VerificationStatus.CONTESTED


def test_a_correction_waits_in_the_reviewers_queue(client) -> None:
    waiting = Correction.objects.get(status=CorrectionStatus.IN_REVIEW)
    cache.clear()
    public = client.get(f"/api/v1/incidents/{waiting.incident.public_id}/").json()

    assert waiting.proposed_by.username == "analyst"
    assert waiting.note
    # Nothing public changes before a second person approves it.
    assert public["corrections"] == []
    assert public["date_end"] is None
    reviewer = Client()
    reviewer.force_login(user("reviewer"))
    queue = reviewer.get(
        reverse("admin:incidents_correction_changelist"), {"status__exact": "in_review"}
    )
    assert queue.status_code == 200
    assert waiting.incident.public_id in queue.content.decode()


def test_only_consenting_witnesses_summaries_were_marked_publishable_by_a_reviewer() -> None:
    marked = demo_testimonies().filter(summary_is_public=True).select_related("witness")

    assert marked.exists()
    for testimony in marked:
        assert testimony.witness.consent_publish_anonymised
        events = Testimony.pgh_event_model.objects.filter(pgh_obj=testimony)
        mark = events.filter(summary_is_public=True).select_related("pgh_context")
        assert by(mark.order_by("pgh_id").first()) == "reviewer"
        assert by(events.get(pgh_label="insert")) == "officer"
    assert IncidentTestimony.objects.filter(
        testimony__in=marked, incident__publication_status=PUB.PUBLISHED
    ).exists()


def test_victim_figures_are_ordered() -> None:
    for low, best, high in Incident.objects.values_list("killed_low", "killed_best", "killed_high"):
        known = [n for n in (low, best, high) if n is not None]
        assert known == sorted(known)


def test_every_fictional_record_says_so() -> None:
    assert all(s.startswith(FICTIONAL) for s in Incident.objects.values_list("summary", flat=True))
    fictional_sources = SourceDocument.objects.exclude(
        title__in=[document["title"] for document in REAL_DOCUMENTS]
    )
    for source in fictional_sources:
        assert source.title.endswith(" (fictional)")
        assert source.description.startswith(FICTIONAL)
        assert source.url.startswith("https://example.org/")
    for testimony in Testimony.objects.all():
        assert testimony.statement.startswith(FICTIONAL)
        assert testimony.public_summary.startswith(FICTIONAL)
    for witness in Witness.objects.all():
        assert witness.identity_notes.startswith(FICTIONAL)
        assert witness.full_name.startswith("Fictional Person")
    for note in CorrectionNote.objects.exclude(
        kind=CorrectionNoteKind.WITHDRAWAL, text=services.MERGED_REASON
    ):
        assert "fictional" in note.text


def test_the_real_documents_are_public_and_linked_to_no_incident() -> None:
    for document in REAL_DOCUMENTS:
        source = SourceDocument.objects.get(title=document["title"])
        assert source.is_public
        assert not source.incident_links.exists()
        assert "fictional" not in source.title.lower()
        assert "example.org" not in source.url
    assert SourceDocument.objects.filter(description__contains="79 executions").exists()
    assert SourceDocument.objects.filter(description__contains="more than 150").exists()


def test_every_demo_source_has_an_address_of_its_own_and_the_real_ones_are_findable() -> None:
    # A source whose address another one already had would have been refused, or left without a
    # normalised URL; every demo source went through the service and kept one.
    with_url = SourceDocument.objects.exclude(url="")
    assert with_url.count() == SourceDocument.objects.count()
    assert not with_url.filter(url_normalised="").exists()
    names = dict(SourceDocument.objects.values_list("title", "short_names"))
    assert names[REAL_DOCUMENTS[0]["title"]] == ["HRMMU", "OHCHR"]
    assert names[REAL_DOCUMENTS[1]["title"]] == ["COI", "IICIHR"]
