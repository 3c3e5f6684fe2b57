"""A normal run of `seed_demo` creates what is missing and nothing else, and keeps what users
did with the demo records."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count

from incidents import demo, services
from incidents.demo import (
    FICTIONAL_URL,
    KINDS,
    REAL_DOCUMENTS,
    demo_incidents,
    demo_sources,
    demo_testimonies,
)
from incidents.models import Incident, PublicationStatus, SourceRole
from sources import services as source_services
from sources.models import SourceDocument, SourceKind
from tests.incidents.seed_demo.seeding import change_times, row_counts, seed, user

pytestmark = pytest.mark.django_db

PUB = PublicationStatus


def test_a_first_run_creates_the_demo_and_says_so(first_run: str) -> None:
    plan = demo.build_plan()
    assert re.search(r"incidents\s+60, 26 published\s+\(created 60\)", first_run)
    assert demo_incidents().count() == len(plan.incidents) == 60
    assert f"(created {len(plan.sources) + len(REAL_DOCUMENTS)})" in first_run
    assert "updated" not in first_run
    assert "deleted" not in first_run


def test_a_second_run_creates_nothing_and_changes_nothing() -> None:
    counts, times = row_counts(), change_times()
    passwords = list(get_user_model().objects.order_by("pk").values_list("password", flat=True))

    output = seed()

    assert row_counts() == counts
    assert change_times() == times
    assert list(get_user_model().objects.order_by("pk").values_list("password", flat=True)) == (
        passwords
    )
    assert output.count("(created 0)") == len(KINDS)
    assert "Nothing was missing, so nothing was created" in output


def test_what_a_user_did_with_demo_records_survives_the_next_run() -> None:
    analyst = user("analyst")
    drafts = list(
        demo_incidents()
        .filter(publication_status=PUB.DRAFT, submitted_at__isnull=True)
        .annotate(sources=Count("source_links"))
        .filter(sources__gte=1)
        .order_by("pk")[:3]
    )
    retitled, extended, trimmed = drafts
    services.incident_update(
        incident=retitled,
        actor=analyst,
        version=retitled.version,
        data={"title": "Execution near a fictional village (title corrected by a user)"},
    )
    own_source = source_services.source_create(
        actor=analyst, data={"kind": SourceKind.MEDIA_REPORT, "title": "A user's own source"}
    )
    services.incident_source_add(
        incident=extended,
        actor=analyst,
        source=own_source,
        role=SourceRole.CORROBORATING,
        note="Added by a user.",
    )
    demo_source = (
        SourceDocument.objects.filter(url__startswith=f"{FICTIONAL_URL}/")
        .exclude(incident_links__incident__publication_status=PUB.PUBLISHED)
        .order_by("pk")
        .first()
    )
    source_services.source_update(
        source=demo_source, actor=analyst, data={"title": "Retitled by a user (fictional)"}
    )
    removed = trimmed.source_links.order_by("pk").first()
    services.incident_source_remove(link=removed, actor=analyst)
    stray = source_services.source_create(
        actor=analyst,
        data={
            "kind": SourceKind.VIDEO,
            "title": "Old demo video (fictional)",
            "url": f"{FICTIONAL_URL}/old",
        },
    )
    # What the demo wrote to recognise its records, changed too: none of it is a key.
    noted = demo_incidents().published().order_by("pk").first()
    services.incident_update(
        incident=noted,
        actor=analyst,
        version=noted.version,
        data={"internal_notes": "Checked against the mission's report on 3 March."},
    )
    moved = (
        SourceDocument.objects.filter(url__startswith=f"{FICTIONAL_URL}/")
        .exclude(pk=demo_source.pk)
        .exclude(incident_links__incident__publication_status=PUB.PUBLISHED)
        .order_by("pk")
        .first()
    )
    source_services.source_update(
        source=moved, actor=analyst, data={"url": "https://example.org/moved-by-a-user"}
    )
    redated = demo_testimonies().exclude(summary_is_public=True).order_by("pk").first()
    source_services.testimony_update(
        testimony=redated, actor=user("officer"), data={"taken_on": redated.taken_on.replace(day=1)}
    )
    counts, times = row_counts(), change_times()

    seed()

    retitled.refresh_from_db()
    demo_source.refresh_from_db()
    assert retitled.title == "Execution near a fictional village (title corrected by a user)"
    assert extended.source_links.filter(source=own_source, note="Added by a user.").exists()
    assert demo_source.title == "Retitled by a user (fictional)"
    assert not trimmed.source_links.filter(source_id=removed.source_id).exists()
    assert SourceDocument.objects.filter(pk=stray.pk).exists()
    assert row_counts() == counts
    assert change_times() == times
    assert demo_incidents().filter(pk=noted.pk).exists()
    assert demo_sources().filter(pk=moved.pk).exists()
    assert demo_testimonies().filter(pk=redated.pk).exists()
    assert demo_incidents().count() == len(demo.build_plan().incidents)


def test_a_missing_demo_record_is_created_again_with_its_workflow() -> None:
    draft = demo_incidents().filter(publication_status=PUB.DRAFT, submitted_at__isnull=True)
    draft = draft.order_by("pk").first()
    key = draft.internal_notes.split(".")[0]
    services.incident_delete(incident=draft, actor=user("analyst"))

    output = seed()

    assert re.search(r"incidents\s+60, 26 published\s+\(created 1\)", output)
    again = Incident.objects.get(internal_notes__startswith=f"{key}.")
    assert again.public_id != draft.public_id
    assert again.created_by.username == "analyst"
