"""The source pages of the admin: short names are typed on one line and shown in the list, the
search finds a source by any of them, and a source at an address the register already holds is
refused on its URL field with a link to the one that is there. Alice is an analyst."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sources.models import SourceDocument
from sources.services import source_create
from tests.admin_browser import Browser, admin_url

pytestmark = pytest.mark.django_db

ADD = reverse("admin:sources_sourcedocument_add")
LIST = reverse("admin:sources_sourcedocument_changelist")


def add_page_form(browser: Browser):
    return browser.get(ADD).form(id="sourcedocument_form")


def test_an_analyst_types_short_names_separated_by_commas(alice):
    browser = Browser(alice)

    saved = browser.submit(
        add_page_form(browser),
        {
            "title": "Report on the treatment of prisoners of war",
            "kind": "un-report",
            "short_names": " HRMMU, ohchr ,, UN-HRMMU ",
        },
        button="Save",
    )

    assert saved.status_code == 200
    source = SourceDocument.objects.get()
    assert source.short_names == ["HRMMU", "ohchr", "UN-HRMMU"]
    page = browser.get(admin_url(source))
    assert page.form(id="sourcedocument_form").enabled("short_names").value == (
        "HRMMU, ohchr, UN-HRMMU"
    )


def test_a_wrong_short_name_is_explained_on_its_field(alice):
    browser = Browser(alice)

    page = browser.submit(
        add_page_form(browser),
        {"title": "Report", "kind": "un-report", "short_names": "COI, UN COI, coi"},
        button="Save",
    )

    assert page.field_errors("short_names") == [
        "“UN COI” is not a short name: use letters and digits, with hyphens between them "
        "(no spaces or other signs).",
        "“coi” is listed twice.",
    ]
    assert not SourceDocument.objects.exists()


def test_a_known_address_is_refused_with_a_link_to_the_source_there(alice):
    existing = source_create(
        actor=alice,
        data={
            "kind": "un-report",
            "title": "Update <b>& figures</b>",
            "url": "https://www.ohchr.org/en/countries/ukraine",
        },
    )
    browser = Browser(alice)

    page = browser.submit(
        add_page_form(browser),
        {
            "title": "OHCHR Ukraine page",
            "kind": "un-report",
            "url": "https://ohchr.org/en/countries/ukraine/?utm_source=newsletter",
        },
        button="Save",
    )

    assert page.field_errors("url") == [
        f"This address is already recorded as {existing.public_id} “Update <b>& figures</b>”: "
        "cite that source rather than adding it again."
    ]
    error = re.search(r'id="id_url_error">(.*?)</ul>', page.html, re.S).group(1)
    # The title is text, not markup; the link opens the existing record.
    assert "&lt;b&gt;&amp; figures&lt;/b&gt;" in error
    links = re.findall(r'<a href="([^"]+)">', error)
    assert links == [admin_url(existing)]
    assert browser.get(links[0]).status_code == 200
    assert SourceDocument.objects.count() == 1


def test_changing_a_url_to_a_known_address_is_refused_on_the_change_page(alice):
    existing = source_create(
        actor=alice, data={"kind": "video", "title": "Original upload", "url": "https://x.org/v"}
    )
    other = source_create(
        actor=alice, data={"kind": "video", "title": "Repost", "url": "https://y.org/v"}
    )
    browser = Browser(alice)
    form = browser.get(admin_url(other)).form(id="sourcedocument_form")

    page = browser.submit(form, {"url": "https://www.x.org/v/"}, button="Save")

    assert page.field_errors("url")[0].startswith(
        f"This address is already recorded as {existing.public_id} “Original upload”"
    )
    other.refresh_from_db()
    assert other.url == "https://y.org/v"


@pytest.mark.parametrize("term", ["HRMMU", "hrmmu", "hrm"])
def test_the_admin_search_finds_a_source_by_a_short_name(alice, term):
    source_create(
        actor=alice,
        data={"kind": "un-report", "title": "Monthly update", "short_names": ["OHCHR", "HRMMU"]},
    )
    source_create(actor=alice, data={"kind": "video", "title": "Video", "short_names": ["HUR"]})

    page = Browser(alice).get(f"{LIST}?q={term}")

    assert page.status_code == 200
    table = re.search(r'<table id="result_list">.*?</table>', page.html, re.S).group()
    assert "Monthly update" in table
    assert "Video" not in table
    assert '<td class="field-short_names_display">OHCHR, HRMMU</td>' in table


def test_the_history_page_shows_a_change_of_short_names(alice):
    source = source_create(
        actor=alice, data={"kind": "un-report", "title": "Report", "short_names": ["COI"]}
    )
    browser = Browser(alice)
    form = browser.get(admin_url(source)).form(id="sourcedocument_form")
    browser.submit(form, {"short_names": "COI, IICIHR"}, button="Save")

    page = browser.get(admin_url(source, "history"))

    assert "Short names: COI -> COI, IICIHR" in page.text


def test_sources_at_an_address_never_checked_can_be_listed_for_merging(alice):
    checked = source_create(
        actor=alice, data={"kind": "video", "title": "Checked", "url": "https://x.org/v"}
    )
    # As the migration leaves a source that duplicated an older one before the rule.
    SourceDocument.objects.create(kind="video", title="Older copy", url="https://www.x.org/v/")
    SourceDocument.objects.create(kind="video", title="No address")
    browser = Browser(alice)

    page = browser.get(f"{LIST}?address=unchecked")

    table = re.search(r'<table id="result_list">.*?</table>', page.html, re.S).group()
    assert "Older copy" in table
    assert checked.title not in table
    assert "No address" not in table
    assert "Not checked for duplicates" in page.text
