"""The review workflow: submit, return, assess, publish, withdraw, republish, merge."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from incidents.corrections import Proposal
from incidents.models import (
    OPEN_CORRECTION_STATUSES,
    Correction,
    CorrectionNote,
    CorrectionNoteKind,
    CorrectionStatus,
    Incident,
    IncidentSource,
    IncidentTestimony,
    PublicationStatus,
    VerificationStatus,
)
from incidents.services.correction_changes import validated_changes
from incidents.services.public_record import touch_tombstones
from incidents.services.rules import (
    DUPLICATE_EVIDENCE_NOTE,
    EDIT_PERMISSION,
    MERGED_REASON,
    PUBLISH_PERMISSION,
    REVIEW_PERMISSION,
    TransitionError,
    has_evidence,
    is_own_work,
    locked,
    missing_for_submission,
    require,
    require_status,
    return_comment,
    save_version,
)


@transaction.atomic
def incident_submit(*, incident: Incident, actor: AbstractBaseUser) -> Incident:
    """Send a draft to review."""
    incident = locked(incident)
    require(actor, EDIT_PERMISSION, "submit incidents for review")
    require_status(incident, PublicationStatus.DRAFT, doing="submitted for review")
    missing = missing_for_submission(incident)
    if missing:
        raise TransitionError(
            f"{incident.public_id} cannot go to review yet: it needs {', '.join(missing)}."
        )
    incident.publication_status = PublicationStatus.IN_REVIEW
    incident.submitted_at = timezone.now()
    incident.last_edited_by = actor
    return save_version(incident, ["publication_status", "submitted_at", "last_edited_by"])


@transaction.atomic
def incident_return_to_draft(
    *, incident: Incident, actor: AbstractBaseUser, comment: str
) -> Incident:
    """Send an incident in review back to its author, saying what to change."""
    incident = locked(incident)
    require(actor, REVIEW_PERMISSION, "return incidents to draft")
    require_status(incident, PublicationStatus.IN_REVIEW, doing="returned to draft")
    incident.publication_status = PublicationStatus.DRAFT
    incident.review_comment = return_comment(comment)
    incident.returned_at = timezone.now()
    return save_version(incident, ["publication_status", "review_comment", "returned_at"])


@transaction.atomic
def incident_assess(
    *,
    incident: Incident,
    actor: AbstractBaseUser,
    verification_status: str,
    rationale: str,
) -> Incident:
    """Record the reviewer's verification status and the public reason for it."""
    incident = locked(incident)
    require(actor, REVIEW_PERMISSION, "assess incidents")
    require_status(incident, PublicationStatus.IN_REVIEW, doing="assessed")
    if verification_status not in VerificationStatus.values:
        raise TransitionError(f"{verification_status!r} is not a verification status.")
    if verification_status != VerificationStatus.UNASSESSED and not rationale.strip():
        raise TransitionError(
            "Give the public rationale: which sources support this status and what was checked."
        )
    incident.verification_status = verification_status
    incident.verification_rationale = rationale.strip()
    incident.reviewed_by = actor
    return save_version(incident, ["verification_status", "verification_rationale", "reviewed_by"])


def _publishable(incident: Incident, actor: AbstractBaseUser, *, doing: str) -> None:
    if incident.verification_status == VerificationStatus.UNASSESSED:
        raise TransitionError("Assess it first: an unassessed incident cannot be published.")
    if not incident.verification_rationale.strip():
        raise TransitionError("Give the public rationale for its verification status first.")
    if not has_evidence(incident):
        raise TransitionError("A published incident needs at least one linked source or testimony.")
    if is_own_work(actor=actor, record=incident):
        raise TransitionError(
            f"Four eyes: you created or last edited this incident, so another reviewer must "
            f"{doing} it."
        )


@transaction.atomic
def incident_publish(*, incident: Incident, actor: AbstractBaseUser) -> Incident:
    """Make an incident in review public. Four eyes: never by its creator or its last editor."""
    incident = locked(incident)
    require(actor, PUBLISH_PERMISSION, "publish incidents")
    require_status(incident, PublicationStatus.IN_REVIEW, doing="published")
    _publishable(incident, actor, doing="publish")
    now = timezone.now()
    incident.publication_status = PublicationStatus.PUBLISHED
    incident.published_at = now
    incident.public_updated_at = now
    incident = save_version(incident, ["publication_status", "published_at", "public_updated_at"])
    touch_tombstones([incident.pk])
    return incident


def _discard_open_correction(incident: Incident, actor: AbstractBaseUser, why: str) -> None:
    Correction.objects.filter(incident=incident, status__in=OPEN_CORRECTION_STATUSES).update(
        status=CorrectionStatus.DISCARDED,
        decided_at=timezone.now(),
        reviewed_by=actor,
        review_comment=why,
        version=F("version") + 1,
    )


@transaction.atomic
def incident_withdraw(*, incident: Incident, actor: AbstractBaseUser, reason: str) -> Incident:
    """Take a published incident down; it stays as a tombstone with the public reason.

    One reviewer may do it alone: taking a record down is never a way to put words before the
    public, and it is often urgent. A correction in progress is discarded with it.
    """
    incident = locked(incident)
    require(actor, PUBLISH_PERMISSION, "withdraw incidents")
    require_status(incident, PublicationStatus.PUBLISHED, doing="withdrawn")
    if not reason.strip():
        raise TransitionError("Give the public reason for withdrawing it.")
    now = timezone.now()
    incident.publication_status = PublicationStatus.WITHDRAWN
    incident.withdrawn_at = now
    incident.withdrawal_reason = reason.strip()
    incident.public_updated_at = now
    incident = save_version(
        incident, ["publication_status", "withdrawn_at", "withdrawal_reason", "public_updated_at"]
    )
    CorrectionNote.objects.create(
        incident=incident, kind=CorrectionNoteKind.WITHDRAWAL, text=reason.strip(), noted_at=now
    )
    _discard_open_correction(incident, actor, "Discarded: the incident was withdrawn.")
    touch_tombstones([incident.pk])
    return incident


@transaction.atomic
def incident_republish(*, incident: Incident, actor: AbstractBaseUser, note: str) -> Incident:
    """Put a withdrawn incident back on the public record, with a public note saying why.

    Four eyes as for publishing: not by its creator or last editor. A merged duplicate is not
    republished: the record it was merged into carries the event.
    """
    incident = locked(incident)
    require(actor, PUBLISH_PERMISSION, "republish incidents")
    require_status(incident, PublicationStatus.WITHDRAWN, doing="republished")
    if incident.duplicate_of_id is not None:
        raise TransitionError(
            f"{incident.public_id} was merged into {incident.duplicate_of.public_id}, which "
            "records the same event; that record is the one to publish."
        )
    if incident.published_at is None:
        raise TransitionError(
            f"{incident.public_id} was never published, so there is nothing to republish."
        )
    if not note.strip():
        raise TransitionError(
            "Write the public note: one sentence saying why the record is back, e.g. “The "
            "conflicting accounts were reconciled after a second witness was interviewed.”"
        )
    _publishable(incident, actor, doing="republish")
    now = timezone.now()
    incident.publication_status = PublicationStatus.PUBLISHED
    incident.withdrawn_at = None
    incident.withdrawal_reason = ""
    incident.public_updated_at = now
    incident = save_version(
        incident, ["publication_status", "withdrawn_at", "withdrawal_reason", "public_updated_at"]
    )
    CorrectionNote.objects.create(
        incident=incident, kind=CorrectionNoteKind.REPUBLICATION, text=note.strip(), noted_at=now
    )
    touch_tombstones([incident.pk])
    return incident


@transaction.atomic
def incident_merge(*, duplicate: Incident, survivor: Incident, actor: AbstractBaseUser) -> Incident:
    """Fold a duplicate into the record that survives; the duplicate's id then points there.

    The duplicate keeps its own evidence links, and those the survivor lacks are added to it: at
    once when the survivor is not public yet, and as a correction in review when it is, so the
    public record still changes only with a second person. A published duplicate is withdrawn
    with a neutral reason: the public learns where it went (`replaced_by`, a redirect) only once
    the survivor is public, never the id of a record in preparation.
    """
    require(actor, PUBLISH_PERMISSION, "merge incidents")
    if duplicate.pk == survivor.pk:
        raise TransitionError("An incident cannot be merged into itself.")
    # Lock both rows in a fixed order so two merges of the same pair cannot deadlock.
    locked = {
        row.pk: row
        for row in Incident.objects.select_for_update()
        .filter(pk__in=[duplicate.pk, survivor.pk])
        .order_by("pk")
    }
    duplicate, survivor = locked[duplicate.pk], locked[survivor.pk]
    if duplicate.duplicate_of_id is not None:
        raise TransitionError(f"{duplicate.public_id} is already merged into another incident.")
    if duplicate.publication_status == PublicationStatus.WITHDRAWN:
        raise TransitionError(
            f"{duplicate.public_id} is withdrawn; republish it first if it should be merged."
        )
    if survivor.duplicate_of_id is not None:
        raise TransitionError(
            f"{survivor.public_id} is itself a merged duplicate; merge into the record it "
            "points to instead."
        )
    if survivor.publication_status == PublicationStatus.WITHDRAWN:
        raise TransitionError(f"{survivor.public_id} is withdrawn; merge into a live record.")

    kept_sources = set(survivor.source_links.values_list("source_id", flat=True))
    new_sources = list(
        duplicate.source_links.exclude(source_id__in=kept_sources).values_list(
            "source_id", "role", "note"
        )
    )
    kept_testimonies = set(survivor.testimony_links.values_list("testimony_id", flat=True))
    new_testimonies = list(
        duplicate.testimony_links.exclude(testimony_id__in=kept_testimonies).values_list(
            "testimony_id", "note"
        )
    )
    if survivor.publication_status == PublicationStatus.PUBLISHED:
        if new_sources or new_testimonies:
            _propose_duplicate_evidence(survivor, actor, new_sources, new_testimonies)
    elif new_sources or new_testimonies:
        IncidentSource.objects.bulk_create(
            IncidentSource(incident=survivor, source_id=source_id, role=role, note=note)
            for source_id, role, note in new_sources
        )
        IncidentTestimony.objects.bulk_create(
            IncidentTestimony(incident=survivor, testimony_id=testimony_id, note=note)
            for testimony_id, note in new_testimonies
        )
        survivor.last_edited_by = actor
        survivor = save_version(survivor, ["last_edited_by"])

    was_public = duplicate.publication_status == PublicationStatus.PUBLISHED
    now = timezone.now()
    duplicate.duplicate_of = survivor
    duplicate.publication_status = PublicationStatus.WITHDRAWN
    duplicate.withdrawn_at = now
    duplicate.withdrawal_reason = MERGED_REASON
    fields = ["duplicate_of", "publication_status", "withdrawn_at", "withdrawal_reason"]
    if was_public:
        duplicate.public_updated_at = now
        fields.append("public_updated_at")
    save_version(duplicate, fields)
    if was_public:
        CorrectionNote.objects.create(
            incident=duplicate, kind=CorrectionNoteKind.WITHDRAWAL, text=MERGED_REASON, noted_at=now
        )
        _discard_open_correction(duplicate, actor, "Discarded: the incident was merged.")
    # Records merged into the duplicate earlier now point straight at the survivor: a partner
    # following `replaced_by` never lands on a tombstone.
    Incident.objects.filter(duplicate_of=duplicate).update(duplicate_of=survivor)
    touch_tombstones([survivor.pk])
    return save_version(survivor, [])


def _propose_duplicate_evidence(
    survivor: Incident,
    actor: AbstractBaseUser,
    sources: list[tuple[int, str, str]],
    testimonies: list[tuple[int, str]],
) -> Correction:
    if Correction.objects.filter(incident=survivor, status__in=OPEN_CORRECTION_STATUSES).exists():
        raise TransitionError(
            f"{survivor.public_id} has a correction in progress; finish or discard it first, "
            "then merge (the duplicate's evidence reaches it as a correction of its own)."
        )
    correction = Correction.objects.create(
        incident=survivor,
        proposed_by=actor,
        last_edited_by=actor,
        note=DUPLICATE_EVIDENCE_NOTE,
        changes=validated_changes(
            survivor,
            Proposal(add_sources=sources, add_testimonies=testimonies),
            actor,
        ),
        status=CorrectionStatus.IN_REVIEW,
        submitted_at=timezone.now(),
    )
    return correction
