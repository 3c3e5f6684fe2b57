"""Backups of the register, and restoring one onto a new server.

A backup is a directory that only its owner may read, holding:

- `database.dump`: the whole database as pg_dump writes it (custom format);
- `files/`: a copy of every evidence file under its stored name (`files/evidence/ab/ab12...`);
- `manifest.json`: when it was made, the schema it holds (the latest migration of each app),
  the dump's size and SHA-256, each evidence file's size and SHA-256 as the database records
  them and as they were read while copying, and the fingerprints of the encryption keys that
  open its encrypted values.

The dump, the list of evidence files and the encrypted values are read in one snapshot of the
database, so the three agree whatever is written meanwhile. The encryption keys never enter a
backup: whoever steals one reads no witness's name, and whoever restores one needs the keys,
kept apart (docs/deployment.md, "Backups").
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import psycopg
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.template.defaultfilters import filesizeformat, pluralize

from core import database_roles, pg_client, uploads
from core.fields import encrypted_columns, field_fernet, key_fingerprint
from core.uploads import CHUNK_SIZE
from sources.models import EvidenceFile

FORMAT = "incident-register-backup"
VERSION = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
FILES = "files"

INTACT, ALTERED, MISSING, UNREADABLE, UNSAFE_NAME = (
    "intact",
    "altered",
    "missing",
    "unreadable",
    "unsafe-name",
)
_STATUSES = {INTACT, ALTERED, MISSING, UNREADABLE, UNSAFE_NAME}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BackupRefused(Exception):
    """Why a backup or a restore cannot go ahead, in words an operator can act on."""


# --- Making a backup ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Backup:
    """A backup as written: where, its manifest, the manifest's own SHA-256, and what went
    wrong while it was made (the manifest lists the same)."""

    directory: Path
    manifest: dict[str, Any]
    manifest_sha256: str
    problems: list[str]


def backup_write(destination: Path) -> Backup:
    """Write a backup of the database and the evidence files into `destination`, a directory
    that must not exist yet or be empty.

    A problem with the evidence (a file missing or altered in storage, a value no key opens)
    does not stop it: the backup holds what could be read, its manifest marks each problem, and
    the problems are returned for the caller to report.
    """
    database = pg_client.owner_database()
    _make_destination(destination)
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    try:
        with database.connect() as db:
            # One snapshot for everything read here and for pg_dump, which takes it over.
            db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot, role, taken_at, server = db.execute(
                "SELECT pg_export_snapshot(), current_user, now(), "
                "current_setting('server_version')"
            ).fetchone()
            with db.cursor() as cursor:
                migrations = _latest_migrations(cursor)
                recorded = _evidence_rows(cursor)
                key_counts, undecryptable = _key_usage(cursor, keys)
            dump = _dump(database, snapshot, destination / DUMP)
    except psycopg.Error as error:
        raise pg_client.ClientError(
            f"Reading database {database.name!r} ({database.setting}) failed: {error}"
        ) from None
    (destination / FILES).mkdir(mode=0o700)
    os.chmod(destination / FILES, 0o700)
    files = _copy_evidence(recorded, Path(settings.MEDIA_ROOT), destination / FILES)
    problems = [_file_problem(entry) for entry in files if entry["status"] != INTACT]
    if undecryptable:
        problems.append(
            f"{len(undecryptable)} encrypted value{pluralize(undecryptable)} open with none of "
            "the keys in FIELD_ENCRYPTION_KEYS: " + ", ".join(undecryptable)
        )
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "made_at": taken_at.isoformat(),
        "complete": not problems,
        "problems": problems,
        "database": {
            "name": database.name,
            "role": role,
            "server_version": server,
            "migrations": migrations,
        },
        "dump": dump,
        "encryption_keys": [
            {"position": position, "fingerprint": key_fingerprint(key), "values": count}
            for position, (key, count) in enumerate(zip(keys, key_counts, strict=True), start=1)
        ],
        "undecryptable_values": undecryptable,
        "evidence_files": files,
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n"
    _write_private(destination / MANIFEST, text)
    _fsync_directory(destination)
    return Backup(destination, manifest, hashlib.sha256(text).hexdigest(), problems)


def _make_destination(destination: Path) -> None:
    if destination.is_symlink() or (destination.exists() and not destination.is_dir()):
        raise BackupRefused(f"{destination} exists and is not a directory.")
    if destination.exists():
        if any(destination.iterdir()):
            raise BackupRefused(
                f"{destination} is not empty; a backup is written only into a new or empty "
                "directory, so that nothing in it is overwritten."
            )
    elif not destination.parent.is_dir():
        raise BackupRefused(f"{destination.parent} does not exist; create it first.")
    else:
        destination.mkdir(mode=0o700)
    os.chmod(destination, 0o700)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _latest_migrations(cursor) -> dict[str, str]:
    cursor.execute(
        "SELECT DISTINCT ON (app) app, name FROM django_migrations "
        "ORDER BY app, applied DESC, id DESC"
    )
    return dict(cursor.fetchall())


def _evidence_rows(cursor) -> list[tuple[int, str, str, int]]:
    meta = EvidenceFile._meta
    columns = ", ".join(_quoted(meta.get_field(name).column) for name in _EVIDENCE_COLUMNS)
    cursor.execute(f"SELECT {columns} FROM {_quoted(meta.db_table)} ORDER BY 1")
    return cursor.fetchall()


_EVIDENCE_COLUMNS = ("id", "file", "sha256", "size")


def _encrypted_tokens(cursor) -> Iterator[tuple[str, str, object, str]]:
    """(table, column, row id, token) for every stored encrypted value, history included."""
    for table, key, columns in encrypted_columns():
        quoted = ", ".join(_quoted(column) for column in columns)
        cursor.execute(f"SELECT {_quoted(key)}, {quoted} FROM {_quoted(table)} ORDER BY 1")
        for row_id, *tokens in cursor.fetchall():
            for column, token in zip(columns, tokens, strict=True):
                if token:
                    yield table, column, row_id, token


def _key_usage(cursor, keys: list[str]) -> tuple[list[int], list[str]]:
    """How many values each key opens (the first key that opens a value counts it), and the
    values that none opens."""
    fernets = [Fernet(key.encode()) for key in keys]
    counts = [0] * len(keys)
    undecryptable = []
    for table, column, row_id, token in _encrypted_tokens(cursor):
        for position, fernet in enumerate(fernets):
            try:
                fernet.decrypt(token.encode())
            except InvalidToken:
                continue
            counts[position] += 1
            break
        else:
            undecryptable.append(f"{table}.{column} row {row_id}")
    return counts, undecryptable


def _dump(database: pg_client.Database, snapshot: str, path: Path) -> dict[str, Any]:
    # Planner statistics stay out: an older server cannot load them, and ANALYZE rebuilds them.
    with _open_private(path) as output:
        pg_client.run(
            "pg_dump",
            [
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-statistics",
                f"--dbname={database.conninfo()}",
            ],
            database=database,
            stdout=output,
        )
        output.flush()
        os.fsync(output.fileno())
    size, sha256 = _measure(path)
    return {
        "file": DUMP,
        "format": "custom",
        "size": size,
        "sha256": sha256,
        "made_by": pg_client.version("pg_dump"),
    }


def _copy_evidence(
    recorded: Iterable[tuple[int, str, str, int]], media_root: Path, files: Path
) -> list[dict[str, Any]]:
    entries = []
    for pk, name, sha256, size in recorded:
        entry: dict[str, Any] = {
            "id": pk,
            "name": name,
            "recorded": {"size": size, "sha256": sha256},
            "copied": None,
        }
        if not safe_name(name):
            entry["status"] = UNSAFE_NAME
        else:
            try:
                reader = (media_root / name).open("rb")
            except FileNotFoundError:
                entry["status"] = MISSING
            except OSError as error:
                entry["status"], entry["error"] = UNREADABLE, error.strerror
            else:
                with reader:
                    entry["copied"] = _copy_private(reader, files, name)
                entry["status"] = INTACT if entry["copied"] == entry["recorded"] else ALTERED
        entries.append(entry)
    return entries


def _file_problem(entry: dict[str, Any]) -> str:
    where = f"evidence file {entry['id']} ({entry['name']})"
    recorded = entry["recorded"]["sha256"]
    if entry["status"] == MISSING:
        return f"{where} is missing from storage; the backup holds no copy of it."
    if entry["status"] == UNREADABLE:
        return f"{where} cannot be read ({entry['error']}); the backup holds no copy of it."
    if entry["status"] == UNSAFE_NAME:
        return f"{where} has a stored name that does not lie inside MEDIA_ROOT; it was not copied."
    return (
        f"{where} differs from its record: recorded SHA-256 {recorded}, read "
        f"{entry['copied']['sha256']}; the backup holds the bytes as read."
    )


# --- Files -------------------------------------------------------------------------------------


def safe_name(name: object) -> bool:
    """Whether a stored name is a plain relative path inside private storage, outside the
    incoming area: never absolute, never climbing out with "..", never empty."""
    if not isinstance(name, str) or not name or "\\" in name or "\0" in name:
        return False
    path = PurePosixPath(name)
    if path.is_absolute() or path.as_posix() != name:
        return False
    return all(part not in {"", ".", ".."} for part in path.parts) and (
        path.parts[0] != uploads.INCOMING
    )


def _open_private(path: Path, mode: int = 0o600):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    os.fchmod(fd, mode)
    return os.fdopen(fd, "wb")


def _write_private(path: Path, data: bytes) -> None:
    with _open_private(path) as output:
        output.write(data)
        output.flush()
        os.fsync(output.fileno())


def _make_directories(root: Path, relative: PurePosixPath, mode: int) -> Path:
    """`root`/`relative`, creating each missing directory with exactly `mode`."""
    here = root
    for part in relative.parts:
        here = here / part
        if not here.is_dir():
            here.mkdir(mode=mode)
            os.chmod(here, mode)
    return here


def _copy_private(
    reader: BinaryIO, root: Path, name: str, *, mode: int = 0o600, directory_mode: int = 0o700
) -> dict[str, Any]:
    """Copy what `reader` holds to `root`/`name`, never replacing a file, and return the size
    and SHA-256 of the bytes copied."""
    path = (
        _make_directories(root, PurePosixPath(name).parent, directory_mode)
        / PurePosixPath(name).name
    )
    digest, size = hashlib.sha256(), 0
    with _open_private(path, mode) as writer:
        try:
            while chunk := reader.read(CHUNK_SIZE):
                writer.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            writer.flush()
            os.fsync(writer.fileno())
        except BaseException:
            path.unlink()  # a part of a file, which this call created: never taken for a copy
            raise
    return {"size": size, "sha256": digest.hexdigest()}


def _measure(path: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as reader:
        while chunk := reader.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _files_under(root: Path) -> list[str]:
    """Every file (and link) beneath `root`, as relative names."""
    found = []
    for directory, subdirectories, names in os.walk(root):
        here = Path(directory)
        links = [name for name in subdirectories if (here / name).is_symlink()]
        found += [(here / name).relative_to(root).as_posix() for name in names + links]
    return sorted(found)


def _some(names: list[str], shown: int = 5) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


# --- Reading a backup --------------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    """A backup's manifest, read and checked for shape."""

    directory: Path
    data: dict[str, Any]
    sha256: str

    @property
    def dump(self) -> dict[str, Any]:
        return self.data["dump"]

    @property
    def files(self) -> list[dict[str, Any]]:
        return self.data["evidence_files"]

    @property
    def copied_files(self) -> list[dict[str, Any]]:
        return [entry for entry in self.files if entry["copied"] is not None]

    def needed_keys(self) -> list[dict[str, Any]]:
        return [key for key in self.data["encryption_keys"] if key["values"] > 0]


def manifest_read(directory: Path) -> Manifest:
    """The manifest of the backup in `directory`; BackupRefused if there is none or it is not
    a manifest this version can read."""
    path = directory / MANIFEST
    if not directory.is_dir():
        raise BackupRefused(f"{directory} is not a directory.")
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise BackupRefused(
            f"{directory} holds no {MANIFEST}: it is not a backup, or its writing did not finish."
        ) from None
    try:
        data = json.loads(text)
        _check_manifest(data)
    except KeyError as error:
        raise BackupRefused(f"{path} is not a backup manifest: it has no {error}.") from None
    except (ValueError, TypeError) as error:
        raise BackupRefused(
            f"{path} is not a backup manifest this version can read: {error}."
        ) from None
    return Manifest(directory, data, hashlib.sha256(text).hexdigest())


def _check_manifest(data: Any) -> None:
    def need(condition: bool, what: str) -> None:
        if not condition:
            raise ValueError(what)

    need(isinstance(data, dict) and data.get("format") == FORMAT, f"format is not {FORMAT!r}")
    need(data.get("version") == VERSION, f"version {data.get('version')!r} is not {VERSION}")
    need(isinstance(data["made_at"], str), "the time it was made is not text")
    dump = data["dump"]
    need(dump["file"] == DUMP and _is_measure(dump), "the dump's size or SHA-256 is not valid")
    need(isinstance(data["database"]["migrations"], dict), "the schema is not a mapping")
    for key in data["encryption_keys"]:
        need(isinstance(key["position"], int), "a key's position is not a number")
        need(isinstance(key["fingerprint"], str), "a key fingerprint is not text")
        need(isinstance(key["values"], int), "a key's count of values is not a number")
    for entry in data["evidence_files"]:
        need(safe_name(entry["name"]), f"{entry['name']!r} is not a name inside MEDIA_ROOT")
        need(_is_measure(entry["recorded"]), f"{entry['name']}: the recorded hash is not valid")
        copied = entry["copied"]
        need(copied is None or _is_measure(copied), f"{entry['name']}: the copy's hash is invalid")
        need(entry["status"] in _STATUSES, f"{entry['name']}: unknown status")
    names = [entry["name"] for entry in data["evidence_files"]]
    need(len(names) == len(set(names)), "an evidence file is listed twice")


def _is_measure(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("size"), int)
        and isinstance(value.get("sha256"), str)
        and bool(_SHA256.match(value["sha256"]))
    )


def incompleteness(manifest: Manifest) -> list[str]:
    """What the backup lacks, as its manifest says: files missing or altered when it was made,
    values no key opened."""
    problems = list(manifest.data.get("problems") or [])
    if not manifest.data.get("complete") and not problems:
        problems = ["its manifest says it is incomplete."]
    return problems


def missing_keys(manifest: Manifest, configured: list[str]) -> list[str]:
    """The backup's keys that FIELD_ENCRYPTION_KEYS lacks, each named by its fingerprint."""
    have = {key_fingerprint(key) for key in configured}
    return [
        f"key {key['position']} of the backup, fingerprint {key['fingerprint']} "
        f"(it opens {key['values']} values)"
        for key in manifest.needed_keys()
        if key["fingerprint"] not in have
    ]


def unknown_migrations(manifest: Manifest) -> list[str]:
    """Migrations the backup's schema has and this version of the code does not know."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.graph.nodes)
    for replacement in loader.replacements.values():
        known.update(replacement.replaces)
    return [
        f"{app}.{name}"
        for app, name in sorted(manifest.data["database"]["migrations"].items())
        if (app, name) not in known
    ]


def contents_problems(manifest: Manifest) -> list[str]:
    """Every way the backup's files differ from its manifest: the dump and each evidence file
    re-hashed, and any file the manifest does not list."""
    problems = []
    dump = manifest.directory / DUMP
    if not dump.is_file():
        problems.append(f"{DUMP} is missing.")
    elif _measure(dump) != (manifest.dump["size"], manifest.dump["sha256"]):
        problems.append(f"{DUMP} differs from the size and SHA-256 in the manifest.")
    files = manifest.directory / FILES
    for entry in manifest.copied_files:
        path = files / entry["name"]
        if not path.is_file():
            problems.append(f"evidence file {entry['name']} is missing from the backup.")
        elif _measure(path) != (entry["copied"]["size"], entry["copied"]["sha256"]):
            problems.append(
                f"evidence file {entry['name']} differs from the size and SHA-256 in the manifest."
            )
    listed = {entry["name"] for entry in manifest.copied_files}
    on_disk = _files_under(files) if files.is_dir() else []
    unlisted = [name for name in on_disk if name not in listed]
    if unlisted:
        problems.append(f"the backup holds files its manifest does not list: {_some(unlisted)}.")
    return problems


# --- Restoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where a backup goes: an empty database (reached as its owner) and an empty MEDIA_ROOT."""

    database: pg_client.Database
    media_root: Path
    server_version: int


def target_check(*, into: str, needed_bytes: int) -> Target:
    """The configured database and MEDIA_ROOT, if both are empty and `into` names the database;
    BackupRefused otherwise. Nothing is written."""
    database = pg_client.owner_database()
    if into != database.name:
        raise BackupRefused(
            f"--into names database {into!r}, but the configured database ({database.setting}) "
            f"is {database.name!r}. Name the database the backup is to go into."
        )
    try:
        with database.connect(autocommit=True) as db:
            server_version = db.info.server_version
            tables = [row[0] for row in db.execute(_USER_TABLES).fetchall()]
    except psycopg.Error as error:
        raise pg_client.ClientError(
            f"Reading database {database.name!r} ({database.setting}) failed: {error}"
        ) from None
    if tables:
        raise BackupRefused(
            f"Database {database.name!r} already holds {len(tables)} table{pluralize(tables)} "
            f"({_some(tables)}). "
            "A backup is restored only into an empty database, so that nothing in one is "
            "overwritten: create a new database owned by the owner role, and point "
            f"{database.setting} at it."
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and not media_root.is_dir():
        raise BackupRefused(f"MEDIA_ROOT ({media_root}) is not a directory.")
    stored = _files_under(media_root) if media_root.is_dir() else []
    if stored:
        raise BackupRefused(
            f"MEDIA_ROOT ({media_root}) already holds {len(stored)} file{pluralize(stored)} "
            f"({_some(stored)}). "
            "Evidence is restored only into an empty MEDIA_ROOT, so that no file is overwritten "
            "or mixed with another installation's."
        )
    existing = media_root
    while not existing.exists():
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    if needed_bytes > free:
        raise BackupRefused(
            f"The evidence files take {filesizeformat(needed_bytes)}, and the disk of "
            f"MEDIA_ROOT ({media_root}) has {filesizeformat(free)} free."
        )
    return Target(database, media_root, server_version)


# Tables, views and the like outside PostgreSQL's own schemas, except an extension's own.
_USER_TABLES = """
    SELECT format('%I.%I', n.nspname, c.relname)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
      AND NOT EXISTS (
        SELECT 1 FROM pg_depend d
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
      )
    ORDER BY 1
"""


def database_restore(manifest: Manifest, target: Target) -> None:
    """Load the backup's dump into the target database, all or nothing; give the application
    role (DATABASE_URL's user, when the owner is another role) its privileges, as `migrate`
    does; then rebuild the planner's statistics."""
    pg_client.restore_archive(
        manifest.directory / DUMP, target.database, server_version=target.server_version
    )
    application_role = connection.settings_dict["USER"]
    with target.database.connect() as db, db.cursor() as cursor:
        cursor.execute("SELECT current_user")
        if application_role and cursor.fetchone()[0] != application_role:
            database_roles.grant_application_privileges(cursor, application_role)
    with target.database.connect(autocommit=True) as db:
        db.execute("ANALYZE")


def evidence_restore(manifest: Manifest, target: Target) -> tuple[int, int]:
    """Copy the backup's evidence files into MEDIA_ROOT as private storage keeps them
    (read-only files, directories for the application's user and group), each checked against
    the manifest as it is copied. Returns how many files and bytes."""
    target.media_root.mkdir(mode=0o750, parents=True, exist_ok=True)
    count = total = 0
    for entry in manifest.copied_files:
        with (manifest.directory / FILES / entry["name"]).open("rb") as reader:
            copied = _copy_private(
                reader, target.media_root, entry["name"], mode=0o440, directory_mode=0o750
            )
        if copied != entry["copied"]:
            raise BackupRefused(
                f"evidence file {entry['name']} changed in the backup while it was being restored."
            )
        count += 1
        total += copied["size"]
    for directory, _subdirectories, _names in os.walk(target.media_root):
        _fsync_directory(Path(directory))
    return count, total


def undecryptable_values() -> tuple[int, list[str]]:
    """How many encrypted values the database holds, and which of them the configured keys do
    not open ("table.column row id")."""
    fernet = field_fernet()
    count, failures = 0, []
    with connection.cursor() as cursor:
        for table, column, row_id, token in _encrypted_tokens(cursor):
            count += 1
            try:
                fernet.decrypt(token.encode())
            except InvalidToken:
                failures.append(f"{table}.{column} row {row_id}")
    return count, failures
