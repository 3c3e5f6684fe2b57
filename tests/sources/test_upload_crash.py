"""A server killed (SIGKILL) in the middle of an upload leaves no evidence file without a record,
and no copy of the upload outside private storage.

Alice, an analyst, uploads a video through the admin's upload page, served by gunicorn in a
process of its own. The process is killed while the body is still arriving, or as the record
commits; then `verify_evidence` settles what the upload left in the incoming area.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

from sources.models import CustodyAction, EvidenceFile, SourceDocument
from tests.database import owner_url

# serialized_rollback: the server reads what the test writes, so the test commits; it ends by
# emptying every table, and the regions, incident types and groups are put back afterwards.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("private_storage"),
]

# An MP4 header and then bytes no other file holds, so a copy of any part of them is recognisable.
MARKER = os.urandom(64)
VIDEO = b"\x00\x00\x00\x18ftypisom" + MARKER + os.urandom(8 * 1024 * 1024)
BOUNDARY = "----evidence-upload-boundary"
GUNICORN = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers=1", "--no-control-socket"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    system_tmp: Path
    log: Path

    def kill(self) -> None:
        """SIGKILL to gunicorn and its worker, returning once neither runs any more."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        _wait_until(lambda: not _running_in_group(self.process.pid), "the worker outlived SIGKILL")


def _running_in_group(group: int) -> bool:
    # A killed process may linger as a zombie until it is reaped; it holds no file and no lock.
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _parent, process_group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except OSError:
            continue
        if int(process_group) == group and state != "Z":
            return True
    return False


@pytest.fixture
def server(tmp_path) -> Iterator[Server]:
    port = _free_port()
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DATABASE_URL": owner_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "STAFF_2FA_REQUIRED": "false",
        # Where Python, Django and gunicorn put temporary files: watched for copies.
        "TMPDIR": str(system_tmp),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*GUNICORN, "--bind", f"127.0.0.1:{port}"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Server(process, port, system_tmp, log)
    try:
        _wait_until(lambda: _answers(port), f"the server did not start; see {log}")
        yield running
    finally:
        if process.poll() is None:
            running.kill()


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def _wait_until(condition, failure: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.05)


@pytest.fixture
def source():
    return SourceDocument.objects.create(kind="video", title="Video of the convoy")


def _signed_in(alice) -> str:
    """The session cookie of Alice's browser."""
    client = Client()
    client.force_login(alice)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _request(port: int, head: str, body: bytes = b"") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection_:
        connection_.sendall(head.encode() + body)
        chunks = []
        while chunk := connection_.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _upload_form(port: int, path: str, session: str) -> tuple[str, str]:
    """The CSRF cookie and the form's token, as a browser gets them by opening the page."""
    response = _request(
        port,
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {session}\r\nConnection: close\r\n\r\n",
    ).decode("latin-1")
    assert response.startswith("HTTP/1.1 200"), response[:500]
    cookie = re.search(r"Set-Cookie: csrftoken=([^;]+)", response).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response).group(1)
    return cookie, token


def _start_upload(server: Server, source, session: str, share: float) -> socket.socket:
    """Post the upload form with the video, sending `share` of the body; the connection stays
    open, as a browser's does while the rest is on its way."""
    path = f"/admin/sources/evidencefile/upload/?source={source.pk}"
    cookie, token = _upload_form(server.port, path, session)
    parts = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{token}\r\n"
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="convoy.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    )
    body = parts.encode() + VIDEO + f"\r\n--{BOUNDARY}--\r\n".encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: {session}; csrftoken={cookie}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    client = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    client.sendall(head.encode() + body[: int(len(body) * share)])
    return client


def _incoming() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "incoming"
    return sorted(root.iterdir()) if root.is_dir() else []


def _evidence_on_disk() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file() and path.parent.name != "incoming"]


def _copies_of_the_upload(directory: Path) -> list[Path]:
    return [path for path in directory.rglob("*") if path.is_file() and MARKER in path.read_bytes()]


def _received(size: int):
    return lambda: any(path.stat().st_size >= size for path in _incoming())


def test_a_kill_while_the_body_arrives_leaves_no_record_no_file_and_no_copy(
    server, alice, source, capsys
):
    client = _start_upload(server, source, _signed_in(alice), share=0.5)
    _wait_until(_received(1024 * 1024), "the server wrote nothing of the upload into incoming/")

    server.kill()
    client.close()

    assert not EvidenceFile.objects.exists()
    assert _evidence_on_disk() == []
    assert _copies_of_the_upload(server.system_tmp) == []
    (partial,) = _incoming()
    assert partial.stat().st_size < len(VIDEO)

    call_command("verify_evidence")

    assert _incoming() == []
    out = capsys.readouterr().out
    assert f"Removed an interrupted upload from the incoming area: {partial.name} (" in out
    assert "no record was saved for it" in out


def test_a_kill_as_the_record_commits_leaves_a_file_that_verify_evidence_puts_in_place(
    server, alice, source, capsys
):
    session = _signed_in(alice)
    # The server checks foreign keys when it commits. With Alice's row locked here, the upload
    # stops at that moment, and is killed there; the database completes the commit it was sent.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id FROM auth_user WHERE id = %s FOR UPDATE", [alice.pk])
        client = _start_upload(server, source, session, share=1.0)

        def committing() -> bool:
            cursor.execute(
                "SELECT count(DISTINCT pid) FROM pg_locks waiting "
                "JOIN pg_locks custody USING (pid) WHERE NOT waiting.granted AND custody.granted "
                "AND custody.relation = 'sources_custodyevent'::regclass"
            )
            return cursor.fetchone()[0] == 1

        _wait_until(committing, "the upload never reached the commit of its record")
        server.kill()
    client.close()
    _wait_until(EvidenceFile.objects.exists, "the record was not committed")

    evidence = EvidenceFile.objects.get()
    stored = Path(evidence.file.path)
    assert not stored.exists()
    assert _copies_of_the_upload(server.system_tmp) == []
    (waiting,) = _incoming()
    assert waiting.read_bytes() == VIDEO

    call_command("verify_evidence")

    assert _incoming() == []
    assert stored.read_bytes() == VIDEO
    out = capsys.readouterr().out
    assert f"Moved the file of evidence file {evidence.pk} into place" in out
    assert "All 1 evidence files are intact" in out
    assert evidence.custody_events.filter(action=CustodyAction.HASH_VERIFIED).exists()
