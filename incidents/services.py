"""Every write to incidents, their evidence links and corrections goes through these functions.

Each is keyword-only and atomic, locks the rows it changes, checks who may do it and what the
record needs, and raises `TransitionError` (a `core.errors.Refused`) with a sentence the user can
act on, or Django's `ValidationError` naming the field that is wrong. The admin, the demo, the
management commands and the benchmark call them; nothing else writes these tables.

Three rules hold everywhere:
- **Editing follows the status.** Drafts are open to editors, incidents in review to reviewers;
  a published or withdrawn record keeps its content: staff fields (internal notes, assignment)
  change directly, everything the public sees only through a reviewed correction.
- **Four eyes.** Nothing reaches the public on one person's word: `is_own_work` says whether the
  actor wrote the record (or the correction) and so may not publish or approve it.
- **Exact sync.** Whatever changes what the public sees of an incident sets its
  `public_updated_at` (partners' `?updated_since=` and `withdrawn/?since=`), and, once it is
  public, adds a line to its public correction log; safety removals say only that something was
  removed, never what.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_noop

from core.errors import Refused
from incidents.corrections import (
    ASSESSMENT_FIELDS,
    CONTENT_FIELDS,
    CORRECTABLE_FIELDS,
    REVIEWER_FIELDS,
    SOURCE_PUBLIC_FIELDS,
    TESTIMONY_PUBLIC_FIELDS,
    Proposal,
    attname,
    current_value,
    encode,
    is_empty,
    pair,
    plain,
    same,
)
from incidents.models import (
    OPEN_CORRECTION_STATUSES,
    Correction,
    CorrectionNote,
    CorrectionNoteKind,
    CorrectionStatus,
    Incident,
    IncidentSource,
    IncidentTestimony,
    IncidentType,
    PublicationStatus,
    Region,
    SourceRole,
    VerificationStatus,
)
from sources.models import SourceDocument, Testimony

REVIEW_PERMISSION = "incidents.review_incident"
PUBLISH_PERMISSION = "incidents.publish_incident"
ADD_PERMISSION = "incidents.add_incident"
EDIT_PERMISSION = "incidents.change_incident"
DELETE_PERMISSION = "incidents.delete_incident"

# Fields staff change directly in every status: they never reach the public.
STAFF_FIELDS = ("internal_notes", "assigned_to")
EDITABLE_FIELDS = (*CONTENT_FIELDS, *STAFF_FIELDS)

# The sentences the services write into the public correction log. They are stored in English
# and translated when shown (hence gettext_noop). A removal made for someone's safety never says
# what was removed.
SUMMARY_REMOVED = gettext_noop("A testimony summary was removed.")
SOURCE_REMOVED = gettext_noop("A source was removed from the public record.")
SOURCE_CORRECTED = gettext_noop("The details of a cited source were corrected.")
SUMMARY_CORRECTED = gettext_noop("A witness account shown with this record was corrected.")
MERGED_REASON = gettext_noop("Merged into another record of the same event.")
VOCABULARY_CHANGED = gettext_noop("The name of its incident type or region was changed.")
DUPLICATE_EVIDENCE_NOTE = gettext_noop(
    "Evidence from a duplicate record of the same event was added."
)


class TransitionError(Refused):
    """A workflow step or edit that is not allowed now; the message says why and what to do."""


class EditConflict(TransitionError):
    """Somebody else saved the record after the form was opened; their change is kept."""


# --- Small helpers ----------------------------------------------------------------------------


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


def _save(incident: Incident, fields: Iterable[str]) -> Incident:
    incident.version = F("version") + 1
    incident.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])
    incident.refresh_from_db()
    return incident


def _has_evidence(incident: Incident) -> bool:
    return (
        IncidentSource.objects.filter(incident=incident).exists()
        or IncidentTestimony.objects.filter(incident=incident).exists()
    )


def person(user: AbstractBaseUser | None) -> str:
    """'Bob Reviewer (bob)', as messages name people."""
    if user is None:
        return "Someone"
    full_name = user.get_full_name()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


def is_reviewer(user: AbstractBaseUser) -> bool:
    return user.has_perm(REVIEW_PERMISSION)


def is_own_work(*, actor: AbstractBaseUser, record: Incident | Correction) -> bool:
    """Four eyes: whether `actor` wrote the record, so that someone else has to publish it.

    For an incident that is its creator and its last content editor; for a correction, whoever
    proposed it and whoever last changed the proposal.
    """
    if isinstance(record, Correction):
        authors = {record.proposed_by_id, record.last_edited_by_id}
    else:
        authors = {record.created_by_id, record.last_edited_by_id}
    return actor.pk in authors


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


def last_changed_by(incident: Incident) -> AbstractBaseUser | None:
    """Who wrote the row as it is now.

    `last_edited_by` names the last content editor only; a reviewer's assessment or return does
    not change it. The history event that produced this version knows the request's user, so it
    is asked first.
    """
    event = (
        Incident.pgh_event_model.objects.filter(pgh_obj_id=incident.pk, version=incident.version)
        .select_related("pgh_context")
        .order_by("-pgh_id")
        .first()
    )
    user_id = event.pgh_context.metadata.get("user") if event and event.pgh_context else None
    if user_id is not None:
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is not None:
            return user
    return incident.last_edited_by


def changed_after_you_opened(incident: Incident) -> str:
    """'Bob Reviewer (bob) changed this incident at 14:02 UTC after you opened it'"""
    changed = timezone.localtime(incident.updated_at)
    when = f"at {date_format(changed, 'H:i T')}"
    if changed.date() != timezone.localdate():
        when = f"on {date_format(changed, 'j F Y')} {when}"
    return f"{person(last_changed_by(incident))} changed this incident {when} after you opened it"


def _check_version(current: Incident, version: int | None) -> None:
    if version is None:
        raise EditConflict(
            "This form does not say which version of the incident you opened: reload the page "
            "and apply your changes again."
        )
    if version != current.version:
        raise EditConflict(
            f"{changed_after_you_opened(current)}. Your changes were not saved, so theirs are "
            "kept: reload the page and apply yours again."
        )


# --- The public record changes: sync times and the correction log ----------------------------


def _published(incident_ids: Iterable[int]) -> list[int]:
    return list(
        Incident.objects.published().filter(pk__in=set(incident_ids)).values_list("pk", flat=True)
    )


def record_public_change(
    *,
    incident_ids: Iterable[int],
    kind: str,
    text: str,
    correction: Correction | None = None,
) -> list[int]:
    """Tell partners and readers that what the public sees of these incidents changed.

    Only published incidents are touched: their `public_updated_at` moves (so `?updated_since=`
    returns them) and their correction log gains `text`. Returns the ids touched.
    """
    touched = _published(incident_ids)
    if not touched:
        return []
    now = timezone.now()
    Incident.objects.filter(pk__in=touched).update(public_updated_at=now)
    CorrectionNote.objects.bulk_create(
        [
            CorrectionNote(
                incident_id=pk, kind=kind, text=text, noted_at=now, correction=correction
            )
            for pk in touched
        ]
    )
    return touched


def _touch_tombstones(survivor_ids: Iterable[int]) -> None:
    """A merged duplicate's entry in `withdrawn/` names its survivor only while that is public,
    so every change of the survivor's status is a change of the entry."""
    Incident.objects.filter(
        duplicate_of__in=list(survivor_ids),
        publication_status=PublicationStatus.WITHDRAWN,
        published_at__isnull=False,
    ).update(public_updated_at=timezone.now())


def published_citing(source_ids: Iterable[int]) -> list[int]:
    """Ids of the published incidents that cite any of these sources."""
    return sorted(
        set(
            IncidentSource.objects.filter(
                source_id__in=list(source_ids),
                incident__publication_status=PublicationStatus.PUBLISHED,
            ).values_list("incident_id", flat=True)
        )
    )


def published_linking(testimony_ids: Iterable[int]) -> list[int]:
    """Ids of the published incidents that rest on any of these testimonies."""
    return sorted(
        set(
            IncidentTestimony.objects.filter(
                testimony_id__in=list(testimony_ids),
                incident__publication_status=PublicationStatus.PUBLISHED,
            ).values_list("incident_id", flat=True)
        )
    )


def source_view(source: SourceDocument) -> tuple | None:
    """What the public sees of a source wherever it is cited; None when it is not public."""
    if not source.is_public:
        return None
    return tuple(current_value(source, name) for name in SOURCE_PUBLIC_FIELDS)


def testimony_view(testimony: Testimony, *, consent: bool) -> tuple | None:
    """What the public sees of a testimony linked to a published incident; None when nothing.

    A summary is shown only when the witness consented, a reviewer marked it publishable, and
    there is a summary to show (the selectors apply the same three conditions).
    """
    if not (consent and testimony.summary_is_public and testimony.public_summary != ""):
        return None
    return (testimony.public_summary, testimony.directness)


def public_ids(incident_ids: Iterable[int]) -> str:
    ids = list(
        Incident.objects.filter(pk__in=list(incident_ids))
        .order_by("public_id")
        .values_list("public_id", flat=True)
    )
    return ", ".join(ids)


# --- Creating, editing and deleting incidents ------------------------------------------------


def _changed(record: models.Model, data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: value
        for name, value in data.items()
        if not same(current_value(record, name), plain(value))
    }


def _set(record: models.Model, name: str, value: Any) -> None:
    setattr(record, attname(type(record), name), plain(value))


def _check_assignee(value: Any) -> None:
    if value is None:
        return
    user = value if isinstance(value, models.Model) else get_user_model().objects.get(pk=value)
    if not (user.is_active and user.is_staff):
        raise ValidationError({"assigned_to": "Assign the record to an active member of staff."})


def _check_fields(data: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        # A programming error, not a user's: the caller passed a field no form offers.
        raise ValueError(f"Not editable here: {', '.join(unknown)}.")


def editing_refusal(
    *, incident: Incident, actor: AbstractBaseUser, content: bool = True
) -> str | None:
    """Why `actor` may not change the incident's content (or, with content=False, its staff
    fields) now; None when they may. The admin shows the same sentence."""
    if not actor.has_perm(EDIT_PERMISSION):
        return "You may view this incident but not change it."
    status = incident.publication_status
    if status == PublicationStatus.IN_REVIEW and not is_reviewer(actor):
        return (
            "Only reviewers can change an incident in review; if it needs your changes, ask one "
            "to return it to draft."
        )
    if not content or status in (PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW):
        return None
    if status == PublicationStatus.PUBLISHED:
        return (
            f"{incident.public_id} is published, so what the public sees of it changes only "
            "through a correction that a second person reviews: use “Propose a correction”."
        )
    return (
        f"{incident.public_id} is withdrawn: its record stays as it was. A reviewer can "
        "republish it."
    )


@transaction.atomic
def incident_create(*, actor: AbstractBaseUser, data: Mapping[str, Any]) -> Incident:
    """A new draft, written by `actor`."""
    _require(actor, ADD_PERMISSION, "add incidents")
    if set(data) & set(ASSESSMENT_FIELDS):
        raise TransitionError(
            "The verification status and rationale are set by a reviewer with “Assess”."
        )
    _check_fields(data, EDITABLE_FIELDS)
    if data.get("coordinates_public") and not is_reviewer(actor):
        raise ValidationError({"coordinates_public": _REVIEWER_ONLY["coordinates_public"]})
    _check_assignee(data.get("assigned_to"))
    incident = Incident(created_by=actor, last_edited_by=actor)
    for name, value in data.items():
        _set(incident, name, value)
    incident.full_clean()
    incident.save()
    return incident


_REVIEWER_ONLY = {
    "coordinates_public": "Only a reviewer may publish exact coordinates: they can endanger "
    "people at the place.",
    "verification_status": "Only a reviewer may propose a different verification status.",
    "verification_rationale": "Only a reviewer may propose a different verification rationale.",
}


@transaction.atomic
def incident_update(
    *, incident: Incident, actor: AbstractBaseUser, version: int | None, data: Mapping[str, Any]
) -> Incident:
    """Save changes to an incident, refusing a stale form (no lost updates).

    Every save raises `version`; a change of content makes `actor` the last editor, whom four
    eyes then keeps from publishing it.
    """
    _require(actor, EDIT_PERMISSION, "edit incidents")
    current = _locked(incident)
    _check_version(current, version)
    if set(data) & set(ASSESSMENT_FIELDS):
        raise TransitionError(
            "The verification status and rationale are set with “Assess” while the incident is "
            "in review."
        )
    _check_fields(data, EDITABLE_FIELDS)
    changed = _changed(current, data)
    content = [name for name in changed if name in CONTENT_FIELDS]
    refusal = editing_refusal(incident=current, actor=actor, content=bool(content))
    if refusal:
        raise TransitionError(refusal)
    if "coordinates_public" in changed and not is_reviewer(actor):
        raise ValidationError({"coordinates_public": _REVIEWER_ONLY["coordinates_public"]})
    if "assigned_to" in changed:
        _check_assignee(changed["assigned_to"])
    for name, value in changed.items():
        _set(current, name, value)
    current.full_clean()
    fields = list(changed)
    if content:
        current.last_edited_by = actor
        fields.append("last_edited_by")
    return _save(current, fields)


def deletion_refusal(*, incident: Incident, actor: AbstractBaseUser) -> str | None:
    """Why `actor` may not delete the incident; None when they may.

    Only a draft that never went to review can be deleted, by its author (or a superuser). Once
    submitted, a record leaves through the workflow (return, withdraw, merge) so that its public
    id and history stay; nothing public is ever deleted.
    """
    if not actor.has_perm(DELETE_PERMISSION):
        return "You do not have permission to delete incidents."
    if (
        incident.publication_status != PublicationStatus.DRAFT
        or incident.submitted_at is not None
        or incident.published_at is not None
    ):
        return (
            f"{incident.public_id} has been to review, so it is not deleted: it leaves through "
            "the workflow (return, withdraw or merge) and keeps its history."
        )
    if incident.created_by_id != actor.pk and not actor.is_superuser:
        return f"Only its author, {person(incident.created_by)}, may delete this draft."
    if incident.duplicates.exists():
        return "Other records were merged into this draft; it cannot be deleted."
    return None


@transaction.atomic
def incident_delete(*, incident: Incident, actor: AbstractBaseUser) -> None:
    """Delete a draft that never went to review. The history keeps its last state."""
    incident = _locked(incident)
    refusal = deletion_refusal(incident=incident, actor=actor)
    if refusal:
        raise TransitionError(refusal)
    incident.delete()


# --- Evidence links ---------------------------------------------------------------------------


def _require_content_editable(incident: Incident, actor: AbstractBaseUser) -> None:
    refusal = editing_refusal(incident=incident, actor=actor)
    if refusal:
        raise TransitionError(refusal)


def _edited(incident: Incident, actor: AbstractBaseUser) -> None:
    incident.last_edited_by = actor
    _save(incident, ["last_edited_by"])


@transaction.atomic
def incident_source_add(
    *,
    incident: Incident,
    actor: AbstractBaseUser,
    source: SourceDocument,
    role: str = SourceRole.PRIMARY,
    note: str = "",
) -> IncidentSource:
    """Cite a source as evidence for a draft (or, by a reviewer, an incident in review)."""
    _require(actor, "incidents.add_incidentsource", "link sources to incidents")
    incident = _locked(incident)
    _require_content_editable(incident, actor)
    link = IncidentSource(incident=incident, source=source, role=role, note=note)
    link.full_clean()
    link.save()
    _edited(incident, actor)
    return link


@transaction.atomic
def incident_source_change(
    *, link: IncidentSource, actor: AbstractBaseUser, role: str, note: str
) -> IncidentSource:
    _require(actor, "incidents.change_incidentsource", "change evidence links")
    incident = _locked(link.incident)
    _require_content_editable(incident, actor)
    link = IncidentSource.objects.select_for_update().get(pk=link.pk)
    link.role, link.note = role, note
    link.full_clean()
    link.save(update_fields=["role", "note"])
    _edited(incident, actor)
    return link


@transaction.atomic
def incident_source_remove(*, link: IncidentSource, actor: AbstractBaseUser) -> None:
    _require(actor, "incidents.delete_incidentsource", "remove evidence links")
    incident = _locked(link.incident)
    _require_content_editable(incident, actor)
    IncidentSource.objects.filter(pk=link.pk).delete()
    _edited(incident, actor)


@transaction.atomic
def incident_testimony_add(
    *, incident: Incident, actor: AbstractBaseUser, testimony: Testimony, note: str = ""
) -> IncidentTestimony:
    """Offer a testimony as evidence for a draft (or, by a reviewer, an incident in review)."""
    _require(actor, "incidents.add_incidenttestimony", "link testimonies to incidents")
    incident = _locked(incident)
    _require_content_editable(incident, actor)
    link = IncidentTestimony(incident=incident, testimony=testimony, note=note)
    link.full_clean()
    link.save()
    _edited(incident, actor)
    return link


@transaction.atomic
def incident_testimony_change(
    *, link: IncidentTestimony, actor: AbstractBaseUser, note: str
) -> IncidentTestimony:
    _require(actor, "incidents.change_incidenttestimony", "change evidence links")
    incident = _locked(link.incident)
    _require_content_editable(incident, actor)
    link = IncidentTestimony.objects.select_for_update().get(pk=link.pk)
    link.note = note
    link.full_clean()
    link.save(update_fields=["note"])
    _edited(incident, actor)
    return link


@transaction.atomic
def incident_testimony_remove(*, link: IncidentTestimony, actor: AbstractBaseUser) -> None:
    _require(actor, "incidents.delete_incidenttestimony", "remove evidence links")
    incident = _locked(link.incident)
    _require_content_editable(incident, actor)
    IncidentTestimony.objects.filter(pk=link.pk).delete()
    _edited(incident, actor)


# --- Workflow ---------------------------------------------------------------------------------


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


def _publishable(incident: Incident, actor: AbstractBaseUser, *, doing: str) -> None:
    if incident.verification_status == VerificationStatus.UNASSESSED:
        raise TransitionError("Assess it first: an unassessed incident cannot be published.")
    if not incident.verification_rationale.strip():
        raise TransitionError("Give the public rationale for its verification status first.")
    if not _has_evidence(incident):
        raise TransitionError("A published incident needs at least one linked source or testimony.")
    if is_own_work(actor=actor, record=incident):
        raise TransitionError(
            f"Four eyes: you created or last edited this incident, so another reviewer must "
            f"{doing} it."
        )


@transaction.atomic
def incident_publish(*, incident: Incident, actor: AbstractBaseUser) -> Incident:
    """Make an incident in review public. Four eyes: never by its creator or its last editor."""
    incident = _locked(incident)
    _require(actor, PUBLISH_PERMISSION, "publish incidents")
    _require_status(incident, PublicationStatus.IN_REVIEW, doing="published")
    _publishable(incident, actor, doing="publish")
    now = timezone.now()
    incident.publication_status = PublicationStatus.PUBLISHED
    incident.published_at = now
    incident.public_updated_at = now
    incident = _save(incident, ["publication_status", "published_at", "public_updated_at"])
    _touch_tombstones([incident.pk])
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
    incident = _locked(incident)
    _require(actor, PUBLISH_PERMISSION, "withdraw incidents")
    _require_status(incident, PublicationStatus.PUBLISHED, doing="withdrawn")
    if not reason.strip():
        raise TransitionError("Give the public reason for withdrawing it.")
    now = timezone.now()
    incident.publication_status = PublicationStatus.WITHDRAWN
    incident.withdrawn_at = now
    incident.withdrawal_reason = reason.strip()
    incident.public_updated_at = now
    incident = _save(
        incident, ["publication_status", "withdrawn_at", "withdrawal_reason", "public_updated_at"]
    )
    CorrectionNote.objects.create(
        incident=incident, kind=CorrectionNoteKind.WITHDRAWAL, text=reason.strip(), noted_at=now
    )
    _discard_open_correction(incident, actor, "Discarded: the incident was withdrawn.")
    _touch_tombstones([incident.pk])
    return incident


@transaction.atomic
def incident_republish(*, incident: Incident, actor: AbstractBaseUser, note: str) -> Incident:
    """Put a withdrawn incident back on the public record, with a public note saying why.

    Four eyes as for publishing: not by its creator or last editor. A merged duplicate is not
    republished: the record it was merged into carries the event.
    """
    incident = _locked(incident)
    _require(actor, PUBLISH_PERMISSION, "republish incidents")
    _require_status(incident, PublicationStatus.WITHDRAWN, doing="republished")
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
    incident = _save(
        incident, ["publication_status", "withdrawn_at", "withdrawal_reason", "public_updated_at"]
    )
    CorrectionNote.objects.create(
        incident=incident, kind=CorrectionNoteKind.REPUBLICATION, text=note.strip(), noted_at=now
    )
    _touch_tombstones([incident.pk])
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
        survivor = _save(survivor, ["last_edited_by"])

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
    _save(duplicate, fields)
    if was_public:
        CorrectionNote.objects.create(
            incident=duplicate, kind=CorrectionNoteKind.WITHDRAWAL, text=MERGED_REASON, noted_at=now
        )
        _discard_open_correction(duplicate, actor, "Discarded: the incident was merged.")
    # Records merged into the duplicate earlier now point straight at the survivor: a partner
    # following `replaced_by` never lands on a tombstone.
    Incident.objects.filter(duplicate_of=duplicate).update(duplicate_of=survivor)
    _touch_tombstones([survivor.pk])
    return _save(survivor, [])


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
        changes=_validated_changes(
            survivor,
            Proposal(add_sources=sources, add_testimonies=testimonies),
            actor,
        ),
        status=CorrectionStatus.IN_REVIEW,
        submitted_at=timezone.now(),
    )
    return correction


# --- Corrections ------------------------------------------------------------------------------


def open_correction(incident: Incident) -> Correction | None:
    return (
        Correction.objects.filter(incident=incident, status__in=OPEN_CORRECTION_STATUSES)
        .select_related("proposed_by")
        .first()
    )


@transaction.atomic
def correction_start(*, incident: Incident, actor: AbstractBaseUser) -> Correction:
    """Open a draft correction of a published incident; the public record stays as it is."""
    _require(actor, EDIT_PERMISSION, "propose corrections")
    _require(actor, "incidents.add_correction", "propose corrections")
    incident = _locked(incident)
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


def _locked_correction(correction: Correction) -> tuple[Correction, Incident]:
    incident = _locked(correction.incident)
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
    _require(actor, "incidents.change_correction", "edit corrections")
    correction, incident = _locked_correction(correction)
    _require_correction_status(correction, CorrectionStatus.DRAFT, doing="edited")
    _check_correction_version(correction, version)
    correction.changes = _validated_changes(incident, proposal, actor)
    correction.note = note.strip()
    correction.last_edited_by = actor
    correction.version = F("version") + 1
    correction.save(update_fields=["changes", "note", "last_edited_by", "version", "updated_at"])
    correction.refresh_from_db()
    return correction


@transaction.atomic
def correction_submit(*, correction: Correction, actor: AbstractBaseUser) -> Correction:
    """Send a draft correction to review, checked against the record as it is now."""
    _require(actor, "incidents.change_correction", "submit corrections")
    correction, incident = _locked_correction(correction)
    _require_correction_status(correction, CorrectionStatus.DRAFT, doing="submitted")
    if incident.publication_status != PublicationStatus.PUBLISHED:
        raise TransitionError(
            f"{incident.public_id} is no longer published; discard this correction."
        )
    # Compared again with the record as it is now: a safety removal or another correction may
    # have changed it since the draft was saved.
    changes = _validated_changes(incident, Proposal.from_changes(correction.changes), actor)
    if is_empty(changes):
        raise TransitionError("This correction changes nothing yet: make the changes first.")
    if not correction.note.strip():
        raise ValidationError({"note": _NOTE_NEEDED})
    correction.changes = changes
    correction.status = CorrectionStatus.IN_REVIEW
    correction.submitted_at = timezone.now()
    correction.version = F("version") + 1
    correction.save(update_fields=["changes", "status", "submitted_at", "version", "updated_at"])
    correction.refresh_from_db()
    return correction


_NOTE_NEEDED = (
    "Write the public note: one sentence a reader understands, e.g. “The number killed was "
    "corrected from three to four after a second video was geolocated.”"
)


@transaction.atomic
def correction_return(
    *, correction: Correction, actor: AbstractBaseUser, comment: str
) -> Correction:
    """Send a correction in review back to draft, saying what to change."""
    _require(actor, REVIEW_PERMISSION, "return corrections")
    correction, _ = _locked_correction(correction)
    _require_correction_status(correction, CorrectionStatus.IN_REVIEW, doing="returned")
    if not comment.strip():
        raise TransitionError("Say what needs to change: a comment is required to return it.")
    correction.status = CorrectionStatus.DRAFT
    correction.review_comment = comment.strip()
    correction.returned_at = timezone.now()
    correction.reviewed_by = actor
    correction.version = F("version") + 1
    correction.save(
        update_fields=[
            "status",
            "review_comment",
            "returned_at",
            "reviewed_by",
            "version",
            "updated_at",
        ]
    )
    correction.refresh_from_db()
    return correction


@transaction.atomic
def correction_discard(*, correction: Correction, actor: AbstractBaseUser) -> Correction:
    """Abandon a correction: by whoever proposed it, or by a reviewer."""
    _require(actor, "incidents.change_correction", "discard corrections")
    correction, _ = _locked_correction(correction)
    _require_correction_status(correction, *OPEN_CORRECTION_STATUSES, doing="discarded")
    if correction.proposed_by_id != actor.pk and not is_reviewer(actor):
        raise TransitionError(
            f"Only {person(correction.proposed_by)}, who proposed it, or a reviewer may discard "
            "this correction."
        )
    correction.status = CorrectionStatus.DISCARDED
    correction.decided_at = timezone.now()
    correction.version = F("version") + 1
    correction.save(update_fields=["status", "decided_at", "version", "updated_at"])
    correction.refresh_from_db()
    return correction


@transaction.atomic
def correction_approve(*, correction: Correction, actor: AbstractBaseUser) -> Correction:
    """Apply a correction to the public record, in one transaction, with its public note.

    Four eyes: never by whoever proposed it or last changed it. A correction written against a
    record that has changed since (another correction, a safety removal) is refused, naming what
    moved, so that nobody approves a change they have not seen.
    """
    _require(actor, PUBLISH_PERMISSION, "approve corrections")
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
    stale = _stale(incident, correction.changes)
    if stale:
        raise TransitionError(
            f"Since this correction was written, {stale} changed on the record. Return it so the "
            "proposal can be checked against the record as it is now."
        )
    try:
        changes = _validated_changes(
            incident, Proposal.from_changes(correction.changes), correction.last_edited_by
        )
    except ValidationError as error:
        raise TransitionError(
            "This correction no longer fits the record: " + " ".join(error.messages)
        ) from error
    _apply(incident, correction, changes)
    correction.changes = changes
    correction.status = CorrectionStatus.APPLIED
    correction.reviewed_by = actor
    correction.decided_at = timezone.now()
    correction.version = F("version") + 1
    correction.save(
        update_fields=["changes", "status", "reviewed_by", "decided_at", "version", "updated_at"]
    )
    correction.refresh_from_db()
    return correction


class _Errors(dict):
    """Problems of a proposal, keyed by where they belong (see `_validated_changes`)."""

    def add(self, key: str, *messages: str) -> None:
        self.setdefault(key, []).extend(messages)

    def add_all(self, error: ValidationError, prefix: str = "") -> None:
        for name, messages in error.message_dict.items():
            self.add(f"{prefix}{name}", *messages)


def _validated_changes(
    incident: Incident, proposal: Proposal, actor: AbstractBaseUser
) -> dict[str, Any]:
    """What `proposal` changes on the incident as it is now, each value beside the one it
    replaces; refuses what the proposer may not propose and what would leave an invalid record.

    Errors are keyed by where they belong: an incident field's name, `sources.<id>.<field>`,
    `testimonies.<id>.<field>`, or `evidence`.
    """
    errors = _Errors()
    sources = {link.source_id: link for link in incident.source_links.select_related("source")}
    testimonies = {
        link.testimony_id: link
        for link in incident.testimony_links.select_related("testimony__witness")
    }
    changes = {
        "incident": _incident_part(incident, proposal.incident, actor, errors),
        "sources": _source_part(sources, proposal.sources, errors),
        "testimonies": _testimony_part(testimonies, proposal.testimonies, actor, errors),
        **_link_part(sources, testimonies, proposal, errors),
    }
    if errors:
        raise ValidationError(dict(errors))
    return {key: value for key, value in changes.items() if value}


def _incident_part(
    incident: Incident, values: dict[str, Any], actor: AbstractBaseUser, errors: _Errors
) -> dict[str, Any]:
    _check_fields(values, CORRECTABLE_FIELDS)
    changed = _changed(incident, values)
    if not changed:
        return {}
    after = copy.copy(incident)
    for name, value in changed.items():
        if name in REVIEWER_FIELDS and not is_reviewer(actor):
            errors.add(name, _REVIEWER_ONLY[name])
        _set(after, name, value)
    if after.verification_status == VerificationStatus.UNASSESSED:
        errors.add(
            "verification_status",
            "A published incident keeps a verification status other than unassessed.",
        )
    if not after.verification_rationale.strip():
        errors.add("verification_rationale", "A published incident keeps its public rationale.")
    try:
        after.full_clean(validate_unique=False)
    except ValidationError as error:
        errors.add_all(error)
    return {name: pair(current_value(incident, name), value) for name, value in changed.items()}


def _source_part(
    links: dict[int, IncidentSource], proposed: dict[int, dict[str, Any]], errors: _Errors
) -> dict[str, Any]:
    part = {}
    for source_id, values in proposed.items():
        _check_fields(values, SOURCE_PUBLIC_FIELDS)
        if source_id not in links:
            errors.add("evidence", "A correction changes only the sources its incident cites.")
            continue
        source = links[source_id].source
        changed = _changed(source, values)
        if not changed:
            continue
        after = copy.copy(source)
        for name, value in changed.items():
            _set(after, name, value)
        try:
            after.full_clean(validate_unique=False)
        except ValidationError as error:
            errors.add_all(error, prefix=f"sources.{source_id}.")
        part[str(source_id)] = {
            name: pair(current_value(source, name), value) for name, value in changed.items()
        }
    return part


def _testimony_part(
    links: dict[int, IncidentTestimony],
    proposed: dict[int, dict[str, Any]],
    actor: AbstractBaseUser,
    errors: _Errors,
) -> dict[str, Any]:
    part = {}
    for testimony_id, values in proposed.items():
        _check_fields(values, TESTIMONY_PUBLIC_FIELDS)
        if testimony_id not in links:
            errors.add(
                "evidence", "A correction changes only the testimonies its incident rests on."
            )
            continue
        testimony = links[testimony_id].testimony
        changed = _changed(testimony, values)
        if not changed:
            continue
        key = f"testimonies.{testimony_id}."
        if changed.get("summary_is_public"):
            if not is_reviewer(actor):
                errors.add(
                    f"{key}summary_is_public",
                    "Only a reviewer may mark a summary publishable, after checking that it "
                    "cannot identify the witness.",
                )
            if not testimony.witness.consent_publish_anonymised:
                errors.add(
                    f"{key}summary_is_public",
                    f"Witness {testimony.witness.code} has not agreed to the publication of an "
                    "anonymised summary.",
                )
        after = copy.copy(testimony)
        for name, value in changed.items():
            _set(after, name, value)
        try:
            # The statement is encrypted and not part of the proposal: it is not even decrypted.
            after.clean_fields(exclude=["statement", "witness", "interviewer"])
        except ValidationError as error:
            errors.add_all(error, prefix=key)
        part[str(testimony_id)] = {
            name: pair(current_value(testimony, name), value) for name, value in changed.items()
        }
    return part


def _link_part(
    sources: dict[int, IncidentSource],
    testimonies: dict[int, IncidentTestimony],
    proposal: Proposal,
    errors: _Errors,
) -> dict[str, Any]:
    roles = {}
    for source_id, role in proposal.source_roles.items():
        if source_id not in sources:
            continue
        if role not in SourceRole.values:
            errors.add("evidence", f"{role!r} is not a role of a source.")
        elif sources[source_id].role != role:
            roles[str(source_id)] = pair(sources[source_id].role, role)
    removed_sources = sorted({pk for pk in proposal.remove_sources if pk in sources})
    removed_testimonies = sorted({pk for pk in proposal.remove_testimonies if pk in testimonies})

    added_sources: list[dict[str, Any]] = []
    exists = set(
        SourceDocument.objects.filter(
            pk__in=[source_id for source_id, _, _ in proposal.add_sources]
        ).values_list("pk", flat=True)
    )
    for source_id, role, note in proposal.add_sources:
        if source_id in sources or any(a["source"] == source_id for a in added_sources):
            continue
        if source_id not in exists:
            errors.add("evidence", "A source to add no longer exists.")
        elif role not in SourceRole.values:
            errors.add("evidence", f"{role!r} is not a role of a source.")
        else:
            added_sources.append({"source": source_id, "role": role, "note": note})

    added_testimonies: list[dict[str, Any]] = []
    exists = set(
        Testimony.objects.filter(
            pk__in=[testimony_id for testimony_id, _ in proposal.add_testimonies]
        ).values_list("pk", flat=True)
    )
    for testimony_id, note in proposal.add_testimonies:
        if testimony_id in testimonies or any(
            a["testimony"] == testimony_id for a in added_testimonies
        ):
            continue
        if testimony_id not in exists:
            errors.add("evidence", "A testimony to add no longer exists.")
        else:
            added_testimonies.append({"testimony": testimony_id, "note": note})

    remaining = (
        len(sources) - len(removed_sources) + len(added_sources)
        + len(testimonies) - len(removed_testimonies) + len(added_testimonies)
    )  # fmt: skip
    if remaining < 1:
        errors.add(
            "evidence", "A published incident needs at least one linked source or testimony."
        )
    return {
        "source_roles": roles,
        "add_sources": added_sources,
        "remove_sources": removed_sources,
        "add_testimonies": added_testimonies,
        "remove_testimonies": removed_testimonies,
    }


def _stale(incident: Incident, changes: dict[str, Any]) -> str:
    """What has changed on the record since `changes` were written, in words; "" if nothing."""
    moved = []
    for name, values in changes.get("incident", {}).items():
        if encode(current_value(incident, name)) != values["from"]:
            moved.append(str(Incident._meta.get_field(name).verbose_name))
    sources = {
        source.pk: source
        for source in SourceDocument.objects.filter(
            pk__in=[int(pk) for pk in changes.get("sources", {})]
        )
    }
    for pk, fields in changes.get("sources", {}).items():
        source = sources.get(int(pk))
        for name, values in fields.items():
            if source is None or encode(current_value(source, name)) != values["from"]:
                moved.append(f"the {SourceDocument._meta.get_field(name).verbose_name} of a source")
    testimonies = {
        testimony.pk: testimony
        for testimony in Testimony.objects.filter(
            pk__in=[int(pk) for pk in changes.get("testimonies", {})]
        )
    }
    for pk, fields in changes.get("testimonies", {}).items():
        testimony = testimonies.get(int(pk))
        for name, values in fields.items():
            if testimony is None or encode(current_value(testimony, name)) != values["from"]:
                moved.append(f"the {Testimony._meta.get_field(name).verbose_name} of a testimony")
    roles = dict(incident.source_links.values_list("source_id", "role"))
    for pk, values in changes.get("source_roles", {}).items():
        if roles.get(int(pk)) != values["from"]:
            moved.append("the role of a cited source")
    if any(pk not in roles for pk in changes.get("remove_sources", [])):
        moved.append("the cited sources")
    linked = set(incident.testimony_links.values_list("testimony_id", flat=True))
    if any(pk not in linked for pk in changes.get("remove_testimonies", [])):
        moved.append("the linked testimonies")
    return ", ".join(dict.fromkeys(moved))


def _apply(incident: Incident, correction: Correction, changes: dict[str, Any]) -> None:
    proposal = Proposal.from_changes(changes)
    others: dict[int, str] = {}  # other published incidents whose record changes too, and why

    if proposal.incident:
        for name, value in proposal.incident.items():
            _set(incident, name, value)
        incident.last_edited_by = correction.last_edited_by
        _save(incident, [*proposal.incident, "last_edited_by"])

    sources = SourceDocument.objects.select_for_update().in_bulk(list(proposal.sources))
    for source_id, values in proposal.sources.items():
        source = sources[source_id]
        before = source_view(source)
        for name, value in values.items():
            _set(source, name, value)
        source.save(update_fields=[*values, "updated_at"])
        after = source_view(source)
        if before != after:
            text = SOURCE_REMOVED if after is None else SOURCE_CORRECTED
            for other in published_citing([source_id]):
                others.setdefault(other, text)

    testimonies = (
        Testimony.objects.select_for_update(of=("self",))
        .select_related("witness")
        .in_bulk(list(proposal.testimonies))
    )
    for testimony_id, values in proposal.testimonies.items():
        testimony = testimonies[testimony_id]
        consent = testimony.witness.consent_publish_anonymised
        before = testimony_view(testimony, consent=consent)
        for name, value in values.items():
            _set(testimony, name, value)
        testimony.save(update_fields=[*values, "updated_at"])
        after = testimony_view(testimony, consent=consent)
        if before != after:
            text = SUMMARY_REMOVED if after is None else SUMMARY_CORRECTED
            for other in published_linking([testimony_id]):
                others.setdefault(other, text)

    for source_id, role in proposal.source_roles.items():
        IncidentSource.objects.filter(incident=incident, source_id=source_id).update(role=role)
    IncidentSource.objects.filter(incident=incident, source_id__in=proposal.remove_sources).delete()
    IncidentTestimony.objects.filter(
        incident=incident, testimony_id__in=proposal.remove_testimonies
    ).delete()
    IncidentSource.objects.bulk_create(
        IncidentSource(incident=incident, source_id=source_id, role=role, note=note)
        for source_id, role, note in proposal.add_sources
    )
    IncidentTestimony.objects.bulk_create(
        IncidentTestimony(incident=incident, testimony_id=testimony_id, note=note)
        for testimony_id, note in proposal.add_testimonies
    )

    record_public_change(
        incident_ids=[incident.pk],
        kind=CorrectionNoteKind.CORRECTION,
        text=correction.note,
        correction=correction,
    )
    others.pop(incident.pk, None)
    for text in set(others.values()):
        record_public_change(
            incident_ids=[pk for pk, why in others.items() if why == text],
            kind=(
                CorrectionNoteKind.REMOVAL
                if text in (SOURCE_REMOVED, SUMMARY_REMOVED)
                else CorrectionNoteKind.CORRECTION
            ),
            text=text,
            correction=correction,
        )


# --- Reference data that published records show ----------------------------------------------

INCIDENT_TYPE_PUBLIC_FIELDS = ("slug", "name_en", "name_uk")
REGION_PUBLIC_FIELDS = ("code", "iso_code", "name_en", "name_uk")


@transaction.atomic
def incident_type_save(
    *, actor: AbstractBaseUser, data: Mapping[str, Any], incident_type: IncidentType | None = None
) -> IncidentType:
    """Add or change an incident type; a renamed type changes every published record of it."""
    action = "add" if incident_type is None else "change"
    _require(actor, f"incidents.{action}_incidenttype", f"{action} incident types")
    record = (
        IncidentType()
        if incident_type is None
        else IncidentType.objects.select_for_update().get(pk=incident_type.pk)
    )
    changed = _changed(record, data) if incident_type is not None else dict(data)
    for name, value in changed.items():
        _set(record, name, value)
    record.full_clean()
    record.save()
    if incident_type is not None and set(changed) & set(INCIDENT_TYPE_PUBLIC_FIELDS):
        record_public_change(
            incident_ids=Incident.objects.published()
            .filter(incident_type=record)
            .values_list("pk", flat=True),
            kind=CorrectionNoteKind.CORRECTION,
            text=VOCABULARY_CHANGED,
        )
    return record


@transaction.atomic
def region_save(
    *, actor: AbstractBaseUser, data: Mapping[str, Any], region: Region | None = None
) -> Region:
    """Add or correct an administrative unit (superusers only: partners' filters point at them).

    A unit's code and place in the tree are fixed once it exists, because the paths of every unit
    beneath it are built from them.
    """
    if not actor.is_superuser:
        raise TransitionError("Only a superuser may change the administrative units.")
    if region is None:
        record = Region()
        for name, value in data.items():
            _set(record, name, value)
        record.path = Region.path_for(record.code, record.parent)
        record.full_clean()
        record.save()
        return record
    record = Region.objects.select_for_update().get(pk=region.pk)
    changed = _changed(record, data)
    if set(changed) & {"code", "level", "parent"}:
        raise TransitionError(
            "A unit's code, level and parent are fixed: the paths of the units beneath it are "
            "built from them."
        )
    for name, value in changed.items():
        _set(record, name, value)
    record.full_clean()
    record.save()
    if set(changed) & set(REGION_PUBLIC_FIELDS):
        record_public_change(
            incident_ids=Incident.objects.published()
            .in_region(record)
            .values_list("pk", flat=True),
            kind=CorrectionNoteKind.CORRECTION,
            text=VOCABULARY_CHANGED,
        )
    return record


# --- Generated records for the benchmark ------------------------------------------------------


@transaction.atomic
def benchmark_records_load(
    *, incidents: Sequence[Incident], sources: Sequence[SourceDocument]
) -> None:
    """Bulk-load fictional published incidents, each citing the source at the same position.

    The one write that skips review, for `manage.py benchmark_api` on a throwaway database: it
    refuses in production, and every record it takes must already say that it is a benchmark
    record.
    """
    if settings.PRODUCTION:
        raise Refused("Benchmark records are never loaded with DJANGO_ENV=production.")
    if len(incidents) != len(sources):
        raise ValueError("One source per incident.")
    for incident in incidents:
        if not incident.title.startswith("Benchmark record"):
            raise ValueError("Only benchmark records are loaded this way.")
        incident.publication_status = PublicationStatus.PUBLISHED
        incident.public_updated_at = incident.published_at
    Incident.objects.bulk_create(incidents)
    SourceDocument.objects.bulk_create(sources)
    IncidentSource.objects.bulk_create(
        IncidentSource(incident=incident, source=source)
        for incident, source in zip(incidents, sources, strict=True)
    )


@transaction.atomic
def benchmark_records_delete(*, note: str) -> tuple[int, int]:
    """Delete what `benchmark_records_load` loaded, found by the staff note the benchmark gives
    its rows. Plain DELETEs: the ORM's collector would load every row first; the history
    triggers still record each deletion. Returns the numbers of incidents and sources deleted."""
    if settings.PRODUCTION:
        raise Refused("Benchmark records are never deleted with DJANGO_ENV=production.")
    ours = (
        "SELECT id FROM incidents_incident "
        "WHERE internal_notes = %s AND title LIKE 'Benchmark record%%'"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM incidents_incidentsource WHERE incident_id IN ({ours})", [note]
        )
        cursor.execute(
            f"DELETE FROM incidents_incidenttestimony WHERE incident_id IN ({ours})", [note]
        )
        cursor.execute(
            f"DELETE FROM incidents_correctionnote WHERE incident_id IN ({ours})", [note]
        )
        cursor.execute(f"DELETE FROM incidents_correction WHERE incident_id IN ({ours})", [note])
        cursor.execute(f"DELETE FROM incidents_incident WHERE id IN ({ours})", [note])
        incidents = cursor.rowcount
        cursor.execute("DELETE FROM sources_sourcedocument WHERE origin_note = %s", [note])
        sources = cursor.rowcount
    return incidents, sources
