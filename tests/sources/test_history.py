"""The "History" page of sources, witnesses and testimonies, read from the trigger history.

Sofia is a superuser and may see identities. Vera is staff who may view and change witnesses but
not see who they are. Dave is staff with no permission on witnesses.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sources.models import SourceDocument, Testimony, Witness
from tests.factories import grant

pytestmark = pytest.mark.django_db

OLD_NAME = "Oleksandr Petrenko-Kovalchuk"
NEW_NAME = "Mykola Hryhorenko-Savchuk"


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def history_page(client, obj) -> str:
    response = client.get(admin_url(type(obj), "history", obj.pk))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def source():
    return SourceDocument.objects.create(kind="video", title="Video of the shooting")


@pytest.fixture
def witness():
    return Witness.objects.create(
        full_name=OLD_NAME, contact="+380 67 000 00 00", identity_notes="Lives near Kramatorsk"
    )


def source_form(source: SourceDocument, **changes) -> dict:
    data = {
        "title": source.title,
        "kind": source.kind,
        "publisher": source.publisher,
        "description": source.description,
        "url": source.url,
        "archive_url": source.archive_url,
        "published_on": "",
        "accessed_at_0": "",
        "accessed_at_1": "",
        "language": source.language,
        "reliability": source.reliability,
        "origin_note": source.origin_note,
        "files-TOTAL_FORMS": "0",
        "files-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def witness_form(witness: Witness, **changes) -> dict:
    data = {
        "role": witness.role,
        "risk_level": witness.risk_level,
        "full_name": witness.full_name,
        "contact": witness.contact,
        "identity_notes": witness.identity_notes,
    }
    return {**data, **changes}


def ciphertexts(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")
        return [row[0] for row in cursor.fetchall()]


def test_a_change_made_in_the_admin_form_shows_who_where_and_old_to_new(client, sofia, source):
    client.force_login(sofia)
    url = admin_url(SourceDocument, "change", source.pk)

    response = client.post(
        url, source_form(source, title="Video of the execution", reliability="B")
    )
    assert response.status_code == 302

    page = history_page(client, source)
    assert "sofia (Sofia Adams)" in page
    assert url in page
    assert "Title: Video of the shooting -&gt; Video of the execution" in page
    # Choices by their labels, not their stored codes.
    assert "Reliability: F: reliability cannot be judged -&gt; B: usually reliable" in page
    assert "Updated at" not in page


def test_a_bulk_update_is_recorded_and_shown_as_made_by_the_system(client, sofia, source):
    events = SourceDocument.pgh_event_model.objects.filter(pgh_obj=source)
    before = events.count()

    SourceDocument.objects.filter(pk=source.pk).update(is_public=True)

    assert events.count() == before + 1
    assert events.order_by("-pgh_id").first().pgh_context is None
    client.force_login(sofia)
    page = history_page(client, source)
    assert "system" in page
    assert "Is public: no -&gt; yes" in page


def test_the_first_entry_says_the_record_was_created(client, sofia, source):
    client.force_login(sofia)

    page = history_page(client, source)

    assert "created" in page
    assert "1 change" in page


def test_a_witness_name_change_shows_only_that_it_changed(client, sofia, witness):
    client.force_login(sofia)
    response = client.post(
        admin_url(Witness, "change", witness.pk), witness_form(witness, full_name=NEW_NAME)
    )
    assert response.status_code == 302

    page = history_page(client, witness)

    assert "Full name: changed (restricted)" in page
    assert OLD_NAME not in page
    assert NEW_NAME not in page
    stored = ciphertexts("sources_witnessevent", "full_name") + ciphertexts(
        "sources_witness", "full_name"
    )
    assert len(stored) >= 3
    for token in stored:
        assert token not in page
        # Not even a recognisable piece of it.
        assert token[:24] not in page


def test_staff_without_identity_permission_see_the_same_restricted_line(
    client, sofia, vera, witness
):
    Witness.objects.filter(pk=witness.pk).update(full_name=NEW_NAME)
    grant(vera, "sources.view_witness", "sources.change_witness")
    client.force_login(vera)

    page = history_page(client, witness)

    assert "Full name: changed (restricted)" in page
    assert OLD_NAME not in page
    assert NEW_NAME not in page


def test_saving_a_witness_without_touching_the_name_does_not_report_it_changed(
    client, sofia, witness
):
    # Every save encrypts the name again under a new random token; that is not a change of name.
    client.force_login(sofia)
    client.post(admin_url(Witness, "change", witness.pk), witness_form(witness, risk_level="low"))

    page = history_page(client, witness)

    assert "Risk level: High -&gt; Low" in page
    assert "Full name" not in page
    assert "Contact" not in page


def test_a_statement_change_is_restricted_too(client, sofia, witness):
    testimony = Testimony.objects.create(
        witness=witness,
        taken_on=datetime.date(2024, 3, 1),
        directness="direct",
        statement="They lined us up by the wall.",
    )
    Testimony.objects.filter(pk=testimony.pk).update(
        statement="They lined up six of us by the wall.", language="uk"
    )
    client.force_login(sofia)

    page = history_page(client, testimony)

    assert "Statement: changed (restricted)" in page
    assert "Language: — -&gt; uk" in page
    assert "lined" not in page


def test_the_history_page_needs_permission_to_view_the_record(client, dave, witness):
    client.force_login(dave)

    response = client.get(admin_url(Witness, "history", witness.pk))

    assert response.status_code == 403


def test_the_number_of_queries_does_not_grow_with_the_history(client, sofia):
    short, long = Witness.objects.create(full_name=OLD_NAME), Witness.objects.create()
    # The events are written before any request: within a test's single transaction, a request
    # leaves its history context set for the statements that follow it.
    for witness, events in ((short, 3), (long, 15)):
        for number in range(events):
            Witness.objects.filter(pk=witness.pk).update(
                full_name=f"{OLD_NAME} {number}", risk_level="low" if number % 2 else "high"
            )
    client.force_login(sofia)
    for witness in (short, long):
        client.post(
            admin_url(Witness, "change", witness.pk), witness_form(witness, role="eyewitness")
        )

    counts = []
    for witness in (short, long):
        with CaptureQueriesContext(connection) as captured:
            history_page(client, witness)
        counts.append(len(captured))

    assert counts[0] == counts[1]
