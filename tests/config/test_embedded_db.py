"""The embedded PostgreSQL that `make run` and `make test` use when DATABASE_URL is unset."""

from __future__ import annotations

import sys

import psycopg

from config import embedded_db


def test_it_starts_a_server_with_a_database_and_stops_it_cleanly(tmp_path):
    pgdata = tmp_path / "postgres"
    url = embedded_db.start(pgdata, database="scratch")
    try:
        assert embedded_db.is_running(pgdata)
        # A second start finds the running server instead of starting another.
        assert embedded_db.start(pgdata, database="scratch") == url
        with psycopg.connect(url) as connection:
            name, version = connection.execute(
                "SELECT current_database(), current_setting('server_version_num')::int"
            ).fetchone()
            available = {
                row[0]
                for row in connection.execute(
                    "SELECT name FROM pg_available_extensions WHERE name IN ('pg_trgm', 'unaccent')"
                )
            }
        assert name == "scratch"
        assert version >= 160000
        assert available == {"pg_trgm", "unaccent"}
    finally:
        assert embedded_db.stop(pgdata) is True
    assert not embedded_db.is_running(pgdata)
    assert embedded_db.stop(pgdata) is False


def test_run_gives_the_command_a_database_and_stops_the_server_it_started(tmp_path):
    pgdata = tmp_path / "postgres"
    probe = (
        "import os, psycopg; "
        "psycopg.connect(os.environ['DATABASE_URL']).execute('SELECT 1'); "
        "print('connected')"
    )
    assert embedded_db.run([sys.executable, "-c", probe], pgdata=pgdata) == 0
    assert not embedded_db.is_running(pgdata)


def test_run_leaves_running_a_server_it_found_running(tmp_path):
    pgdata = tmp_path / "postgres"
    embedded_db.start(pgdata)
    try:
        assert embedded_db.run([sys.executable, "-c", "pass"], pgdata=pgdata) == 0
        assert embedded_db.is_running(pgdata)
    finally:
        embedded_db.stop(pgdata)
