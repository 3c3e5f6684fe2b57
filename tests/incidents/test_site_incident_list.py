"""The list of incidents (`/incidents/`): what each row shows, pages, filters, the active filters
and the CSV link that exports the same selection.

Olena is a journalist: she browses anonymously, filters the list, opens records and cites them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from urllib.parse import urlsplit

import pytest

from incidents.models import IncidentType, Region
from tests.factories import make_published_incident, raion_of
from tests.public_pages import html_of, links_in, query_count, query_of, titles_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def _oblast(iso: str) -> Region:
    return Region.objects.get(iso_code=iso)


# The list ----------------------------------------------------------------------------------------


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
    html = html_of(response)
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
    assert "27 incidents" in html_of(first)
    assert len(titles_in(first)) == 25
    assert "Page 1 of 2" in html_of(first)
    (next_href,) = [href for text, href in links_in(first, "pagination") if text == "Next page"]
    assert query_of(next_href) == {"verification_status": ["verified"], "page": ["2"]}
    second = client.get("/incidents/" + next_href)
    assert len(titles_in(second)) == 2
    assert "A credible one" not in html_of(second)
    assert "Previous page" in html_of(second)


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
    # Past the counted pages the end is found by reading the page.
    assert client.get("/incidents/?page=4").status_code == 404
    assert client.get("/incidents/?page=99999999999999999999").status_code == 404


@pytest.mark.parametrize("page", ["3", "99999999999999999999", "0", "-1", "2.5", "x"])
def test_a_page_past_the_end_or_not_a_page_number_is_not_found(client, page):
    for number in range(27):
        make_published_incident(title=f"Incident {number:02d}")
    assert len(titles_in(client.get("/incidents/?page=2"))) == 2

    response = client.get(f"/incidents/?page={page}")

    assert response.status_code == 404
    assert "Page not found" in html_of(response)


def test_the_first_page_exists_even_when_nothing_matches(client):
    response = client.get("/incidents/?page=1&region=UA-14")
    assert response.status_code == 200
    assert "No published incident matches these filters." in html_of(response)


def test_the_list_costs_the_same_queries_for_5_or_40_incidents(
    client, django_assert_max_num_queries
):
    url = "/incidents/?region=UA-14&verification_status=verified,credible"
    for _ in range(5):
        make_published_incident(region=raion_of("UA-14"), verification_status="verified")
    few = query_count(client, url, django_assert_max_num_queries)
    for _ in range(35):
        make_published_incident(region=raion_of("UA-14"), verification_status="credible")
    many = query_count(client, url, django_assert_max_num_queries)
    assert few == many


# Filters -----------------------------------------------------------------------------------------


def test_the_date_range_finds_every_incident_that_may_have_happened_within_it(client):
    make_published_incident(title="Before", date_start=dt.date(2024, 11, 20))
    make_published_incident(
        title="Spanning the start", date_start=dt.date(2024, 11, 28), date_end=dt.date(2024, 12, 3)
    )
    make_published_incident(title="Inside", date_start=dt.date(2024, 12, 15))
    make_published_incident(title="After", date_start=dt.date(2025, 1, 5))
    response = client.get("/incidents/?date_from=2024-12-01&date_to=2024-12-31")
    assert response.status_code == 200
    assert titles_in(response) == {"Spanning the start", "Inside"}


def test_the_region_filter_includes_the_units_beneath_the_oblast(client):
    make_published_incident(title="In a Donetsk raion", region=raion_of("UA-14"))
    make_published_incident(title="In Donetsk oblast itself", region=_oblast("UA-14"))
    make_published_incident(title="In a Kharkiv raion", region=raion_of("UA-63"))
    response = client.get("/incidents/?region=UA-14")
    assert titles_in(response) == {"In a Donetsk raion", "In Donetsk oblast itself"}
    # The KATOTTH code works as well as the ISO one.
    by_code = client.get(f"/incidents/?region={_oblast('UA-14').code}")
    assert titles_in(by_code) == {"In a Donetsk raion", "In Donetsk oblast itself"}


def test_a_region_smaller_than_an_oblast_stays_selected_in_the_form(client):
    raion = raion_of("UA-14")
    make_published_incident(title="In the raion", region=raion)
    html = html_of(client.get(f"/incidents/?region={raion.code}"))
    assert f'<option value="{raion.code}" selected>{raion.name_en}, Donetska oblast</option>' in (
        html
    )


def test_the_status_filter_takes_ticked_boxes_or_a_comma_list(client):
    make_published_incident(title="Verified one", verification_status="verified")
    make_published_incident(title="Acknowledged one", verification_status="acknowledged")
    make_published_incident(title="Credible one", verification_status="credible")
    ticked = client.get("/incidents/?verification_status=verified&verification_status=acknowledged")
    assert titles_in(ticked) == {"Verified one", "Acknowledged one"}
    listed = client.get("/incidents/?verification_status=credible")
    assert titles_in(listed) == {"Credible one"}


def test_the_type_filter_narrows_the_list(client):
    make_published_incident(
        title="Execution", incident_type=IncidentType.objects.get(slug="pow-execution")
    )
    make_published_incident(
        title="Torture", incident_type=IncidentType.objects.get(slug="torture-in-captivity")
    )
    response = client.get("/incidents/?incident_type=torture-in-captivity")
    assert titles_in(response) == {"Torture"}


def test_words_search_the_public_text(client):
    make_published_incident(title="Shooting of prisoners near Bakhmut")
    make_published_incident(title="Torture in a basement", summary="Near Kupiansk.")
    assert titles_in(client.get("/incidents/?q=Bakhmut")) == {"Shooting of prisoners near Bakhmut"}
    assert titles_in(client.get("/incidents/?q=kupiansk")) == {"Torture in a basement"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2024-13-01", "Enter a date as YYYY-MM-DD."),
        ("date_to=yesterday", "Enter a date as YYYY-MM-DD."),
        ("date_from=2024-1-1", "Enter a date as YYYY-MM-DD."),
        ("region=UA-99", "Unknown region &#x27;UA-99&#x27;"),
        ("region=UA-99%25s", "Unknown region &#x27;UA-99%s&#x27;"),
        ("verification_status=certain", "Unknown value &#x27;certain&#x27;"),
        ("incident_type=war-crime", "Unknown value &#x27;war-crime&#x27;"),
    ],
)
def test_a_bad_filter_value_is_a_form_error_not_an_empty_list(client, query, message):
    make_published_incident(title="Execution near Alpha")
    response = client.get(f"/incidents/?{query}")
    assert response.status_code == 400
    html = html_of(response)
    assert "Some filters could not be applied" in html
    assert message in html
    assert "Execution near Alpha" not in html
    assert "Download as CSV" not in html


def test_parameters_the_site_does_not_know_are_left_out_of_its_links(client):
    make_published_incident(title="Execution near Alpha")
    response = client.get("/incidents/?utm_source=newsletter&region=UA-14&page=1")
    assert response.status_code == 200
    (csv_href,) = [href for _, href in links_in(response, "results-head")]
    assert query_of(csv_href) == {"region": ["UA-14"], "format": ["csv"]}
    assert "Not a filter, ignored: utm_source" in html_of(response)


def _ignored_notice(response) -> str | None:
    found = re.search(
        r'<div class="ignored-params" role="status">\s*<p>(.*?)</p>', html_of(response)
    )
    return found and found.group(1)


def test_a_misspelt_filter_is_named_on_the_page_and_nothing_is_filtered_by_it(client):
    make_published_incident(title="In Donetsk oblast", region=raion_of("UA-14"))
    make_published_incident(title="In Lviv oblast", region=raion_of("UA-46"))

    response = client.get("/incidents/?regoin=UA-14")

    assert response.status_code == 200
    assert _ignored_notice(response) == "Not a filter, ignored: regoin"
    assert titles_in(response) == {"In Donetsk oblast", "In Lviv oblast"}
    assert "Active filters" not in html_of(response)


def test_every_unknown_parameter_is_named_once_beside_the_filters_that_apply(client):
    make_published_incident(title="In Donetsk oblast", region=raion_of("UA-14"))
    make_published_incident(title="In Lviv oblast", region=raion_of("UA-46"))

    response = client.get("/incidents/?region=UA-14&datefrom=2024-01-01&status=x&status=y")

    assert _ignored_notice(response) == "Not filters, ignored: datefrom, status"
    assert titles_in(response) == {"In Donetsk oblast"}


def test_the_notice_is_in_ukrainian_on_ukrainian_pages(client):
    response = client.get("/uk/incidents/?regoin=UA-14")
    assert _ignored_notice(response) == "Не є фільтром, тому не враховано: regoin"
    response = client.get("/uk/incidents/?regoin=UA-14&q0=x")
    assert _ignored_notice(response) == "Не є фільтрами, тому не враховано: q0, regoin"


def test_a_parameter_name_is_shown_as_text_never_as_markup(client):
    response = client.get("/incidents/", {"<script>alert(1)</script>": "1"})
    assert _ignored_notice(response) == (
        "Not a filter, ignored: &lt;script&gt;alert(1)&lt;/script&gt;"
    )
    assert "<script>" not in html_of(response)


def test_there_is_no_notice_when_every_parameter_is_the_pages_own(client):
    for number in range(26):
        make_published_incident(title=f"Incident {number}", region=raion_of("UA-14"))
    response = client.get("/incidents/?region=UA-14&q=&date_from=&page=2")
    assert response.status_code == 200
    assert _ignored_notice(response) is None


# Active filters and the CSV link -----------------------------------------------------------------


def test_the_active_filters_are_shown_and_each_removal_drops_only_that_filter(client):
    # Enough matching records for a second page, which each chip leaves for the first.
    for number in range(26):
        make_published_incident(
            title=f"Shooting near Alpha {number}",
            region=raion_of("UA-14"),
            verification_status="verified",
            incident_type=IncidentType.objects.get(slug="pow-execution"),
        )
    query = (
        "q=shooting&region=UA-14&date_from=2024-12-01&date_to=2024-12-31"
        "&verification_status=verified&verification_status=credible"
        "&incident_type=pow-execution&page=2"
    )
    response = client.get(f"/incidents/?{query}")
    chips = dict(links_in(response, "active-filters"))
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
    assert query_of(chips["Remove the filter Words: shooting ×"]) == without("q")
    assert query_of(chips["Remove the filter Region: Donetska oblast ×"]) == without("region")
    assert query_of(chips["Remove the filter From: 1 December 2024 ×"]) == without("date_from")
    assert query_of(chips["Remove the filter To: 31 December 2024 ×"]) == without("date_to")
    assert query_of(chips["Remove the filter Verification status: Verified ×"]) == without(
        "verification_status", "credible"
    )
    assert query_of(chips["Remove the filter Verification status: Credible ×"]) == without(
        "verification_status", "verified"
    )
    assert query_of(
        chips["Remove the filter Type of incident: Execution of a prisoner of war ×"]
    ) == without("incident_type")
    assert len(chips) == 7


def test_no_active_filters_are_shown_without_filters(client):
    make_published_incident(title="Execution near Alpha")
    assert "Active filters" not in html_of(client.get("/incidents/"))


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
    (csv_href,) = [href for _, href in links_in(response, "results-head")]
    assert urlsplit(csv_href).path == "/api/v1/incidents/"
    assert query_of(csv_href) == {
        "region": ["UA-14"],
        "verification_status": ["verified"],
        "format": ["csv"],
    }
    export = client.get(csv_href)
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [row["public_id"] for row in rows] == [kept.public_id]
