"""The home page (`/`): headline figures, charts of the published record, the latest records.

Olena is a journalist: she browses anonymously, filters the list, opens records and cites them.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.factories import make_incident, make_published_incident, raion_of
from tests.public_pages import html_of, query_count, titles_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_the_home_page_shows_headline_figures_charts_and_the_latest_records(client):
    make_published_incident(title="Execution near Alpha", verification_status="verified")
    make_published_incident(title="Shooting near Beta", verification_status="credible")
    response = client.get("/")
    assert response.status_code == 200
    html = html_of(response)
    assert "Headline figures" in html
    assert "Verified or acknowledged incidents" in html
    assert "Credible, not yet verified" in html
    assert "Published incidents per month" in html
    assert "Published incidents per oblast" in html
    assert {"Execution near Alpha", "Shooting near Beta"} <= titles_in(response)
    assert 'href="/methodology/"' in html


def test_the_home_page_counts_verified_apart_from_credible(client):
    make_published_incident(verification_status="verified", killed_low=2, killed_best=3)
    make_published_incident(verification_status="acknowledged", killed_low=1, killed_best=1)
    make_published_incident(verification_status="credible", killed_low=5, killed_best=5)
    make_incident(title="A draft nobody outside should count", verification_status="verified")
    response = client.get("/")
    assert response.status_code == 200
    figures = response.context["headline"]
    assert (figures["verified"], figures["killed"]) == (2, 4)
    assert (figures["credible"], figures["credible_killed"]) == (1, 5)
    assert figures["published"] == 3
    html = response.content.decode()
    assert 'href="/incidents/"' in html
    assert 'href="/api/v1/incidents/"' in html


def test_the_charts_are_svg_with_a_title_and_a_table_of_the_same_figures(client):
    donetsk = raion_of("UA-14")
    for day in (3, 9):
        make_published_incident(region=donetsk, date_start=dt.date(2024, 12, day))
    make_published_incident(region=raion_of("UA-63"), date_start=dt.date(2025, 2, 1))
    html = html_of(client.get("/"))
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


def test_the_home_page_costs_a_few_queries(client, django_assert_max_num_queries):
    for _ in range(10):
        make_published_incident(region=raion_of("UA-14"))
    query_count(client, "/", django_assert_max_num_queries)
