"""The tests run as the application role, as production does.

The user of DATABASE_URL creates the test database and migrates it, and so owns its tables (it
must be allowed to create databases and roles: the local server's `postgres` superuser, or the
embedded server's). Then, once per session, a role of the tests' own is made and given the
application's privileges by the same code that `migrate` uses in production
(core.database_roles.grant_application_privileges), and Django's connection logs in as that role
from then on. A test that needs the owner connects as the owner itself (`connect(owner=True)`).

`settings.DATABASE_OWNER_URL` names the owner, as in production: `flush` (which ends every test
that commits, and must empty the evidence tables) and `rotate_encryption_keys` connect as the
owner by it. Before the test database exists it is emptied, so that `migrate` never follows a
developer's own DATABASE_OWNER_URL to a real database.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import psycopg
from django.conf import settings
from django.db import connection, connections
from psycopg import sql

from core import database_roles

# One per suite name, so that two suites on one server (TEST_DB_SUFFIX) keep their own.
APPLICATION_ROLE = "incident_register_app_test" + (
    f"_{os.environ['TEST_DB_SUFFIX']}" if os.environ.get("TEST_DB_SUFFIX") else ""
)

_owner: dict[str, Any] = {}


def database_url(settings_dict: dict[str, Any]) -> str:
    """A URL for the connection settings `settings_dict` (a host or a socket directory)."""
    query = {
        "host": settings_dict["HOST"],
        "port": settings_dict["PORT"],
        **settings_dict["OPTIONS"],
    }
    query = {key: value for key, value in query.items() if value}
    user = quote(settings_dict["USER"], safe="")
    if settings_dict["PASSWORD"]:
        user += ":" + quote(settings_dict["PASSWORD"], safe="")
    return f"postgres://{user}@/{quote(settings_dict['NAME'])}?{urlencode(query)}"


def forget_the_owner() -> None:
    settings.DATABASE_OWNER_URL = ""


def use_application_role() -> None:
    """Make the application role of the tests and log Django's connection in as it.

    Nothing happens when no test of the session asked for the database: the connection then
    still names DATABASE_URL's own database, which is never to be touched.
    """
    owner = dict(connection.settings_dict)
    if owner["NAME"] != owner["TEST"]["NAME"]:
        return
    password = secrets.token_urlsafe(24)
    with psycopg.connect(database_url(owner), autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_roles WHERE rolname = %s", [APPLICATION_ROLE]
        ).fetchone()
        verb = "ALTER" if exists else "CREATE"
        admin.execute(
            sql.SQL(verb + " ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}").format(
                sql.Identifier(APPLICATION_ROLE), sql.Literal(password)
            )
        )
        with admin.transaction(), admin.cursor() as cursor:
            database_roles.grant_application_privileges(cursor, APPLICATION_ROLE)
    _owner.update(owner)
    settings.DATABASE_OWNER_URL = database_url(owner)
    for alias in connections:
        connections[alias].close()
    connection.settings_dict.update(USER=APPLICATION_ROLE, PASSWORD=password)


def stop_using_application_role() -> None:
    """Log Django's connection in as the owner again (who drops the test database), and remove
    the application role."""
    if not _owner:
        return
    for alias in connections:
        connections[alias].close()
    connection.settings_dict.update(USER=_owner["USER"], PASSWORD=_owner["PASSWORD"])
    settings.DATABASE_OWNER_URL = ""
    with psycopg.connect(database_url(_owner), autocommit=True) as admin:
        role = sql.Identifier(APPLICATION_ROLE)
        admin.execute(sql.SQL("DROP OWNED BY {}").format(role))
        # Privileges in another test database (kept with --reuse-db): the role stays for it.
        with contextlib.suppress(psycopg.errors.DependentObjectsStillExist):
            admin.execute(sql.SQL("DROP ROLE {}").format(role))


def owner_settings() -> dict[str, Any]:
    """The connection settings of the owner of the test database."""
    return dict(_owner)


def history_tables() -> list[str]:
    """The tables of django-pghistory's history rows, as the models declare them, so that a
    model tracked later is checked too."""
    from django.apps import apps
    from pghistory.models import Event

    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, Event) and not model._meta.proxy
    )


def connect(*, owner: bool = False, autocommit: bool = False) -> psycopg.Connection:
    """A connection of its own to the test database, as the application role or the owner,
    outside Django: for tests about the database itself."""
    if not _owner:
        raise RuntimeError("No test database was set up; mark the test with django_db.")
    settings_dict = _owner if owner else connection.settings_dict
    return psycopg.connect(database_url(settings_dict), autocommit=autocommit)


def owner_url(name: str | None = None, *, user: str | None = None) -> str:
    """The URL of the test database, or of database `name` on the same server, as the owner of
    the test database (or as `user`, with no password): for commands and servers the tests run in
    processes of their own, and for the databases they make."""
    settings_dict = dict(_owner or connection.settings_dict)
    settings_dict["NAME"] = name or settings_dict["NAME"]
    if user is not None:
        settings_dict.update(USER=user, PASSWORD="")
    return database_url(settings_dict)


def server_admin() -> psycopg.Connection:
    """A connection to the test database's server as its owner, for making and dropping
    databases and roles."""
    return psycopg.connect(owner_url("postgres"), autocommit=True)


@contextlib.contextmanager
def new_database(owner: str | None = None) -> Iterator[str]:
    """The name of a new, empty database on the test database's server (owned by `owner`),
    dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_new_{secrets.token_hex(3)}"
    create = sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name))
    if owner:
        create += sql.SQL(" OWNER {}").format(sql.Identifier(owner))
    with server_admin() as admin:
        admin.execute(create)
    try:
        yield name
    finally:
        with server_admin() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
