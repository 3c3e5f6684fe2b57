"""Reference data that published records show: incident types and administrative units."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from incidents.models import (
    CorrectionNoteKind,
    Incident,
    IncidentType,
    Region,
)
from incidents.services.public_record import record_public_change
from incidents.services.rules import (
    VOCABULARY_CHANGED,
    TransitionError,
    changed_values,
    require,
    set_value,
)

INCIDENT_TYPE_PUBLIC_FIELDS = ("slug", "name_en", "name_uk")
REGION_PUBLIC_FIELDS = ("code", "iso_code", "name_en", "name_uk")


@transaction.atomic
def incident_type_save(
    *, actor: AbstractBaseUser, data: Mapping[str, Any], incident_type: IncidentType | None = None
) -> IncidentType:
    """Add or change an incident type; a renamed type changes every published record of it."""
    action = "add" if incident_type is None else "change"
    require(actor, f"incidents.{action}_incidenttype", f"{action} incident types")
    record = (
        IncidentType()
        if incident_type is None
        else IncidentType.objects.select_for_update().get(pk=incident_type.pk)
    )
    changed = changed_values(record, data) if incident_type is not None else dict(data)
    for name, value in changed.items():
        set_value(record, name, value)
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
            set_value(record, name, value)
        record.path = Region.path_for(record.code, record.parent)
        record.full_clean()
        record.save()
        return record
    record = Region.objects.select_for_update().get(pk=region.pk)
    changed = changed_values(record, data)
    if set(changed) & {"code", "level", "parent"}:
        raise TransitionError(
            "A unit's code, level and parent are fixed: the paths of the units beneath it are "
            "built from them."
        )
    for name, value in changed.items():
        set_value(record, name, value)
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
