"""The demo's own records: finding them again, and deleting them (the only deletion in the demo)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

import pghistory
from django.db import models, transaction

from incidents.demo.vocabulary import INCIDENT_KEY_PREFIX, REAL_DOCUMENTS
from incidents.demo_markers import FICTIONAL_URL
from incidents.models import Correction, CorrectionNote, Incident, IncidentSource, IncidentTestimony
from sources.models import EvidenceFile, SourceDocument, Testimony, Witness


class DemoError(Exception):
    """The demo cannot be written or reset now; the message says which step failed and why."""


# Each record is found by how the demo created it, which nobody can edit: the history keeps, for
# every record, the row as it was inserted and the command that inserted it. So a user may change
# anything of a demo record (its internal notes, a URL, a date) and it is still the same demo
# record, never written a second time; and a record a user made is never taken for the demo's,
# however much it looks like one.
SEED_COMMAND = "seed_demo"


def _as_created(model: type[models.Model], *fields: str) -> list[dict[str, Any]]:
    """The demo's records of `model` that still exist, with `fields` as the demo wrote them."""
    return list(
        model.pgh_event_model.objects.filter(
            pgh_label="insert",
            pgh_context__metadata__command=SEED_COMMAND,
            pgh_obj_id__in=model.objects.values("pk"),
        )
        .order_by("pgh_id")
        .values("pgh_obj_id", *fields)
    )


def _keyed(rows: list[tuple[Any, int]]) -> dict[Any, int]:
    """Key -> pk; should a key appear twice, the older record is the demo's."""
    found: dict[Any, int] = {}
    for key, pk in rows:
        if key is not None:
            found.setdefault(key, pk)
    return found


def incident_keys() -> dict[str, int]:
    """'demo-incident-07' -> pk, from the seed key the demo wrote into the internal notes."""
    prefix = f"{INCIDENT_KEY_PREFIX}demo-incident-"
    return _keyed(
        [
            (_seed_key(row["internal_notes"]), row["pgh_obj_id"])
            for row in _as_created(Incident, "internal_notes")
            if row["internal_notes"].startswith(prefix)
        ]
    )


def real_document_key(publisher: str, title: str) -> str | None:
    for document in REAL_DOCUMENTS:
        if (document["publisher"], document["title"]) == (publisher, title):
            return f"{publisher}: {title}"
    return None


def source_keys() -> dict[str, int]:
    """A fictional source's URL, or a real document's publisher and title -> pk."""
    return _keyed(
        [
            (
                row["url"]
                if row["url"].startswith(f"{FICTIONAL_URL}/")
                else real_document_key(row["publisher"], row["title"]),
                row["pgh_obj_id"],
            )
            for row in _as_created(SourceDocument, "url", "publisher", "title")
        ]
    )


def witness_keys() -> dict[str, int]:
    return _keyed([(row["code"], row["pgh_obj_id"]) for row in _as_created(Witness, "code")])


def testimony_keys() -> dict[tuple[str, dt.date], int]:
    """(witness code, day taken) -> pk."""
    codes = dict(Witness.objects.values_list("pk", "code"))
    return _keyed(
        [
            ((codes.get(row["witness"]), row["taken_on"]), row["pgh_obj_id"])
            for row in _as_created(Testimony, "witness", "taken_on")
        ]
    )


def demo_incidents() -> models.QuerySet[Incident]:
    """The incidents the demo created (see above)."""
    return Incident.objects.filter(pk__in=list(incident_keys().values()))


def demo_sources() -> models.QuerySet[SourceDocument]:
    """The fictional sources and the real documents the demo created."""
    return SourceDocument.objects.filter(pk__in=list(source_keys().values()))


def demo_witnesses() -> models.QuerySet[Witness]:
    return Witness.objects.filter(pk__in=list(witness_keys().values()))


def demo_testimonies() -> models.QuerySet[Testimony]:
    return Testimony.objects.filter(pk__in=list(testimony_keys().values()))


K = TypeVar("K")
M = TypeVar("M", bound=models.Model)


def by_key(model: type[M], keys: dict[K, int]) -> dict[K, M]:
    """The records that `keys` (natural key -> pk, from a finder above) names, in one query."""
    records = model.objects.in_bulk(list(keys.values()))
    return {key: records[pk] for key, pk in keys.items()}


def _seed_key(internal_notes: str) -> str:
    """'demo-incident-07' from 'Demo seed key: demo-incident-07. Fictional demo record...'"""
    return internal_notes.removeprefix(INCIDENT_KEY_PREFIX).split(".", 1)[0]


# Reset: the one place the demo deletes


@dataclass(frozen=True)
class Deletion:
    """What `seed_demo --reset` would delete now, and the demo records it has to leave, with why."""

    counts: dict[str, int]
    incident_ids: tuple[str, ...]  # public ids of the incidents it deletes
    kept: tuple[str, ...]  # "SRC-…: an evidence file is attached, …"
    pks: dict[str, frozenset[int]]

    @property
    def is_empty(self) -> bool:
        return not any(self.counts.values())


def planned_deletion() -> Deletion:
    """The demo's own records (see the finders above), less those something else still needs:
    a record with an evidence file (files are never deleted: a trigger refuses it), and one that
    a record staying behind points at. Keeping one record can keep those it points at, so the
    rules are applied until nothing more changes."""
    incidents = dict(demo_incidents().values_list("pk", "public_id"))
    sources = dict(demo_sources().values_list("pk", "public_id"))
    testimonies = dict(demo_testimonies().values_list("pk", "public_id"))
    witnesses = dict(demo_witnesses().values_list("pk", "code"))
    demo = set(incidents)
    kept: dict[str, str] = {}

    for records, column in ((sources, "source"), (testimonies, "testimony")):
        filed = EvidenceFile.objects.filter(**{f"{column}__in": list(records)})
        for pk in filed.values_list(column, flat=True):
            if pk in records:
                kept[records.pop(pk)] = "an evidence file is attached, and files are never deleted"

    merged = list(
        Incident.objects.filter(duplicate_of__in=list(incidents)).values_list(
            "pk", "public_id", "duplicate_of"
        )
    )
    cited = list(
        IncidentSource.objects.filter(source__in=list(sources)).values_list(
            "incident", "incident__public_id", "source"
        )
    )
    linked = list(
        IncidentTestimony.objects.filter(testimony__in=list(testimonies)).values_list(
            "incident", "incident__public_id", "testimony"
        )
    )
    noted = list(
        CorrectionNote.objects.filter(correction__incident__in=list(incidents))
        .exclude(incident=models.F("correction__incident"))
        .values_list("incident", "incident__public_id", "correction__incident")
    )
    owned = list(
        Testimony.objects.filter(witness__in=list(witnesses)).values_list(
            "public_id", "pk", "witness"
        )
    )

    def staying(incident: int, public_id: str) -> str | None:
        """'INC-…, which is not demo data' when that incident stays, else None."""
        if incident in incidents:
            return None
        return f"{public_id}, which {'is kept' if incident in demo else 'is not demo data'}"

    changed = True
    while changed:
        changed = False
        for records, references, why in (
            (incidents, merged, "{}, was merged into it"),
            (incidents, noted, "the public correction log of {}, cites its correction"),
            (sources, cited, "{}, cites it"),
            (testimonies, linked, "{}, rests on it"),
        ):
            for incident, public_id, target in references:
                who = staying(incident, public_id)
                if who and target in records:
                    kept[records.pop(target)] = why.format(who)
                    changed = True
        for public_id, testimony, witness in owned:
            if witness in witnesses and testimony not in testimonies:
                kept[witnesses.pop(witness)] = f"its testimony {public_id} is kept"
                changed = True

    counts = {
        "incidents": len(incidents),
        "incident-source links": IncidentSource.objects.filter(
            incident__in=list(incidents)
        ).count(),
        "incident-testimony links": IncidentTestimony.objects.filter(
            incident__in=list(incidents)
        ).count(),
        "corrections": Correction.objects.filter(incident__in=list(incidents)).count(),
        "correction notes": CorrectionNote.objects.filter(incident__in=list(incidents)).count(),
        "sources": len(sources),
        "witnesses": len(witnesses),
        "testimonies": len(testimonies),
    }
    return Deletion(
        counts=counts,
        incident_ids=tuple(sorted(incidents.values())),
        kept=tuple(f"{label}: {why}" for label, why in sorted(kept.items())),
        pks={
            "incidents": frozenset(incidents),
            "sources": frozenset(sources),
            "testimonies": frozenset(testimonies),
            "witnesses": frozenset(witnesses),
        },
    )


@transaction.atomic
def reset(*, listed: Deletion) -> None:
    """Delete what `planned_deletion()` listed, provided that is still what it would delete.

    With the ORM, on purpose outside the services: no service deletes what was public, and none
    should. This is the one exception, for fictional records on a development machine (the
    command refuses to run in production); the history triggers still record every deletion.
    """
    if planned_deletion() != listed:
        raise DemoError(
            "The demo data changed after it was listed, so nothing was deleted; run "
            "`seed_demo --reset` again to see the new list."
        )
    incidents = listed.pks["incidents"]
    with pghistory.context(command="seed_demo --reset"):
        # Notes point at their corrections and duplicates at their survivors (both PROTECT), so
        # they go first; evidence links go with their incident.
        CorrectionNote.objects.filter(incident__in=incidents).delete()
        Correction.objects.filter(incident__in=incidents).delete()
        Incident.objects.filter(pk__in=incidents, duplicate_of__isnull=False).delete()
        Incident.objects.filter(pk__in=incidents).delete()
        SourceDocument.objects.filter(pk__in=listed.pks["sources"]).delete()
        Testimony.objects.filter(pk__in=listed.pks["testimonies"]).delete()
        Witness.objects.filter(pk__in=listed.pks["witnesses"]).delete()
