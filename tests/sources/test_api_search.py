"""`/api/v1/sources/?q=` finds public sources by the words of their title and publisher, and by
the short names of their publisher (HRMMU, COI...), never a source the public may not see."""

from __future__ import annotations

import pytest

from incidents.models import IncidentSource
from sources.models import SourceDocument
from tests.factories import make_incident, make_published_incident

pytestmark = pytest.mark.django_db

SOURCES = "/api/v1/sources/"


def public(title: str, publisher: str = "", short_names: list[str] | None = None):
    return SourceDocument.objects.create(
        kind="un-report",
        title=title,
        publisher=publisher,
        short_names=short_names or [],
        is_public=True,
    )


@pytest.fixture
def sources():
    return {
        "hrmmu": public(
            "Treatment of prisoners of war, update",
            "UN Human Rights Monitoring Mission in Ukraine",
            ["HRMMU", "OHCHR"],
        ),
        "coi": public(
            "Report to the Human Rights Council", "UN Commission of Inquiry", ["COI", "IICIHR"]
        ),
        "hur": public("Statement on executions", "Defence Intelligence of Ukraine", ["ГУР"]),
        "press": public("Coincidence of dates in two reports", "Kyiv Independent"),
    }


def found(client, q: str) -> set[str]:
    response = client.get(SOURCES, {"q": q})
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


@pytest.mark.parametrize("q", ["HRMMU", "hrmmu", "OHCHR"])
def test_an_acronym_finds_the_sources_of_its_publisher(client, sources, q):
    assert found(client, q) == {"Treatment of prisoners of war, update"}


def test_coi_finds_the_commission_and_not_words_that_begin_alike(client, sources):
    assert found(client, "COI") == {"Report to the Human Rights Council"}


def test_a_ukrainian_short_name_is_found_in_any_case(client, sources):
    assert found(client, "гур") == {"Statement on executions"}


def test_words_of_titles_and_publishers_are_found_too(client, sources):
    assert found(client, "prisoner") == {"Treatment of prisoners of war, update"}
    assert found(client, "Kyiv Independent") == {"Coincidence of dates in two reports"}
    assert found(client, "rights -HRMMU") == {"Report to the Human Rights Council"}


def test_sources_the_public_may_not_see_are_never_found(client, sources):
    SourceDocument.objects.create(
        kind="video", title="Private video", short_names=["HRMMU"], is_public=False
    )
    # Public, but cited only by a draft: it would tell what is under investigation.
    drafted = public("Under investigation", short_names=["HRMMU"])
    IncidentSource.objects.create(incident=make_incident(), source=drafted)

    assert found(client, "HRMMU") == {"Treatment of prisoners of war, update"}


def test_a_source_cited_by_a_published_incident_is_found_with_it(client, sources):
    incident = make_published_incident()
    IncidentSource.objects.create(incident=incident, source=sources["coi"])

    rows = client.get(SOURCES, {"q": "coi"}).json()["results"]

    assert [(row["public_id"], row["incidents"]) for row in rows] == [
        (sources["coi"].public_id, [incident.public_id])
    ]


def test_nothing_matching_is_an_empty_list(client, sources):
    assert found(client, "OSCE") == set()


@pytest.mark.parametrize("q", ["", "  "])
def test_an_empty_search_is_refused(client, sources, q):
    response = client.get(SOURCES, {"q": q})

    assert response.status_code == 400
    assert list(response.json()) == ["q"]


def test_without_q_every_public_source_is_listed(client, sources):
    assert len(client.get(SOURCES).json()["results"]) == 4
