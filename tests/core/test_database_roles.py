"""The application connects as a role that owns nothing and may write only what the register
writes; the owner migrates; production refuses to start as anyone else.

The suite itself runs as such an application role (tests/database.py); these tests look at it
through connections of their own, as an auditor would with psql.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection
from psycopg import sql

from core import database_roles
from tests import database
from tests.config.starting import BASE_DIR, SAFE_PRODUCTION, start

# The test database must exist; what these tests look at, they read through connections of their
# own, outside the test's transaction.
pytestmark = pytest.mark.django_db

APPEND_ONLY = [
    "core_issuedpublicid",
    "sources_custodyevent",
    "sources_evidencefile",
    *database.history_tables(),
]


def _privileges(cursor, table: str) -> set[str]:
    cursor.execute(
        "SELECT privilege_type FROM information_schema.role_table_grants "
        "WHERE grantee = %s AND table_name = %s",
        [database.APPLICATION_ROLE, table],
    )
    return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def owner():
    """A connection as the owner of the tables, whose transaction is rolled back at the end."""
    with database.connect(owner=True) as connection:
        yield connection.cursor()
        connection.rollback()


def test_the_application_reads_and_inserts_but_never_rewrites_evidence_or_history(owner):
    assert len(database.history_tables()) >= 7
    for table in APPEND_ONLY:
        # A table without its guards would be granted UPDATE and DELETE: a model tracked later
        # needs core.triggers.append_only() in the migration that creates its history table.
        assert _privileges(owner, table) == {"SELECT", "INSERT"}, table
    assert _privileges(owner, "incidents_correctionnote") == {"SELECT", "INSERT", "DELETE"}
    assert _privileges(owner, "incidents_incident") == {"SELECT", "INSERT", "UPDATE", "DELETE"}


def test_the_application_may_not_truncate_reference_or_add_triggers_anywhere(owner):
    owner.execute(
        "SELECT DISTINCT privilege_type FROM information_schema.role_table_grants "
        "WHERE grantee = %s",
        [database.APPLICATION_ROLE],
    )
    assert {row[0] for row in owner.fetchall()} == {"SELECT", "INSERT", "UPDATE", "DELETE"}


def test_the_application_role_owns_nothing_and_creates_nothing():
    with database.connect() as application:
        assert database_roles.application_role_problems(application.cursor()) == []
        (can_create_temporary,) = application.execute(
            "SELECT has_database_privilege(current_database(), 'TEMPORARY')"
        ).fetchone()
    assert not can_create_temporary


def test_a_table_made_by_a_later_migration_is_only_readable_and_insertable_until_migrate(owner):
    owner.execute("CREATE TABLE incidents_later (id bigint PRIMARY KEY)")
    assert _privileges(owner, "incidents_later") == {"SELECT", "INSERT"}

    database_roles.grant_application_privileges(owner, database.APPLICATION_ROLE)

    assert _privileges(owner, "incidents_later") == {"SELECT", "INSERT", "UPDATE", "DELETE"}


def test_migrate_runs_as_the_owner_and_gives_the_application_its_privileges_again():
    # Someone took a privilege away by hand, and put pgtrigger's own escape hatch back.
    with database.connect(owner=True) as owner:
        owner.execute(
            sql.SQL("REVOKE INSERT ON sources_custodyevent FROM {}").format(
                sql.Identifier(database.APPLICATION_ROLE)
            )
        )
        owner.execute(
            "CREATE OR REPLACE FUNCTION public._pgtrigger_should_ignore(trigger_name NAME) "
            "RETURNS BOOLEAN AS $$ BEGIN RETURN TRUE; END $$ LANGUAGE plpgsql"
        )

    # As an operator deploys: the application's URL and the owner's, and `migrate`.
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_ENV": "development",
            "DATABASE_URL": database.database_url(connection.settings_dict),
            "DATABASE_OWNER_URL": database.database_url(database.owner_settings()),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "Migrated as the owner" in result.stdout
    with database.connect(owner=True) as owner:
        assert _privileges(owner.cursor(), "sources_custodyevent") == {"SELECT", "INSERT"}
    with database.connect() as application:
        assert database_roles.application_role_problems(application.cursor()) == []


# --- Production refuses to start as anyone who could undo the triggers -------------------------


def _serve(database_url: str):
    """Load the WSGI application with a production environment, as gunicorn's workers do."""
    return start(
        {**SAFE_PRODUCTION, "DATABASE_URL": database_url},
        sys.executable,
        "-c",
        "import config.wsgi; print('started')",
    )


def test_production_starts_as_the_application_role():
    result = _serve(database.database_url(connection.settings_dict))
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_refuses_to_start_as_a_superuser():
    result = _serve(database.database_url(database.owner_settings()))
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr
    assert "a superuser, who can switch off every trigger" in result.stderr


def test_production_refuses_to_start_as_the_owner_of_the_tables():
    owner_settings = database.owner_settings()
    role = f"{database.APPLICATION_ROLE}_owner"
    with database.connect(owner=True, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'pw'").format(sql.Identifier(role)))
        try:
            admin.execute("CREATE TABLE owned_by_someone_else (id bigint)")
            admin.execute(
                sql.SQL("ALTER TABLE owned_by_someone_else OWNER TO {}").format(
                    sql.Identifier(role)
                )
            )
            result = _serve(
                database.database_url({**owner_settings, "USER": role, "PASSWORD": "pw"})
            )
        finally:
            admin.execute("DROP TABLE IF EXISTS owned_by_someone_else")
            admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))

    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr
    assert "who owns the register's tables" in result.stderr
    assert "a superuser" not in result.stderr
