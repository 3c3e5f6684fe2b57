"""`seed_demo --reset`: it lists what it deletes, asks first, keeps what is not demo data or
cannot be deleted, and leaves only the current demo."""

from __future__ import annotations

import re
from io import StringIO

import pghistory
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from incidents import demo, services
from incidents.demo import FICTIONAL_URL, REAL_DOCUMENTS, demo_incidents, demo_sources
from incidents.models import Incident, IncidentSource, IncidentTestimony
from sources import services as source_services
from sources.models import SourceDocument, SourceKind, Testimony, Witness
from tests.incidents.seed_demo.seeding import PASSWORD, row_counts, seed, user

pytestmark = pytest.mark.django_db


def test_reset_lists_what_it_deletes_then_rebuilds_the_demo_and_leaves_other_records() -> None:
    others = services.incident_create(actor=user("analyst"), data={"title": "The team's own lead"})
    own_source = source_services.source_create(
        actor=user("analyst"), data={"kind": SourceKind.PHOTO, "title": "The team's own photo"}
    )
    old_ids = set(demo_incidents().values_list("public_id", flat=True))
    old_sources = set(demo_sources().values_list("pk", flat=True))

    output = seed("--reset", "--no-input")

    listing, done, after = output.partition("Deleted them")
    assert done
    assert re.search(r"incidents\s+60\n", listing)
    assert re.search(r"corrections\s+2\n", listing)
    assert all(public_id in listing for public_id in old_ids)
    assert not Incident.objects.filter(public_id__in=old_ids).exists()
    assert not SourceDocument.objects.filter(pk__in=old_sources).exists()
    assert demo_incidents().count() == 60
    assert re.search(r"incidents\s+60, 26 published\s+\(created 60\)", after)
    assert Incident.objects.filter(pk=others.pk, updated_at=others.updated_at).exists()
    assert SourceDocument.objects.filter(pk=own_source.pk).exists()
    assert Client().login(username="reviewer", password=PASSWORD)


def test_reset_leaves_a_users_own_copy_of_a_report_the_demo_also_lists() -> None:
    document = REAL_DOCUMENTS[0]
    analyst = user("analyst")
    # As the admin saves it: in a request of its own, which the history names.
    with pghistory.context(user=analyst.pk, url="/admin/sources/sourcedocument/add/"):
        own_copy = source_services.source_create(
            actor=analyst,
            data={
                "is_public": True,
                **document,
                "description": "The team's own copy.",
                # At the demo's address it would be refused as a duplicate; the team links the
                # statement itself.
                "url": "https://www.ohchr.org/en/press-releases/2025/02/ukraine-statement",
            },
        )

    seed("--reset", "--no-input")

    assert SourceDocument.objects.filter(pk=own_copy.pk).exists()
    assert own_copy.pk not in set(demo_sources().values_list("pk", flat=True))
    assert SourceDocument.objects.filter(title=document["title"]).count() == 2


@pytest.mark.usefixtures("private_storage")
def test_reset_names_the_demo_records_it_cannot_delete_and_keeps_them() -> None:
    analyst = user("analyst")
    filed, cited = SourceDocument.objects.filter(url__startswith=f"{FICTIONAL_URL}/").order_by(
        "pk"
    )[:2]
    source_services.evidence_file_upload(
        upload=SimpleUploadedFile("video.pdf", b"%PDF-1.7\nfictional\n%%EOF\n"),
        actor=analyst,
        source=filed,
    )
    real = SourceDocument.objects.get(title=REAL_DOCUMENTS[0]["title"])
    lead = services.incident_create(actor=analyst, data={"title": "The team's own lead"})
    for source in (cited, real):
        services.incident_source_add(incident=lead, actor=analyst, source=source, role="mentions")

    output = seed("--reset", "--no-input")

    listing = output.partition("Deleted them")[0]
    assert f"{filed.public_id}: an evidence file is attached" in listing
    assert f"{cited.public_id}: {lead.public_id}, which is not demo data, cites it" in listing
    assert f"{real.public_id}: {lead.public_id}, which is not demo data, cites it" in listing
    assert SourceDocument.objects.filter(pk__in=[filed.pk, cited.pk, real.pk]).count() == 3
    assert set(lead.source_links.values_list("source", flat=True)) == {cited.pk, real.pk}
    # The new demo finds the kept records again instead of adding copies.
    assert demo_sources().count() == len(demo.build_plan().sources) + len(REAL_DOCUMENTS)


@pytest.mark.parametrize("answer", ["no", "yes"])
def test_reset_asks_before_it_deletes(monkeypatch: pytest.MonkeyPatch, answer: str) -> None:
    old_ids = set(demo_incidents().values_list("public_id", flat=True))
    counts = row_counts()
    out = StringIO()
    asked = []

    def reply(prompt: str) -> str:
        shown = out.getvalue()
        assert prompt == "Type 'yes' to delete them: "
        assert "will delete these demo records" in shown
        assert all(public_id in shown for public_id in old_ids)
        assert demo_incidents().count() == 60
        asked.append(prompt)
        return answer

    monkeypatch.setattr("builtins.input", reply)
    call_command("seed_demo", "--reset", stdout=out)

    assert asked
    if answer == "no":
        assert "Nothing was deleted." in out.getvalue()
        assert row_counts() == counts
    else:
        assert not Incident.objects.filter(public_id__in=old_ids).exists()
        assert demo_incidents().count() == 60


def test_after_the_definitions_change_a_reset_leaves_only_the_current_demo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Another seed stands for an older version of the definitions in a developer's database.
    current = demo.SEED
    monkeypatch.setattr(demo.plan, "SEED", 1)
    seed("--reset", "--no-input")
    monkeypatch.setattr(demo.plan, "SEED", current)

    seed("--reset", "--no-input")

    plan = demo.build_plan()
    assert Incident.objects.count() == len(plan.incidents)
    assert SourceDocument.objects.count() == len(plan.sources) + len(REAL_DOCUMENTS)
    assert Witness.objects.count() == len(plan.witnesses)
    assert Testimony.objects.count() == len(plan.testimonies)
    assert IncidentSource.objects.count() == sum(len(i.sources) for i in plan.incidents)
    assert IncidentTestimony.objects.count() == sum(len(i.testimonies) for i in plan.incidents)
