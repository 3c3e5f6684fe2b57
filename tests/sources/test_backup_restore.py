"""Backup and restore as an operator drills them: `backup` on the running register, then
`restore` onto a new, empty database and an empty MEDIA_ROOT, in a process of its own with the
environment a new server would have, and `verify_evidence` there.

Alice, an analyst, documents an incident with a report and attaches the report's PDF; Olga, a
witness officer, records a witness's identity and statement and attaches her interview notes.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from psycopg import sql

from core import pg_client
from core.fields import decrypt, key_fingerprint
from incidents import services as incident_services
from sources import services as source_services
from sources.models import EvidenceFile
from tests.database import new_database, owner_url, server_admin
from tests.factories import make_published_incident

# The backup is read by pg_dump, a process of its own, so what the test writes is committed;
# the tables are emptied afterwards and the reference data put back.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("private_storage"),
]

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()

REPORT_PDF = b"%PDF-1.7\n" + os.urandom(200_000) + b"\n%%EOF\n"
ANNEX_PDF = b"%PDF-1.4\n" + os.urandom(50_000) + b"\n%%EOF\n"
INTERVIEW_NOTES = "Interview notes, second session. The convoy stopped at the crossroads.\n"

FULL_NAME = "Petro Fictional-Witness"
FIRST_CONTACT = "+380 00 000 0001"
CONTACT = "Signal: +380 00 000 0002"
IDENTITY_NOTES = "Served in a fictional brigade; released in an exchange."
STATEMENT = "I saw three men in uniform shot with their hands raised."


@dataclass
class Register:
    """What Alice and Olga recorded."""

    witness_code: str
    evidence: dict[str, bytes]  # stored name: bytes uploaded


@pytest.fixture
def register(settings, alice, olga) -> Register:
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    incident = incident_services.incident_create(
        actor=alice,
        data={
            "title": "Execution of surrendering soldiers near a crossroads",
            "summary": "Three soldiers were shot after surrendering.",
            "date_start": dt.date(2024, 12, 1),
        },
    )
    report = source_services.source_create(
        actor=alice, data={"kind": "ngo-report", "title": "Field report"}
    )
    incident_services.incident_source_add(incident=incident, actor=alice, source=report)
    witness = source_services.witness_create(
        actor=olga,
        data={"full_name": FULL_NAME, "contact": FIRST_CONTACT, "identity_notes": IDENTITY_NOTES},
    )
    # The history now keeps the first contact too, encrypted like the rest.
    witness = source_services.witness_update(witness=witness, actor=olga, data={"contact": CONTACT})
    testimony = source_services.testimony_create(
        actor=olga,
        data={
            "witness": witness,
            "taken_on": dt.date(2024, 12, 5),
            "directness": "direct",
            "statement": STATEMENT,
        },
    )
    incident_services.incident_testimony_add(incident=incident, actor=alice, testimony=testimony)
    make_published_incident(title="A published record")
    uploads = [
        (alice, {"source": report}, "Field report.pdf", REPORT_PDF),
        (alice, {"source": report}, "Annex.pdf", ANNEX_PDF),
        (olga, {"testimony": testimony}, "notes.txt", INTERVIEW_NOTES.encode()),
    ]
    evidence = {}
    for actor, owner, name, data in uploads:
        stored = source_services.evidence_file_upload(
            upload=SimpleUploadedFile(name, data), actor=actor, **owner
        )
        evidence[stored.file.name] = data
    return Register(witness_code=witness.code, evidence=evidence)


@dataclass
class NewServer:
    """An empty database on the test's server, and an empty MEDIA_ROOT, as on a new server."""

    database: str
    media_root: Path

    def url(self, user: str | None = None) -> str:
        return owner_url(self.database, user=user)

    def tables(self) -> list[str]:
        with psycopg.connect(self.url()) as db:
            rows = db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' ORDER BY 1"
            ).fetchall()
        return [name for (name,) in rows]


@pytest.fixture
def new_server(tmp_path) -> Iterator[NewServer]:
    with new_database() as name:
        yield NewServer(name, tmp_path / "new-server-evidence")


def _manage(*arguments: str, server: NewServer, keys: str = KEY_A, **environ: str):
    """`manage.py` in a process of its own, configured as the new server would be."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_OWNER_URL"}
    env.update(
        DJANGO_ENV="development",
        DATABASE_URL=server.url(),
        MEDIA_ROOT=str(server.media_root),
        SECRET_KEY=settings.SECRET_KEY,
        FIELD_ENCRYPTION_KEYS=keys,
    )
    env.update(environ)
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _backup(destination: Path) -> str:
    output = StringIO()
    call_command("backup", str(destination), stdout=output)
    return output.getvalue()


def _restore(backup: Path, server: NewServer, *options: str, **kwargs):
    return _manage(
        "restore", str(backup), "--into", server.database, *options, server=server, **kwargs
    )


def _identities(db: psycopg.Connection) -> dict[str, object]:
    """Every encrypted value of the witness and the testimony, decrypted with the configured
    keys, history included."""
    witness = db.execute(
        "SELECT full_name, contact, identity_notes FROM sources_witness"
    ).fetchone()
    contacts = db.execute("SELECT contact FROM sources_witnessevent ORDER BY pgh_id").fetchall()
    (statement,) = db.execute("SELECT statement FROM sources_testimony").fetchone()
    return {
        "witness": [decrypt(token) for token in witness],
        "contacts in history": [decrypt(token) for (token,) in contacts],
        "statement": decrypt(statement),
    }


def _row_counts(db: psycopg.Connection) -> dict[str, int]:
    tables = db.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
    ).fetchall()
    return {
        table: db.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        ).fetchone()[0]
        for (table,) in tables
    }


def _custody(db: psycopg.Connection) -> list[tuple]:
    return db.execute(
        "SELECT id, evidence_file_id, action, actor_id, at, observed_sha256, note "
        "FROM sources_custodyevent ORDER BY id"
    ).fetchall()


def _untouched(server: NewServer) -> None:
    assert server.tables() == []
    assert not server.media_root.exists()


def test_a_backup_restored_on_a_new_server_passes_verify_evidence_and_reads_the_same(
    register, new_server, tmp_path
):
    backup = tmp_path / "backup"
    assert "Every evidence file was copied and matched" in _backup(backup)

    restored = _restore(backup, new_server)

    assert restored.returncode == 0, restored.stderr
    assert "All 3 evidence files are intact, every stored file has a record, and every link" in (
        restored.stdout
    )
    assert "Restored and checked." in restored.stdout
    verified = _manage("verify_evidence", server=new_server)
    assert verified.returncode == 0, verified.stderr
    assert "All 3 evidence files are intact, every stored file has a record, and every link" in (
        verified.stdout
    )
    # What the witness officer typed reads the same, current values and history alike.
    with psycopg.connect(new_server.url()) as db, psycopg.connect(owner_url()) as original:
        assert _identities(db) == {
            "witness": [FULL_NAME, CONTACT, IDENTITY_NOTES],
            "contacts in history": [FIRST_CONTACT, CONTACT],
            "statement": STATEMENT,
        }
        # Every table holds the rows it held: no insert trigger (history, public ids) fired on a
        # restored row. Only the chain of custody grew, by the hash checks after the restore.
        counts, original_counts = _row_counts(db), _row_counts(original)
        assert counts.pop("sources_custodyevent") == original_counts.pop(
            "sources_custodyevent"
        ) + 2 * len(register.evidence)
        assert counts == original_counts
        before = _custody(original)
        assert _custody(db)[: len(before)] == before
        # The append-only triggers came back with the tables.
        with pytest.raises(psycopg.Error, match=r"UPDATE refused on sources_custodyevent"):
            db.execute("UPDATE sources_custodyevent SET note = 'rewritten'")
    for name, data in register.evidence.items():
        stored = new_server.media_root / name
        assert stored.read_bytes() == data
        assert stat.S_IMODE(stored.stat().st_mode) == 0o440


def test_the_backup_holds_no_key_and_no_identity_in_clear_and_only_its_owner_reads_it(
    register, tmp_path
):
    backup = tmp_path / "backup"
    output = _backup(backup)

    raw_key = base64.urlsafe_b64decode(KEY_A)
    never = {
        "the key": KEY_A.encode(),
        "the key's bytes": raw_key,
        "the key's bytes in hex": raw_key.hex().encode(),
        "the key in standard base64": base64.b64encode(raw_key),
        "SECRET_KEY": settings.SECRET_KEY.encode(),
        "the witness's name": FULL_NAME.encode(),
        "the statement": STATEMENT.encode(),
    }
    dump_as_sql = pg_client.run("pg_restore", ["--file=-", str(backup / "database.dump")])
    assert register.witness_code in dump_as_sql  # the data is there, readable by this search
    contents = {path: path.read_bytes() for path in backup.rglob("*") if path.is_file()}
    contents["the dump as SQL"] = dump_as_sql.encode()
    contents["the command's output"] = output.encode()
    for where, content in contents.items():
        for what, secret in never.items():
            assert secret not in content, f"{what} is in {where}"
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["encryption_keys"] == [
        {"position": 1, "fingerprint": key_fingerprint(KEY_A), "values": 11}
    ]
    assert f"fingerprint {key_fingerprint(KEY_A)}: opens 11 values" in output
    for path in [backup, *backup.rglob("*")]:
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_the_manifest_lists_each_file_as_recorded_and_as_copied(register, tmp_path):
    _backup(tmp_path / "backup")

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["complete"] is True
    ((_, latest),) = MigrationLoader(None).graph.leaf_nodes("sources")
    assert manifest["database"]["migrations"]["sources"] == latest
    recorded = {
        evidence.file.name: {"size": evidence.size, "sha256": evidence.sha256}
        for evidence in EvidenceFile.objects.all()
    }
    assert {entry["name"]: entry["recorded"] for entry in manifest["evidence_files"]} == recorded
    assert {entry["name"]: entry["copied"] for entry in manifest["evidence_files"]} == recorded
    for name, data in register.evidence.items():
        assert (tmp_path / "backup" / "files" / name).read_bytes() == data


@pytest.mark.parametrize("altered", ["an evidence file", "the dump"])
def test_restore_refuses_a_backup_altered_since_it_was_made_and_writes_nothing(
    register, new_server, tmp_path, altered
):
    backup = tmp_path / "backup"
    _backup(backup)
    if altered == "the dump":
        path, expected = backup / "database.dump", "database.dump differs from the size"
    else:
        name = next(iter(register.evidence))
        path, expected = backup / "files" / name, f"evidence file {name} differs from the size"
    with path.open("r+b") as handle:
        handle.seek(200)
        handle.write(b"forged")

    restored = _restore(backup, new_server)

    assert restored.returncode == 1
    assert expected in restored.stderr
    assert "Nothing was restored." in restored.stderr
    assert "Traceback" not in restored.stderr
    _untouched(new_server)


def test_restore_refuses_without_a_key_the_backup_needs_and_names_it(
    register, new_server, tmp_path
):
    backup = tmp_path / "backup"
    _backup(backup)

    restored = _restore(backup, new_server, keys=KEY_B)

    assert restored.returncode == 1
    assert "FIELD_ENCRYPTION_KEYS lacks keys this backup's encrypted values need" in (
        restored.stderr
    )
    assert f"key 1 of the backup, fingerprint {key_fingerprint(KEY_A)} (it opens 11 values)" in (
        restored.stderr
    )
    assert f"It holds the keys with fingerprints {key_fingerprint(KEY_B)}." in restored.stderr
    _untouched(new_server)


def test_restore_refuses_a_database_that_holds_a_table_and_leaves_it_as_it_was(
    register, new_server, tmp_path
):
    backup = tmp_path / "backup"
    _backup(backup)
    with psycopg.connect(new_server.url()) as db:
        db.execute("CREATE TABLE field_notes (id integer PRIMARY KEY, note text)")
        db.execute("INSERT INTO field_notes VALUES (1, 'Written before the restore.')")

    restored = _restore(backup, new_server)

    assert restored.returncode == 1
    assert "already holds 1 table (public.field_notes)" in restored.stderr
    assert "Nothing was restored." in restored.stderr
    assert new_server.tables() == ["field_notes"]
    with psycopg.connect(new_server.url()) as db:
        assert db.execute("SELECT * FROM field_notes").fetchall() == [
            (1, "Written before the restore.")
        ]
    assert not new_server.media_root.exists()


def test_restore_refuses_a_media_root_that_holds_a_file_and_leaves_it_as_it_was(
    register, new_server, tmp_path
):
    backup = tmp_path / "backup"
    _backup(backup)
    stray = new_server.media_root / "evidence" / "aa" / "kept-by-hand"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"a file someone put here")

    restored = _restore(backup, new_server)

    assert restored.returncode == 1
    assert "already holds 1 file (evidence/aa/kept-by-hand)" in restored.stderr
    assert stray.read_bytes() == b"a file someone put here"
    assert [path for path in new_server.media_root.rglob("*") if path.is_file()] == [stray]
    assert new_server.tables() == []


def test_a_restore_that_fails_part_way_leaves_the_database_as_it_was(
    register, new_server, tmp_path
):
    backup = tmp_path / "backup"
    _backup(backup)
    # Left by an earlier installation: not a table, so the restore starts, and fails once it
    # has created the tables and reaches the witnesses' ids.
    with psycopg.connect(new_server.url()) as db:
        db.execute("CREATE SEQUENCE sources_witness_id_seq")

    restored = _restore(backup, new_server)

    assert restored.returncode == 1
    assert 'relation "sources_witness_id_seq" already exists' in restored.stderr
    assert "The database was not restored: it is as empty as it was" in restored.stderr
    _untouched(new_server)
    with psycopg.connect(new_server.url()) as db:
        assert db.execute("SELECT last_value FROM sources_witness_id_seq").fetchone() == (1,)


def test_a_file_missing_or_altered_in_storage_makes_the_backup_incomplete_not_absent(
    register, new_server, tmp_path
):
    missing, altered, intact = sorted(register.evidence)
    (Path(settings.MEDIA_ROOT) / missing).unlink()
    altered_path = Path(settings.MEDIA_ROOT) / altered
    altered_path.chmod(0o640)
    altered_path.write_bytes(b"%PDF-1.7\nnot what was uploaded\n")
    backup = tmp_path / "backup"

    with pytest.raises(CommandError, match="INCOMPLETE") as refusal:
        _backup(backup)

    assert f"({missing}) is missing from storage" in str(refusal.value)
    assert f"({altered}) differs from its record" in str(refusal.value)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["complete"] is False
    statuses = {entry["name"]: entry["status"] for entry in manifest["evidence_files"]}
    assert statuses == {missing: "missing", altered: "altered", intact: "intact"}
    assert (backup / "files" / altered).read_bytes() == b"%PDF-1.7\nnot what was uploaded\n"
    assert (backup / "files" / intact).read_bytes() == register.evidence[intact]

    refused = _restore(backup, new_server)
    assert refused.returncode == 1
    assert "The backup is incomplete" in refused.stderr
    assert "--allow-incomplete" in refused.stderr
    _untouched(new_server)

    restored = _restore(backup, new_server, "--allow-incomplete")
    assert restored.returncode == 1
    assert "The backup was restored, but the checks found problems" in restored.stderr
    assert f"({missing}): missing" in restored.stderr
    assert f"({altered}): altered" in restored.stderr
    assert (new_server.media_root / intact).read_bytes() == register.evidence[intact]


@pytest.fixture
def login_roles() -> Iterator[list[str]]:
    """Two roles that may log in and nothing more (no superuser): an owner and an application
    role for a new server."""
    names = [f"register_{kind}_{secrets.token_hex(3)}" for kind in ("owner", "app")]
    with server_admin() as admin:
        for name in names:
            admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
    try:
        yield names
    finally:
        with server_admin() as admin:
            for name in names:
                admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_restore_connects_as_the_owner_and_needs_no_superuser(register, login_roles, tmp_path):
    owner_role, application_role = login_roles
    backup = tmp_path / "backup"
    _backup(backup)
    with new_database(owner=owner_role) as database:
        server = NewServer(database, tmp_path / "new-server-evidence")
        # The extensions may have been made beforehand by a superuser, as managed servers do.
        with psycopg.connect(server.url()) as db:
            db.execute("CREATE EXTENSION pg_trgm")
            db.execute("CREATE EXTENSION unaccent")

        restored = _restore(
            backup,
            server,
            DATABASE_OWNER_URL=server.url(user=owner_role),
            DATABASE_URL=server.url(user=application_role),
        )

        assert restored.returncode == 0, restored.stderr
        assert "(DATABASE_OWNER_URL)" in restored.stdout
        with psycopg.connect(server.url()) as db:
            owners = db.execute(
                "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        assert owners == [(owner_role,)]
        # The new server's application role, not the old server's, has the application's
        # privileges: it reads the register and cannot rewrite its chain of custody.
        with psycopg.connect(server.url(user=application_role)) as db:
            assert db.execute("SELECT count(*) FROM sources_evidencefile").fetchone() == (
                len(register.evidence),
            )
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                db.execute("UPDATE sources_custodyevent SET note = 'rewritten'")


def test_backup_refuses_a_directory_that_is_not_empty_and_leaves_it_as_it_was(tmp_path):
    destination = tmp_path / "backups"
    destination.mkdir()
    (destination / "last-week.txt").write_text("an earlier backup's notes")

    with pytest.raises(CommandError, match="is not empty; a backup is written only into a new"):
        _backup(destination)

    assert [path.name for path in destination.iterdir()] == ["last-week.txt"]
    assert (destination / "last-week.txt").read_text() == "an earlier backup's notes"


def test_restore_refuses_a_directory_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match=r"holds no manifest\.json: it is not a backup"):
        call_command("restore", str(tmp_path), "--into", "register")
    (tmp_path / "manifest.json").write_text('{"format": "something else"}')
    with pytest.raises(CommandError, match="is not a backup manifest this version can read"):
        call_command("restore", str(tmp_path), "--into", "register")


def test_restore_refuses_a_target_that_is_not_named_on_the_command_line(register, tmp_path):
    backup = tmp_path / "backup"
    _backup(backup)
    configured = connection.settings_dict["NAME"]

    with pytest.raises(CommandError) as refusal:
        call_command("restore", str(backup), "--into", "register_staging")

    assert f"but the configured database (DATABASE_OWNER_URL) is {configured!r}" in str(
        refusal.value
    )
    assert "Nothing was restored." in str(refusal.value)
