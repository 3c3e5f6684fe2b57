"""Writing the demo: whichever planned records are missing, through the services, as the demo
user who would have done the work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pghistory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction

from core.errors import Refused
from incidents import services
from incidents.corrections import Proposal
from incidents.demo.plan import build_plan
from incidents.demo.records import (
    SEED_COMMAND,
    DemoError,
    by_key,
    demo_incidents,
    demo_sources,
    demo_testimonies,
    demo_witnesses,
    incident_keys,
    real_document_key,
    source_keys,
    testimony_keys,
    witness_keys,
)
from incidents.demo.specs import CorrectionSpec, DemoPlan, IncidentSpec
from incidents.demo.texts import RATIONALES
from incidents.demo.vocabulary import DEMO_USERS, PUB, REAL_DOCUMENTS, VER
from incidents.demo_markers import FICTIONAL_URL
from incidents.models import (
    Correction,
    Incident,
    IncidentSource,
    IncidentTestimony,
    IncidentType,
    Region,
)
from sources import services as source_services
from sources.models import SourceDocument, Testimony, Witness

KINDS = (
    "users",
    "incidents",
    "sources",
    "witnesses",
    "testimonies",
    "incident-source links",
    "incident-testimony links",
    "corrections",
)


@dataclass
class SeedResult:
    """How many records of each kind the demo holds now, and how many this run created."""

    existing: dict[str, int]
    created: dict[str, int]
    published: int
    real_documents: int


def seed_users(password: str, created: dict[str, int]) -> dict[str, AbstractUser]:
    """The demo logins. A missing one is created in its role group; each gets `password`."""
    user_model = get_user_model()
    users: dict[str, AbstractUser] = {}
    for username, role, group_name, superuser in DEMO_USERS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            group = Group.objects.filter(name=group_name).first()
            if group is None:
                raise DemoError(
                    f"The role group {group_name!r} is missing: run `manage.py migrate` first."
                )
            user = user_model.objects.create_user(
                username=username,
                password=password,
                email=f"{username}@example.org",
                first_name="Demo",
                last_name=role.split(" (")[0],
                is_staff=True,
                is_superuser=superuser,
            )
            user.groups.add(group)
            created["users"] += 1
        # Checking first avoids a new hash (and a write) on every run; a changed DEMO_PASSWORD
        # still takes effect.
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        users[username] = user
    return users


T = TypeVar("T")


class _Writer:
    """Creates the missing demo records one service call at a time, each as the demo user who
    would have made it, and counts what it created."""

    def __init__(self, users: dict[str, AbstractUser], created: dict[str, int]) -> None:
        self.analyst = users["analyst"]
        self.reviewer = users["reviewer"]
        self.officer = users["officer"]
        self.admin = users["admin"]
        self.created = created

    def _do(self, actor: AbstractUser, what: str, service: Callable[..., T], **arguments) -> T:
        # A history context of its own for every step: pghistory keeps one set of metadata per
        # context, so only then does the history say who took each step.
        with pghistory.context(command=SEED_COMMAND, user=actor.pk):
            try:
                return service(actor=actor, **arguments)
            except (Refused, ValidationError) as error:
                reason = str(error) if isinstance(error, Refused) else " ".join(error.messages)
                raise DemoError(
                    f"The demo could not {what} as {actor.get_username()}: {reason} "
                    "(`seed_demo --reset` rebuilds the demo from scratch)"
                ) from error

    def _create(
        self, kind: str, actor: AbstractUser, what: str, service: Callable[..., T], **arguments
    ) -> T:
        """`_do` for a step that creates a demo record of `kind`, counted as created."""
        record = self._do(actor, what, service, **arguments)
        self.created[kind] += 1
        return record

    def _create_missing(
        self,
        kind: str,
        found: dict[str, Any],
        planned: list[tuple[str, str, dict[str, Any]]],
        *,
        actor: AbstractUser,
        service: Callable[..., Any],
    ) -> None:
        """Create each planned (key, what, data) whose key `found` lacks, and add it there."""
        for key, what, data in planned:
            if key not in found:
                found[key] = self._create(kind, actor, what, service, data=data)

    def sources(self, plan: DemoPlan) -> dict[str, SourceDocument]:
        found = by_key(SourceDocument, source_keys())
        planned = [(spec.url, f"add the source {spec.url}", spec.fields) for spec in plan.sources]
        planned += [
            (
                real_document_key(document["publisher"], document["title"]),
                f"add the document {document['title']!r}",
                {"is_public": True, **document},
            )
            for document in REAL_DOCUMENTS
        ]
        self._create_missing(
            "sources", found, planned, actor=self.analyst, service=source_services.source_create
        )
        return found

    def witnesses(self, plan: DemoPlan) -> dict[str, Witness]:
        found = by_key(Witness, witness_keys())
        planned = [
            (spec.code, f"record the witness {spec.code}", {"code": spec.code, **spec.fields})
            for spec in plan.witnesses
        ]
        self._create_missing(
            "witnesses", found, planned, actor=self.officer, service=source_services.witness_create
        )
        return found

    def testimonies(
        self, plan: DemoPlan, witnesses: dict[str, Witness]
    ) -> dict[tuple[str, dt.date], Testimony]:
        found = by_key(Testimony, testimony_keys())
        for spec in plan.testimonies:
            key = (spec.witness_code, spec.taken_on)
            if key in found:
                continue
            witness = witnesses[spec.witness_code]
            testimony = self._create(
                "testimonies",
                self.officer,
                f"record a testimony of {spec.witness_code}",
                source_services.testimony_create,
                data={
                    "witness": witness,
                    "taken_on": spec.taken_on,
                    "interviewer": self.officer,
                    **spec.fields,
                },
            )
            # Marked before any published incident rests on it: afterwards the mark would change
            # a public record, which takes a correction. Consent as the witness gives it now.
            if spec.summary_is_public and witness.consent_publish_anonymised:
                testimony = self._do(
                    self.reviewer,
                    f"mark the summary of {testimony.public_id} publishable",
                    source_services.testimony_update,
                    testimony=testimony,
                    data={"summary_is_public": True},
                )
            found[key] = testimony
        return found

    def incidents(
        self,
        plan: DemoPlan,
        sources: dict[str, SourceDocument],
        testimonies: dict[tuple[str, dt.date], Testimony],
    ) -> None:
        found = by_key(Incident, incident_keys())
        missing = [spec for spec in plan.incidents if spec.key not in found]
        regions = Region.objects.in_bulk([spec.region_code for spec in missing], field_name="code")
        types = IncidentType.objects.in_bulk(field_name="slug")
        # In plan order, so that a duplicate's survivor is there before it.
        for spec in missing:
            found[spec.key] = self.incident(
                spec,
                region=regions[spec.region_code],
                incident_type=types[spec.type_slug],
                sources=sources,
                testimonies=testimonies,
                survivor=found.get(spec.duplicate_of or ""),
            )

    def incident(
        self,
        spec: IncidentSpec,
        *,
        region: Region,
        incident_type: IncidentType,
        sources: dict[str, SourceDocument],
        testimonies: dict[tuple[str, dt.date], Testimony],
        survivor: Incident | None,
    ) -> Incident:
        """Write one incident and take it as far through the workflow as the plan says."""
        analyst, reviewer, key = self.analyst, self.reviewer, spec.key
        incident = self._create(
            "incidents",
            analyst,
            f"write {key}",
            services.incident_create,
            data={
                **spec.fields,
                "region": region,
                "incident_type": incident_type,
                "assigned_to": {PUB.DRAFT: analyst, PUB.IN_REVIEW: reviewer}.get(spec.publication),
            },
        )
        for url, role in spec.sources:
            self._create(
                "incident-source links",
                analyst,
                f"cite {url} in {key}",
                services.incident_source_add,
                incident=incident,
                source=sources[url],
                role=role,
                note="",
            )
        for testimony_key in spec.testimonies:
            self._create(
                "incident-testimony links",
                analyst,
                f"link a testimony of {testimony_key[0]} to {key}",
                services.incident_testimony_add,
                incident=incident,
                testimony=testimonies[testimony_key],
                note="",
            )
        if spec.publication == PUB.DRAFT and not spec.review_comment:
            return incident

        incident = self._do(analyst, f"submit {key}", services.incident_submit, incident=incident)
        if spec.verification != VER.UNASSESSED:
            incident = self._do(
                reviewer,
                f"assess {key}",
                services.incident_assess,
                incident=incident,
                verification_status=spec.verification,
                rationale=RATIONALES[spec.verification],
            )
        if spec.review_comment:
            return self._do(
                reviewer,
                f"return {key} to draft",
                services.incident_return_to_draft,
                incident=incident,
                comment=spec.review_comment,
            )
        if spec.publication == PUB.IN_REVIEW:
            return incident

        if spec.coordinates_public:
            # Showing exact coordinates is a reviewer's decision. A second one (the admin) takes
            # it, so that the reviewer who publishes is not the record's last editor.
            incident = self._do(
                self.admin,
                f"mark the coordinates of {key} public",
                services.incident_update,
                incident=incident,
                version=incident.version,
                data={"coordinates_public": True},
            )
        incident = self._do(
            reviewer, f"publish {key}", services.incident_publish, incident=incident
        )
        if spec.correction is not None:
            self.correction(incident, spec.key, spec.correction)
        if spec.withdrawal_reason:
            incident = self._do(
                reviewer,
                f"withdraw {key}",
                services.incident_withdraw,
                incident=incident,
                reason=spec.withdrawal_reason,
            )
        if spec.republication_note:
            incident = self._do(
                reviewer,
                f"republish {key}",
                services.incident_republish,
                incident=incident,
                note=spec.republication_note,
            )
        if survivor is not None:
            self._do(
                reviewer,
                f"merge {key} into {spec.duplicate_of}",
                services.incident_merge,
                duplicate=incident,
                survivor=survivor,
            )
        return incident

    def correction(self, incident: Incident, key: str, spec: CorrectionSpec) -> None:
        """The analyst proposes a correction; the reviewer approves it, or it waits in review."""
        correction = self._create(
            "corrections",
            self.analyst,
            f"propose a correction of {key}",
            services.correction_start,
            incident=incident,
        )
        correction = self._do(
            self.analyst,
            f"write the correction of {key}",
            services.correction_save,
            correction=correction,
            version=correction.version,
            proposal=Proposal(incident=dict(spec.changes)),
            note=spec.note,
        )
        correction = self._do(
            self.analyst,
            f"submit the correction of {key}",
            services.correction_submit,
            correction=correction,
        )
        if spec.approved:
            self._do(
                self.reviewer,
                f"approve the correction of {key}",
                services.correction_approve,
                correction=correction,
            )


@transaction.atomic
def seed(*, password: str) -> SeedResult:
    """Create the demo users and whichever demo records are missing; change no record that exists.

    Call it outside any `pghistory.context`: each step opens its own, naming the demo user who
    takes it (nested contexts would merge into one).
    """
    created = dict.fromkeys(KINDS, 0)
    writer = _Writer(seed_users(password, created), created)
    plan = build_plan()
    sources = writer.sources(plan)
    testimonies = writer.testimonies(plan, writer.witnesses(plan))
    writer.incidents(plan, sources, testimonies)

    incidents = demo_incidents()
    existing = {
        "users": get_user_model()
        .objects.filter(username__in=[username for username, *_ in DEMO_USERS])
        .count(),
        "incidents": incidents.count(),
        "sources": demo_sources().count(),
        "witnesses": demo_witnesses().count(),
        "testimonies": demo_testimonies().count(),
        "incident-source links": IncidentSource.objects.filter(incident__in=incidents).count(),
        "incident-testimony links": IncidentTestimony.objects.filter(
            incident__in=incidents
        ).count(),
        "corrections": Correction.objects.filter(incident__in=incidents).count(),
    }
    return SeedResult(
        existing=existing,
        created=created,
        published=incidents.published().count(),
        real_documents=sum(1 for key in source_keys() if not key.startswith(f"{FICTIONAL_URL}/")),
    )
