"""The claim's incidents page as its users meet it: Alice (analyst) opens it from her draft
claim, ticks the register's incidents in its scope and saves; Dave (no role) is turned away
before any lookup; a published claim's links are shown but not offered for change; a refusal
comes back in words on the incident's row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.demo_markers import FICTIONAL
from incidents.models import IncidentType, PublicationStatus, Region
from sources import services
from sources.models import Claim, ClaimIncident, ClaimIncidentType
from tests.admin_browser import Browser, admin_url
from tests.factories import make_claim, make_incident, make_published_incident, raion_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("password_only_sign_in")]


def _url(claim: Claim) -> str:
    return reverse("admin:sources_claim_incidents", args=[claim.pk])


@pytest.fixture
def claim(alice) -> Claim:
    claim = make_claim(
        created_by=alice,
        region=Region.objects.get(iso_code="UA-14"),
        period_start=dt.date(2024, 9, 1),
        period_end=dt.date(2024, 9, 30),
    )
    ClaimIncidentType.objects.create(
        claim=claim, incident_type=IncidentType.objects.get(slug="pow-execution")
    )
    return claim


def _incident(title: str, **fields):
    fields.setdefault("date_start", dt.date(2024, 9, 10))
    fields.setdefault("region", raion_of("UA-14"))
    fields.setdefault("incident_type", IncidentType.objects.get(slug="pow-execution"))
    return make_published_incident(title=title, **fields)


def test_alice_ticks_the_incidents_her_claim_counts(alice, claim):
    counted = _incident("Execution near Alpha")
    contradicting = _incident("Execution near Bravo")
    _incident("Execution in Luhansk oblast", region=raion_of("UA-09"))
    make_incident(title="Draft execution", date_start=dt.date(2024, 9, 10))

    browser = Browser(alice)
    page = browser.get(admin_url(claim))
    assert _url(claim) in page.html, "the claim's page does not lead to its incidents"
    page = browser.get(_url(claim))
    assert page.status_code == 200
    assert "Execution near Alpha" in page.text
    assert "Execution near Bravo" in page.text
    assert "Execution in Luhansk oblast" not in page.text
    assert "Draft execution" not in page.text

    page = browser.submit(
        page.form(id="claim_incidents_form"),
        {
            f"incident-{counted.pk}-linked": True,
            f"incident-{counted.pk}-note": "Listed in the annex.",
            f"incident-{contradicting.pk}-linked": True,
            f"incident-{contradicting.pk}-relation": "contradicts",
        },
    )
    assert f"{claim.public_id}: 2 links to incidents changed." in page.messages()
    links = dict(claim.incident_links.values_list("incident__title", "relation"))
    assert links == {"Execution near Alpha": "counted", "Execution near Bravo": "contradicts"}
    assert claim.incident_links.get(incident=counted).note == "Listed in the annex."

    # Unticking removes the link; the ticked box and the note are shown as saved.
    page = browser.submit(
        page.form(id="claim_incidents_form"), {f"incident-{contradicting.pk}-linked": False}
    )
    assert f"{claim.public_id}: 1 link to incidents changed." in page.messages()
    assert list(claim.incident_links.values_list("incident__title", flat=True)) == [
        "Execution near Alpha"
    ]
    form = page.form(id="claim_incidents_form")
    assert form.enabled(f"incident-{counted.pk}-linked").checked
    assert form.enabled(f"incident-{counted.pk}-note").value == "Listed in the annex."


def test_a_linked_incident_out_of_scope_is_still_listed_and_marked(alice, claim):
    elsewhere = _incident("Execution in Luhansk oblast", region=raion_of("UA-09"))
    ClaimIncident.objects.create(claim=claim, incident=elsewhere, relation="consistent")
    page = Browser(alice).get(_url(claim))
    assert "Execution in Luhansk oblast" in page.text
    assert "out of the claim's scope" in page.text
    form = page.form(id="claim_incidents_form")
    assert form.enabled(f"incident-{elsewhere.pk}-linked").checked
    assert form.enabled(f"incident-{elsewhere.pk}-relation").value == "consistent"


def test_a_refused_link_is_said_on_its_row_and_nothing_of_the_save_is_kept(alice, claim):
    real = _incident("Execution near Alpha")
    fictional = _incident("Invented execution", summary=f"{FICTIONAL} It describes no real event.")
    browser = Browser(alice)
    page = browser.get(_url(claim))
    page = browser.submit(
        page.form(id="claim_incidents_form"),
        {f"incident-{real.pk}-linked": True, f"incident-{fictional.pk}-linked": True},
    )
    assert "Nothing was saved: see the incidents marked below." in page.text
    assert any("fictional demo record" in error for error in page.errors())
    assert not ClaimIncident.objects.exists()


def test_a_published_claims_links_are_shown_but_not_offered_for_change(alice, bob, claim):
    incident = _incident("Execution near Alpha")
    services.claim_incident_link(claim=claim, incident=incident, actor=alice)
    Claim.objects.filter(pk=claim.pk).update(
        publication_status=PublicationStatus.PUBLISHED, published_at=timezone.now()
    )
    browser = Browser(bob)
    page = browser.get(_url(claim))
    assert "so its links to incidents stay as they are" in page.text
    assert "Execution near Alpha" in page.text
    assert not page.has_button("Save links")

    page = browser.post(_url(claim), {f"incident-{incident.pk}-relation": "contradicts"})
    assert any("stay as they are" in message for message in page.messages())
    assert claim.incident_links.get().relation == "counted"


def test_dave_is_turned_away_whether_or_not_the_claim_exists(dave, claim):
    browser = Browser(dave)
    assert browser.get(_url(claim)).status_code == 403
    missing = reverse("admin:sources_claim_incidents", args=[999999999])
    assert browser.get(missing).status_code == 403
    assert browser.post(_url(claim), {}).status_code == 403
