"""The chain of custody is a hash chain that the database computes and `verify_evidence` checks.

Alice, an analyst, uploads and downloads evidence. The application cannot choose an event's time,
id or hashes. Mallory holds the owner's credentials, lifts the triggers and rewrites the log;
`verify_evidence` finds every change she makes, and the head recorded after an earlier run shows
when she cut events off the end.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import threading

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from sources import custody_chain
from sources.models import CustodyEvent, SourceDocument
from sources.services import evidence_file_open_for_download, evidence_file_upload
from tests import database
from tests.factories import committed
from tests.raw_rows import HASH, insert_protected_rows

pytestmark = pytest.mark.usefixtures("private_storage")

PDF = b"%PDF-1.7\n" + os.urandom(2000) + b"\n%%EOF\n"
# A test that lets the owner rewrite the log needs the log committed; it ends by emptying every
# table, and the regions, incident types and groups are put back afterwards.
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _upload(alice, name: str = "statement.pdf"):
    source = SourceDocument.objects.create(kind="document", title="Statement")
    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    with committed():
        return evidence_file_upload(upload=upload, actor=alice, source=source)


def _chain(connection: psycopg.Connection) -> list[tuple]:
    columns = ", ".join(custody_chain.COLUMNS)
    return connection.execute(f"SELECT {columns} FROM sources_custodyevent ORDER BY id").fetchall()


def _verify(*args: str) -> str:
    """What verify_evidence reports: its output when it passes, its error when it fails."""
    try:
        call_command("verify_evidence", *args)
    except CommandError as failure:
        return "FAILED\n" + str(failure)
    return "PASSED"


def _head(capsys) -> str:
    return re.search(r"head ([0-9a-f]{64})", capsys.readouterr().out).group(1)


# --- What the database does with every event ---------------------------------------------------


@pytest.mark.django_db
def test_every_event_is_linked_to_the_one_before_it_across_all_files(alice):
    first = _upload(alice)
    second = _upload(alice, "second.pdf")
    evidence_file_open_for_download(evidence=first, actor=alice).close()

    events = list(CustodyEvent.objects.order_by("id"))
    assert [event.evidence_file for event in events] == [first, second, first, first]
    assert events[0].previous_hash == custody_chain.GENESIS
    for before, event in itertools.pairwise(events):
        assert event.previous_hash == before.row_hash
        assert event.at >= before.at
    check = custody_chain.check(
        CustodyEvent.objects.order_by("id").values_list(*custody_chain.COLUMNS)
    )
    assert (check.events, check.problems, check.head) == (4, [], events[-1].row_hash)


@pytest.mark.django_db
def test_the_application_cannot_choose_an_events_time_id_or_hashes(django_db_setup):
    with database.connect() as application:
        rows = insert_protected_rows(application)
        (now,) = application.execute("SELECT clock_timestamp()").fetchone()
        application.execute(
            "INSERT INTO sources_custodyevent "
            "(id, evidence_file_id, action, at, observed_sha256, note, previous_hash, row_hash) "
            "VALUES (1000000, %s, 'hash-verified', '2001-09-11T08:46:00Z', %s, '', %s, %s)",
            [rows.evidence_file, HASH, "f" * 64, "e" * 64],
        )
        upload, backdated = _chain(application)
        application.rollback()

    event = dict(zip(custody_chain.COLUMNS, backdated, strict=True))
    assert event["id"] != 1000000
    assert now <= event["at"] < now + dt.timedelta(minutes=1)
    assert event["previous_hash"] == upload[custody_chain.COLUMNS.index("row_hash")]
    assert custody_chain.check([upload, backdated]).problems == []


@committing
def test_an_event_is_written_only_where_it_sees_the_last_one_committed(django_db_setup):
    with database.connect() as application:
        rows = insert_protected_rows(application)
        application.commit()
        application.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with pytest.raises(psycopg.Error, match="READ COMMITTED transactions only"):
            application.execute(
                "INSERT INTO sources_custodyevent "
                "(evidence_file_id, action, observed_sha256, note) "
                "VALUES (%s, 'downloaded', '', '')",
                [rows.evidence_file],
            )
        application.rollback()


@committing
def test_two_writers_at_once_are_written_one_after_the_other(alice):
    evidence = _upload(alice)
    insert = (
        "INSERT INTO sources_custodyevent (evidence_file_id, action, observed_sha256, note) "
        "VALUES (%s, 'downloaded', '', %s) RETURNING id, previous_hash, row_hash"
    )
    with database.connect() as first, database.connect() as second:
        mine = first.execute(insert, [evidence.pk, "first"]).fetchone()
        theirs = []
        # The second writer waits for the first to commit, then links to its event.
        waiting = threading.Thread(
            target=lambda: theirs.append(second.execute(insert, [evidence.pk, "second"]).fetchone())
        )
        waiting.start()
        waiting.join(timeout=1)
        assert waiting.is_alive()
        first.commit()
        waiting.join(timeout=10)
        second.commit()

    (theirs,) = theirs
    assert theirs[0] > mine[0]
    assert theirs[1] == mine[2]
    assert _verify() == "PASSED"


@pytest.mark.django_db
def test_the_events_written_before_the_chain_existed_are_linked_in_order(django_db_setup):
    # As the migration that added the chain found them: rows with no hashes yet.
    with database.connect(owner=True) as owner:
        rows = insert_protected_rows(owner)
        owner.execute("SET CONSTRAINTS ALL IMMEDIATE")
        owner.execute("ALTER TABLE sources_custodyevent DISABLE TRIGGER chained")
        owner.execute("ALTER TABLE sources_custodyevent DISABLE TRIGGER append_only")
        for number, note in enumerate(["", "checked\nby hand", "é"], start=1):
            owner.execute(
                "INSERT INTO sources_custodyevent (id, evidence_file_id, action, at, "
                "observed_sha256, note, previous_hash, row_hash) "
                "VALUES (%s, %s, 'hash-verified', %s, %s, %s, %s, %s)",
                [
                    10_000_000 + number,
                    rows.evidence_file,
                    dt.datetime(2024, 5, number, 10, 30, 0, 250_000, tzinfo=dt.UTC),
                    HASH,
                    note,
                    "f" * 64,
                    "f" * 64,
                ],
            )

        owner.execute(custody_chain.FILL_SQL)

        chain = _chain(owner)
        owner.rollback()
    assert chain[0][1] == custody_chain.GENESIS
    assert custody_chain.check(chain).problems == []
    assert [row[6].day for row in chain[1:]] == [1, 2, 3]  # the times they were written


# --- What verify_evidence finds ----------------------------------------------------------------


@pytest.fixture
def logged(alice, capsys) -> str:
    """Three files uploaded and checked: six events. Returns the head that check printed."""
    for number in range(3):
        _upload(alice, f"statement {number}.pdf")
    call_command("verify_evidence")
    return _head(capsys)


@pytest.mark.django_db
def test_a_known_head_that_is_not_a_hash_is_refused():
    with pytest.raises(CommandError, match="--known-head must be a SHA-256 in hex"):
        call_command("verify_evidence", "--known-head", "yesterday's")


def _as_mallory(*statements: tuple[str, list]) -> None:
    """Run `statements` as the owner, with every trigger of the custody log lifted."""
    with database.connect(owner=True) as owner:
        owner.execute("ALTER TABLE sources_custodyevent DISABLE TRIGGER USER")
        for statement, params in statements:
            owner.execute(statement, params)
        owner.execute("SET CONSTRAINTS ALL IMMEDIATE")
        owner.execute("ALTER TABLE sources_custodyevent ENABLE TRIGGER USER")


@committing
def test_an_intact_chain_passes_and_its_head_is_printed(logged, capsys):
    assert _verify("--known-head", logged) == "PASSED"
    out = capsys.readouterr().out
    assert "Chain of custody: 9 events" in out
    assert "every link of the chain of custody holds" in out


@committing
def test_an_altered_event_is_reported(logged):
    event = CustodyEvent.objects.order_by("id")[1]
    _as_mallory(
        (
            "UPDATE sources_custodyevent SET actor_id = NULL, note = 'routine' WHERE id = %s",
            [event.pk],
        )
    )

    report = _verify()

    assert report.startswith("FAILED")
    assert (
        f"custody event {event.pk} (evidence file {event.evidence_file_id}, uploaded at" in report
    )
    assert "does not match its hash: it was altered after it was written" in report


@committing
def test_a_removed_event_is_reported(logged):
    before, removed, after = CustodyEvent.objects.order_by("id")[2:5]
    _as_mallory(("DELETE FROM sources_custodyevent WHERE id = %s", [removed.pk]))

    report = _verify()

    assert report.startswith("FAILED")
    assert f"custody event {after.pk} does not link to custody event {before.pk}" in report


@committing
def test_an_event_slipped_in_with_well_made_hashes_is_reported(logged):
    before, after = CustodyEvent.objects.order_by("id")[1:3]
    forged = {
        "previous_hash": before.row_hash,
        "id": before.pk + 1,  # ids advance by two: one for the row's default, one for the chain
        "evidence_file_id": before.evidence_file_id,
        "action": "hash-verified",
        "actor_id": None,
        "at": before.at + dt.timedelta(seconds=1),
        "observed_sha256": before.observed_sha256,
        "note": "",
    }
    forged["row_hash"] = custody_chain.row_hash(**forged)
    columns, placeholders = ", ".join(forged), ", ".join(["%s"] * len(forged))
    _as_mallory(
        (
            f"INSERT INTO sources_custodyevent ({columns}) VALUES ({placeholders})",
            list(forged.values()),
        )
    )

    report = _verify()

    assert report.startswith("FAILED")
    assert f"custody event {after.pk} does not link to custody event {before.pk + 1}" in report


@committing
def test_events_cut_off_the_end_are_reported_against_the_head_recorded_earlier(logged):
    head = logged
    last = CustodyEvent.objects.order_by("-id")[:3]
    _as_mallory(
        ("DELETE FROM sources_custodyevent WHERE id = ANY(%s)", [[event.pk for event in last]])
    )

    # What is left is a whole chain: only the head kept elsewhere shows what is missing.
    without = _verify()
    with_head = _verify("--known-head", head)

    assert "FAILED" not in without
    assert with_head.startswith("FAILED")
    assert f"the head recorded earlier ({head}) is not in the chain" in with_head
