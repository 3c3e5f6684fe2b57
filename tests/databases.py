"""The test database as a URL, for commands and servers the tests run in processes of their own."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, urlencode

import psycopg
from django.db import connection
from psycopg import sql


def database_url(name: str | None = None, *, user: str | None = None) -> str:
    """The URL of the test database (or of database `name` on the same server, reached as
    `user`), a host or a socket directory alike."""
    db = connection.settings_dict
    query = {"host": db["HOST"], "port": db["PORT"], **db["OPTIONS"]}
    query = {key: value for key, value in query.items() if value}
    if user is not None:
        credentials = quote(user)
    else:
        credentials = quote(db["USER"]) + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    return f"postgres://{credentials}@/{quote(name or db['NAME'])}?{urlencode(query)}"


def server_admin() -> psycopg.Connection:
    """A connection to the test database's server, as the tests' own user, for making and
    dropping databases and roles."""
    return psycopg.connect(database_url("postgres"), autocommit=True)


@contextmanager
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
