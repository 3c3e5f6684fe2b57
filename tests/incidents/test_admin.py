"""The staff admin: every model can be browsed, filters work, witness identities stay hidden.

Sofia is a superuser. Vera is staff who may view and change witnesses but not see who they are.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.models import IssuedPublicId
from incidents.models import Incident, IncidentSource, IncidentTestimony, IncidentType, Region
from sources.models import CustodyEvent, EvidenceFile, SourceDocument, Testimony, Witness
from tests.factories import grant, make_evidence_file

pytestmark = pytest.mark.django_db

WITNESS_NAME = "Oleksandr Petrenko-Kovalchuk"

# (model, may a superuser add one from the admin?)
PROJECT_MODELS = [
    (Region, True),
    (IncidentType, True),
    (Incident, True),
    (IncidentSource, True),
    (IncidentTestimony, True),
    (SourceDocument, True),
    (Witness, True),
    (Testimony, True),
    # Written only by services and database triggers, never by hand.
    (EvidenceFile, False),
    (CustodyEvent, False),
    (IssuedPublicId, False),
]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def vera(vera):
    """Vera (tests/conftest.py), here with the right to view and change witnesses."""
    return grant(vera, "sources.view_witness", "sources.change_witness")


@pytest.fixture
def witness():
    return Witness.objects.create(
        full_name=WITNESS_NAME, contact="+380 67 000 00 00", identity_notes="Lives near Kramatorsk"
    )


@pytest.fixture
def evidence_file(witness):
    testimony = Testimony.objects.create(
        witness=witness, taken_on=datetime.date(2024, 3, 1), directness="direct"
    )
    evidence = make_evidence_file(
        testimony=testimony,
        file="evidence/ab/ab0123456789",
        sha256="ab" * 32,
        size=2048,
        original_name="petrenko_interview.mp4",
    )
    CustodyEvent.objects.create(
        evidence_file=evidence, action="uploaded", observed_sha256="ab" * 32
    )
    return evidence


def test_every_project_model_is_registered():
    registered = set(admin.site._registry)
    assert {model for model, _ in PROJECT_MODELS} <= registered


def test_every_model_has_a_working_changelist(client, sofia, evidence_file):
    client.force_login(sofia)
    for model in admin.site._registry:
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, model


@pytest.mark.parametrize(("model", "can_add"), PROJECT_MODELS)
def test_add_page_opens_where_adding_by_hand_is_allowed(client, sofia, model, can_add):
    client.force_login(sofia)

    response = client.get(admin_url(model, "add"))

    assert response.status_code == (200 if can_add else 403)


def test_change_pages_of_linked_records_open(client, sofia, evidence_file):
    testimony = evidence_file.testimony
    source = SourceDocument.objects.create(kind="video", title="Video of the execution")
    incident = Incident.objects.create(title="Execution of three POWs")
    source_link = IncidentSource.objects.create(incident=incident, source=source)
    testimony_link = IncidentTestimony.objects.create(incident=incident, testimony=testimony)
    client.force_login(sofia)

    for obj in [
        incident,
        source,
        testimony,
        testimony.witness,
        evidence_file,
        evidence_file.custody_events.get(),
        source_link,
        testimony_link,
        Region.objects.get(iso_code="UA-14"),
        IncidentType.objects.get(slug="pow-execution"),
        IssuedPublicId.objects.get(value=incident.public_id),
    ]:
        response = client.get(admin_url(type(obj), "change", obj.pk))
        assert response.status_code == 200, obj


def test_adding_an_incident_records_who_created_it(client, sofia):
    client.force_login(sofia)

    response = client.post(
        admin_url(Incident, "add"),
        {
            "title": "Execution of two soldiers trying to surrender",
            "date_precision": "day",
            "geo_precision": "unknown",
            "victim_category": "surrendering",
            "verification_status": "unassessed",
            "source_links-TOTAL_FORMS": "0",
            "source_links-INITIAL_FORMS": "0",
            "testimony_links-TOTAL_FORMS": "0",
            "testimony_links-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.created_by == sofia
    assert incident.publication_status == "draft"


def test_oblast_filter_includes_incidents_in_its_raions(client, sofia):
    donetsk_raion = Region.objects.filter(parent__iso_code="UA-14").first()
    lviv_raion = Region.objects.filter(parent__iso_code="UA-46").first()
    in_donetsk = Incident.objects.create(title="Near Bakhmut", region=donetsk_raion)
    in_lviv = Incident.objects.create(title="Near Lviv", region=lviv_raion)
    client.force_login(sofia)

    response = client.get(admin_url(Incident, "changelist"), {"oblast": "UA14000000000091971"})

    assert response.status_code == 200
    html = response.content.decode()
    assert in_donetsk.public_id in html
    assert in_lviv.public_id not in html


def test_oblast_filter_with_an_unknown_code_shows_nothing(client, sofia):
    incident = Incident.objects.create(title="Somewhere")
    client.force_login(sofia)

    response = client.get(admin_url(Incident, "changelist"), {"oblast": "UA99"})

    assert response.status_code == 200
    assert incident.public_id not in response.content.decode()


def test_incident_changelist_makes_the_same_queries_for_5_and_25_incidents(
    client, sofia, django_user_model, django_assert_max_num_queries
):
    incident_type = IncidentType.objects.get(slug="pow-execution")
    raions = list(Region.objects.filter(level="raion")[:25])
    client.force_login(sofia)

    def create_incidents(count: int) -> None:
        for n in range(count):
            # A different user and region on every row, so a missing join shows up per row.
            analyst = django_user_model.objects.create_user(f"analyst{Incident.objects.count()}")
            Incident.objects.create(
                title=f"Incident {n}",
                incident_type=incident_type,
                region=raions[n],
                assigned_to=analyst,
                date_start=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
            )

    def count_queries() -> int:
        with django_assert_max_num_queries(20) as captured:
            response = client.get(admin_url(Incident, "changelist"))
        assert response.status_code == 200
        return len(captured)

    create_incidents(5)
    with_5 = count_queries()
    create_incidents(20)
    with_25 = count_queries()

    assert with_25 == with_5


def test_staff_without_identity_permission_sees_no_identity(client, vera, witness):
    client.force_login(vera)

    response = client.get(admin_url(Witness, "change", witness.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert witness.code in html
    assert "Identity restricted" in html
    assert WITNESS_NAME not in html
    assert "Kramatorsk" not in html
    assert 'name="full_name"' not in html


def test_superuser_sees_the_identity(client, sofia, witness):
    client.force_login(sofia)

    response = client.get(admin_url(Witness, "change", witness.pk))

    html = response.content.decode()
    assert WITNESS_NAME in html
    assert "Identity restricted" not in html


def test_staff_without_identity_permission_cannot_write_identity(client, vera, witness):
    client.force_login(vera)

    response = client.post(
        admin_url(Witness, "change", witness.pk),
        {
            "role": "eyewitness",
            "risk_level": "severe",
            "full_name": "Somebody Else",
            "contact": "",
            "identity_notes": "",
        },
    )

    assert response.status_code == 302
    witness.refresh_from_db()
    assert witness.risk_level == "severe"
    assert witness.full_name == WITNESS_NAME
    assert witness.contact == "+380 67 000 00 00"


def test_witness_search_by_full_name_finds_nothing(client, sofia, witness):
    client.force_login(sofia)

    response = client.get(admin_url(Witness, "changelist"), {"q": WITNESS_NAME})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert witness.code not in response.content.decode()


def test_witness_changelist_refuses_lookups_on_identity_fields(client, sofia, witness):
    client.force_login(sofia)

    response = client.get(admin_url(Witness, "changelist"), {"full_name__isnull": "False"})

    assert response.status_code == 400


def test_witness_autocomplete_matches_and_shows_codes_only(client, vera, witness):
    vera.user_permissions.add(Permission.objects.get(codename="add_testimony"))
    client.force_login(vera)
    autocomplete = reverse("admin:autocomplete")
    params = {"app_label": "sources", "model_name": "testimony", "field_name": "witness"}

    by_name = client.get(autocomplete, {**params, "term": "Petrenko"})
    by_code = client.get(autocomplete, {**params, "term": witness.code})

    assert by_name.json()["results"] == []
    assert by_code.json()["results"] == [{"id": str(witness.pk), "text": witness.code}]


def test_statement_is_restricted_like_the_identity(client, vera, witness):
    testimony = Testimony.objects.create(
        witness=witness,
        taken_on=datetime.date(2024, 3, 1),
        directness="direct",
        statement="They shot the men who had laid down their weapons.",
    )
    vera.user_permissions.add(Permission.objects.get(codename="view_testimony"))
    client.force_login(vera)

    response = client.get(admin_url(Testimony, "change", testimony.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Statement restricted" in html
    assert "laid down their weapons" not in html


def test_evidence_file_page_shows_no_path_and_no_original_name_without_permission(
    client, vera, evidence_file
):
    vera.user_permissions.add(Permission.objects.get(codename="view_evidencefile"))
    client.force_login(vera)

    response = client.get(admin_url(EvidenceFile, "change", evidence_file.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert evidence_file.sha256 in html
    assert "ab0123456789" not in html
    assert "petrenko" not in html


def test_evidence_file_page_shows_original_name_to_a_superuser(client, sofia, evidence_file):
    client.force_login(sofia)

    response = client.get(admin_url(EvidenceFile, "change", evidence_file.pk))

    html = response.content.decode()
    assert "petrenko_interview.mp4" in html
    assert "ab0123456789" not in html


def test_regions_are_read_only_for_staff_other_than_superusers(client, vera):
    vera.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="incidents",
            codename__in=["view_region", "change_region", "add_region", "delete_region"],
        )
    )
    donetsk = Region.objects.get(iso_code="UA-14")
    client.force_login(vera)

    change_page = client.get(admin_url(Region, "change", donetsk.pk))
    post = client.post(admin_url(Region, "change", donetsk.pk), {"name_en": "Renamed"})

    assert change_page.status_code == 200
    assert 'name="name_en"' not in change_page.content.decode()
    assert client.get(admin_url(Region, "add")).status_code == 403
    assert client.get(admin_url(Region, "delete", donetsk.pk)).status_code == 403
    assert post.status_code == 403
    donetsk.refresh_from_db()
    assert donetsk.name_en != "Renamed"


def test_custody_events_cannot_be_changed_or_deleted_even_by_a_superuser(
    client, sofia, evidence_file
):
    event = evidence_file.custody_events.get()
    client.force_login(sofia)

    assert client.get(admin_url(CustodyEvent, "delete", event.pk)).status_code == 403
    response = client.post(admin_url(CustodyEvent, "change", event.pk), {"note": "edited"})
    assert response.status_code == 403
