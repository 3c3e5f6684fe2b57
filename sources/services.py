"""Writes for evidence files: upload, download and integrity checks, each on the custody record."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from sources import filetypes
from sources.models import CustodyAction, CustodyEvent, EvidenceFile, SourceDocument, Testimony

CHUNK_SIZE = 1024 * 1024


class _HashingReader(File):
    """Hands the upload to storage chunk by chunk, hashing and counting what passes through.

    It hides the upload's temporary path, so storage has to read (and we get to hash) every byte
    it writes instead of moving the file behind our back.
    """

    def __init__(self, upload: UploadedFile, limit: int):
        super().__init__(upload.file, name=upload.name)
        self.upload = upload
        self.limit = limit
        self.digest = hashlib.sha256()
        self.size = 0

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        for chunk in self.upload.chunks(CHUNK_SIZE):
            self.size += len(chunk)
            if self.size > self.limit:
                raise ValidationError(_too_large(self.limit))
            self.digest.update(chunk)
            yield chunk


def _too_large(limit: int) -> str:
    return f"The file is larger than the limit of {filesizeformat(limit)}."


def evidence_file_upload(
    *,
    upload: UploadedFile,
    actor: AbstractBaseUser,
    source: SourceDocument | None = None,
    testimony: Testimony | None = None,
) -> EvidenceFile:
    """Store an uploaded file privately under a random name, hashing it as it streams in."""
    if (source is None) == (testimony is None):
        raise ValidationError("Attach the file to exactly one source or testimony.")
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_too_large(limit))
    upload.seek(0)
    head = upload.read(filetypes.HEAD_SIZE)
    upload.seek(0)
    if not head:
        raise ValidationError("The file is empty.")
    file_type = filetypes.sniff(head)
    if file_type is None:
        raise ValidationError(
            "This kind of file is not accepted (judged by its content, not its name). "
            f"Accepted: {filetypes.accepted_labels()}."
        )

    evidence = EvidenceFile(
        source=source,
        testimony=testimony,
        content_type=file_type.content_type,
        original_name=(upload.name or "")[:255],
        uploaded_by=actor,
    )
    reader = _HashingReader(upload, limit)
    field = EvidenceFile._meta.get_field("file")
    stored_name = field.storage.save(field.generate_filename(evidence, upload.name or ""), reader)
    try:
        with transaction.atomic():
            evidence.file.name = stored_name
            evidence.sha256 = reader.digest.hexdigest()
            evidence.size = reader.size
            evidence.save()
            CustodyEvent.objects.create(
                evidence_file=evidence,
                action=CustodyAction.UPLOADED,
                actor=actor,
                observed_sha256=evidence.sha256,
            )
    except BaseException:
        # No record, no file: an orphan in private storage would be evidence nobody can account for.
        field.storage.delete(stored_name)
        raise
    return evidence


@dataclass(frozen=True)
class HashCheck:
    evidence: EvidenceFile
    observed_sha256: str  # empty when the file is missing

    @property
    def intact(self) -> bool:
        return self.observed_sha256 == self.evidence.sha256


def stored_sha256(evidence: EvidenceFile) -> str:
    """The SHA-256 of the bytes in storage now, or "" when the file is not there."""
    storage = evidence.file.storage
    if not storage.exists(evidence.file.name):
        return ""
    digest = hashlib.sha256()
    with storage.open(evidence.file.name, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


def evidence_file_verify(
    *, evidence: EvidenceFile, actor: AbstractBaseUser | None = None
) -> HashCheck:
    """Re-hash the stored file and put the result on the custody record."""
    check = HashCheck(evidence=evidence, observed_sha256=stored_sha256(evidence))
    if check.intact:
        action, note = CustodyAction.HASH_VERIFIED, ""
    elif not check.observed_sha256:
        action, note = CustodyAction.MISSING, "The stored file is missing."
    else:
        action, note = CustodyAction.HASH_MISMATCH, "The stored bytes differ from the upload."
    CustodyEvent.objects.create(
        evidence_file=evidence,
        action=action,
        actor=actor,
        observed_sha256=check.observed_sha256,
        note=note,
    )
    return check


def evidence_file_open_for_download(*, evidence: EvidenceFile, actor: AbstractBaseUser):
    """Check the file is intact, record the download, and return an open handle to its bytes.

    A file whose bytes changed or vanished is not handed out as if it were the evidence; the
    failed check is on the record instead.
    """
    check = evidence_file_verify(evidence=evidence, actor=actor)
    if not check.intact:
        raise ValidationError(
            "This file failed its integrity check and is not served; "
            "the check is on its chain of custody."
        )
    CustodyEvent.objects.create(
        evidence_file=evidence,
        action=CustodyAction.DOWNLOADED,
        actor=actor,
        observed_sha256=check.observed_sha256,
    )
    return evidence.file.storage.open(evidence.file.name, "rb")
