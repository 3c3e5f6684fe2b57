"""What a demo plan is made of: one spec per record, with the natural key that finds it again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SourceSpec:
    url: str  # natural key: unique per fictional source
    fields: dict[str, Any]


@dataclass
class WitnessSpec:
    code: str
    fields: dict[str, Any]


@dataclass
class TestimonySpec:
    witness_code: str
    taken_on: dt.date  # with the witness, the natural key
    fields: dict[str, Any]
    # A reviewer marks the summary publishable (only ever for a consenting witness).
    summary_is_public: bool = False


@dataclass
class CorrectionSpec:
    """A correction the analyst proposes to a published incident, approved or left in review."""

    changes: dict[str, Any]  # incident fields and their corrected values
    note: str  # public once approved
    approved: bool


@dataclass
class IncidentSpec:
    """One fictional incident: what the analyst writes, and how far the workflow takes it."""

    key: str
    fields: dict[str, Any]  # content and staff notes; region and incident type come apart
    region_code: str
    type_slug: str
    publication: str  # where the workflow leaves it
    verification: str  # the reviewer's assessment; unassessed ones were never assessed
    sources: list[tuple[str, str]] = field(default_factory=list)  # (source URL, role)
    testimonies: list[tuple[str, dt.date]] = field(default_factory=list)
    coordinates_public: bool = False  # marked in review by a second reviewer
    review_comment: str = ""  # returned to draft with it
    withdrawal_reason: str = ""
    republication_note: str = ""  # withdrawn, then republished with it
    duplicate_of: str | None = None  # published, then merged into this one
    correction: CorrectionSpec | None = None


@dataclass
class DemoPlan:
    incidents: list[IncidentSpec]
    sources: list[SourceSpec]
    witnesses: list[WitnessSpec]
    testimonies: list[TestimonySpec]
