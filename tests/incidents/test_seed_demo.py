"""`manage.py seed_demo`: demo logins and fictional records that can be loaded again and again.

The analyst, reviewer and officer it creates are the personas a new team member tries first, so
the test checks what they would notice: they can log in with the printed password, every status
has examples, and nothing fictional can be mistaken for a real record.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from incidents import demo
from incidents.demo import DEMO_USERS, FICTIONAL, FICTIONAL_URL, REAL_DOCUMENTS
from incidents.models import (
    Incident,
    IncidentSource,
    IncidentTestimony,
    PublicationStatus,
    SourceRole,
    VerificationStatus,
)
from sources.models import SourceDocument, SourceKind, Testimony, Witness

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-for-tests"


@pytest.fixture(autouse=True)
def _demo_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def records(counts: dict[str, int]) -> dict[str, int]:
    """Counts of the records themselves, without the history and id registry that grow."""
    return {
        label: n
        for label, n in counts.items()
        if not label.endswith("Event") and label not in ("core.IssuedPublicId", "pghistory.Context")
    }


def test_it_is_idempotent() -> None:
    seed()
    first = row_counts()
    output = seed()

    assert row_counts() == first
    assert first["incidents.Incident"] >= 50
    assert first["incidents.IncidentSource"] > 0
    assert first["incidents.IncidentTestimony"] > 0
    assert "created 0, updated 0" in output


def test_it_gives_the_same_records_on_a_second_run() -> None:
    seed()
    before = list(Incident.objects.order_by("pk").values())
    seed()

    assert list(Incident.objects.order_by("pk").values()) == before


def test_it_creates_about_sixty_incidents_in_every_status() -> None:
    seed()

    assert 55 <= Incident.objects.count() <= 65
    publication = set(Incident.objects.values_list("publication_status", flat=True))
    verification = set(Incident.objects.values_list("verification_status", flat=True))
    assert publication == set(PublicationStatus.values)
    assert verification == set(VerificationStatus.values)


def test_it_uses_every_kind_of_source() -> None:
    seed()

    assert set(SourceDocument.objects.values_list("kind", flat=True)) == set(SourceKind.values)
    assert set(IncidentSource.objects.values_list("role", flat=True)) == set(SourceRole.values)


def test_published_incidents_are_assessed_and_supported_by_evidence() -> None:
    seed()

    published = Incident.objects.published().annotate(
        sources=Count("source_links", distinct=True),
        testimonies=Count("testimony_links", distinct=True),
    )
    assert published.count() >= 15
    for incident in published:
        assert incident.verification_status != VerificationStatus.UNASSESSED
        assert incident.verification_rationale
        assert incident.sources + incident.testimonies >= 1
        assert incident.submitted_at < incident.published_at
        assert incident.reviewed_by.username == "reviewer"
        assert incident.created_by.username == "analyst"
        assert incident.last_edited_by.username == "analyst"


def test_withdrawn_incidents_give_a_reason_and_the_duplicate_points_to_its_survivor() -> None:
    seed()

    withdrawn = Incident.objects.filter(publication_status=PublicationStatus.WITHDRAWN)
    assert withdrawn.exists()
    for incident in withdrawn:
        assert incident.withdrawal_reason
        assert incident.published_at < incident.withdrawn_at
    duplicate = withdrawn.get(duplicate_of__isnull=False)
    assert duplicate.duplicate_of.publication_status == PublicationStatus.PUBLISHED
    assert duplicate.duplicate_of.public_id in duplicate.withdrawal_reason


def test_victim_figures_are_ordered() -> None:
    seed()

    for low, best, high in Incident.objects.values_list("killed_low", "killed_best", "killed_high"):
        known = [n for n in (low, best, high) if n is not None]
        assert known == sorted(known)


def test_every_fictional_record_says_so() -> None:
    seed()

    assert all(s.startswith(FICTIONAL) for s in Incident.objects.values_list("summary", flat=True))
    fictional_sources = SourceDocument.objects.exclude(
        title__in=[document["title"] for document in REAL_DOCUMENTS]
    )
    for source in fictional_sources:
        assert source.title.endswith(" (fictional)")
        assert source.description.startswith(FICTIONAL)
        assert source.url.startswith("https://example.org/")
    for testimony in Testimony.objects.all():
        assert testimony.statement.startswith(FICTIONAL)
        assert testimony.public_summary.startswith(FICTIONAL)
    for witness in Witness.objects.all():
        assert witness.identity_notes.startswith(FICTIONAL)
        assert witness.full_name.startswith("Fictional Person")


def test_the_real_documents_are_public_and_linked_to_no_incident() -> None:
    seed()

    for document in REAL_DOCUMENTS:
        source = SourceDocument.objects.get(title=document["title"])
        assert source.is_public
        assert not source.incident_links.exists()
        assert "fictional" not in source.title.lower()
        assert "example.org" not in source.url
    assert SourceDocument.objects.filter(description__contains="79 executions").exists()
    assert SourceDocument.objects.filter(description__contains="more than 150").exists()


def test_demo_users_can_log_in_with_the_printed_password() -> None:
    output = seed()

    for username, role, _, _ in DEMO_USERS:
        assert Client().login(username=username, password=PASSWORD), username
        assert username in output
        assert role in output
    assert PASSWORD in output
    assert "http://127.0.0.1:8000/admin/" in output


def test_the_analyst_can_work_in_the_admin() -> None:
    seed()
    client = Client()
    client.login(username="analyst", password=PASSWORD)

    response = client.get(reverse("admin:incidents_incident_changelist"))

    assert response.status_code == 200
    assert b"-Demo" in response.content


def test_a_changed_password_takes_effect(monkeypatch: pytest.MonkeyPatch) -> None:
    seed()
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-password")
    seed()

    assert Client().login(username="analyst", password="another-demo-password")
    assert not Client().login(username="analyst", password=PASSWORD)


@pytest.mark.parametrize("with_groups", [True, False])
def test_reviewer_may_publish_and_officer_may_see_identities(with_groups: bool) -> None:
    # Before the roles migration there are no groups, and users get permissions directly.
    names = [group for _, _, group, _ in DEMO_USERS]
    if with_groups:
        for name in names:
            Group.objects.get_or_create(name=name)
    else:
        Group.objects.filter(name__in=names).delete()

    seed()
    users = {u.username: u for u in get_user_model().objects.all()}

    assert users["reviewer"].has_perm("incidents.publish_incident")
    assert users["reviewer"].has_perm("incidents.review_incident")
    assert not users["analyst"].has_perm("incidents.publish_incident")
    assert users["officer"].has_perm("sources.view_witness_identity")
    assert not users["analyst"].has_perm("sources.view_witness_identity")
    assert users["analyst"].has_perm("incidents.add_incident")
    assert users["admin"].is_superuser
    assert all(user.is_staff for user in users.values())
    for username, _, group, _ in DEMO_USERS:
        in_group = users[username].groups.filter(name=group).exists()
        assert in_group == with_groups
        if with_groups:
            # The group is then the one place a role is defined.
            assert not users[username].user_permissions.exists()


def test_it_removes_demo_records_and_links_it_no_longer_defines() -> None:
    seed()
    before = row_counts()
    incident = Incident.objects.published().first()
    real = SourceDocument.objects.get(title=REAL_DOCUMENTS[0]["title"])
    IncidentSource.objects.create(incident=incident, source=real)
    SourceDocument.objects.create(
        kind=SourceKind.VIDEO, title="Old demo video (fictional)", url=f"{FICTIONAL_URL}/old"
    )

    seed()

    assert not real.incident_links.exists()
    assert not SourceDocument.objects.filter(url=f"{FICTIONAL_URL}/old").exists()
    # The history keeps the insert and delete events, and the id registry the id given out.
    assert records(row_counts()) == records(before)


def test_changed_definitions_leave_no_stale_demo_records(monkeypatch: pytest.MonkeyPatch) -> None:
    # Another seed stands for an older version of the definitions in a developer's database.
    current = demo.SEED
    monkeypatch.setattr(demo, "SEED", 1)
    seed()
    monkeypatch.setattr(demo, "SEED", current)

    seed()

    plan = demo.build_plan()
    assert Incident.objects.count() == len(plan.incidents)
    assert SourceDocument.objects.count() == len(plan.sources) + len(REAL_DOCUMENTS)
    assert Witness.objects.count() == len(plan.witnesses)
    assert Testimony.objects.count() == len(plan.testimonies)
    assert IncidentSource.objects.count() == sum(len(i.sources) for i in plan.incidents)
    assert IncidentTestimony.objects.count() == sum(len(i.testimonies) for i in plan.incidents)


def test_without_demo_password_it_generates_one_and_keeps_it(
    monkeypatch: pytest.MonkeyPatch, settings, tmp_path
) -> None:
    monkeypatch.delenv("DEMO_PASSWORD")
    settings.DATA_DIR = tmp_path

    first = seed()
    password = (tmp_path / "demo_password").read_text().strip()
    second = seed()

    assert len(password) >= 8
    assert password in first
    assert password in second
    assert Client().login(username="officer", password=password)


def test_a_short_demo_password_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "short")

    with pytest.raises(CommandError, match="at least 8"):
        seed()
    assert not Incident.objects.exists()


def test_it_refuses_to_run_in_production(settings) -> None:
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        seed()


def test_it_prints_the_admin_address_of_the_port_being_served(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a-long-demo-password")
    out = StringIO()
    call_command("seed_demo", site_url="http://127.0.0.1:8080/", stdout=out)
    assert "Demo logins at http://127.0.0.1:8080/admin/" in out.getvalue()
