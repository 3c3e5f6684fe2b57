"""Creating, editing and deleting incidents and their evidence links, by the status's rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from incidents.corrections import (
    ASSESSMENT_FIELDS,
    CONTENT_FIELDS,
)
from incidents.models import (
    Incident,
    IncidentSource,
    IncidentTestimony,
    PublicationStatus,
    SourceRole,
)
from incidents.services.rules import (
    ADD_PERMISSION,
    DELETE_PERMISSION,
    EDIT_PERMISSION,
    EDITABLE_FIELDS,
    REVIEWER_ONLY,
    TransitionError,
    changed_values,
    check_assignee,
    check_fields,
    check_version,
    is_reviewer,
    locked,
    person,
    require,
    save_version,
    set_value,
)
from sources.models import SourceDocument, Testimony


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
    require(actor, ADD_PERMISSION, "add incidents")
    if set(data) & set(ASSESSMENT_FIELDS):
        raise TransitionError(
            "The verification status and rationale are set by a reviewer with “Assess”."
        )
    check_fields(data, EDITABLE_FIELDS)
    if data.get("coordinates_public") and not is_reviewer(actor):
        raise ValidationError({"coordinates_public": REVIEWER_ONLY["coordinates_public"]})
    check_assignee(data.get("assigned_to"))
    incident = Incident(created_by=actor, last_edited_by=actor)
    for name, value in data.items():
        set_value(incident, name, value)
    incident.full_clean()
    incident.save()
    return incident


@transaction.atomic
def incident_update(
    *, incident: Incident, actor: AbstractBaseUser, version: int | None, data: Mapping[str, Any]
) -> Incident:
    """Save changes to an incident, refusing a stale form (no lost updates).

    Every save raises `version`; a change of content makes `actor` the last editor, whom four
    eyes then keeps from publishing it.
    """
    require(actor, EDIT_PERMISSION, "edit incidents")
    current = locked(incident)
    check_version(current, version)
    if set(data) & set(ASSESSMENT_FIELDS):
        raise TransitionError(
            "The verification status and rationale are set with “Assess” while the incident is "
            "in review."
        )
    check_fields(data, EDITABLE_FIELDS)
    changed = changed_values(current, data)
    content = [name for name in changed if name in CONTENT_FIELDS]
    refusal = editing_refusal(incident=current, actor=actor, content=bool(content))
    if refusal:
        raise TransitionError(refusal)
    if "coordinates_public" in changed and not is_reviewer(actor):
        raise ValidationError({"coordinates_public": REVIEWER_ONLY["coordinates_public"]})
    if "assigned_to" in changed:
        check_assignee(changed["assigned_to"])
    for name, value in changed.items():
        set_value(current, name, value)
    current.full_clean()
    fields = list(changed)
    if content:
        current.last_edited_by = actor
        fields.append("last_edited_by")
    return save_version(current, fields)


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
    incident = locked(incident)
    refusal = deletion_refusal(incident=incident, actor=actor)
    if refusal:
        raise TransitionError(refusal)
    incident.delete()


# --- Evidence links ---------------------------------------------------------------------------


def _editable(incident: Incident, actor: AbstractBaseUser, permission: str, doing: str) -> Incident:
    """The incident, locked, once `actor` may change its evidence now."""
    require(actor, permission, doing)
    incident = locked(incident)
    refusal = editing_refusal(incident=incident, actor=actor)
    if refusal:
        raise TransitionError(refusal)
    return incident


def _edited(incident: Incident, actor: AbstractBaseUser) -> None:
    incident.last_edited_by = actor
    save_version(incident, ["last_edited_by"])


def _saved_link(
    link: IncidentSource | IncidentTestimony,
    incident: Incident,
    actor: AbstractBaseUser,
    fields: list[str] | None = None,
) -> IncidentSource | IncidentTestimony:
    link.full_clean()
    link.save(update_fields=fields)
    _edited(incident, actor)
    return link


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
    incident = _editable(
        incident, actor, "incidents.add_incidentsource", "link sources to incidents"
    )
    link = IncidentSource(incident=incident, source=source, role=role, note=note)
    return _saved_link(link, incident, actor)


@transaction.atomic
def incident_source_change(
    *, link: IncidentSource, actor: AbstractBaseUser, role: str, note: str
) -> IncidentSource:
    incident = _editable(
        link.incident, actor, "incidents.change_incidentsource", "change evidence links"
    )
    link = IncidentSource.objects.select_for_update().get(pk=link.pk)
    link.role, link.note = role, note
    return _saved_link(link, incident, actor, ["role", "note"])


@transaction.atomic
def incident_source_remove(*, link: IncidentSource, actor: AbstractBaseUser) -> None:
    incident = _editable(
        link.incident, actor, "incidents.delete_incidentsource", "remove evidence links"
    )
    IncidentSource.objects.filter(pk=link.pk).delete()
    _edited(incident, actor)


@transaction.atomic
def incident_testimony_add(
    *, incident: Incident, actor: AbstractBaseUser, testimony: Testimony, note: str = ""
) -> IncidentTestimony:
    """Offer a testimony as evidence for a draft (or, by a reviewer, an incident in review)."""
    incident = _editable(
        incident, actor, "incidents.add_incidenttestimony", "link testimonies to incidents"
    )
    link = IncidentTestimony(incident=incident, testimony=testimony, note=note)
    return _saved_link(link, incident, actor)


@transaction.atomic
def incident_testimony_change(
    *, link: IncidentTestimony, actor: AbstractBaseUser, note: str
) -> IncidentTestimony:
    incident = _editable(
        link.incident, actor, "incidents.change_incidenttestimony", "change evidence links"
    )
    link = IncidentTestimony.objects.select_for_update().get(pk=link.pk)
    link.note = note
    return _saved_link(link, incident, actor, ["note"])


@transaction.atomic
def incident_testimony_remove(*, link: IncidentTestimony, actor: AbstractBaseUser) -> None:
    incident = _editable(
        link.incident, actor, "incidents.delete_incidenttestimony", "remove evidence links"
    )
    IncidentTestimony.objects.filter(pk=link.pk).delete()
    _edited(incident, actor)
