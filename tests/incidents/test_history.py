"""The "History" page of an incident: its own changes and those of its evidence links.

Sofia is a superuser. Vera is staff who may only view incidents. Dave is staff with no permission
on incidents.

Within a test everything runs in one transaction, so every event has the same time, and a request
leaves its history context set for the statements after it: events meant to be "by the system"
are written before the first request.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import triggers
from incidents.models import Incident, IncidentSource, IncidentTestimony, IncidentType
from sources.models import SourceDocument, Testimony, Witness
from tests import database
from tests.factories import grant, make_incident

pytestmark = pytest.mark.django_db


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def history_page(client, incident: Incident) -> str:
    response = client.get(admin_url(Incident, "history", incident.pk))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def vera(vera):
    """Vera (tests/conftest.py), here with the right to view incidents."""
    return grant(vera, "incidents.view_incident")


@pytest.fixture
def incident():
    return make_incident(title="Execution near Bakhmut")


@pytest.fixture
def source():
    return SourceDocument.objects.create(kind="video", title="Video of the shooting")


def test_an_incident_added_with_a_source_shows_both_by_who_and_from_where(client, sofia, source):
    client.force_login(sofia)
    url = admin_url(Incident, "add")

    response = client.post(
        url,
        {
            "title": "Execution of two soldiers trying to surrender",
            "date_precision": "day",
            "geo_precision": "unknown",
            "victim_category": "surrendering",
            "verification_status": "unassessed",
            "source_links-TOTAL_FORMS": "1",
            "source_links-INITIAL_FORMS": "0",
            "source_links-0-source": source.pk,
            "source_links-0-role": "primary",
            "source_links-0-note": "",
            "testimony_links-TOTAL_FORMS": "0",
            "testimony_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    history = history_page(client, Incident.objects.get()).split('id="change-history"')[1]
    assert f"source {source.public_id} Video of the shooting linked as primary" in history
    assert "created" in history
    assert history.count("sofia (Sofia Adams)") == 2
    assert history.count(url) == 2


def test_linking_a_source_in_the_link_admin_shows_on_the_incident_page(
    client, sofia, incident, source
):
    client.force_login(sofia)
    url = admin_url(IncidentSource, "add")

    response = client.post(
        url, {"incident": incident.pk, "source": source.pk, "role": "corroborating", "note": ""}
    )
    assert response.status_code == 302

    page = history_page(client, incident)
    assert f"source {source.public_id} Video of the shooting linked as corroborating" in page
    assert url in page
    assert "sofia (Sofia Adams)" in page


def test_unlinking_and_changing_a_link_show_on_the_incident_page(client, sofia, incident, source):
    link = IncidentSource.objects.create(incident=incident, source=source)
    IncidentSource.objects.filter(pk=link.pk).update(role="mentions")
    link.delete()
    client.force_login(sofia)

    page = history_page(client, incident)

    assert f"link to source {source.public_id} Video of the shooting changed" in page
    assert "Role: Primary -&gt; Mentions" in page
    assert f"source {source.public_id} Video of the shooting unlinked" in page


def test_a_link_moved_to_another_incident_shows_on_both_pages(client, sofia, incident, source):
    other = make_incident(title="Execution near Avdiivka")
    link = IncidentSource.objects.create(incident=incident, source=source)
    IncidentSource.objects.filter(pk=link.pk).update(incident=other)
    IncidentSource.objects.filter(pk=link.pk).update(note="Belongs here")
    client.force_login(sofia)

    first, second = history_page(client, incident), history_page(client, other)

    assert f"unlinked (moved to {other.public_id} Execution near Avdiivka)" in first
    # What happens to the link afterwards is the other incident's story.
    assert "Belongs here" not in first
    assert f"linked as primary (moved from {incident.public_id} Execution near Bakhmut)" in second
    assert "Note: — -&gt; Belongs here" in second


def test_linking_a_testimony_shows_on_the_incident_page(client, sofia, incident):
    testimony = Testimony.objects.create(
        witness=Witness.objects.create(full_name="Ivan Franko"),
        taken_on=datetime.date(2024, 3, 1),
        directness="direct",
        statement="What he saw.",
    )
    IncidentTestimony.objects.create(incident=incident, testimony=testimony)
    client.force_login(sofia)

    page = history_page(client, incident)

    assert f"testimony {testimony} linked" in page
    assert "Ivan Franko" not in page
    assert "What he saw" not in page


def test_a_bulk_update_is_recorded_and_shown_as_made_by_the_system(client, sofia, incident):
    events = Incident.pgh_event_model.objects.filter(pgh_obj=incident)
    before = events.count()

    Incident.objects.filter(pk=incident.pk).update(verification_status="verified")

    assert events.count() == before + 1
    client.force_login(sofia)
    page = history_page(client, incident)
    assert "Verification status: Unassessed -&gt; Verified" in page
    assert "system" in page
    assert "sofia" not in page.split('id="change-history"')[1]


def test_foreign_keys_show_by_their_names(client, sofia, vera, incident):
    pow_execution = IncidentType.objects.get(slug="pow-execution")
    Incident.objects.filter(pk=incident.pk).update(assigned_to=vera, incident_type=pow_execution)
    client.force_login(sofia)

    page = history_page(client, incident)

    assert "Assigned to: — -&gt; vera" in page
    assert f"Incident type: — -&gt; {pow_execution.name_en}" in page


def test_internal_notes_are_shown_to_staff(client, sofia, incident):
    Incident.objects.filter(pk=incident.pk).update(internal_notes="Ask the HRMMU for the video.")
    client.force_login(sofia)

    page = history_page(client, incident)

    assert "Internal notes: — -&gt; Ask the HRMMU for the video." in page


def test_a_save_that_changes_only_bookkeeping_fields_is_not_listed(client, sofia, incident):
    Incident.objects.filter(pk=incident.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    client.force_login(sofia)

    page = history_page(client, incident)

    assert "1 change" in page
    assert "Version" not in page
    assert "Updated at" not in page


def test_the_newest_change_comes_first(client, sofia, incident):
    Incident.objects.filter(pk=incident.pk).update(title="Second title")
    Incident.objects.filter(pk=incident.pk).update(title="Third title")
    client.force_login(sofia)

    page = history_page(client, incident)

    newest = page.index("Title: Second title -&gt; Third title")
    older = page.index("Title: Execution near Bakhmut -&gt; Second title")
    created = page.rindex("created")
    assert newest < older < created


def test_a_viewer_may_see_the_history_and_a_stranger_may_not(client, vera, dave, incident):
    client.force_login(vera)
    assert client.get(admin_url(Incident, "history", incident.pk)).status_code == 200

    client.force_login(dave)
    assert client.get(admin_url(Incident, "history", incident.pk)).status_code == 403


def test_the_number_of_queries_does_not_grow_with_the_history(client, sofia, vera):
    short, long = make_incident(title="Short history"), make_incident(title="Long history")
    for incident, events in ((short, 3), (long, 15)):
        source = SourceDocument.objects.create(kind="photo", title=f"Photo for {incident.title}")
        link = IncidentSource.objects.create(incident=incident, source=source)
        for number in range(events):
            Incident.objects.filter(pk=incident.pk).update(
                killed_best=number, assigned_to=vera if number % 2 else sofia
            )
            IncidentSource.objects.filter(pk=link.pk).update(note=f"Note {number}")
    client.force_login(sofia)
    for incident in (short, long):
        # One change by a user, so that both pages look users up.
        client.post(
            admin_url(IncidentSource, "add"),
            {
                "incident": incident.pk,
                "source": SourceDocument.objects.create(kind="video", title="Video").pk,
                "role": "mentions",
                "note": "",
            },
        )

    counts = []
    for incident in (short, long):
        with CaptureQueriesContext(connection) as captured:
            page = history_page(client, incident)
        assert "sofia (Sofia Adams)" in page
        counts.append(len(captured))

    assert counts[0] == counts[1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_record_older_than_its_history_says_its_earlier_values_are_unknown(
    client, sofia, incident
):
    # A record from before the history was kept: its history rows are taken away by the owner of
    # the tables, the only role that may lift the trigger that keeps them, on a connection of its
    # own; so this test commits, and ends by emptying every table (serialized_rollback puts the
    # regions, incident types and groups back).
    with (
        database.connect(owner=True) as owner,
        owner.cursor() as cursor,
        triggers.row_guards_lifted(cursor, ["incidents_incidentevent"]),
    ):
        cursor.execute("DELETE FROM incidents_incidentevent WHERE pgh_obj_id = %s", [incident.pk])
    Incident.objects.filter(pk=incident.pk).update(title="Renamed")
    client.force_login(sofia)

    page = history_page(client, incident)

    assert "earlier values were not recorded" in page
