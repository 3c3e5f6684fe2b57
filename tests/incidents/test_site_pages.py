"""The public site as a journalist meets it: pages, filters, records, and what must never show.

Olena is a journalist: she browses anonymously, filters the list, opens records and cites them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone

from incidents.demo import FICTIONAL_URL
from incidents.models import (
    DatePrecision,
    Incident,
    IncidentSource,
    IncidentTestimony,
    IncidentType,
    PublicationStatus,
    Region,
)
from sources.models import SourceDocument, Testimony, Witness
from tests.factories import make_incident, make_published_incident, raion_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

PUBLIC_PAGES = ["/", "/incidents/", "/methodology/", "/uk/", "/uk/incidents/", "/uk/methodology/"]


def _html(response) -> str:
    return response.content.decode()


class _Links(HTMLParser):
    """The links inside the first element that has `css_class`."""

    def __init__(self, css_class: str):
        super().__init__()
        self.css_class, self.depth, self.links = css_class, 0, []
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += tag not in ("input", "br", "img", "meta", "link")
        elif self.css_class in (attrs.get("class") or "").split():
            self.depth = 1
        if self.depth and tag == "a":
            self._text, self._href = [], attrs.get("href")

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self.depth and tag == "a" and self._text is not None:
            self.links.append((" ".join("".join(self._text).split()), self._href))
            self._text = None
        if self.depth and tag not in ("input", "br", "img", "meta", "link"):
            self.depth -= 1


def _links(response, css_class: str) -> list[tuple[str, str]]:
    parser = _Links(css_class)
    parser.feed(_html(response))
    return parser.links


def _query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def _titles(response) -> set[str]:
    return set(re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', _html(response)))


def _oblast(iso: str) -> Region:
    return Region.objects.get(iso_code=iso)


# Pages ------------------------------------------------------------------------------------------


def test_the_home_page_shows_headline_figures_charts_and_the_latest_records(client):
    make_published_incident(title="Execution near Alpha", verification_status="verified")
    make_published_incident(title="Shooting near Beta", verification_status="credible")
    response = client.get("/")
    assert response.status_code == 200
    html = _html(response)
    assert "Headline figures" in html
    assert "Verified or acknowledged incidents" in html
    assert "Credible, not yet verified" in html
    assert "Published incidents per month" in html
    assert "Published incidents per oblast" in html
    assert {"Execution near Alpha", "Shooting near Beta"} <= _titles(response)
    assert 'href="/methodology/"' in html


def test_the_charts_are_svg_with_a_title_and_a_table_of_the_same_figures(client):
    donetsk = raion_of("UA-14")
    for day in (3, 9):
        make_published_incident(region=donetsk, date_start=dt.date(2024, 12, day))
    make_published_incident(region=raion_of("UA-63"), date_start=dt.date(2025, 2, 1))
    html = _html(client.get("/"))
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, flags=re.S)
    assert svgs, "the charts are drawn as inline SVG"
    for svg in svgs:
        assert 'role="img"' in svg
        assert re.search(r"<title id=[^>]+>Published incidents per (month|oblast)</title>", svg)
    tables = re.findall(r"<table>.*?</table>", html, flags=re.S)
    months, oblasts = tables
    cells = r'<tr><th scope="row">{}</th><td class="number">{}</td></tr>'
    assert re.search(cells.format("December 2024", 2), months)
    # The empty month between shows as a zero rather than vanishing.
    assert re.search(cells.format("January 2025", 0), months)
    assert re.search(cells.format("February 2025", 1), months)
    assert re.search(cells.format("Donetska oblast", 2), oblasts)
    assert re.search(cells.format("Kharkivska oblast", 1), oblasts)


def test_the_list_shows_each_published_incident_with_its_date_place_victims_and_badge(client):
    make_published_incident(
        title="Execution near Alpha",
        region=raion_of("UA-14"),
        date_start=dt.date(2024, 12, 2),
        killed_low=3,
        killed_best=4,
        killed_high=5,
        verification_status="verified",
    )
    response = client.get("/incidents/")
    assert response.status_code == 200
    html = _html(response)
    assert "1 incident" in html
    assert "Execution near Alpha" in html
    assert "2 December 2024" in html
    assert "Donetska oblast" in html
    assert "3–5 killed (best estimate 4)" in html
    assert '<span class="badge badge-verified">Verified</span>' in html


def test_the_list_is_paginated_and_the_next_page_keeps_the_filters(client):
    for number in range(27):
        make_published_incident(title=f"Incident {number:02d}", verification_status="verified")
    make_published_incident(title="A credible one", verification_status="credible")
    first = client.get("/incidents/?verification_status=verified")
    assert "27 incidents" in _html(first)
    assert len(_titles(first)) == 25
    assert "Page 1 of 2" in _html(first)
    (next_href,) = [href for text, href in _links(first, "pagination") if text == "Next page"]
    assert _query(next_href) == {"verification_status": ["verified"], "page": ["2"]}
    second = client.get("/incidents/" + next_href)
    assert len(_titles(second)) == 2
    assert "A credible one" not in _html(second)
    assert "Previous page" in _html(second)


def test_the_methodology_page_explains_the_statuses_the_standard_and_what_is_never_published(
    client,
):
    response = client.get("/methodology/")
    assert response.status_code == 200
    html = _html(response)
    for status in ("Verified", "Acknowledged", "Credible", "Single source", "Contested"):
        assert f">{status}</span>" in html
    assert "Standard of proof" in html
    assert "reasonable grounds to believe" in html
    assert "What we never publish, and why" in html


# Filters ----------------------------------------------------------------------------------------


def test_the_date_range_finds_every_incident_that_may_have_happened_within_it(client):
    make_published_incident(title="Before", date_start=dt.date(2024, 11, 20))
    make_published_incident(
        title="Spanning the start", date_start=dt.date(2024, 11, 28), date_end=dt.date(2024, 12, 3)
    )
    make_published_incident(title="Inside", date_start=dt.date(2024, 12, 15))
    make_published_incident(title="After", date_start=dt.date(2025, 1, 5))
    response = client.get("/incidents/?date_from=2024-12-01&date_to=2024-12-31")
    assert response.status_code == 200
    assert _titles(response) == {"Spanning the start", "Inside"}


def test_the_region_filter_includes_the_units_beneath_the_oblast(client):
    make_published_incident(title="In a Donetsk raion", region=raion_of("UA-14"))
    make_published_incident(title="In Donetsk oblast itself", region=_oblast("UA-14"))
    make_published_incident(title="In a Kharkiv raion", region=raion_of("UA-63"))
    response = client.get("/incidents/?region=UA-14")
    assert _titles(response) == {"In a Donetsk raion", "In Donetsk oblast itself"}
    # The KATOTTH code works as well as the ISO one.
    by_code = client.get(f"/incidents/?region={_oblast('UA-14').code}")
    assert _titles(by_code) == {"In a Donetsk raion", "In Donetsk oblast itself"}


def test_a_region_smaller_than_an_oblast_stays_selected_in_the_form(client):
    raion = raion_of("UA-14")
    make_published_incident(title="In the raion", region=raion)
    html = _html(client.get(f"/incidents/?region={raion.code}"))
    assert f'<option value="{raion.code}" selected>{raion.name_en}, Donetska oblast</option>' in (
        html
    )


def test_the_status_filter_takes_ticked_boxes_or_a_comma_list(client):
    make_published_incident(title="Verified one", verification_status="verified")
    make_published_incident(title="Acknowledged one", verification_status="acknowledged")
    make_published_incident(title="Credible one", verification_status="credible")
    ticked = client.get("/incidents/?verification_status=verified&verification_status=acknowledged")
    assert _titles(ticked) == {"Verified one", "Acknowledged one"}
    listed = client.get("/incidents/?verification_status=credible")
    assert _titles(listed) == {"Credible one"}


def test_the_type_filter_narrows_the_list(client):
    make_published_incident(
        title="Execution", incident_type=IncidentType.objects.get(slug="pow-execution")
    )
    make_published_incident(
        title="Torture", incident_type=IncidentType.objects.get(slug="torture-in-captivity")
    )
    response = client.get("/incidents/?incident_type=torture-in-captivity")
    assert _titles(response) == {"Torture"}


def test_words_search_the_public_text(client):
    make_published_incident(title="Shooting of prisoners near Bakhmut")
    make_published_incident(title="Torture in a basement", summary="Near Kupiansk.")
    assert _titles(client.get("/incidents/?q=Bakhmut")) == {"Shooting of prisoners near Bakhmut"}
    assert _titles(client.get("/incidents/?q=kupiansk")) == {"Torture in a basement"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2024-13-01", "Enter a date as YYYY-MM-DD."),
        ("date_to=yesterday", "Enter a date as YYYY-MM-DD."),
        ("region=UA-99", "Unknown region &#x27;UA-99&#x27;"),
        ("verification_status=certain", "Unknown value &#x27;certain&#x27;"),
        ("incident_type=war-crime", "Unknown value &#x27;war-crime&#x27;"),
    ],
)
def test_a_bad_filter_value_is_a_form_error_not_an_empty_list(client, query, message):
    make_published_incident(title="Execution near Alpha")
    response = client.get(f"/incidents/?{query}")
    assert response.status_code == 400
    html = _html(response)
    assert "Some filters could not be applied" in html
    assert message in html
    assert "Execution near Alpha" not in html
    assert "Download as CSV" not in html


def test_parameters_the_site_does_not_know_are_left_out_of_its_links(client):
    make_published_incident(title="Execution near Alpha")
    response = client.get("/incidents/?utm_source=newsletter&region=UA-14&page=x")
    assert response.status_code == 200
    (csv_href,) = [href for _, href in _links(response, "results-head")]
    assert _query(csv_href) == {"region": ["UA-14"], "format": ["csv"]}


# Active filters and the CSV link ----------------------------------------------------------------


def test_the_active_filters_are_shown_and_each_removal_drops_only_that_filter(client):
    make_published_incident(title="Execution near Alpha")
    query = (
        "q=shooting&region=UA-14&date_from=2024-12-01&date_to=2024-12-31"
        "&verification_status=verified&verification_status=credible"
        "&incident_type=pow-execution&page=2"
    )
    response = client.get(f"/incidents/?{query}")
    chips = dict(_links(response, "active-filters"))
    everything = {
        "q": ["shooting"],
        "region": ["UA-14"],
        "date_from": ["2024-12-01"],
        "date_to": ["2024-12-31"],
        "verification_status": ["verified,credible"],
        "incident_type": ["pow-execution"],
    }

    def without(key, kept=None):
        rest = {k: v for k, v in everything.items() if k != key}
        return rest if kept is None else {**rest, key: [kept]}

    # A chip names the filter as a reader knows it, and goes back to the first page without it.
    assert _query(chips["Remove the filter Words: shooting ×"]) == without("q")
    assert _query(chips["Remove the filter Region: Donetska oblast ×"]) == without("region")
    assert _query(chips["Remove the filter From: 1 December 2024 ×"]) == without("date_from")
    assert _query(chips["Remove the filter To: 31 December 2024 ×"]) == without("date_to")
    assert _query(chips["Remove the filter Verification status: Verified ×"]) == without(
        "verification_status", "credible"
    )
    assert _query(chips["Remove the filter Verification status: Credible ×"]) == without(
        "verification_status", "verified"
    )
    assert _query(
        chips["Remove the filter Type of incident: Execution of a prisoner of war ×"]
    ) == without("incident_type")
    assert len(chips) == 7


def test_no_active_filters_are_shown_without_filters(client):
    make_published_incident(title="Execution near Alpha")
    assert "Active filters" not in _html(client.get("/incidents/"))


def test_the_csv_link_exports_exactly_the_filtered_incidents(client):
    kept = make_published_incident(
        title="Verified in Donetsk", region=raion_of("UA-14"), verification_status="verified"
    )
    make_published_incident(
        title="Credible in Donetsk", region=raion_of("UA-14"), verification_status="credible"
    )
    make_published_incident(
        title="Verified in Kharkiv", region=raion_of("UA-63"), verification_status="verified"
    )
    response = client.get("/incidents/?region=UA-14&verification_status=verified&page=1")
    (csv_href,) = [href for _, href in _links(response, "results-head")]
    assert urlsplit(csv_href).path == "/api/v1/incidents/"
    assert _query(csv_href) == {
        "region": ["UA-14"],
        "verification_status": ["verified"],
        "format": ["csv"],
    }
    export = client.get(csv_href)
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [row["public_id"] for row in rows] == [kept.public_id]


# What is unreachable ----------------------------------------------------------------------------


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
        assert incident.title not in _html(client.get("/incidents/"))
        assert incident.title not in _html(client.get("/"))


def test_a_withdrawn_record_is_gone_with_its_public_reason(client):
    incident = make_published_incident(title="Misdated video")
    Incident.objects.filter(pk=incident.pk).update(
        publication_status=PublicationStatus.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawal_reason="The video was found to predate the event.",
    )
    response = client.get(f"/incidents/{incident.public_id}/")
    assert response.status_code == 410
    html = _html(response)
    assert "This record has been withdrawn" in html
    assert "The video was found to predate the event." in html
    assert "Misdated video" not in _html(client.get("/incidents/"))


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


# A record ---------------------------------------------------------------------------------------


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
    html = _html(client.get(f"/incidents/{record.public_id}/"))
    assert "December 2024" in html
    assert "1 December 2024" not in html
    assert "3–5 killed (best estimate 4)" in html
    assert "Prisoners of war" in html
    assert "Fictional village of Alpha" in html
    assert "Donetska oblast" in html
    assert "Execution of a prisoner of war" in html


def test_a_record_shows_its_verification_badge_and_rationale(client, record):
    html = _html(client.get(f"/incidents/{record.public_id}/"))
    assert '<span class="badge badge-verified">Verified</span>' in html
    assert "Geolocated footage and a direct witness." in html


def test_a_record_lists_its_public_sources_with_archive_links_and_hides_the_others(client, record):
    response = client.get(f"/incidents/{record.public_id}/")
    sources = dict(_links(response, "sources"))
    assert sources["Monitoring report on Alpha"] == "https://example.org/report"
    assert (
        sources["Archived copy: Monitoring report on Alpha"]
        == "https://web.archive.org/web/2025/https://example.org/report"
    )
    html = _html(response)
    assert "Fictional Monitors" in html
    assert "Private channel video Wqpl" not in html
    assert "https://example.org/private" not in html


def test_a_record_shows_testimony_summaries_only_when_consented_and_marked_public(client, record):
    html = _html(client.get(f"/incidents/{record.public_id}/"))
    assert "A released prisoner saw the shooting." in html
    assert "Summary without consent Ytre." not in html
    assert "Summary not marked public Mnbv." not in html


def test_a_record_can_be_cited_with_its_address_and_todays_date(client, record):
    html = _html(client.get(f"/incidents/{record.public_id}/"))
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
        html = _html(client.get(url))
        assert not [marker for marker in markers if marker in html], url
    # Nor can they be found by searching for them.
    for words in ("Zqxv", "Witnessname", "Plmo"):
        assert _titles(client.get(f"/incidents/?q={words}")) == set()


def test_text_from_the_database_is_escaped(client):
    incident = make_published_incident(title="<script>alert(1)</script> near Alpha")
    for url in ("/", "/incidents/", f"/incidents/{incident.public_id}/"):
        html = _html(client.get(url))
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; near Alpha" in html


# Cost -------------------------------------------------------------------------------------------


def _query_count(client, url, django_assert_max_num_queries) -> int:
    cache.clear()
    with django_assert_max_num_queries(12) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_5_or_40_incidents(
    client, django_assert_max_num_queries
):
    url = "/incidents/?region=UA-14&verification_status=verified,credible"
    for _ in range(5):
        make_published_incident(region=raion_of("UA-14"), verification_status="verified")
    few = _query_count(client, url, django_assert_max_num_queries)
    for _ in range(35):
        make_published_incident(region=raion_of("UA-14"), verification_status="credible")
    many = _query_count(client, url, django_assert_max_num_queries)
    assert few == many


def test_a_record_costs_the_same_queries_with_1_or_10_sources(
    client, django_assert_max_num_queries
):
    incident = make_published_incident(region=raion_of("UA-14"))
    url = f"/incidents/{incident.public_id}/"
    one = _query_count(client, url, django_assert_max_num_queries)
    for number in range(9):
        source = SourceDocument.objects.create(
            kind="media-report", title=f"Report {number}", is_public=True
        )
        IncidentSource.objects.create(incident=incident, source=source, role="corroborating")
    ten = _query_count(client, url, django_assert_max_num_queries)
    assert one == ten


def test_the_home_page_costs_a_few_queries(client, django_assert_max_num_queries):
    for _ in range(10):
        make_published_incident(region=raion_of("UA-14"))
    _query_count(client, "/", django_assert_max_num_queries)


# Demo banner and security headers ---------------------------------------------------------------


def test_every_page_says_its_records_are_fictional_while_demo_data_is_loaded(client):
    incident = make_published_incident(title="Execution near Alpha")
    SourceDocument.objects.create(
        kind="video", title="Demo video (fictional)", url=f"{FICTIONAL_URL}/video-1"
    )
    for url in (*PUBLIC_PAGES, f"/incidents/{incident.public_id}/"):
        html = _html(client.get(url))
        assert 'class="demo-banner"' in html, url
        if url.startswith("/uk/"):
            assert "Інциденти на цьому сайті вигадані." in html
        else:
            assert "The incidents on this site are fictional." in html


def test_there_is_no_demo_banner_without_demo_data(client):
    incident = make_published_incident(title="Execution near Alpha")
    for url in (*PUBLIC_PAGES, f"/incidents/{incident.public_id}/"):
        html = _html(client.get(url))
        assert 'class="demo-banner"' not in html, url
        assert "fictional" not in html
        assert "вигадані" not in html


def test_public_pages_forbid_inline_script_and_style(client):
    incident = make_published_incident(title="Execution near Alpha")
    for url in (*PUBLIC_PAGES, f"/incidents/{incident.public_id}/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
        html = _html(response)
        # Nothing in the page would need 'unsafe-inline' either.
        assert "<script" not in html
        assert "<style" not in html
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)
        # No external stylesheet, script, font or image: every asset is our own.
        assert not re.search(r'(src|href)="(https?:)?//[^"]+\.(css|js|woff2?|png|svg)', html)


def test_public_pages_may_be_cached_briefly(client):
    response = client.get("/incidents/")
    assert "public" in response["Cache-Control"]
    assert "max-age=120" in response["Cache-Control"]


def test_a_very_long_list_says_more_than_the_limit_and_still_pages(client, monkeypatch):
    from incidents import views

    monkeypatch.setattr(views, "COUNT_LIMIT", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for day in range(1, 6):
        make_published_incident(date_start=dt.date(2025, 1, day))
    first = client.get("/incidents/")
    html = first.content.decode()
    assert "More than 3 incidents" in html
    assert "Page 1" in html
    assert first.context["next_link"]
    third = client.get("/incidents/?page=3")
    assert len(third.context["incidents"]) == 1
    assert not third.context["next_link"]


def test_a_missing_page_is_a_site_page_in_the_readers_language(client):
    english = client.get("/incidents/INC-00000000/")
    assert english.status_code == 404
    assert "Page not found" in english.content.decode()
    ukrainian = client.get("/uk/incidents/INC-00000000/")
    assert "Сторінку не знайдено" in ukrainian.content.decode()
