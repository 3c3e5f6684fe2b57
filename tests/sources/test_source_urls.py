"""A source's URL is unique once normalised: a second source at an address the register already
holds is refused, naming the source that is there. Alice is an analyst."""

from __future__ import annotations

import importlib
import threading
import time

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from sources.models import SourceDocument
from sources.services import source_create, source_update
from sources.source_urls import normalised_url

pytestmark = pytest.mark.django_db

REPORT = "https://www.ohchr.org/en/countries/ukraine"


def add(alice, url: str, title: str = "Monthly update") -> SourceDocument:
    return source_create(actor=alice, data={"kind": "un-report", "title": title, "url": url})


@pytest.mark.parametrize(
    "written",
    [
        "https://www.ohchr.org/en/countries/ukraine/",  # a trailing slash
        "https://ohchr.org/en/countries/ukraine",  # without www.
        "HTTPS://WWW.OHCHR.ORG/en/countries/ukraine",  # scheme and host in capitals
        "https://www.ohchr.org:443/en/countries/ukraine",  # the default port
        "https://www.ohchr.org/en/countries/ukraine#latest",  # a fragment
        "https://www.ohchr.org/en/countries/ukraine?utm_source=x&UTM_Medium=y",  # tracking tags
    ],
)
def test_the_same_address_written_differently_is_refused(alice, written):
    first = add(alice, REPORT, title="HRMMU update, February 2025")

    with pytest.raises(ValidationError) as refused:
        add(alice, written)

    assert refused.value.message_dict == {
        "url": [
            f"This address is already recorded as {first.public_id} “HRMMU update, February "
            "2025”: cite that source rather than adding it again."
        ]
    }
    assert SourceDocument.objects.count() == 1


@pytest.mark.parametrize(
    "other",
    [
        "http://www.ohchr.org/en/countries/ukraine",  # another scheme
        "https://www.ohchr.org/en/countries/Ukraine",  # the path's case
        "https://www.ohchr.org/en/countries/ukraine?page=2",  # a parameter that is not tracking
        "https://www.ohchr.org:8443/en/countries/ukraine",  # another port
        "https://news.ohchr.org/en/countries/ukraine",  # another host
    ],
)
def test_another_address_is_accepted(alice, other):
    add(alice, REPORT)

    add(alice, other)

    assert SourceDocument.objects.count() == 2


def test_the_normalised_form_is_what_the_rules_say():
    assert (
        normalised_url("HTTP://WWW.Example.ORG:80/Report/?utm_campaign=x&id=7#section-2")
        == "http://example.org/Report?id=7"
    )
    assert normalised_url("https://example.org/") == "https://example.org"
    assert normalised_url("") == ""


def test_sources_without_a_url_are_not_duplicates_of_each_other(alice):
    add(alice, "", title="Video sent by a witness's relative")
    add(alice, "", title="Photo from a released prisoner")

    assert SourceDocument.objects.filter(url="").count() == 2


def test_changing_a_url_to_another_sources_address_is_refused(alice):
    first = add(alice, REPORT, title="HRMMU update")
    second = add(alice, "https://example.org/other", title="Other")

    with pytest.raises(ValidationError) as refused:
        source_update(source=second, actor=alice, data={"url": REPORT + "/"})

    assert first.public_id in refused.value.message_dict["url"][0]
    second.refresh_from_db()
    assert second.url == "https://example.org/other"


def test_a_source_keeps_its_own_address_when_other_fields_change(alice):
    source = add(alice, REPORT)

    source_update(source=source, actor=alice, data={"url": REPORT + "/", "title": "Renamed"})

    source.refresh_from_db()
    assert (source.title, source.url) == ("Renamed", REPORT + "/")


def test_the_database_refuses_a_duplicate_that_bypasses_the_service(alice):
    first = add(alice, REPORT)

    with pytest.raises(IntegrityError), transaction.atomic():
        SourceDocument.objects.create(
            kind="un-report", title="Copy", url=REPORT, url_normalised=first.url_normalised
        )


def test_the_migration_keeps_the_oldest_of_existing_duplicates_and_names_the_others(alice, capsys):
    # As a deployed register may hold them: saved before the rule, with no normalised URL.
    oldest = SourceDocument.objects.create(kind="un-report", title="First", url=REPORT)
    copy = SourceDocument.objects.create(kind="un-report", title="Copy", url=REPORT + "/")
    other = SourceDocument.objects.create(kind="video", title="Other", url="https://example.org/v")
    migration = importlib.import_module("sources.migrations.0011_short_names_and_unique_urls")

    duplicates = migration.fill_normalised_urls(apps, None)

    assert duplicates == [(copy.public_id, oldest.public_id)]
    stored = dict(SourceDocument.objects.values_list("pk", "url_normalised"))
    assert stored == {
        oldest.pk: "https://ohchr.org/en/countries/ukraine",
        copy.pk: "",
        other.pk: "https://example.org/v",
    }
    assert f"{copy.public_id} (same as {oldest.public_id})" in capsys.readouterr().out
    # The copy can still be edited; its address is checked once it is changed.
    source_update(source=copy, actor=alice, data={"description": "To be merged."})
    with pytest.raises(ValidationError):
        source_update(source=copy, actor=alice, data={"url": REPORT + "#top"})


# It commits, so it ends by emptying every table; serialized_rollback puts back what the
# migrations wrote (roles, regions, types).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sources_saved_at_the_same_address_at_once_are_refused_in_the_same_words(alice):
    first_saved = threading.Event()
    first: dict[str, SourceDocument] = {}

    def first_analyst() -> None:
        try:
            with transaction.atomic():
                first["source"] = add(User.objects.get(pk=alice.pk), REPORT, title="First")
                first_saved.set()
                # Not committed yet: the second save does not see it, and waits on the index.
                time.sleep(1)
        finally:
            connection.close()

    thread = threading.Thread(target=first_analyst)
    thread.start()
    assert first_saved.wait(10)
    try:
        with pytest.raises(ValidationError) as refused:
            add(alice, REPORT + "/", title="Second")
    finally:
        thread.join()

    assert refused.value.message_dict["url"] == [
        f"This address is already recorded as {first['source'].public_id} “First”: cite that "
        "source rather than adding it again."
    ]
    assert list(SourceDocument.objects.values_list("title", flat=True)) == ["First"]
