"""Evidence files: hashed as they arrive, stored privately, never altered, every touch recorded."""

from __future__ import annotations

import hashlib
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import F

from core.uploads import IncomingFile
from sources.models import CustodyAction, CustodyEvent, EvidenceFile, SourceDocument
from sources.services import evidence_file_open_for_download, evidence_file_upload
from tests.factories import committed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

# What the database says when it refuses a write: the application role holds no privilege for it
# (and the owner would meet a trigger: tests/core/test_database_guarantees.py).
REFUSED = r"(permission denied for table|refused on) sources_{}"

PDF_BYTES = b"%PDF-1.7\n" + os.urandom(300_000) + b"\n%%EOF\n"


@pytest.fixture
def source():
    return SourceDocument.objects.create(kind="un-report", title="Report")


def _upload(actor, source, data=PDF_BYTES, name="Witness Petrenko statement.pdf"):
    with committed():
        return evidence_file_upload(
            upload=SimpleUploadedFile(name, data, content_type="application/octet-stream"),
            actor=actor,
            source=source,
        )


def _stored_path(evidence: EvidenceFile) -> str:
    return evidence.file.storage.path(evidence.file.name)


def test_the_recorded_hash_is_the_sha256_of_the_stored_bytes(alice, source):
    evidence = _upload(alice, source)
    with open(_stored_path(evidence), "rb") as handle:
        on_disk = handle.read()
    assert on_disk == PDF_BYTES
    assert evidence.sha256 == hashlib.sha256(on_disk).hexdigest()
    assert evidence.size == len(PDF_BYTES)
    assert evidence.content_type == "application/pdf"


def test_the_stored_name_never_contains_the_uploaders_filename(alice, source):
    evidence = _upload(alice, source)
    assert "Petrenko" not in evidence.file.name
    assert evidence.original_name == "Witness Petrenko statement.pdf"


def test_the_stored_original_is_read_only_on_disk(alice, source):
    mode = os.stat(_stored_path(_upload(alice, source))).st_mode
    assert not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_the_upload_is_the_first_link_in_the_chain_of_custody(alice, source):
    evidence = _upload(alice, source)
    (event,) = evidence.custody_events.all()
    assert (event.action, event.actor, event.observed_sha256) == (
        CustodyAction.UPLOADED,
        alice,
        evidence.sha256,
    )


def test_a_file_whose_bytes_are_not_an_accepted_type_is_refused(alice, source):
    html = b"<!doctype html><script>alert(1)</script>"
    with pytest.raises(ValidationError, match="not accepted"):
        _upload(alice, source, data=html, name="report.pdf")
    assert not EvidenceFile.objects.exists()


def test_an_oversized_file_is_refused(alice, source, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError, match="larger than the limit"):
        _upload(alice, source)
    assert not EvidenceFile.objects.exists()


def test_an_empty_file_is_refused(alice, source):
    with pytest.raises(ValidationError, match="empty"):
        _upload(alice, source, data=b"")


@pytest.mark.parametrize(
    "change",
    [
        {"sha256": "0" * 64},
        {"size": 1},
        {"file": "evidence/other"},
        {"content_type": "text/plain"},
        {"original_name": "Someone else's statement.pdf"},
        {"uploaded_by": None},
        {"uploaded_at": F("uploaded_at") - timedelta(days=365)},
        # Even an UPDATE that changes nothing: no writer needs one.
        {"size": F("size")},
    ],
)
def test_the_database_refuses_to_change_what_was_recorded_at_upload(alice, source, change):
    evidence = _upload(alice, source)
    with pytest.raises(DatabaseError, match=REFUSED.format("evidencefile")), transaction.atomic():
        EvidenceFile.objects.filter(pk=evidence.pk).update(**change)
    stored = EvidenceFile.objects.get(pk=evidence.pk)
    assert (stored.sha256, stored.original_name, stored.uploaded_by, stored.uploaded_at) == (
        hashlib.sha256(PDF_BYTES).hexdigest(),
        "Witness Petrenko statement.pdf",
        alice,
        evidence.uploaded_at,
    )


def test_the_database_refuses_to_delete_an_evidence_file(alice, source):
    evidence = _upload(alice, source)
    # Raw SQL, past the ORM's own PROTECT check: the trigger is what holds.
    refused = pytest.raises(DatabaseError, match=REFUSED.format("evidencefile"))
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM sources_evidencefile WHERE id = %s", [evidence.pk])
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()


def test_custody_rows_can_be_neither_changed_nor_deleted(alice, source):
    event = _upload(alice, source).custody_events.get()
    with pytest.raises(DatabaseError, match=REFUSED.format("custodyevent")), transaction.atomic():
        CustodyEvent.objects.filter(pk=event.pk).update(action=CustodyAction.HASH_VERIFIED)
    with pytest.raises(DatabaseError, match=REFUSED.format("custodyevent")), transaction.atomic():
        CustodyEvent.objects.filter(pk=event.pk).delete()
    assert CustodyEvent.objects.get(pk=event.pk).action == CustodyAction.UPLOADED


def test_verify_evidence_passes_when_every_file_is_intact(alice, source, capsys):
    evidence = _upload(alice, source)
    call_command("verify_evidence")
    assert "All 1 evidence files are intact" in capsys.readouterr().out
    assert evidence.custody_events.filter(action=CustodyAction.HASH_VERIFIED).count() == 1


def test_verify_evidence_reports_a_flipped_byte_and_a_missing_file(alice, source):
    intact = _upload(alice, source)
    altered = _upload(alice, source, name="second.pdf")
    missing = _upload(alice, source, name="third.pdf")
    path = _stored_path(altered)
    os.chmod(path, 0o640)
    with open(path, "r+b") as handle:
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 0x01]))
    os.remove(_stored_path(missing))

    with pytest.raises(CommandError) as failure:
        call_command("verify_evidence")

    report = str(failure.value)
    assert "2 of 3 evidence files failed" in report
    assert f"evidence file {altered.pk} ({altered.file.name}): altered" in report
    assert f"evidence file {missing.pk} ({missing.file.name}): missing" in report
    assert f"evidence file {intact.pk} " not in report
    assert altered.custody_events.filter(action=CustodyAction.HASH_MISMATCH).exists()
    assert missing.custody_events.filter(action=CustodyAction.MISSING).exists()


def test_verify_evidence_reports_stored_files_that_no_record_accounts_for(alice, source, settings):
    _upload(alice, source)
    root = Path(settings.MEDIA_ROOT)
    planted = root / "evidence" / "ff" / "ff00aa"
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(PDF_BYTES)
    (root / "notes.txt").write_text("left here by hand")

    with pytest.raises(CommandError) as failure:
        call_command("verify_evidence")

    assert str(failure.value) == (
        "2 files in private storage are accounted for by no evidence record:\n"
        "  evidence/ff/ff00aa\n"
        "  notes.txt"
    )
    # Someone has to look at them: they may be evidence whose record was lost.
    assert planted.read_bytes() == PDF_BYTES


def test_verify_evidence_leaves_an_upload_still_arriving_alone(alice, source, capsys):
    arriving = IncomingFile("convoy.mp4", "video/mp4")
    arriving.append(PDF_BYTES[:1000])

    call_command("verify_evidence")

    assert arriving.path.read_bytes() == PDF_BYTES[:1000]
    assert "incoming" not in capsys.readouterr().out
    arriving.close()
    assert not arriving.path.exists()


def test_a_download_is_recorded_and_an_altered_file_is_not_served(alice, source):
    evidence = _upload(alice, source)
    with evidence_file_open_for_download(evidence=evidence, actor=alice) as handle:
        assert handle.read() == PDF_BYTES
    assert evidence.custody_events.filter(action=CustodyAction.DOWNLOADED, actor=alice).exists()

    os.remove(_stored_path(evidence))
    with pytest.raises(ValidationError, match="failed its integrity check"):
        evidence_file_open_for_download(evidence=evidence, actor=alice)
