"""The two database roles of a production register: the owner and the application.

The **owner** (`DATABASE_OWNER_URL`) owns the tables and runs the migrations. The **application
role** (`DATABASE_URL`) is what the site, the API and the commands connect as: it owns nothing,
may create nothing, and may write only what the register writes. On the tables whose rows the
guards of core/triggers.py keep (evidence files, custody events, history, issued ids) it may only
read and insert; it may never TRUNCATE, reference or add triggers anywhere. So the guards hold
against it: a trigger can be dropped or disabled only by the owner of its table.

Without `DATABASE_OWNER_URL` (development, the embedded server) one role does everything, as
before; the guards still hold against it, unless it lifts them as the owner it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from core import triggers

# What the application role may do on a table, before the guards take some of it away.
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
# What it may do on a table created by a later migration, until `migrate` grants the rest: the
# safe side, so that a new append-only table is never writable in between.
DEFAULT_TABLE_PRIVILEGES = ("SELECT", "INSERT")


def owner_settings(url: str) -> dict[str, Any]:
    """The connection settings (Django's DATABASES form) of the owner's URL, read by libpq's own
    rules, as the connection itself will read them."""
    params = conninfo_to_dict(url)
    return {
        "NAME": params.pop("dbname", ""),
        "USER": params.pop("user", ""),
        "PASSWORD": params.pop("password", ""),
        "HOST": params.pop("host", ""),
        "PORT": params.pop("port", ""),
        "OPTIONS": params,
    }


@contextmanager
def as_owner(using: str = DEFAULT_DB_ALIAS) -> Iterator[bool]:
    """Run the block with connection `using` logged in as the owner (`DATABASE_OWNER_URL`), and
    as the application again afterwards. Without that setting the application's connection is
    the owner, and nothing changes. Yields whether the role changed.

    Only the connection of this thread changes: a server thread of the same process keeps the
    application role. A transaction cannot change roles half-way, so this refuses inside one.
    """
    url = settings.DATABASE_OWNER_URL
    if not url:
        yield False
        return
    connection = connections[using]
    if connection.in_atomic_block:
        raise RuntimeError("The database role cannot change inside a transaction.")
    application = connection.settings_dict
    connection.close()
    connection.settings_dict = {**application, **owner_settings(url)}
    try:
        yield True
    finally:
        connection.close()
        connection.settings_dict = application


def grant_application_privileges(cursor, role: str) -> None:
    """(Re)apply, as the owner, everything the application role `role` may do in the current
    schema, taking away whatever it held before. Run it in a transaction: nobody then sees the
    role between its old privileges and its new ones.

    The privileges on each table follow its guards: SELECT and INSERT everywhere, UPDATE and
    DELETE where no guard refuses them. Tables created later get SELECT and INSERT only (default
    privileges) until the next `migrate` grants the rest.
    """
    role_name = sql.Identifier(role)
    cursor.execute("SELECT current_schema(), current_database()")
    schema, database = (sql.Identifier(name) for name in cursor.fetchone())
    refused = triggers.refused_operations(cursor)
    for statement in (
        "REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        "REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON TABLES FROM {role}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON SEQUENCES FROM {role}",
        "GRANT CONNECT ON DATABASE {database} TO {role}",
        "GRANT USAGE ON SCHEMA {schema} TO {role}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT "
        + ", ".join(DEFAULT_TABLE_PRIVILEGES)
        + " ON TABLES TO {role}",
        # A temporary table named like one of the register's would be written instead of it by
        # the history triggers, which name their tables without a schema. Whoever else holds
        # TEMPORARY keeps it; only PUBLIC's grant is taken back (by the database's owner: for
        # another owner this changes nothing, and the application refuses to start).
        "REVOKE TEMPORARY ON DATABASE {database} FROM PUBLIC",
        "REVOKE TEMPORARY ON DATABASE {database} FROM {role}",
    ):
        cursor.execute(sql.SQL(statement).format(schema=schema, database=database, role=role_name))
    cursor.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = to_regnamespace(current_schema()) "
        "AND relkind IN ('r', 'p', 'v', 'm') ORDER BY relname"
    )
    for (table,) in cursor.fetchall():
        privileges = [p for p in TABLE_PRIVILEGES if p not in refused.get(table, set())]
        cursor.execute(
            sql.SQL("GRANT {privileges} ON TABLE {schema}.{table} TO {role}").format(
                privileges=sql.SQL(", ").join(sql.SQL(p) for p in privileges),
                schema=schema,
                table=sql.Identifier(table),
                role=role_name,
            )
        )


def application_role_problems(cursor) -> list[str]:
    """What makes the role of `cursor`'s connection unfit to run the application, one sentence
    each; empty when it holds only what `grant_application_privileges` gives."""
    cursor.execute(
        """
        SELECT current_user, rolsuper, rolcreaterole,
            has_schema_privilege(current_schema(), 'CREATE')
                OR has_database_privilege(current_database(), 'CREATE'),
            has_database_privilege(current_database(), 'TEMPORARY'),
            EXISTS (
                SELECT 1 FROM pg_class
                WHERE relnamespace = to_regnamespace(current_schema()) AND relkind IN ('r', 'p')
                  AND pg_has_role(current_user, relowner, 'MEMBER')
            )
        FROM pg_roles WHERE rolname = current_user
        """
    )
    role, superuser, creates_roles, creates_objects, temporary, owns = cursor.fetchone()
    problems = []
    if superuser:
        problems.append(
            f"DATABASE_URL connects as {role}, a superuser, who can switch off every trigger "
            "that keeps the evidence; connect as the application role (docs/deployment.md)."
        )
    elif owns:
        problems.append(
            f"DATABASE_URL connects as {role}, who owns the register's tables (or belongs to "
            "the role that does) and can drop the triggers that keep the evidence; give the "
            "owner to DATABASE_OWNER_URL and connect as the application role "
            "(docs/deployment.md)."
        )
    if creates_roles and not superuser:
        problems.append(
            f"DATABASE_URL connects as {role}, who may create roles, and so could make itself a "
            "member of the owner; remove CREATEROLE."
        )
    if creates_objects and not superuser:
        problems.append(
            f"DATABASE_URL connects as {role}, who may create objects in the database; revoke "
            "CREATE on the database and the schema."
        )
    if temporary and not superuser:
        problems.append(
            f"DATABASE_URL connects as {role}, who may create temporary tables, which could "
            "stand in for the history tables; revoke TEMPORARY on the database (from PUBLIC "
            "too)."
        )
    if not triggers.pgtrigger_ignore_is_for_owners_only(cursor):
        problems.append(
            "Any session may skip the history triggers (pgtrigger.ignore); run "
            "`python manage.py migrate`, which lets only the owner do so."
        )
    disabled = triggers.disabled_guards(cursor)
    if disabled:
        problems.append(
            "Triggers that keep the evidence and the history are disabled: "
            + ", ".join(f"{table}.{name}" for table, name in disabled)
            + "; enable them (ALTER TABLE ... ENABLE TRIGGER ...) and run verify_evidence."
        )
    return problems


def refuse_unsafe_application_role(using: str = DEFAULT_DB_ALIAS) -> None:
    """Stop a production process whose database role could undo what the triggers keep."""
    connection = connections[using]
    try:
        with connection.cursor() as cursor:
            problems = application_role_problems(cursor)
    finally:
        connection.close()
    if problems:
        raise ImproperlyConfigured("Refusing to start in production:\n- " + "\n- ".join(problems))
