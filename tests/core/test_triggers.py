"""What the database itself guarantees, whatever a session sends it (core/triggers.py).

Each test opens a connection of its own, outside Django, as an attacker holding the application's
credentials would: as the application role, which the privileges stop first, and as the owner of
the tables, which the triggers stop (the owner could drop a trigger; docs/security.md says what
then). The rows each test writes are in its own transaction, rolled back at the end.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from django.core.management import CommandError, call_command

from incidents.models import Region
from tests import database
from tests.raw_rows import insert_protected_rows

# The test database must exist; these tests never use Django's own connection.
pytestmark = pytest.mark.django_db

GUARDED_TABLES = [
    "sources_evidencefile",
    "sources_custodyevent",
    "core_issuedpublicid",
    "incidents_correctionnote",
    *database.history_tables(),
]
# What stops each role: the application holds no privilege for it; the owner meets a trigger.
REFUSAL = {"application": "permission denied for table", "owner": "refused on"}


@pytest.fixture(params=["application", "owner"])
def role(request) -> str:
    return request.param


@pytest.fixture
def session(role) -> Iterator[psycopg.Connection]:
    with database.connect(owner=role == "owner") as connection:
        yield connection
        connection.rollback()


@pytest.fixture
def app() -> Iterator[psycopg.Connection]:
    with database.connect() as connection:
        yield connection
        connection.rollback()


def _refused(connection: psycopg.Connection, statement: str, params=()) -> str:
    """The error the database answers `statement` with; the transaction goes on."""
    with pytest.raises(psycopg.Error) as error, connection.transaction():
        connection.execute(statement, params)
    return str(error.value)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("file", "evidence/ab/other"),
        ("sha256", "cd" * 32),
        ("size", 1),
        ("content_type", "text/plain"),
        ("original_name", "someone else's clip.mp4"),
        ("uploaded_at", "2020-01-01T00:00:00Z"),
        ("uploaded_by_id", None),
        ("source_id", None),
    ],
)
def test_no_column_of_an_evidence_file_changes(session, role, column, value):
    rows = insert_protected_rows(session)
    before = session.execute(
        "SELECT * FROM sources_evidencefile WHERE id = %s", [rows.evidence_file]
    ).fetchone()

    error = _refused(
        session,
        f"UPDATE sources_evidencefile SET {column} = %s WHERE id = %s",
        [value, rows.evidence_file],
    )

    assert REFUSAL[role] in error
    after = session.execute(
        "SELECT * FROM sources_evidencefile WHERE id = %s", [rows.evidence_file]
    ).fetchone()
    assert after == before


def test_an_evidence_file_is_never_deleted(session, role):
    rows = insert_protected_rows(session)
    error = _refused(
        session, "DELETE FROM sources_evidencefile WHERE id = %s", [rows.evidence_file]
    )
    assert REFUSAL[role] in error
    assert session.execute(
        "SELECT count(*) FROM sources_evidencefile WHERE id = %s", [rows.evidence_file]
    ).fetchone() == (1,)


@pytest.mark.parametrize(
    ("table", "pk", "key", "column", "value"),
    [
        ("sources_custodyevent", "id", "custody_event", "action", "hash-verified"),
        ("sources_custodyevent", "id", "custody_event", "at", "2020-01-01T00:00:00Z"),
        ("sources_witnessevent", "pgh_id", "witness_history", "code", "W-OTHER1"),
        ("core_issuedpublicid", "id", "issued_id", "value", "SRC-00000000"),
    ],
)
def test_custody_events_history_and_issued_ids_are_never_changed_or_removed(
    session, role, table, pk, key, column, value
):
    rows = insert_protected_rows(session)
    row = getattr(rows, key)
    before = session.execute(f"SELECT * FROM {table} WHERE {pk} = %s", [row]).fetchone()

    update = _refused(session, f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", [value, row])
    delete = _refused(session, f"DELETE FROM {table} WHERE {pk} = %s", [row])

    assert REFUSAL[role] in update
    assert REFUSAL[role] in delete
    assert session.execute(f"SELECT * FROM {table} WHERE {pk} = %s", [row]).fetchone() == before


@pytest.mark.parametrize("table", GUARDED_TABLES)
def test_evidence_and_history_are_never_emptied(session, role, table):
    insert_protected_rows(session)
    # The rows' deferred foreign-key checks run now; TRUNCATE waits for none.
    session.execute("SET CONSTRAINTS ALL IMMEDIATE")
    (before,) = session.execute(f"SELECT count(*) FROM {table}").fetchone()

    error = _refused(session, f"TRUNCATE {table} CASCADE")

    expected = {"application": "permission denied", "owner": "are never emptied in bulk"}
    assert expected[role] in error
    assert session.execute(f"SELECT count(*) FROM {table}").fetchone() == (before,)


def test_evidence_is_not_emptied_through_the_table_it_references(role, session):
    # TRUNCATE ... CASCADE on a source empties the evidence files that point at it, and fires
    # their guard too.
    insert_protected_rows(session)
    session.execute("SET CONSTRAINTS ALL IMMEDIATE")
    error = _refused(session, "TRUNCATE sources_sourcedocument CASCADE")
    assert {"application": "permission denied", "owner": "never emptied"}[role] in error


def _set_pgtrigger_ignore(connection: psycopg.Connection, triggers: list[str]) -> None:
    # What `pgtrigger.ignore(...)` sends, for this transaction only (SET LOCAL).
    connection.execute(
        "SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(triggers) + "}"]
    )


def test_setting_pgtrigger_ignore_switches_off_nothing_for_the_application(app):
    rows = insert_protected_rows(app)
    every_trigger = [
        name for (name,) in app.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
    ]
    app.execute(
        "SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(every_trigger) + "}"]
    )

    app.execute("UPDATE sources_witness SET risk_level = 'low' WHERE id = %s", [rows.witness])

    # The history trigger (pgtrigger's, django-pghistory's) still wrote the change.
    history = app.execute(
        "SELECT pgh_label, risk_level FROM sources_witnessevent WHERE pgh_obj_id = %s "
        "ORDER BY pgh_id",
        [rows.witness],
    ).fetchall()
    assert history == [("insert", "high"), ("update", "low")]
    assert "permission denied" in _refused(
        app, "UPDATE sources_custodyevent SET note = 'x' WHERE id = %s", [rows.custody_event]
    )


def test_the_owner_may_still_skip_a_history_trigger_as_it_could_drop_it():
    # The same setting from the owner is believed, so the test above would see it work.
    with database.connect(owner=True) as owner:
        rows = insert_protected_rows(owner)
        (update_trigger,) = owner.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'sources_witness'::regclass "
            "AND tgname LIKE 'pgtrigger_update_update_%'"
        ).fetchone()
        owner.execute(
            "SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + update_trigger + "}"]
        )
        owner.execute("UPDATE sources_witness SET risk_level = 'low' WHERE id = %s", [rows.witness])
        labels = owner.execute(
            "SELECT pgh_label FROM sources_witnessevent WHERE pgh_obj_id = %s", [rows.witness]
        ).fetchall()
        owner.rollback()
    assert labels == [("insert",)]


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE sources_custodyevent DISABLE TRIGGER append_only",
        "ALTER TABLE sources_evidencefile DISABLE TRIGGER ALL",
        "DROP TRIGGER never_changes ON sources_evidencefile",
        "CREATE TRIGGER quiet BEFORE INSERT ON sources_custodyevent "
        "FOR EACH ROW EXECUTE FUNCTION register_refuse('x')",
        "CREATE OR REPLACE FUNCTION register_refuse() RETURNS trigger "
        "AS $$ BEGIN RETURN NULL; END $$ LANGUAGE plpgsql",
        "SET session_replication_role = replica",
        "CREATE TEMPORARY TABLE sources_witnessevent (pgh_id bigint)",
        "CREATE TABLE sources_lookalike (id bigint)",
    ],
)
def test_the_application_can_neither_drop_disable_nor_shadow_a_trigger(app, statement):
    error = _refused(app, statement)
    assert "must be owner" in error or "permission denied" in error


def test_flush_which_lifts_the_truncate_guards_is_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="flush is refused with DJANGO_ENV=production"):
        call_command("flush", interactive=False)
    assert Region.objects.exists()
