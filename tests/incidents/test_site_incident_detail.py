"""The page of one incident (`/incidents/<public id>/`): what a record shows and what it never
shows, and the answer for a record that is not, or no longer, public.

Olena is a journalist: she browses anonymously, filters the list, opens records and cites them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from incidents.models import (
    DatePrecision,
    Incident,
    IncidentSource,
    IncidentTestimony,
    IncidentType,
    PublicationStatus,
)
from sources.models import SourceDocument, Testimony, Witness
from tests.factories import make_incident, make_published_incident, raion_of
from tests.public_pages import PUBLIC_PAGES, html_of, links_in, query_count, titles_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


# What is unreachable -----------------------------------------------------------------------------


def test_drafts_and_records_in_review_are_not_found_exactly_like_a_missing_id(client):
    draft = make_incident(title="A draft")
    in_review = make_incident(title="In review", publication_status=PublicationStatus.IN_REVIEW)
    missing = client.get("/incidents/INC-NOSUCHID/")
    assert missing.status_code == 404
    for incident in (draft, in_review):
        response = client.get(f"/incidents/{incident.public_id}/")
        assert response.status_code == 404
        # The same page, but for the address itself (the language switcher links to it).
        same = response.content.replace(incident.public_id.encode(), b"INC-NOSUCHID")
        assert same == missing.content
        assert incident.title not in html_of(client.get("/incidents/"))
        assert incident.title not in html_of(client.get("/"))


def test_a_withdrawn_record_is_gone_with_its_public_reason(client):
    incident = make_published_incident(title="Misdated video")
    Incident.objects.filter(pk=incident.pk).update(
        publication_status=PublicationStatus.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawal_reason="The video was found to predate the event.",
    )
    response = client.get(f"/incidents/{incident.public_id}/")
    assert response.status_code == 410
    html = html_of(response)
    assert "This record has been withdrawn" in html
    assert "The video was found to predate the event." in html
    assert "Misdated video" not in html_of(client.get("/incidents/"))


def test_a_merged_record_redirects_permanently_to_the_one_that_remains(client):
    survivor = make_published_incident(title="The surviving record")
    duplicate = make_published_incident(title="A duplicate")
    Incident.objects.filter(pk=duplicate.pk).update(
        publication_status=PublicationStatus.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawal_reason="Merged into another record of the same incident.",
        duplicate_of=survivor,
    )
    response = client.get(f"/incidents/{duplicate.public_id}/")
    assert response.status_code == 301
    assert response["Location"] == f"/incidents/{survivor.public_id}/"
    ukrainian = client.get(f"/uk/incidents/{duplicate.public_id}/")
    assert ukrainian.status_code == 301
    assert ukrainian["Location"] == f"/uk/incidents/{survivor.public_id}/"


def test_a_missing_page_is_a_site_page_in_the_readers_language(client):
    english = client.get("/incidents/INC-00000000/")
    assert english.status_code == 404
    assert "Page not found" in english.content.decode()
    ukrainian = client.get("/uk/incidents/INC-00000000/")
    assert "Сторінку не знайдено" in ukrainian.content.decode()


# A record ----------------------------------------------------------------------------------------


def _witness_summary(incident, summary, *, consent: bool, public: bool, name: str, statement: str):
    witness = Witness.objects.create(full_name=name, consent_publish_anonymised=consent)
    testimony = Testimony.objects.create(
        witness=witness,
        taken_on=dt.date(2025, 1, 20),
        directness="direct",
        statement=statement,
        public_summary=summary,
        summary_is_public=public,
    )
    IncidentTestimony.objects.create(incident=incident, testimony=testimony)


@pytest.fixture
def record():
    """A published record with everything a record page shows, and things it must not."""
    incident = make_published_incident(
        title="Execution of three prisoners near Alpha",
        summary="Three captured soldiers were shot after surrendering.",
        internal_notes="Internal lead: call Zqxv back",
        incident_type=IncidentType.objects.get(slug="pow-execution"),
        region=raion_of("UA-14"),
        location_name="Fictional village of Alpha",
        date_start=dt.date(2024, 12, 1),
        date_precision=DatePrecision.MONTH,
        killed_low=3,
        killed_best=4,
        killed_high=5,
        victim_category="pow",
        verification_status="verified",
        verification_rationale="Geolocated footage and a direct witness.",
    )
    IncidentSource.objects.filter(incident=incident).delete()
    report = SourceDocument.objects.create(
        kind="ngo-report",
        title="Monitoring report on Alpha",
        publisher="Fictional Monitors",
        url="https://example.org/report",
        archive_url="https://web.archive.org/web/2025/https://example.org/report",
        is_public=True,
    )
    hidden = SourceDocument.objects.create(
        kind="video", title="Private channel video Wqpl", url="https://example.org/private"
    )
    IncidentSource.objects.create(incident=incident, source=report, role="primary")
    IncidentSource.objects.create(incident=incident, source=hidden, role="corroborating")
    _witness_summary(
        incident,
        "A released prisoner saw the shooting.",
        consent=True,
        public=True,
        name="Witnessname Hjkq",
        statement="Full statement Plmo",
    )
    _witness_summary(
        incident,
        "Summary without consent Ytre.",
        consent=False,
        public=True,
        name="Witnessname Bvcx",
        statement="Full statement Lkjh",
    )
    _witness_summary(
        incident,
        "Summary not marked public Mnbv.",
        consent=True,
        public=False,
        name="Witnessname Asdf",
        statement="Full statement Qwer",
    )
    return incident


def test_a_record_shows_its_date_at_its_precision_and_its_victims_as_a_range(client, record):
    html = html_of(client.get(f"/incidents/{record.public_id}/"))
    assert "December 2024" in html
    assert "1 December 2024" not in html
    assert "3–5 killed (best estimate 4)" in html
    assert "Prisoners of war" in html
    assert "Fictional village of Alpha" in html
    assert "Donetska oblast" in html
    assert "Execution of a prisoner of war" in html


def test_a_record_shows_its_verification_badge_and_rationale(client, record):
    html = html_of(client.get(f"/incidents/{record.public_id}/"))
    assert '<span class="badge badge-verified">Verified</span>' in html
    assert "Geolocated footage and a direct witness." in html


def test_a_record_lists_its_public_sources_with_archive_links_and_hides_the_others(client, record):
    response = client.get(f"/incidents/{record.public_id}/")
    sources = dict(links_in(response, "sources"))
    assert sources["Monitoring report on Alpha"] == "https://example.org/report"
    assert (
        sources["Archived copy: Monitoring report on Alpha"]
        == "https://web.archive.org/web/2025/https://example.org/report"
    )
    html = html_of(response)
    assert "Fictional Monitors" in html
    assert "Private channel video Wqpl" not in html
    assert "https://example.org/private" not in html


def test_a_record_shows_testimony_summaries_only_when_consented_and_marked_public(client, record):
    html = html_of(client.get(f"/incidents/{record.public_id}/"))
    assert "A released prisoner saw the shooting." in html
    assert "Summary without consent Ytre." not in html
    assert "Summary not marked public Mnbv." not in html


def test_a_record_can_be_cited_with_its_address_and_todays_date(client, record):
    html = html_of(client.get(f"/incidents/{record.public_id}/"))
    today = timezone.localdate()
    assert "Cite this record" in html
    assert (
        f"Incident Register, “Execution of three prisoners near Alpha”, record {record.public_id}, "
        f"http://testserver/incidents/{record.public_id}/ "
        f"(accessed {today.day} {today:%B} {today.year})."
    ) in html
    assert f'href="/api/v1/incidents/{record.public_id}/"' in html
    assert "Last updated" in html


def test_confidential_details_appear_on_no_public_page(client, record):
    urls = [
        *PUBLIC_PAGES,
        f"/incidents/{record.public_id}/",
        f"/uk/incidents/{record.public_id}/",
        "/incidents/?q=prisoners",
    ]
    markers = ["Zqxv", "Witnessname", "Full statement", "Private channel video"]
    for url in urls:
        html = html_of(client.get(url))
        assert not [marker for marker in markers if marker in html], url
    # Nor can they be found by searching for them.
    for words in ("Zqxv", "Witnessname", "Plmo"):
        assert titles_in(client.get(f"/incidents/?q={words}")) == set()


def test_a_record_costs_the_same_queries_with_1_or_10_sources(
    client, django_assert_max_num_queries
):
    incident = make_published_incident(region=raion_of("UA-14"))
    url = f"/incidents/{incident.public_id}/"
    one = query_count(client, url, django_assert_max_num_queries)
    for number in range(9):
        source = SourceDocument.objects.create(
            kind="media-report", title=f"Report {number}", is_public=True
        )
        IncidentSource.objects.create(incident=incident, source=source, role="corroborating")
    ten = query_count(client, url, django_assert_max_num_queries)
    assert one == ten
