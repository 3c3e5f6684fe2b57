"""What a correction changes: its proposal checked against the record as it is now, and, on
approval, applied to the record and to what other published records show."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from incidents.corrections import (
    CORRECTABLE_FIELDS,
    REVIEWER_FIELDS,
    SOURCE_PUBLIC_FIELDS,
    TESTIMONY_PUBLIC_FIELDS,
    Proposal,
    current_value,
    encode,
    pair,
)
from incidents.models import (
    Correction,
    CorrectionNoteKind,
    Incident,
    IncidentSource,
    IncidentTestimony,
    SourceRole,
    VerificationStatus,
)
from incidents.services.public_record import (
    published_citing,
    published_linking,
    record_public_change,
    source_view,
    testimony_view,
)
from incidents.services.rules import (
    REVIEWER_ONLY,
    SOURCE_CORRECTED,
    SOURCE_REMOVED,
    SUMMARY_CORRECTED,
    SUMMARY_REMOVED,
    changed_values,
    check_fields,
    is_reviewer,
    save_version,
    set_value,
)
from sources.models import SourceDocument, Testimony
from sources.source_urls import with_normalised_url


class _Errors(dict):
    """Problems of a proposal, keyed by where they belong (see `validated_changes`)."""

    def add(self, key: str, *messages: str) -> None:
        self.setdefault(key, []).extend(messages)

    def add_all(self, error: ValidationError, prefix: str = "") -> None:
        for name, messages in error.message_dict.items():
            self.add(f"{prefix}{name}", *messages)


def validated_changes(
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
    check_fields(values, CORRECTABLE_FIELDS)
    changed = changed_values(incident, values)
    if not changed:
        return {}
    after = copy.copy(incident)
    for name, value in changed.items():
        if name in REVIEWER_FIELDS and not is_reviewer(actor):
            errors.add(name, REVIEWER_ONLY[name])
        set_value(after, name, value)
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
        check_fields(values, SOURCE_PUBLIC_FIELDS)
        if source_id not in links:
            errors.add("evidence", "A correction changes only the sources its incident cites.")
            continue
        source = links[source_id].source
        changed = changed_values(source, values)
        if not changed:
            continue
        after = copy.copy(source)
        for name, value in changed.items():
            set_value(after, name, value)
        try:
            after.full_clean(validate_unique=False, exclude=["url_normalised"])
        except ValidationError as error:
            errors.add_all(error, prefix=f"sources.{source_id}.")
        else:
            if "url" in changed and (taken := with_normalised_url(after)) is not None:
                errors.add_all(taken, prefix=f"sources.{source_id}.")
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
        check_fields(values, TESTIMONY_PUBLIC_FIELDS)
        if testimony_id not in links:
            errors.add(
                "evidence", "A correction changes only the testimonies its incident rests on."
            )
            continue
        testimony = links[testimony_id].testimony
        changed = changed_values(testimony, values)
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
            set_value(after, name, value)
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


def stale_fields(incident: Incident, changes: dict[str, Any]) -> str:
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


def apply_changes(incident: Incident, correction: Correction, changes: dict[str, Any]) -> None:
    proposal = Proposal.from_changes(changes)
    others: dict[int, str] = {}  # other published incidents whose record changes too, and why

    if proposal.incident:
        for name, value in proposal.incident.items():
            set_value(incident, name, value)
        incident.last_edited_by = correction.last_edited_by
        save_version(incident, [*proposal.incident, "last_edited_by"])

    sources = SourceDocument.objects.select_for_update().in_bulk(list(proposal.sources))
    for source_id, values in proposal.sources.items():
        source = sources[source_id]
        before = source_view(source)
        for name, value in values.items():
            set_value(source, name, value)
        derived = []
        if "url" in values:
            # Another source may have taken the address since the proposal was checked.
            if (taken := with_normalised_url(source)) is not None:
                raise taken
            derived.append("url_normalised")
        source.save(update_fields=[*values, *derived, "updated_at"])
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
            set_value(testimony, name, value)
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
