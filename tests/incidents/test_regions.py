"""Regions: the shipped tree of Ukraine's units, and filtering by a unit and all beneath it."""

from __future__ import annotations

import pytest
from django.db import connection

from incidents.models import Incident, Region, RegionLevel
from incidents.selectors import region_by_code
from tests.factories import make_incident, raion_of

pytestmark = pytest.mark.django_db

DONETSK_OBLAST = "UA14000000000091971"


def test_it_ships_every_oblast_level_unit_and_raion():
    assert Region.objects.filter(level=RegionLevel.OBLAST).count() == 27
    assert Region.objects.filter(level=RegionLevel.RAION).count() == 136
    assert not Region.objects.filter(level=RegionLevel.OBLAST, iso_code__isnull=True).exists()


@pytest.mark.parametrize(
    ("iso_code", "katotth_prefix", "name_en"),
    [
        ("UA-14", "UA14", "Donetska oblast"),
        ("UA-09", "UA44", "Luhanska oblast"),
        ("UA-77", "UA73", "Chernivetska oblast"),
        ("UA-43", "UA01", "Autonomous Republic of Crimea"),
        ("UA-30", "UA80", "Kyiv"),
        ("UA-40", "UA85", "Sevastopol"),
    ],
)
def test_iso_and_katotth_codes_are_paired_correctly(iso_code, katotth_prefix, name_en):
    region = Region.objects.get(iso_code=iso_code)
    assert region.code.startswith(katotth_prefix)
    assert region.name_en == name_en


def test_a_region_is_found_by_either_code():
    assert region_by_code("UA-14") == region_by_code(DONETSK_OBLAST)
    assert region_by_code(" ua-14 ").code == DONETSK_OBLAST


def test_a_raion_path_starts_with_its_oblast_path():
    raion = raion_of("UA-14")
    assert raion.path == f"{DONETSK_OBLAST}/{raion.code}/"
    assert raion.oblast_code == DONETSK_OBLAST


def test_filtering_by_an_oblast_includes_incidents_in_its_raions(django_assert_num_queries):
    in_raion = make_incident(title="In a raion of Donetsk oblast", region=raion_of("UA-14"))
    in_oblast = make_incident(title="Somewhere in Donetsk oblast", region=region_by_code("UA-14"))
    make_incident(title="In Lviv oblast", region=raion_of("UA-46"))
    make_incident(title="Nowhere known")

    donetsk = region_by_code("UA-14")
    with django_assert_num_queries(1):
        found = set(Incident.objects.in_region(donetsk))
    assert found == {in_raion, in_oblast}


def test_filtering_by_a_raion_excludes_its_siblings():
    first, second = Region.objects.filter(parent__iso_code="UA-14").order_by("code")[:2]
    mine = make_incident(region=first)
    make_incident(region=second)
    assert list(Incident.objects.in_region(first)) == [mine]


def test_the_sub_region_filter_can_use_the_path_index():
    query = Incident.objects.in_region(region_by_code("UA-14")).values("id").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        # The shipped table is small enough that the planner scans it; forbid that to see the plan
        # it would choose once hromadas and settlements are loaded.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "region_path_prefix_idx" in plan
