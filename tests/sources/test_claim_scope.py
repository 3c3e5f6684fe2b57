"""Which of the register's incidents a claim may count: `incidents_in_claim_scope`, checked
against sets worked out by hand (the period's boundary days, the region's subtree, the types)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import IncidentType, PublicationStatus, Region
from sources.models import ClaimIncidentType
from sources.selectors import incidents_in_claim_scope
from tests.factories import make_claim, make_incident, make_published_incident, raion_of

pytestmark = pytest.mark.django_db

D = dt.date


def _titles(claim) -> set[str]:
    return set(incidents_in_claim_scope(claim).values_list("title", flat=True))


def _incident(title: str, start: dt.date, end: dt.date | None = None, **fields):
    fields.setdefault("incident_type", IncidentType.objects.get(slug="pow-execution"))
    return make_published_incident(title=title, date_start=start, date_end=end, **fields)


def test_it_takes_incidents_whose_days_overlap_the_period_boundary_days_included():
    claim = make_claim(period_start=D(2024, 9, 1), period_end=D(2024, 9, 30), as_of=D(2024, 12, 1))
    _incident("day before", D(2024, 8, 31))
    _incident("first day", D(2024, 9, 1))
    _incident("last day", D(2024, 9, 30))
    _incident("day after", D(2024, 10, 1))
    _incident("range ending on the first day", D(2024, 8, 1), D(2024, 9, 1))
    _incident("range ending the day before", D(2024, 8, 1), D(2024, 8, 31))
    _incident("range starting on the last day", D(2024, 9, 30), D(2024, 10, 31))
    _incident("range around the period", D(2024, 1, 1), D(2024, 12, 31))
    assert _titles(claim) == {
        "first day",
        "last day",
        "range ending on the first day",
        "range starting on the last day",
        "range around the period",
    }


def test_a_period_without_an_end_runs_to_the_date_the_figure_is_as_of():
    claim = make_claim(period_start=D(2024, 9, 1), period_end=None, as_of=D(2024, 10, 15))
    _incident("on the as-of day", D(2024, 10, 15))
    _incident("after the as-of day", D(2024, 10, 16))
    assert _titles(claim) == {"on the as-of day"}


def test_a_period_without_start_end_or_as_of_date_is_open():
    claim = make_claim(
        period_start=None,
        period_end=None,
        as_of=None,
        method="",
        quotation="",
        quotation_language="",
    )
    _incident("early", D(2022, 3, 1))
    _incident("late", D(2026, 1, 1))
    assert _titles(claim) == {"early", "late"}


def test_a_region_takes_in_its_subtree_but_not_a_neighbouring_oblast():
    donetsk = Region.objects.get(iso_code="UA-14")
    claim = make_claim(region=donetsk)
    day = D(2024, 10, 1)
    _incident("in the oblast itself", day, region=donetsk)
    _incident("in one of its raions", day, region=raion_of("UA-14"))
    _incident("in Luhansk oblast", day, region=Region.objects.get(iso_code="UA-09"))
    _incident("in a raion of Luhansk oblast", day, region=raion_of("UA-09"))
    _incident("of no known region", day, region=None)
    assert _titles(claim) == {"in the oblast itself", "in one of its raions"}


def test_a_claim_on_the_whole_country_takes_every_region():
    claim = make_claim(region=None)
    day = D(2024, 10, 1)
    _incident("in Donetsk", day, region=Region.objects.get(iso_code="UA-14"))
    _incident("of no known region", day, region=None)
    assert _titles(claim) == {"in Donetsk", "of no known region"}


def test_it_takes_only_the_claims_types_and_any_type_when_it_names_none():
    claim = make_claim()
    day = D(2024, 10, 1)
    _incident("execution", day)
    _incident("torture", day, incident_type=IncidentType.objects.get(slug="torture-in-captivity"))
    _incident(
        "death in custody", day, incident_type=IncidentType.objects.get(slug="death-in-custody")
    )
    _incident("of no type", day, incident_type=None)
    assert _titles(claim) == {"execution", "torture", "death in custody", "of no type"}

    for slug in ("pow-execution", "torture-in-captivity"):
        ClaimIncidentType.objects.create(
            claim=claim, incident_type=IncidentType.objects.get(slug=slug)
        )
    assert _titles(claim) == {"execution", "torture"}


def test_it_leaves_out_drafts_and_withdrawn_incidents():
    claim = make_claim()
    _incident("published", D(2024, 10, 1))
    make_incident(title="draft", date_start=D(2024, 10, 1))
    make_incident(
        title="in review", date_start=D(2024, 10, 1), publication_status=PublicationStatus.IN_REVIEW
    )
    assert _titles(claim) == {"published"}


def test_it_reads_the_scope_in_one_query_however_many_incidents_there_are():
    claim = make_claim(region=Region.objects.get(iso_code="UA-14"))
    ClaimIncidentType.objects.create(
        claim=claim, incident_type=IncidentType.objects.get(slug="pow-execution")
    )
    for number in range(5):
        _incident(f"incident {number}", D(2024, 10, 1), region=raion_of("UA-14"))
    claim.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        found = [
            (i.title, i.region.name_en, i.incident_type.slug)
            for i in incidents_in_claim_scope(claim)
        ]
    assert len(found) == 5
    assert len(queries) == 1
