"""Triggers that keep evidence and history as they were written, whoever connects.

They are plain PL/pgSQL created by migrations, and they read no session setting. The triggers
django-pgtrigger generates skip themselves in any session that sets `pgtrigger.ignore`, which
every role may set; these cannot be switched off by what a session sets, only by the owner of the
table dropping or disabling them (docs/security.md, "What the database itself guarantees").

Each guard is named for what it guarantees and carries that sentence as its comment, which is
also what it says when it refuses:

- `append_only` refuses UPDATE and DELETE of any row (custody events, history, issued ids);
- `never_changes` / `never_deleted` refuse UPDATE / DELETE alone (evidence files, correction notes);
- `never_emptied` refuses TRUNCATE, which fires no row trigger.

The application role's privileges follow the guards (core.database_roles): a table whose rows no
UPDATE may touch is not granted UPDATE either.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import migrations

REFUSE_FUNCTION = "register_refuse"

REFUSE_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {REFUSE_FUNCTION}() RETURNS trigger AS $$
BEGIN
    -- TG_ARGV[0] is the guarantee the trigger keeps, as a sentence.
    RAISE EXCEPTION '% refused on %: %', TG_OP, TG_TABLE_NAME, TG_ARGV[0]
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
"""

# The trigger type bits of pg_trigger.tgtype (PostgreSQL's include/catalog/pg_trigger.h).
_TYPE_DELETE = 1 << 3
_TYPE_UPDATE = 1 << 4
_TYPE_TRUNCATE = 1 << 5


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def refuse_function() -> migrations.RunSQL:
    """The one function every guard calls; created before the first guard."""
    return migrations.RunSQL(
        sql=REFUSE_FUNCTION_SQL, reverse_sql=f"DROP FUNCTION IF EXISTS {REFUSE_FUNCTION}();"
    )


def guard(table: str, *, name: str, refuses: str, guarantee: str) -> migrations.RunSQL:
    """A trigger `name` on `table` that refuses `refuses` ("UPDATE", "DELETE", "UPDATE OR
    DELETE" or "TRUNCATE") with the sentence `guarantee`, which is also its comment."""
    level = "STATEMENT" if refuses == "TRUNCATE" else "ROW"
    return migrations.RunSQL(
        sql=f"""
            CREATE TRIGGER {name} BEFORE {refuses} ON {table} FOR EACH {level}
                EXECUTE FUNCTION {REFUSE_FUNCTION}({_literal(guarantee)});
            COMMENT ON TRIGGER {name} ON {table} IS {_literal(guarantee)};
        """,
        reverse_sql=f"DROP TRIGGER IF EXISTS {name} ON {table};",
    )


def never_emptied(table: str, what: str) -> migrations.RunSQL:
    return guard(
        table,
        name="never_emptied",
        refuses="TRUNCATE",
        guarantee=f"{what} are never emptied in bulk.",
    )


def append_only(table: str, what: str) -> list[migrations.RunSQL]:
    """`table` keeps every row as it was inserted: no UPDATE, DELETE or TRUNCATE."""
    return [
        guard(
            table,
            name="append_only",
            refuses="UPDATE OR DELETE",
            guarantee=f"{what} are append-only: a row, once written, is never changed or removed.",
        ),
        never_emptied(table, what),
    ]


# --- Lifting guards, for the owner only ---------------------------------------------------------


def _guards(cursor, *, type_bits: int, tables: Sequence[str] | None = None) -> list[tuple]:
    cursor.execute(
        """
        SELECT c.relname, t.tgname
        FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = to_regnamespace(current_schema())
          AND t.tgfoid = to_regproc(%s)
          AND t.tgtype & %s <> 0
          AND (%s::text[] IS NULL OR c.relname = ANY(%s::text[]))
        ORDER BY c.relname, t.tgname
        """,
        [REFUSE_FUNCTION, type_bits, tables, tables],
    )
    return cursor.fetchall()


@contextmanager
def _lifted(cursor, guards: list[tuple]) -> Iterator[None]:
    # ALTER TABLE is transactional and locks the table until the end of the transaction, so no
    # other session ever sees a guard lifted. On an error the rollback puts the guards back.
    for table, name in guards:
        cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"')
    yield
    for table, name in guards:
        cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"')


@contextmanager
def truncate_guards_lifted(cursor) -> Iterator[None]:
    """Let the current transaction empty tables in bulk (`manage.py flush` on a development or
    test database). Only the owner of the tables may; call it inside a transaction."""
    with _lifted(cursor, _guards(cursor, type_bits=_TYPE_TRUNCATE)):
        yield


@contextmanager
def row_guards_lifted(cursor, tables: Sequence[str]) -> Iterator[None]:
    """Let the current transaction change or remove rows of `tables` (re-encrypting history under
    a new key). Only the owner of the tables may; call it inside a transaction."""
    guards = _guards(cursor, type_bits=_TYPE_UPDATE | _TYPE_DELETE, tables=list(tables))
    with _lifted(cursor, guards):
        yield


def refused_operations(cursor) -> dict[str, set[str]]:
    """{table: {"UPDATE", "DELETE"}...}: what the guards refuse on each table's rows."""
    refused: dict[str, set[str]] = {}
    for table, tgtype in _row_guard_types(cursor):
        if tgtype & _TYPE_UPDATE:
            refused.setdefault(table, set()).add("UPDATE")
        if tgtype & _TYPE_DELETE:
            refused.setdefault(table, set()).add("DELETE")
    return refused


def disabled_guards(cursor) -> list[tuple[str, str]]:
    """(table, trigger) of every guard switched off (ALTER TABLE ... DISABLE TRIGGER)."""
    cursor.execute(
        """
        SELECT c.relname, t.tgname
        FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = to_regnamespace(current_schema())
          AND t.tgfoid = to_regproc(%s) AND t.tgenabled = 'D'
        ORDER BY c.relname, t.tgname
        """,
        [REFUSE_FUNCTION],
    )
    return cursor.fetchall()


def _row_guard_types(cursor) -> list[tuple[str, int]]:
    cursor.execute(
        """
        SELECT c.relname, t.tgtype
        FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = to_regnamespace(current_schema())
          AND t.tgfoid = to_regproc(%s)
        """,
        [REFUSE_FUNCTION],
    )
    return cursor.fetchall()


# --- django-pgtrigger's escape hatch, for owners only ------------------------------------------

# django-pgtrigger's triggers (the history triggers of django-pghistory, the incident's search
# vector) call this function first and do nothing when it says so; as pgtrigger installs it, it
# believes `SET LOCAL pgtrigger.ignore` from any session. This version believes it only from a
# role that could disable the trigger anyway: the owner of its table (or a superuser). Every
# migration that installs a pgtrigger trigger puts pgtrigger's version back, so `migrate`
# installs this one again after migrating (core/management/commands/migrate.py).
PGTRIGGER_IGNORE_FUNCTION = "public._pgtrigger_should_ignore(name)"
# A line of the function's body, by which a check tells this version from pgtrigger's (a COMMENT
# would outlive pgtrigger's CREATE OR REPLACE).
PGTRIGGER_IGNORE_MARK = "-- Believed only from the owner of the trigger's table."
PGTRIGGER_IGNORE_SQL = f"""
CREATE OR REPLACE FUNCTION public._pgtrigger_should_ignore(trigger_name NAME) RETURNS BOOLEAN AS $$
DECLARE
    _ignore TEXT[];
BEGIN
    BEGIN
        SELECT INTO _ignore CURRENT_SETTING('pgtrigger.ignore');
    EXCEPTION WHEN OTHERS THEN
    END;
    IF _ignore IS NULL OR NOT trigger_name = ANY(_ignore) THEN
        RETURN FALSE;
    END IF;
    {PGTRIGGER_IGNORE_MARK}
    RETURN NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
        WHERE t.tgname = trigger_name
          AND NOT pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE')
    );
END
$$ LANGUAGE plpgsql;
"""


def believe_pgtrigger_ignore_from_owners_only(cursor) -> None:
    cursor.execute(PGTRIGGER_IGNORE_SQL)


def pgtrigger_ignore_is_for_owners_only(cursor) -> bool:
    """True unless pgtrigger's own version of the function is installed (no function at all
    means no pgtrigger trigger either)."""
    cursor.execute(
        "SELECT prosrc FROM pg_proc WHERE oid = to_regprocedure(%s)", [PGTRIGGER_IGNORE_FUNCTION]
    )
    row = cursor.fetchone()
    return row is None or PGTRIGGER_IGNORE_MARK in row[0]


# --- Public ids ---------------------------------------------------------------------------------

REGISTER_PUBLIC_ID_FUNCTION = """
CREATE OR REPLACE FUNCTION core_register_public_id() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.public_id IS DISTINCT FROM OLD.public_id THEN
            RAISE EXCEPTION 'public_id of % cannot change (% -> %)', TG_TABLE_NAME,
                OLD.public_id, NEW.public_id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    -- A unique violation here means the id was issued before, possibly to a deleted record.
    INSERT INTO core_issuedpublicid (value, issued_at) VALUES (NEW.public_id, now());
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def register_public_ids(table: str) -> migrations.RunSQL:
    """Record every public id of `table` in the registry and forbid changing it afterwards."""
    trigger = f"{table}_register_public_id"
    return migrations.RunSQL(
        sql=f"""
            CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE OF public_id ON {table}
            FOR EACH ROW EXECUTE FUNCTION core_register_public_id();
        """,
        reverse_sql=f"DROP TRIGGER IF EXISTS {trigger} ON {table};",
    )
