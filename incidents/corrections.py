"""The shape of a correction: what it proposes, as stored in `Correction.changes`, and its lines
as a reviewer reads them.

A proposal says what the record should become: values for the incident's fields, for the public
fields of the sources and testimonies it shows, and the evidence links to add, re-role or remove.
`incidents.services` compares it with the record, validates it and stores only what differs,
each value beside the one it replaces:

    {"incident": {"killed_best": {"from": 3, "to": 4}},
     "sources": {"12": {"title": {"from": "Old", "to": "New"}}},
     "testimonies": {"7": {"public_summary": {"from": "…", "to": "…"}}},
     "source_roles": {"12": {"from": "primary", "to": "mentions"}},
     "add_sources": [{"source": 31, "role": "corroborating", "note": ""}],
     "remove_sources": [12],
     "add_testimonies": [{"testimony": 9, "note": ""}],
     "remove_testimonies": [7]}

The "from" values let approval notice that the record changed in the meantime. Only public and
evidence fields ever appear here: never internal notes, witness identities or statements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from incidents.models import Incident, Region, SourceRole
from sources.models import SourceDocument, Testimony

# What a correction may change on the incident itself: everything the public sees of it, and the
# reviewer's assessment. Staff fields (internal notes, assignment) are edited directly.
CONTENT_FIELDS = (
    "title",
    "incident_type",
    "summary",
    "date_start",
    "date_end",
    "date_precision",
    "region",
    "location_name",
    "latitude",
    "longitude",
    "geo_precision",
    "coordinates_public",
    "killed_low",
    "killed_best",
    "killed_high",
    "wounded_low",
    "wounded_best",
    "wounded_high",
    "victim_category",
    "perpetrator_force",
    "perpetrator_unit",
    "attribution_confidence",
)
ASSESSMENT_FIELDS = ("verification_status", "verification_rationale")
CORRECTABLE_FIELDS = (*CONTENT_FIELDS, *ASSESSMENT_FIELDS)
# Decisions that can endanger people or that state how sure the register is: reviewers only.
REVIEWER_FIELDS = ("coordinates_public", *ASSESSMENT_FIELDS)

# What the public sees of a source (on incident pages and in sources/) and of a testimony.
SOURCE_PUBLIC_FIELDS = (
    "kind",
    "title",
    "publisher",
    "url",
    "archive_url",
    "published_on",
    "language",
    "description",
    "is_public",
)
TESTIMONY_PUBLIC_FIELDS = ("public_summary", "directness", "summary_is_public")


@dataclass
class Proposal:
    """What a correction would make of a published incident; see the module docstring."""

    incident: dict[str, Any] = field(default_factory=dict)
    sources: dict[int, dict[str, Any]] = field(default_factory=dict)
    testimonies: dict[int, dict[str, Any]] = field(default_factory=dict)
    source_roles: dict[int, str] = field(default_factory=dict)
    add_sources: list[tuple[int, str, str]] = field(default_factory=list)  # source, role, note
    remove_sources: list[int] = field(default_factory=list)  # source ids
    add_testimonies: list[tuple[int, str]] = field(default_factory=list)  # testimony, note
    remove_testimonies: list[int] = field(default_factory=list)  # testimony ids

    @classmethod
    def from_changes(cls, changes: dict[str, Any]) -> Proposal:
        """The proposal a stored `changes` dict describes (its "to" values)."""
        return cls(
            incident={
                name: _decode(Incident, name, pair["to"])
                for name, pair in changes.get("incident", {}).items()
            },
            sources={
                int(pk): {
                    name: _decode(SourceDocument, name, pair["to"]) for name, pair in fields.items()
                }
                for pk, fields in changes.get("sources", {}).items()
            },
            testimonies={
                int(pk): {
                    name: _decode(Testimony, name, pair["to"]) for name, pair in fields.items()
                }
                for pk, fields in changes.get("testimonies", {}).items()
            },
            source_roles={
                int(pk): pair["to"] for pk, pair in changes.get("source_roles", {}).items()
            },
            add_sources=[
                (item["source"], item["role"], item["note"])
                for item in changes.get("add_sources", [])
            ],
            remove_sources=list(changes.get("remove_sources", [])),
            add_testimonies=[
                (item["testimony"], item["note"]) for item in changes.get("add_testimonies", [])
            ],
            remove_testimonies=list(changes.get("remove_testimonies", [])),
        )


def is_empty(changes: dict[str, Any]) -> bool:
    return not any(changes.get(key) for key in changes)


# Values: model values <-> JSON -----------------------------------------------------------------


def attname(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).attname


def current_value(record: models.Model, name: str) -> Any:
    """The field's value as stored (a foreign key as its id)."""
    return getattr(record, attname(type(record), name))


def plain(value: Any) -> Any:
    """A model value as a proposal holds it: a related record as its id."""
    return value.pk if isinstance(value, models.Model) else value


def encode(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return plain(value)


def _decode(model: type[models.Model], name: str, raw: Any) -> Any:
    if raw is None:
        return None
    model_field = model._meta.get_field(name)
    if model_field.many_to_one:
        return model_field.target_field.to_python(raw)
    return model_field.to_python(raw)


def pair(before: Any, after: Any) -> dict[str, Any]:
    return {"from": encode(before), "to": encode(after)}


def same(before: Any, after: Any) -> bool:
    return encode(plain(before)) == encode(plain(after))


# Reading a correction -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeLine:
    """One line of a correction as a reviewer reads it: what, what it was, what it becomes."""

    what: str
    before: str
    after: str


def describe(changes: dict[str, Any]) -> list[ChangeLine]:
    """The changes of a correction in words, in a fixed number of queries."""
    source_ids = {
        *map(int, changes.get("sources", {})),
        *map(int, changes.get("source_roles", {})),
        *(item["source"] for item in changes.get("add_sources", [])),
        *changes.get("remove_sources", []),
    }
    testimony_ids = {
        *map(int, changes.get("testimonies", {})),
        *(item["testimony"] for item in changes.get("add_testimonies", [])),
        *changes.get("remove_testimonies", []),
    }
    sources = {s.pk: s for s in SourceDocument.objects.filter(pk__in=source_ids)}
    testimonies = {t.pk: t for t in Testimony.objects.filter(pk__in=testimony_ids)}
    lines = [
        ChangeLine(
            _label(Incident, name),
            _shown(Incident, name, pair["from"]),
            _shown(Incident, name, pair["to"]),
        )
        for name, pair in changes.get("incident", {}).items()
    ]
    for model, part, records in (
        (SourceDocument, "sources", sources),
        (Testimony, "testimonies", testimonies),
    ):
        for pk, fields in changes.get(part, {}).items():
            record = _name(records.get(int(pk)))
            lines.extend(
                ChangeLine(
                    f"{record}: {_label(model, name)}",
                    _shown(model, name, pair["from"]),
                    _shown(model, name, pair["to"]),
                )
                for name, pair in fields.items()
            )
    roles = dict(SourceRole.choices)
    for pk, pair in changes.get("source_roles", {}).items():
        lines.append(
            ChangeLine(
                f"{_name(sources.get(int(pk)))}: role",
                str(roles.get(pair["from"], pair["from"])),
                str(roles.get(pair["to"], pair["to"])),
            )
        )
    for item in changes.get("add_sources", []):
        role = roles.get(item["role"], item["role"])
        lines.append(
            ChangeLine("Evidence", "—", f"cites {_name(sources.get(item['source']))} ({role})")
        )
    for pk in changes.get("remove_sources", []):
        lines.append(ChangeLine("Evidence", f"cites {_name(sources.get(pk))}", "no longer cited"))
    for item in changes.get("add_testimonies", []):
        lines.append(
            ChangeLine("Evidence", "—", f"rests on {_name(testimonies.get(item['testimony']))}")
        )
    for pk in changes.get("remove_testimonies", []):
        lines.append(
            ChangeLine("Evidence", f"rests on {_name(testimonies.get(pk))}", "no longer linked")
        )
    return lines


def _label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _name(record: SourceDocument | Testimony | None) -> str:
    # A testimony is named by its public id only: its label would add the witness's code.
    return record.public_id if record is not None else "a record that no longer exists"


def _shown(model: type[models.Model], name: str, raw: Any) -> str:
    if raw is None or raw == "":
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.many_to_one:
        related = model_field.related_model.objects.filter(pk=raw).first()
        if isinstance(related, Region):
            return f"{related.name_en} ({related.code})"
        return str(related) if related is not None else "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(raw, raw))
    if isinstance(model_field, models.BooleanField):
        return "yes" if raw else "no"
    return str(raw)
