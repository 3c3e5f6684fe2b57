"""Small builders for test records, with only what each model needs to be valid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.test import TestCase
from django.utils import timezone

from incidents.models import (
    Incident,
    IncidentSource,
    IncidentTestimony,
    IncidentType,
    PublicationStatus,
    Region,
    VerificationStatus,
)
from incidents.services import incident_submit
from sources.models import Claim, EvidenceFile, SourceDocument, Testimony, Witness


def raion_of(oblast_iso: str) -> Region:
    return Region.objects.filter(parent__iso_code=oblast_iso).order_by("code").first()


def make_incident(**fields: Any) -> Incident:
    fields.setdefault("title", "Test incident")
    fields.setdefault("date_start", dt.date(2024, 12, 1))
    return Incident.objects.create(**fields)


def make_published_incident(**fields: Any) -> Incident:
    fields.setdefault("summary", "What happened, in neutral words.")
    fields.setdefault("verification_status", VerificationStatus.CREDIBLE)
    fields.setdefault("verification_rationale", "Two independent sources.")
    now = timezone.now()
    incident = make_incident(
        publication_status=PublicationStatus.PUBLISHED,
        published_at=now,
        public_updated_at=now,
        **fields,
    )
    source = SourceDocument.objects.create(kind="media-report", title="Report", is_public=True)
    IncidentSource.objects.create(incident=incident, source=source)
    return incident


@contextmanager
def committed() -> Iterator[None]:
    """Runs, at the end of the block, what waits for the commit (`transaction.on_commit`), which
    the test's own transaction never reaches. An uploaded evidence file takes its name then."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


def make_evidence_file(**fields: Any) -> EvidenceFile:
    """The record of a stored evidence file (the file itself is not written), attached to the
    source or testimony given."""
    fields.setdefault("file", "evidence/ab/abcdef")
    fields.setdefault("sha256", "0" * 64)
    fields.setdefault("size", 1)
    fields.setdefault("content_type", "video/mp4")
    fields.setdefault("original_name", "video.mp4")
    return EvidenceFile.objects.create(**fields)


def make_staff(username: str, *roles: str, **fields: Any) -> User:
    """A staff user in the given role groups (Analyst, Reviewer, Witness officer, Administrator),
    whose password is "pw-" and the username."""
    user = User.objects.create_user(
        username=username, password="pw-" + username, is_staff=True, **fields
    )
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


def grant(user: User, *permissions: str) -> User:
    """Gives `user` these permissions, each named "app_label.codename"."""
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_ready_draft(*, created_by: User, **fields: Any) -> Incident:
    """A draft with everything submission needs: summary, type, region, date and a source."""
    fields.setdefault("summary", "Three captured soldiers were shot after surrendering.")
    fields.setdefault("incident_type", IncidentType.objects.get(slug="pow-execution"))
    fields.setdefault("region", raion_of("UA-14"))
    incident = make_incident(created_by=created_by, last_edited_by=created_by, **fields)
    source = SourceDocument.objects.create(kind="video", title="Video of the shooting")
    IncidentSource.objects.create(incident=incident, source=source)
    return incident


def make_in_review(author: User, **fields: Any) -> Incident:
    """A ready draft by `author`, submitted by them for review."""
    return incident_submit(incident=make_ready_draft(created_by=author, **fields), actor=author)


def linked_testimony(incident: Incident, *, consent: bool, summary_is_public: bool) -> Testimony:
    """A testimony with a public summary, linked to `incident`; the witness's consent and the
    reviewer's mark on the summary as given."""
    witness = Witness.objects.create(code="W-0042", consent_publish_anonymised=consent)
    testimony = Testimony.objects.create(
        witness=witness,
        taken_on=dt.date(2024, 12, 3),
        directness="direct",
        statement="What he saw, word for word.",
        public_summary="A released prisoner saw three men in uniform shot with their hands up.",
        summary_is_public=summary_is_public,
    )
    IncidentTestimony.objects.create(incident=incident, testimony=testimony)
    return testimony


def make_claim(**fields: Any) -> Claim:
    """A draft claim with a figure and everything submission needs, saved directly (the database
    still checks it), in a new source unless one is given."""
    if "source" not in fields:
        fields["source"] = SourceDocument.objects.create(
            kind="un-report", title="Report on the treatment of prisoners of war"
        )
    fields.setdefault("counted", "killed")
    fields.setdefault("qualifier", "exactly")
    fields.setdefault("figure_best", 79)
    fields.setdefault("period_start", dt.date(2024, 8, 20))
    fields.setdefault("period_start_precision", "month")
    fields.setdefault("period_end", dt.date(2025, 2, 28))
    fields.setdefault("period_end_precision", "month")
    fields.setdefault("as_of", dt.date(2025, 3, 25))
    fields.setdefault("method", "interviews with released prisoners of war")
    fields.setdefault("quotation", "documented 79 executions of prisoners of war")
    fields.setdefault("quotation_language", "en")
    fields.setdefault("victim_category", "pow")
    return Claim.objects.create(**fields)
