"""Corrections of published incidents: proposed, reviewed by a second person, applied with a
public note."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from incidents.corrections import (
    Proposal,
    is_empty,
)
from incidents.models import (
    OPEN_CORRECTION_STATUSES,
    Correction,
    CorrectionStatus,
    Incident,
    PublicationStatus,
)
from incidents.services.correction_changes import apply_changes, stale_fields, validated_changes
from incidents.services.rules import (
    EDIT_PERMISSION,
    PUBLISH_PERMISSION,
    REVIEW_PERMISSION,
    EditConflict,
    TransitionError,
    is_own_work,
    is_reviewer,
    locked,
    person,
    require,
    return_comment,
)


def open_correction(incident: Incident) -> Correction | None:
    return (
        Correction.objects.filter(incident=incident, status__in=OPEN_CORRECTION_STATUSES)
        .select_related("proposed_by")
        .first()
    )


@transaction.atomic
def correction_start(*, incident: Incident, actor: AbstractBaseUser) -> Correction:
    """Open a draft correction of a published incident; the public record stays as it is."""
    require(actor, EDIT_PERMISSION, "propose corrections")
    require(actor, "incidents.add_correction", "propose corrections")
    incident = locked(incident)
    if incident.publication_status != PublicationStatus.PUBLISHED:
        raise TransitionError(
            f"Only a published incident is corrected; {incident.public_id} is "
            f"{incident.get_publication_status_display().lower()}, so it is edited directly "
            "where its status allows."
        )
    existing = open_correction(incident)
    if existing is not None:
        raise TransitionError(
            f"{incident.public_id} already has a correction "
            f"{existing.get_status_display().lower()}, proposed by {person(existing.proposed_by)}: "
            "continue that one."
        )
    return Correction.objects.create(incident=incident, proposed_by=actor, last_edited_by=actor)


def _saved(correction: Correction, *fields: str) -> Correction:
    """Save `fields`, counting a new version (the version check of the correction page)."""
    correction.version = F("version") + 1
    correction.save(update_fields=[*fields, "version", "updated_at"])
    correction.refresh_from_db()
    return correction


def _locked_correction(correction: Correction) -> tuple[Correction, Incident]:
    incident = locked(correction.incident)
    return Correction.objects.select_for_update().get(pk=correction.pk), incident


def _require_correction_status(correction: Correction, *allowed: str, doing: str) -> None:
    if correction.status not in allowed:
        names = " or ".join(CorrectionStatus(status).label.lower() for status in allowed)
        raise TransitionError(
            f"Only a correction that is {names} can be {doing}; this one is "
            f"{correction.get_status_display().lower()}."
        )


def _check_correction_version(correction: Correction, version: int | None) -> None:
    if version != correction.version:
        raise EditConflict(
            f"{person(correction.last_edited_by)} changed this correction after you opened it. "
            "Your changes were not saved, so theirs are kept: reload the page and apply yours "
            "again."
        )


@transaction.atomic
def correction_save(
    *,
    correction: Correction,
    actor: AbstractBaseUser,
    version: int | None,
    proposal: Proposal,
    note: str,
) -> Correction:
    """Save what a draft correction proposes. Nothing public changes until it is approved."""
    require(actor, "incidents.change_correction", "edit corrections")
    correction, incident = _locked_correction(correction)
    _require_correction_status(correction, CorrectionStatus.DRAFT, doing="edited")
    _check_correction_version(correction, version)
    correction.changes = validated_changes(incident, proposal, actor)
    correction.note = note.strip()
    correction.last_edited_by = actor
    return _saved(correction, "changes", "note", "last_edited_by")


@transaction.atomic
def correction_submit(*, correction: Correction, actor: AbstractBaseUser) -> Correction:
    """Send a draft correction to review, checked against the record as it is now."""
    require(actor, "incidents.change_correction", "submit corrections")
    correction, incident = _locked_correction(correction)
    _require_correction_status(correction, CorrectionStatus.DRAFT, doing="submitted")
    if incident.publication_status != PublicationStatus.PUBLISHED:
        raise TransitionError(
            f"{incident.public_id} is no longer published; discard this correction."
        )
    # Compared again with the record as it is now: a safety removal or another correction may
    # have changed it since the draft was saved.
    changes = validated_changes(incident, Proposal.from_changes(correction.changes), actor)
    if is_empty(changes):
        raise TransitionError("This correction changes nothing yet: make the changes first.")
    if not correction.note.strip():
        raise ValidationError({"note": _NOTE_NEEDED})
    correction.changes = changes
    correction.status = CorrectionStatus.IN_REVIEW
    correction.submitted_at = timezone.now()
    return _saved(correction, "changes", "status", "submitted_at")


_NOTE_NEEDED = (
    "Write the public note: one sentence a reader understands, e.g. “The number killed was "
    "corrected from three to four after a second video was geolocated.”"
)


@transaction.atomic
def correction_return(
    *, correction: Correction, actor: AbstractBaseUser, comment: str
) -> Correction:
    """Send a correction in review back to draft, saying what to change."""
    require(actor, REVIEW_PERMISSION, "return corrections")
    correction, _ = _locked_correction(correction)
    _require_correction_status(correction, CorrectionStatus.IN_REVIEW, doing="returned")
    correction.status = CorrectionStatus.DRAFT
    correction.review_comment = return_comment(comment)
    correction.returned_at = timezone.now()
    correction.reviewed_by = actor
    return _saved(correction, "status", "review_comment", "returned_at", "reviewed_by")


@transaction.atomic
def correction_discard(*, correction: Correction, actor: AbstractBaseUser) -> Correction:
    """Abandon a correction: by whoever proposed it, or by a reviewer."""
    require(actor, "incidents.change_correction", "discard corrections")
    correction, _ = _locked_correction(correction)
    _require_correction_status(correction, *OPEN_CORRECTION_STATUSES, doing="discarded")
    if correction.proposed_by_id != actor.pk and not is_reviewer(actor):
        raise TransitionError(
            f"Only {person(correction.proposed_by)}, who proposed it, or a reviewer may discard "
            "this correction."
        )
    correction.status = CorrectionStatus.DISCARDED
    correction.decided_at = timezone.now()
    return _saved(correction, "status", "decided_at")


@transaction.atomic
def correction_approve(*, correction: Correction, actor: AbstractBaseUser) -> Correction:
    """Apply a correction to the public record, in one transaction, with its public note.

    Four eyes: never by whoever proposed it or last changed it. A correction written against a
    record that has changed since (another correction, a safety removal) is refused, naming what
    moved, so that nobody approves a change they have not seen.
    """
    require(actor, PUBLISH_PERMISSION, "approve corrections")
    correction, incident = _locked_correction(correction)
    _require_correction_status(correction, CorrectionStatus.IN_REVIEW, doing="approved")
    if incident.publication_status != PublicationStatus.PUBLISHED:
        raise TransitionError(
            f"{incident.public_id} is no longer published; discard this correction."
        )
    if is_own_work(actor=actor, record=correction):
        raise TransitionError(
            "Four eyes: you proposed or last changed this correction, so another reviewer must "
            "approve it."
        )
    stale = stale_fields(incident, correction.changes)
    if stale:
        raise TransitionError(
            f"Since this correction was written, {stale} changed on the record. Return it so the "
            "proposal can be checked against the record as it is now."
        )
    try:
        changes = validated_changes(
            incident, Proposal.from_changes(correction.changes), correction.last_edited_by
        )
    except ValidationError as error:
        raise TransitionError(
            "This correction no longer fits the record: " + " ".join(error.messages)
        ) from error
    apply_changes(incident, correction, changes)
    correction.changes = changes
    correction.status = CorrectionStatus.APPLIED
    correction.reviewed_by = actor
    correction.decided_at = timezone.now()
    return _saved(correction, "changes", "status", "reviewed_by", "decided_at")
