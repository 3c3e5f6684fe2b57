"""Every change of an incident's workflow state goes through these functions.

Each is keyword-only, atomic, locks the incident row, checks who may do it and what the record
needs, and raises `TransitionError` with a sentence an analyst can act on. Nothing else writes
`publication_status`.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from incidents.models import (
    Incident,
    IncidentSource,
    IncidentTestimony,
    PublicationStatus,
    VerificationStatus,
)

REVIEW_PERMISSION = "incidents.review_incident"
PUBLISH_PERMISSION = "incidents.publish_incident"
EDIT_PERMISSION = "incidents.change_incident"


class TransitionError(Exception):
    """A workflow step that is not allowed now; the message says why and what to do."""


def _locked(incident: Incident) -> Incident:
    # Re-read under a row lock: the caller's copy may be stale, and two reviewers must not both
    # act on the same state.
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _require(actor: AbstractBaseUser, permission: str, doing: str) -> None:
    if not actor.has_perm(permission):
        raise TransitionError(f"You do not have permission to {doing}.")


def _require_status(incident: Incident, *allowed: str, doing: str) -> None:
    if incident.publication_status not in allowed:
        names = " or ".join(PublicationStatus(status).label.lower() for status in allowed)
        raise TransitionError(
            f"Only an incident that is {names} can be {doing}; "
            f"{incident.public_id} is {incident.get_publication_status_display().lower()}."
        )


def _save(incident: Incident, fields: list[str]) -> Incident:
    incident.version = F("version") + 1
    incident.save(update_fields=[*fields, "version", "updated_at"])
    incident.refresh_from_db()
    return incident


def _has_evidence(incident: Incident) -> bool:
    return (
        IncidentSource.objects.filter(incident=incident).exists()
        or IncidentTestimony.objects.filter(incident=incident).exists()
    )


def missing_for_submission(incident: Incident) -> list[str]:
    """What an incident still lacks before it can go to review, as phrases for a message."""
    missing = []
    if not incident.summary.strip():
        missing.append("a summary")
    if incident.incident_type_id is None:
        missing.append("an incident type")
    if incident.region_id is None:
        missing.append("a region")
    if incident.date_start is None:
        missing.append("a start date")
    if not _has_evidence(incident):
        missing.append("at least one linked source or testimony")
    return missing


@transaction.atomic
def incident_submit(*, incident: Incident, actor: AbstractBaseUser) -> Incident:
    """Send a draft to review."""
    incident = _locked(incident)
    _require(actor, EDIT_PERMISSION, "submit incidents for review")
    _require_status(incident, PublicationStatus.DRAFT, doing="submitted for review")
    missing = missing_for_submission(incident)
    if missing:
        raise TransitionError(
            f"{incident.public_id} cannot go to review yet: it needs {', '.join(missing)}."
        )
    incident.publication_status = PublicationStatus.IN_REVIEW
    incident.submitted_at = timezone.now()
    incident.last_edited_by = actor
    return _save(incident, ["publication_status", "submitted_at", "last_edited_by"])


@transaction.atomic
def incident_return_to_draft(
    *, incident: Incident, actor: AbstractBaseUser, comment: str
) -> Incident:
    """Send an incident in review back to its author, saying what to change."""
    incident = _locked(incident)
    _require(actor, REVIEW_PERMISSION, "return incidents to draft")
    _require_status(incident, PublicationStatus.IN_REVIEW, doing="returned to draft")
    if not comment.strip():
        raise TransitionError("Say what needs to change: a comment is required to return it.")
    incident.publication_status = PublicationStatus.DRAFT
    incident.review_comment = comment.strip()
    incident.returned_at = timezone.now()
    return _save(incident, ["publication_status", "review_comment", "returned_at"])


@transaction.atomic
def incident_assess(
    *,
    incident: Incident,
    actor: AbstractBaseUser,
    verification_status: str,
    rationale: str,
) -> Incident:
    """Record the reviewer's verification status and the public reason for it."""
    incident = _locked(incident)
    _require(actor, REVIEW_PERMISSION, "assess incidents")
    _require_status(incident, PublicationStatus.IN_REVIEW, doing="assessed")
    if verification_status not in VerificationStatus.values:
        raise TransitionError(f"{verification_status!r} is not a verification status.")
    if verification_status != VerificationStatus.UNASSESSED and not rationale.strip():
        raise TransitionError(
            "Give the public rationale: which sources support this status and what was checked."
        )
    incident.verification_status = verification_status
    incident.verification_rationale = rationale.strip()
    incident.reviewed_by = actor
    return _save(incident, ["verification_status", "verification_rationale", "reviewed_by"])


@transaction.atomic
def incident_publish(*, incident: Incident, actor: AbstractBaseUser) -> Incident:
    """Make an incident in review public. Four eyes: never by its creator or its last editor."""
    incident = _locked(incident)
    _require(actor, PUBLISH_PERMISSION, "publish incidents")
    _require_status(incident, PublicationStatus.IN_REVIEW, doing="published")
    if incident.verification_status == VerificationStatus.UNASSESSED:
        raise TransitionError("Assess it first: an unassessed incident cannot be published.")
    if not incident.verification_rationale.strip():
        raise TransitionError("Give the public rationale for its verification status first.")
    if not _has_evidence(incident):
        raise TransitionError("A published incident needs at least one linked source or testimony.")
    if actor.pk in (incident.created_by_id, incident.last_edited_by_id):
        raise TransitionError(
            "Four eyes: you created or last edited this incident, so another reviewer must "
            "publish it."
        )
    incident.publication_status = PublicationStatus.PUBLISHED
    incident.published_at = timezone.now()
    return _save(incident, ["publication_status", "published_at"])


@transaction.atomic
def incident_withdraw(*, incident: Incident, actor: AbstractBaseUser, reason: str) -> Incident:
    """Take a published incident down; it stays as a tombstone with the public reason."""
    incident = _locked(incident)
    _require(actor, PUBLISH_PERMISSION, "withdraw incidents")
    _require_status(incident, PublicationStatus.PUBLISHED, doing="withdrawn")
    if not reason.strip():
        raise TransitionError("Give the public reason for withdrawing it.")
    incident.publication_status = PublicationStatus.WITHDRAWN
    incident.withdrawn_at = timezone.now()
    incident.withdrawal_reason = reason.strip()
    return _save(incident, ["publication_status", "withdrawn_at", "withdrawal_reason"])


@transaction.atomic
def incident_merge(*, duplicate: Incident, survivor: Incident, actor: AbstractBaseUser) -> Incident:
    """Fold a duplicate into the record that survives; the duplicate's id then points there.

    The duplicate's evidence links move to the survivor and the duplicate is withdrawn, so that
    partners who mirrored it learn where it went.
    """
    _require(actor, PUBLISH_PERMISSION, "merge incidents")
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
    if survivor.duplicate_of_id is not None:
        raise TransitionError(
            f"{survivor.public_id} is itself a merged duplicate; merge into the record it "
            "points to instead."
        )
    if survivor.publication_status == PublicationStatus.WITHDRAWN:
        raise TransitionError(f"{survivor.public_id} is withdrawn; merge into a live record.")

    kept_sources = set(survivor.source_links.values_list("source_id", flat=True))
    duplicate.source_links.exclude(source_id__in=kept_sources).update(incident=survivor)
    kept_testimonies = set(survivor.testimony_links.values_list("testimony_id", flat=True))
    duplicate.testimony_links.exclude(testimony_id__in=kept_testimonies).update(incident=survivor)

    duplicate.duplicate_of = survivor
    duplicate.publication_status = PublicationStatus.WITHDRAWN
    duplicate.withdrawn_at = timezone.now()
    duplicate.withdrawal_reason = f"Merged into {survivor.public_id}, which records the same event."
    _save(
        duplicate,
        ["duplicate_of", "publication_status", "withdrawn_at", "withdrawal_reason"],
    )
    return _save(survivor, [])
