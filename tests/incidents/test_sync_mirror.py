"""A partner's copy kept with the documented sync recipe ends with exactly what a full pull returns.

A seeded random sequence of changes runs through the services: corrections of incidents and of
the sources they cite, evidence added and removed, consent withdrawn and given again, summaries
unpublished, sources hidden, merges, withdrawals, republications, new publications, renamed
incident types, and edits that the public does not see. Between the changes a partner syncs as
docs/api.md says (`incidents/?updated_since=` then `withdrawn/?since=`), and after every sync its
copy must equal a full pull of both lists.

Alice is an analyst, Bob and Carol are reviewers, Ada is an administrator.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from incidents import services
from incidents.corrections import Proposal
from incidents.models import (
    Correction,
    CorrectionStatus,
    Incident,
    IncidentSource,
    IncidentType,
    PublicationStatus,
)
from sources import services as source_services
from sources.models import SourceDocument, Testimony, Witness
from tests.factories import raion_of

pytestmark = pytest.mark.django_db

API = "/api/v1/"
PAGE = 7  # small, so that every sync follows `next` across several pages


class Partner:
    """A partner's copy of the register, kept as docs/api.md ("Keeping a copy in sync") says.

    The recipe starts each run a minute before the previous run started, to cover a change that
    was being saved at that moment. A test has no such concurrent writes, so the partner here
    starts exactly where the previous run started: it fetches only what really changed since, and
    a change that did not move `updated_at` would be missed and found by the comparison.
    """

    def __init__(self, client: Client) -> None:
        self.client = client
        self.incidents: dict[str, dict[str, Any]] = {}
        self.withdrawn: dict[str, dict[str, Any]] = {}
        self.started: dt.datetime | None = None
        self.fetched: list[int] = []  # documents fetched by each run

    def sync(self) -> None:
        started = timezone.now()
        changed = {"ordering": "updated_at", "page_size": PAGE}
        gone = {"page_size": PAGE}
        if self.started is not None:
            changed["updated_since"] = gone["since"] = self.started.isoformat()
        documents = list(pages(self.client, f"{API}incidents/", changed))
        for document in documents:
            self.incidents[document["public_id"]] = document
            self.withdrawn.pop(document["public_id"], None)
        for entry in pages(self.client, f"{API}withdrawn/", gone):
            self.incidents.pop(entry["public_id"], None)
            self.withdrawn[entry["public_id"]] = entry
        self.fetched.append(len(documents))
        self.started = started


def pages(client: Client, url: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        yield from body["results"]
        if body["next"] is None:
            return
        response = client.get(body["next"])


def full_pull(client: Client) -> tuple[dict[str, Any], dict[str, Any]]:
    incidents = {d["public_id"]: d for d in pages(client, f"{API}incidents/", {"page_size": 1000})}
    withdrawn = {e["public_id"]: e for e in pages(client, f"{API}withdrawn/", {"page_size": 1000})}
    return incidents, withdrawn


class Register:
    """The register's staff at work: each method makes one kind of change through the services,
    on records it picks at random, and returns False when no record suits it."""

    def __init__(
        self, rng: random.Random, *, alice: User, bob: User, carol: User, ada: User
    ) -> None:
        self.rng = rng
        self.alice, self.bob, self.carol, self.ada = alice, bob, carol, ada
        self.sources = [self.new_source(f"Report {number}") for number in range(6)]
        self.witnesses = [
            source_services.witness_create(
                actor=self.alice, data={"consent_publish_anonymised": True}
            )
            for _ in range(3)
        ]
        self.testimonies = [
            source_services.testimony_create(
                actor=self.bob,
                data={
                    "witness": witness,
                    "taken_on": dt.date(2025, 1, 10),
                    "directness": "direct",
                    "public_summary": f"Witness account {number}.",
                    "summary_is_public": True,
                },
            )
            for number, witness in enumerate(self.witnesses * 2)
        ]
        self.counter = 0

    # Helpers

    def new_source(self, title: str) -> SourceDocument:
        return source_services.source_create(
            actor=self.alice,
            data={
                "kind": "media-report",
                "title": title,
                "url": f"https://example.org/{title.lower().replace(' ', '-')}",
                "is_public": True,
            },
        )

    def reviewers_other_than(self, *people) -> list:
        return [user for user in (self.bob, self.carol) if user not in people]

    def pick(self, queryset) -> Any | None:
        records = list(queryset.order_by("pk"))
        return self.rng.choice(records) if records else None

    def published(self):
        return Incident.objects.published()

    def correctable(self):
        return self.published().exclude(
            corrections__status__in=[CorrectionStatus.DRAFT, CorrectionStatus.IN_REVIEW]
        )

    def draft(self, *, testimonies: bool = True) -> Incident:
        self.counter += 1
        incident = services.incident_create(
            actor=self.alice,
            data={
                "title": f"Execution of prisoners, case {self.counter}",
                "summary": "Captured soldiers were shot after surrendering.",
                "incident_type": IncidentType.objects.get(slug="pow-execution"),
                "region": raion_of(self.rng.choice(["UA-14", "UA-23", "UA-65"])),
                "date_start": dt.date(2024, 12, 1) + dt.timedelta(days=self.rng.randrange(60)),
                "killed_best": self.rng.randrange(1, 9),
            },
        )
        for source in self.rng.sample(self.sources, 2):
            services.incident_source_add(incident=incident, actor=self.alice, source=source)
        if testimonies:
            for testimony in self.rng.sample(self.testimonies, self.rng.randrange(0, 2)):
                services.incident_testimony_add(
                    incident=incident, actor=self.alice, testimony=testimony
                )
        return incident

    def review(self, incident: Incident) -> Incident:
        services.incident_submit(incident=incident, actor=self.alice)
        return services.incident_assess(
            incident=incident,
            actor=self.bob,
            verification_status="credible",
            rationale="Two independent reports.",
        )

    def approve(self, incident: Incident, proposer, proposal: Proposal, note: str) -> Correction:
        correction = services.correction_start(incident=incident, actor=proposer)
        correction = services.correction_save(
            correction=correction,
            actor=proposer,
            version=correction.version,
            proposal=proposal,
            note=note,
        )
        correction = services.correction_submit(correction=correction, actor=proposer)
        approver = self.rng.choice(self.reviewers_other_than(proposer))
        return services.correction_approve(correction=correction, actor=approver)

    # Changes

    def publish_new(self) -> bool:
        incident = self.review(self.draft())
        services.incident_publish(incident=incident, actor=self.carol)
        return True

    def correct_figures(self) -> bool:
        incident = self.pick(self.correctable())
        if incident is None:
            return False
        self.approve(
            incident,
            self.rng.choice([self.alice, self.bob]),
            Proposal(
                incident={
                    "killed_best": incident.killed_best + 1,
                    "title": f"{incident.title} (corrected)",
                }
            ),
            "The number killed was corrected after a second video was geolocated.",
        )
        return True

    def correct_a_cited_source(self) -> bool:
        link = self.pick(
            IncidentSource.objects.filter(
                incident__in=self.correctable(), source__is_public=True
            ).select_related("incident", "source")
        )
        if link is None:
            return False
        # The other incidents citing it change too; none of them may have a correction open.
        if Correction.objects.filter(
            incident__source_links__source=link.source,
            status__in=[CorrectionStatus.DRAFT, CorrectionStatus.IN_REVIEW],
        ).exists():
            return False
        self.approve(
            link.incident,
            self.alice,
            Proposal(sources={link.source_id: {"title": f"{link.source.title}, updated"}}),
            "The title of a cited report was corrected.",
        )
        return True

    def add_and_remove_evidence(self) -> bool:
        incident = self.pick(self.correctable())
        if incident is None:
            return False
        cited = list(incident.source_links.values_list("source_id", flat=True))
        extra = self.new_source(f"Later report {self.counter}")
        self.counter += 1
        proposal = Proposal(add_sources=[(extra.pk, "corroborating", "")])
        if len(cited) > 1:
            proposal.remove_sources = [self.rng.choice(cited)]
        self.approve(incident, self.bob, proposal, "Another report was cited.")
        self.sources.append(extra)
        return True

    def withdraw_consent(self) -> bool:
        witness = self.pick(Witness.objects.filter(consent_publish_anonymised=True))
        if witness is None:
            return False
        source_services.witness_update(
            witness=witness, actor=self.alice, data={"consent_publish_anonymised": False}
        )
        return True

    def consent_again_and_show_a_summary(self) -> bool:
        testimony = self.pick(
            Testimony.objects.filter(
                incident_links__incident__in=self.correctable(),
                summary_is_public=False,
            ).distinct()
        )
        if testimony is None:
            return False
        if not testimony.witness.consent_publish_anonymised:
            source_services.witness_update(
                witness=testimony.witness,
                actor=self.alice,
                data={"consent_publish_anonymised": True},
            )
        incident = testimony.incident_links.filter(incident__in=self.correctable()).first()
        if incident is None:
            return False
        self.approve(
            incident.incident,
            self.bob,
            Proposal(testimonies={testimony.pk: {"summary_is_public": True}}),
            "A witness account was added.",
        )
        return True

    def unpublish_a_summary(self) -> bool:
        testimony = self.pick(Testimony.objects.filter(summary_is_public=True))
        if testimony is None:
            return False
        source_services.testimony_update(
            testimony=testimony, actor=self.alice, data={"summary_is_public": False}
        )
        return True

    def hide_a_source(self) -> bool:
        source = self.pick(SourceDocument.objects.filter(is_public=True))
        if source is None:
            return False
        source_services.source_update(source=source, actor=self.alice, data={"is_public": False})
        return True

    def edit_a_source_nothing_public_shows(self) -> bool:
        source = self.new_source(f"Unused report {self.counter}")
        self.counter += 1
        source_services.source_update(
            source=source, actor=self.alice, data={"title": f"{source.title}, renamed"}
        )
        return True

    def edit_staff_fields(self) -> bool:
        incident = self.pick(self.published())
        if incident is None:
            return False
        services.incident_update(
            incident=incident,
            actor=self.alice,
            version=incident.version,
            data={"internal_notes": f"Checked again ({self.counter})."},
        )
        self.counter += 1
        return True

    def merge_published(self) -> bool:
        records = list(self.correctable().order_by("pk"))
        if len(records) < 2:
            return False
        duplicate, survivor = self.rng.sample(records, 2)
        services.incident_merge(duplicate=duplicate, survivor=survivor, actor=self.bob)
        # The duplicate's evidence reaches the survivor as a correction in review.
        pending = services.open_correction(survivor)
        if pending is not None:
            services.correction_approve(correction=pending, actor=self.carol)
        return True

    def merge_into_a_record_in_review(self) -> bool:
        duplicate = self.pick(self.correctable())
        if duplicate is None:
            return False
        survivor = self.review(self.draft())
        services.incident_merge(duplicate=duplicate, survivor=survivor, actor=self.bob)
        return True

    def publish_a_survivor(self) -> bool:
        survivor = self.pick(
            Incident.objects.filter(
                publication_status=PublicationStatus.IN_REVIEW, duplicates__isnull=False
            ).distinct()
        )
        if survivor is None:
            return False
        services.incident_publish(incident=survivor, actor=self.carol)
        return True

    def withdraw(self) -> bool:
        incident = self.pick(self.published())
        if incident is None:
            return False
        services.incident_withdraw(
            incident=incident, actor=self.bob, reason="The only video was found to be staged."
        )
        return True

    def republish(self) -> bool:
        incident = self.pick(
            Incident.objects.filter(
                publication_status=PublicationStatus.WITHDRAWN,
                duplicate_of__isnull=True,
                published_at__isnull=False,
            )
        )
        if incident is None:
            return False
        services.incident_republish(
            incident=incident, actor=self.carol, note="The video was authenticated after all."
        )
        return True

    def rename_a_type(self) -> bool:
        incident_type = IncidentType.objects.get(slug="pow-execution")
        services.incident_type_save(
            actor=self.ada,
            incident_type=incident_type,
            data={"name_en": f"Execution of a prisoner of war ({self.counter})"},
        )
        self.counter += 1
        return True


def changes(register: Register) -> list[Callable[[], bool]]:
    return [
        register.publish_new,
        register.correct_figures,
        register.correct_a_cited_source,
        register.add_and_remove_evidence,
        register.withdraw_consent,
        register.consent_again_and_show_a_summary,
        register.unpublish_a_summary,
        register.hide_a_source,
        register.edit_a_source_nothing_public_shows,
        register.edit_staff_fields,
        register.merge_published,
        register.merge_into_a_record_in_review,
        register.publish_a_survivor,
        register.withdraw,
        register.republish,
        register.rename_a_type,
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_partner_syncing_incrementally_ends_with_what_a_full_pull_returns(
    seed, alice, bob, carol, ada
):
    rng = random.Random(seed)
    register = Register(rng, alice=alice, bob=bob, carol=carol, ada=ada)
    for _ in range(8):
        register.publish_new()
    partner = Partner(Client())
    partner.sync()
    made: list[str] = []

    for step in range(60):
        change = rng.choice(changes(register))
        if change():
            made.append(change.__name__)
        if rng.random() < 0.3 or step == 59:
            partner.sync()
            incidents, withdrawn = full_pull(Client())
            assert partner.incidents == incidents, f"after {made}"
            assert partner.withdrawn == withdrawn, f"after {made}"

    # The sequence exercised the changes this test is about, and the partner's runs were
    # incremental: a run fetched only part of the register.
    assert len(set(made)) >= 12, made
    assert min(partner.fetched[1:]) < len(partner.incidents)
