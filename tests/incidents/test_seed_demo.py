"""`manage.py seed_demo`: demo logins and fictional records that can be loaded again and again.

The analyst, reviewer and officer it creates are the personas a new team member tries first, so
the tests check what they would notice: they can log in with the printed password, every status
has examples, the history reads like their work, nothing fictional can be mistaken for a real
record, and whatever they did with the demo is still there after the next `make run`. Only
`--reset` deletes, after saying what.

Seeding goes through the services and takes a few seconds, so the tests share one seeded
database (as Django's setUpTestData does): each runs in a savepoint that is rolled back after it.
"""

from __future__ import annotations

import re
from io import StringIO

import pghistory
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.test import Client, override_settings
from django.urls import reverse

from incidents import demo, services
from incidents.demo import (
    DEMO_USERS,
    FICTIONAL,
    FICTIONAL_URL,
    KINDS,
    REAL_DOCUMENTS,
    REPUBLICATION_NOTE,
    demo_incidents,
    demo_sources,
    demo_testimonies,
)
from incidents.models import (
    Correction,
    CorrectionNote,
    CorrectionNoteKind,
    CorrectionStatus,
    Incident,
    IncidentSource,
    IncidentTestimony,
    PublicationStatus,
    SourceRole,
    VerificationStatus,
)
from sources import services as source_services
from sources.models import SourceDocument, SourceKind, Testimony, Witness

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-for-tests"
PUB = PublicationStatus


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker):
    """The output of seeding an empty database, which every test here starts from."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEMO_PASSWORD=PASSWORD,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _demo_password(first_run: str, settings) -> None:
    settings.DEMO_PASSWORD = PASSWORD


def row_counts() -> dict[str, int]:
    """Rows of every table, history events and contexts included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def change_times() -> dict[str, list]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list("pk", "updated_at"))
        for model in (Incident, SourceDocument, Witness, Testimony, Correction)
    }


def user(username: str):
    return get_user_model().objects.get(username=username)


def by(event) -> str:
    """The user a history event names (the admin's History page shows the same)."""
    return get_user_model().objects.get(pk=event.pgh_context.metadata["user"]).username


# A normal run creates what is missing and nothing else


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


# What the demo shows


def test_it_creates_about_sixty_incidents_in_every_status() -> None:
    assert 55 <= Incident.objects.count() <= 65
    publication = set(Incident.objects.values_list("publication_status", flat=True))
    verification = set(Incident.objects.values_list("verification_status", flat=True))
    assert publication == set(PublicationStatus.values)
    assert verification == set(VerificationStatus.values)


def test_it_uses_every_kind_of_source() -> None:
    assert set(SourceDocument.objects.values_list("kind", flat=True)) == set(SourceKind.values)
    assert set(IncidentSource.objects.values_list("role", flat=True)) == set(SourceRole.values)


def test_published_incidents_were_assessed_and_published_by_someone_else() -> None:
    published = Incident.objects.published().annotate(
        sources=Count("source_links", distinct=True),
        testimonies=Count("testimony_links", distinct=True),
    )
    assert published.count() >= 15
    for incident in published:
        assert incident.verification_status != VerificationStatus.UNASSESSED
        assert incident.verification_rationale
        assert incident.sources + incident.testimonies >= 1
        assert incident.submitted_at <= incident.published_at
        assert incident.created_by.username == "analyst"
        assert incident.reviewed_by.username == "reviewer"
        # Four eyes: the reviewer who published it did not write it.
        assert incident.last_edited_by.username != "reviewer"
    # Exact coordinates shown to the public were a second reviewer's decision.
    shown = published.filter(coordinates_public=True)
    assert shown.exists()
    for incident in shown:
        assert incident.geo_precision == "exact"
        assert incident.last_edited_by.username == "admin"


def test_the_history_shows_the_analyst_wrote_it_and_the_reviewer_published_it() -> None:
    incident = (
        Incident.objects.published()
        .filter(coordinates_public=False, notes__isnull=True)
        .order_by("pk")
        .first()
    )
    events = list(
        Incident.pgh_event_model.objects.filter(pgh_obj=incident)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )

    assert events[0].pgh_label == "insert"
    assert by(events[0]) == "analyst"
    submitted = next(e for e in events if e.publication_status == PUB.IN_REVIEW)
    assessed = next(e for e in events if e.verification_status != VerificationStatus.UNASSESSED)
    published = next(e for e in events if e.publication_status == PUB.PUBLISHED)
    assert by(submitted) == "analyst"
    assert by(assessed) == "reviewer"
    assert by(published) == "reviewer"

    client = Client()
    client.force_login(user("admin"))
    page = client.get(reverse("admin:incidents_incident_history", args=[incident.pk]))
    assert "analyst (Demo Analyst)" in page.content.decode()
    assert "reviewer (Demo Reviewer)" in page.content.decode()


def test_returned_drafts_carry_the_reviewers_comment() -> None:
    returned = demo_incidents().filter(publication_status=PUB.DRAFT, returned_at__isnull=False)

    assert returned.count() == 5
    for incident in returned:
        assert incident.verification_status != VerificationStatus.UNASSESSED
        assert incident.review_comment.startswith("Fictional demo comment:")
        assert incident.reviewed_by.username == "reviewer"


def test_withdrawn_incidents_give_a_reason_and_the_duplicate_was_merged(client) -> None:
    withdrawn = Incident.objects.filter(publication_status=PUB.WITHDRAWN)
    assert withdrawn.count() == 3
    for incident in withdrawn:
        assert incident.withdrawal_reason
        assert incident.published_at <= incident.withdrawn_at
    duplicate = withdrawn.get(duplicate_of__isnull=False)
    survivor = duplicate.duplicate_of
    assert survivor.publication_status == PUB.PUBLISHED
    assert duplicate.withdrawal_reason == services.MERGED_REASON
    assert survivor.public_id not in duplicate.withdrawal_reason

    cache.clear()
    entries = client.get("/api/v1/withdrawn/").json()["results"]
    entry = next(e for e in entries if e["public_id"] == duplicate.public_id)
    assert entry["replaced_by"] == survivor.public_id


def test_the_correction_and_the_republication_are_on_the_public_record(client) -> None:
    cache.clear()
    applied = Correction.objects.get(status=CorrectionStatus.APPLIED)
    corrected = client.get(f"/api/v1/incidents/{applied.incident.public_id}/").json()
    republished = CorrectionNote.objects.get(kind=CorrectionNoteKind.REPUBLICATION).incident
    restored = client.get(f"/api/v1/incidents/{republished.public_id}/").json()

    assert applied.proposed_by.username == "analyst"
    assert applied.reviewed_by.username == "reviewer"
    assert [(c["kind"], c["note"]) for c in corrected["corrections"]] == [
        ("correction", applied.note)
    ]
    assert corrected["killed_high"] == applied.changes["incident"]["killed_high"]["to"]
    assert [c["kind"] for c in restored["corrections"]] == ["withdrawal", "republication"]
    assert restored["corrections"][1]["note"] == REPUBLICATION_NOTE
    assert "republished" in restored["corrections"][0]["note"]
    assert restored["verification_status"] == VerificationStatus.CONTESTED


def test_a_correction_waits_in_the_reviewers_queue(client) -> None:
    waiting = Correction.objects.get(status=CorrectionStatus.IN_REVIEW)
    cache.clear()
    public = client.get(f"/api/v1/incidents/{waiting.incident.public_id}/").json()

    assert waiting.proposed_by.username == "analyst"
    assert waiting.note
    # Nothing public changes before a second person approves it.
    assert public["corrections"] == []
    assert public["date_end"] is None
    reviewer = Client()
    reviewer.force_login(user("reviewer"))
    queue = reviewer.get(
        reverse("admin:incidents_correction_changelist"), {"status__exact": "in_review"}
    )
    assert queue.status_code == 200
    assert waiting.incident.public_id in queue.content.decode()


def test_only_consenting_witnesses_summaries_were_marked_publishable_by_a_reviewer() -> None:
    marked = demo_testimonies().filter(summary_is_public=True).select_related("witness")

    assert marked.exists()
    for testimony in marked:
        assert testimony.witness.consent_publish_anonymised
        events = Testimony.pgh_event_model.objects.filter(pgh_obj=testimony)
        mark = events.filter(summary_is_public=True).select_related("pgh_context")
        assert by(mark.order_by("pgh_id").first()) == "reviewer"
        assert by(events.get(pgh_label="insert")) == "officer"
    assert IncidentTestimony.objects.filter(
        testimony__in=marked, incident__publication_status=PUB.PUBLISHED
    ).exists()


def test_victim_figures_are_ordered() -> None:
    for low, best, high in Incident.objects.values_list("killed_low", "killed_best", "killed_high"):
        known = [n for n in (low, best, high) if n is not None]
        assert known == sorted(known)


def test_every_fictional_record_says_so() -> None:
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
    for note in CorrectionNote.objects.exclude(
        kind=CorrectionNoteKind.WITHDRAWAL, text=services.MERGED_REASON
    ):
        assert "fictional" in note.text


def test_the_real_documents_are_public_and_linked_to_no_incident() -> None:
    for document in REAL_DOCUMENTS:
        source = SourceDocument.objects.get(title=document["title"])
        assert source.is_public
        assert not source.incident_links.exists()
        assert "fictional" not in source.title.lower()
        assert "example.org" not in source.url
    assert SourceDocument.objects.filter(description__contains="79 executions").exists()
    assert SourceDocument.objects.filter(description__contains="more than 150").exists()


# Logins


def test_demo_users_can_log_in_with_the_printed_password(first_run: str) -> None:
    for username, role, _, _ in DEMO_USERS:
        assert Client().login(username=username, password=PASSWORD), username
        assert username in first_run
        assert role in first_run
    assert PASSWORD in first_run
    assert "http://127.0.0.1:8000/admin/" in first_run


def test_the_analyst_can_work_in_the_admin() -> None:
    client = Client()
    client.login(username="analyst", password=PASSWORD)

    response = client.get(reverse("admin:incidents_incident_changelist"))

    assert response.status_code == 200
    assert b"-Demo" in response.content


def test_a_changed_password_takes_effect(settings) -> None:
    settings.DEMO_PASSWORD = "another-demo-password"
    seed()

    assert Client().login(username="analyst", password="another-demo-password")
    assert not Client().login(username="analyst", password=PASSWORD)


def test_each_demo_user_has_the_role_of_its_group() -> None:
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
        assert users[username].groups.filter(name=group).exists()
        # The group is the one place a role is defined.
        assert not users[username].user_permissions.exists()


def test_without_demo_password_it_generates_one_and_keeps_it(settings, tmp_path) -> None:
    settings.DEMO_PASSWORD = ""
    settings.DATA_DIR = tmp_path

    first = seed()
    password = (tmp_path / "demo_password").read_text().strip()
    second = seed()

    assert len(password) >= 8
    assert password in first
    assert password in second
    assert Client().login(username="officer", password=password)


def test_a_short_demo_password_is_refused(settings) -> None:
    settings.DEMO_PASSWORD = "short"
    counts = row_counts()

    with pytest.raises(CommandError, match="at least 8"):
        seed()
    assert row_counts() == counts
    assert Client().login(username="analyst", password=PASSWORD)


@pytest.mark.parametrize("args", [(), ("--reset", "--no-input")])
def test_it_refuses_to_run_in_production(settings, args: tuple[str, ...]) -> None:
    settings.PRODUCTION = True
    counts = row_counts()

    with pytest.raises(CommandError, match="production"):
        seed(*args)
    assert row_counts() == counts


def test_it_prints_the_admin_address_of_the_port_being_served() -> None:
    out = StringIO()
    call_command("seed_demo", site_url="http://127.0.0.1:8080/", stdout=out)
    assert "Demo logins at http://127.0.0.1:8080/admin/" in out.getvalue()


# --reset


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
            data={"is_public": True, **document, "description": "The team's own copy."},
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
