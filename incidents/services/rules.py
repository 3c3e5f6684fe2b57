"""The rules every incident service applies: who may, what the record needs, four eyes,
no lost updates; and the errors they raise."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_noop

from core.errors import Refused
from incidents.corrections import (
    CONTENT_FIELDS,
    attname,
    current_value,
    plain,
    same,
)
from incidents.models import (
    Correction,
    Incident,
    IncidentSource,
    IncidentTestimony,
    PublicationStatus,
)

REVIEW_PERMISSION = "incidents.review_incident"
PUBLISH_PERMISSION = "incidents.publish_incident"
ADD_PERMISSION = "incidents.add_incident"
EDIT_PERMISSION = "incidents.change_incident"
DELETE_PERMISSION = "incidents.delete_incident"

# A record under review with a `version` that every save raises: an incident, or a claim.
VersionedRecord = TypeVar("VersionedRecord", bound=models.Model)

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


def locked(record: VersionedRecord) -> VersionedRecord:
    """The record re-read under a row lock: the caller's copy may be stale, and two reviewers
    must not both act on the same state. Incidents and claims (`sources.claim_services`) alike."""
    return type(record).objects.select_for_update().get(pk=record.pk)


def require(actor: AbstractBaseUser, permission: str, doing: str) -> None:
    if not actor.has_perm(permission):
        raise TransitionError(f"You do not have permission to {doing}.")


def return_comment(comment: str) -> str:
    """The reviewer's comment for the author, which sending anything back to draft requires."""
    if not comment.strip():
        raise TransitionError("Say what needs to change: a comment is required to return it.")
    return comment.strip()


def require_status(incident: Incident, *allowed: str, doing: str) -> None:
    if incident.publication_status not in allowed:
        names = " or ".join(PublicationStatus(status).label.lower() for status in allowed)
        raise TransitionError(
            f"Only an incident that is {names} can be {doing}; "
            f"{incident.public_id} is {incident.get_publication_status_display().lower()}."
        )


def save_version(record: VersionedRecord, fields: Iterable[str]) -> VersionedRecord:
    """Save `fields` of an incident or a claim and raise its version, which refuses every form
    opened at the older one."""
    record.version = F("version") + 1
    record.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])
    record.refresh_from_db()
    return record


def has_evidence(incident: Incident) -> bool:
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


def is_own_work(*, actor: AbstractBaseUser, record: models.Model) -> bool:
    """Four eyes: whether `actor` wrote the record, so that someone else has to publish it.

    For an incident (and a claim, `sources.claim_services`) that is its creator and its last
    content editor; for a correction, whoever proposed it and whoever last changed the proposal.
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
    if not has_evidence(incident):
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


def check_version(current: Incident, version: int | None) -> None:
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


def changed_values(record: models.Model, data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: value
        for name, value in data.items()
        if not same(current_value(record, name), plain(value))
    }


def set_value(record: models.Model, name: str, value: Any) -> None:
    setattr(record, attname(type(record), name), plain(value))


def check_assignee(value: Any) -> None:
    if value is None:
        return
    user = value if isinstance(value, models.Model) else get_user_model().objects.get(pk=value)
    if not (user.is_active and user.is_staff):
        raise ValidationError({"assigned_to": "Assign the record to an active member of staff."})


def check_fields(data: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        # A programming error, not a user's: the caller passed a field no form offers.
        raise ValueError(f"Not editable here: {', '.join(unknown)}.")


REVIEWER_ONLY = {
    "coordinates_public": "Only a reviewer may publish exact coordinates: they can endanger "
    "people at the place.",
    "verification_status": "Only a reviewer may propose a different verification status.",
    "verification_rationale": "Only a reviewer may propose a different verification rationale.",
}
