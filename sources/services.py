"""Every write to sources, witnesses, testimonies and evidence files goes through these functions.

Records that published incidents show keep what the public sees of them: a change to a cited
public source's title, or to a shown testimony summary, is refused here and made through a
correction of the incident (`incidents.services`). Removals for someone's safety are the
exception: hiding a source, unpublishing a summary or withdrawing consent takes effect at once,
and is recorded as a change of every published incident it affects, with a neutral public note.
Evidence files are hashed as they stream in, and each upload, download and check is on their
chain of custody.

One command writes these tables without them: `rotate_encryption_keys` re-encrypts the stored
ciphertext of identities and statements under a new key, in place. It changes no value anyone
reads, so no rule here applies to it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from core import uploads
from core.errors import Refused
from core.uploads import CHUNK_SIZE
from incidents import services as incident_services
from incidents.corrections import attname, current_value, plain, same
from incidents.models import CorrectionNoteKind
from sources import filetypes
from sources.models import (
    CustodyAction,
    CustodyEvent,
    EvidenceFile,
    SourceDocument,
    Testimony,
    Witness,
    checked_short_names,
    evidence_name,
)
from sources.source_urls import with_normalised_url

M = TypeVar("M", bound=models.Model)


# The uploader's filename is kept as metadata in full, or refused; never cut short.
ORIGINAL_NAME_LIMIT = EvidenceFile._meta.get_field("original_name").max_length


def _too_large(limit: int) -> str:
    return f"The file is larger than the limit of {filesizeformat(limit)}."


def evidence_file_upload(
    *,
    upload: UploadedFile,
    actor: AbstractBaseUser,
    source: SourceDocument | None = None,
    testimony: Testimony | None = None,
) -> EvidenceFile:
    """Store an uploaded file privately under a random name, hashed as it streamed in.

    The bytes wait in the incoming area of private storage (`core.uploads`) and take their final
    name only when the record commits, so an interruption at any moment leaves either the record
    with its file, or no record and a leftover for `evidence_incoming_sweep`. Called outside a
    transaction, as the upload page calls it, the file is in place when this returns.
    """
    if (source is None) == (testimony is None):
        raise ValidationError("Attach the file to exactly one source or testimony.")
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_too_large(limit))
    name = upload.name or ""
    if len(name) > ORIGINAL_NAME_LIMIT:
        raise ValidationError(
            f"The file's name is {len(name)} characters long; at most {ORIGINAL_NAME_LIMIT} are "
            "kept with the evidence. Rename the file and upload it again."
        )
    if isinstance(upload, uploads.IncomingFile):
        incoming = upload
    else:
        incoming = uploads.copy_into_incoming(upload)
    try:
        evidence = EvidenceFile(
            source=source,
            testimony=testimony,
            file=evidence_name(incoming.token),
            sha256=incoming.sha256,
            size=incoming.size,
            content_type=_accepted_type(incoming, limit).content_type,
            original_name=name,
            uploaded_by=actor,
        )
        incoming.claim()
        with transaction.atomic():
            evidence.save()
            CustodyEvent.objects.create(
                evidence_file=evidence,
                action=CustodyAction.UPLOADED,
                actor=actor,
                observed_sha256=evidence.sha256,
            )
            # robust: if the move fails, the record stands and its bytes wait, claimed, in the
            # incoming area, where `evidence_incoming_sweep` puts them in place.
            transaction.on_commit(
                partial(uploads.move_into_place, incoming.path, Path(evidence.file.path)),
                robust=True,
            )
    except BaseException:
        # No record, no file: an orphan in private storage would be evidence nobody can account for.
        incoming.discard()
        raise
    finally:
        if incoming is not upload:
            incoming.close()
    return evidence


def _accepted_type(incoming: uploads.IncomingFile, limit: int) -> filetypes.FileType:
    """The type of a received file, judged by its bytes; refused with the reason in words."""
    if incoming.size > limit:
        raise ValidationError(_too_large(limit))
    head = incoming.head(filetypes.HEAD_SIZE)
    if not head:
        raise ValidationError("The file is empty.")
    file_type = filetypes.sniff(head)
    if file_type is None:
        raise ValidationError(filetypes.refusal(head))
    return file_type


@dataclass(frozen=True)
class IncomingSweep:
    """What `evidence_incoming_sweep` found in the incoming area."""

    # Records saved just before an interruption, whose files are now in place.
    placed: list[EvidenceFile]
    # The token and size of each upload whose record was never saved, now removed.
    removed: list[tuple[str, int]]


def evidence_incoming_sweep() -> IncomingSweep:
    """Settle what interrupted uploads left in the incoming area of private storage.

    A file whose record committed (the process stopped before moving it) is evidence: it is moved
    to its final name, where the hash check will find it. Any other file is an upload whose record
    was never saved, and is removed. Uploads still being received are left alone.
    """
    placed, removed = [], []
    for leftover in uploads.leftovers():
        evidence = EvidenceFile.objects.filter(file=evidence_name(leftover.token)).first()
        if evidence is not None and not evidence.file.storage.exists(evidence.file.name):
            uploads.move_into_place(leftover.path, Path(evidence.file.path))
            placed.append(evidence)
        else:
            # No record; or the file was already in place and only its incoming name remained.
            leftover.remove()
            if evidence is None:
                removed.append((leftover.token, leftover.size))
    return IncomingSweep(placed=placed, removed=removed)


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


def evidence_files_unaccounted() -> list[str]:
    """Names of files in private storage that no evidence record accounts for, outside the
    incoming area (which `evidence_incoming_sweep` settles).

    The disk is listed before the records are read: a file is moved to its final name only after
    its record commits, so an upload finishing meanwhile is never taken for a stray file.
    """
    root = Path(settings.MEDIA_ROOT)
    on_disk = []
    for directory, subdirectories, files in os.walk(root):
        here = Path(directory)
        if here == root and uploads.INCOMING in subdirectories:
            subdirectories.remove(uploads.INCOMING)
        # os.walk does not follow a link to a directory; the link itself is what is stored.
        links = [name for name in subdirectories if (here / name).is_symlink()]
        on_disk += [(here / name).relative_to(root).as_posix() for name in files + links]
    if not on_disk:
        return []
    recorded = set(EvidenceFile.objects.values_list("file", flat=True).iterator())
    return sorted(name for name in on_disk if name not in recorded)


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


# --- Sources, witnesses and testimonies --------------------------------------------------------

IDENTITY_PERMISSION = "sources.view_witness_identity"
WITNESS_IDENTITY_FIELDS = ("full_name", "contact", "identity_notes")
STATEMENT_FIELDS = ("statement",)


def _require(actor: AbstractBaseUser, permission: str, doing: str) -> None:
    if not actor.has_perm(permission):
        raise Refused(f"You do not have permission to {doing}.")


def _require_identity(actor: AbstractBaseUser, data: Mapping[str, Any], restricted) -> None:
    # Whoever may not read an identity or a statement may not write one either.
    if set(data) & set(restricted) and not actor.has_perm(IDENTITY_PERMISSION):
        raise Refused("Only witness officers may record identities and statements.")


def _apply(record: models.Model, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name, value in data.items():
        if not same(current_value(record, name), plain(value)):
            setattr(record, attname(type(record), name), plain(value))
            changed.append(name)
    return changed


def _created(record: M, data: Mapping[str, Any], check: Callable[[M], None] | None = None) -> M:
    """`record` with `data`, validated (and checked by `check`) before it is saved."""
    _apply(record, data)
    record.full_clean()
    if check is not None:
        check(record)
    record.save()
    return record


def _cited_refusal(what: str, incident_ids: list[int]) -> Refused:
    ids = incident_services.public_ids(incident_ids)
    return Refused(
        f"{what} is shown with published incident {ids}: what the public sees of it changes only "
        "through a correction, which a second person reviews. Open the incident and use "
        "“Propose a correction”."
    )


def _source_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` with its short names trimmed, or the reasons they are refused, on their field."""
    data = dict(data)
    if "short_names" in data:
        try:
            data["short_names"] = checked_short_names(data["short_names"] or [])
        except ValidationError as error:
            raise ValidationError({"short_names": error.error_list}) from None
    return data


def _check_url(source: SourceDocument) -> None:
    """Store the normalised URL of a valid `url`; refuse one another source already has."""
    refusal = with_normalised_url(source)
    if refusal is not None:
        raise refusal


def _save_source(source: SourceDocument, **kwargs: Any) -> None:
    # Two sources saved at the same address at the same moment: the second meets the unique
    # constraint, and is refused in the same words as if it had come a moment later.
    try:
        with transaction.atomic():
            source.save(**kwargs)
    except IntegrityError:
        _check_url(source)
        raise


@transaction.atomic
def source_create(*, actor: AbstractBaseUser, data: Mapping[str, Any]) -> SourceDocument:
    """A new source document. Nothing cites it yet, so nothing public changes. Its URL must not
    be one another source already has, once normalised (`sources.source_urls`)."""
    _require(actor, "sources.add_sourcedocument", "add sources")
    source = SourceDocument(created_by=actor)
    _apply(source, _source_data(data))
    source.full_clean(exclude=["url_normalised"])
    _check_url(source)
    _save_source(source)
    return source


@transaction.atomic
def source_update(
    *, source: SourceDocument, actor: AbstractBaseUser, data: Mapping[str, Any]
) -> SourceDocument:
    """Change a source. Hiding one that published incidents cite is a safety removal; any other
    change to what they show of it is refused (it takes a correction). A changed URL is checked
    like a new source's."""
    _require(actor, "sources.change_sourcedocument", "change sources")
    source = SourceDocument.objects.select_for_update().get(pk=source.pk)
    before = incident_services.source_view(source)
    changed = _apply(source, _source_data(data))
    source.full_clean(exclude=["url_normalised"])
    if "url" in changed:
        _check_url(source)
        changed.append("url_normalised")
    after = incident_services.source_view(source)
    citing = incident_services.published_citing([source.pk]) if before != after else []
    if citing and after is not None:
        raise _cited_refusal(source.public_id, citing)
    _save_source(source, update_fields=[*changed, "updated_at"])
    if citing:
        incident_services.record_public_change(
            incident_ids=citing,
            kind=CorrectionNoteKind.REMOVAL,
            text=incident_services.SOURCE_REMOVED,
        )
    return source


def source_deletion_refusal(*, source: SourceDocument, actor: AbstractBaseUser) -> str | None:
    """Why `actor` may not delete the source; None for a stray one nothing depends on."""
    if not actor.has_perm("sources.delete_sourcedocument"):
        return "You do not have permission to delete sources."
    if source.incident_links.exists():
        return f"{source.public_id} is cited by an incident; remove it from the incident first."
    if source.files.exists():
        return f"{source.public_id} holds evidence files, which are never deleted."
    if source.claims.exists():
        return f"{source.public_id} holds claims, which keep their history and public ids."
    if source.is_public:
        return f"{source.public_id} is public (listed in the API), and nothing public is deleted."
    return None


@transaction.atomic
def source_delete(*, source: SourceDocument, actor: AbstractBaseUser) -> None:
    """Delete a stray source: cited by nothing, with no file, not public. History keeps it."""
    source = SourceDocument.objects.select_for_update().get(pk=source.pk)
    refusal = source_deletion_refusal(source=source, actor=actor)
    if refusal:
        raise Refused(refusal)
    source.delete()


@transaction.atomic
def witness_create(*, actor: AbstractBaseUser, data: Mapping[str, Any]) -> Witness:
    _require(actor, "sources.add_witness", "add witnesses")
    _require_identity(actor, {k: v for k, v in data.items() if v}, WITNESS_IDENTITY_FIELDS)
    return _created(Witness(created_by=actor), data)


@transaction.atomic
def witness_update(
    *, witness: Witness, actor: AbstractBaseUser, data: Mapping[str, Any]
) -> Witness:
    """Change a witness. Withdrawn consent to publication takes effect at once: the summaries
    of their testimonies are unpublished, which is recorded on every published incident that
    showed one, never with the summary itself."""
    _require(actor, "sources.change_witness", "change witnesses")
    witness = Witness.objects.select_for_update().get(pk=witness.pk)
    if "code" in data and data["code"] != witness.code:
        raise ValidationError(
            {"code": "The pseudonym is fixed: testimonies, notes and partners cite it."}
        )
    changed_identity = [
        name
        for name in WITNESS_IDENTITY_FIELDS
        if name in data and data[name] != getattr(witness, name)
    ]
    _require_identity(actor, dict.fromkeys(changed_identity), WITNESS_IDENTITY_FIELDS)
    consent_before = witness.consent_publish_anonymised
    changed = _apply(witness, data)
    witness.full_clean()
    consent_after = witness.consent_publish_anonymised
    testimonies = list(Testimony.objects.select_for_update().filter(witness=witness))
    if consent_after and not consent_before:
        # Marks are cleared whenever consent goes, so a new consent publishes nothing by itself.
        shown = [t.pk for t in testimonies if incident_services.testimony_view(t, consent=True)]
        linking = incident_services.published_linking(shown)
        if linking:
            raise _cited_refusal(f"A summary of witness {witness.code}", linking)
    witness.save(update_fields=[*changed, "updated_at"])
    if consent_before and not consent_after:
        shown = [t.pk for t in testimonies if incident_services.testimony_view(t, consent=True)]
        Testimony.objects.filter(witness=witness, summary_is_public=True).update(
            summary_is_public=False, updated_at=timezone.now()
        )
        incident_services.record_public_change(
            incident_ids=incident_services.published_linking(shown),
            kind=CorrectionNoteKind.REMOVAL,
            text=incident_services.SUMMARY_REMOVED,
        )
    return witness


def _check_summary_mark(actor: AbstractBaseUser, testimony: Testimony, witness: Witness) -> None:
    if not actor.has_perm(incident_services.REVIEW_PERMISSION):
        raise ValidationError(
            {
                "summary_is_public": "Only a reviewer may mark a summary publishable, after "
                "checking that it cannot identify the witness."
            }
        )
    if not witness.consent_publish_anonymised:
        raise ValidationError(
            {
                "summary_is_public": f"Witness {witness.code} has not agreed to the publication "
                "of an anonymised summary."
            }
        )


def _check_interviewer(testimony: Testimony) -> None:
    # Checked when it is set: someone who has since left keeps their place on old testimonies.
    interviewer = testimony.interviewer
    if interviewer is not None and not (interviewer.is_active and interviewer.is_staff):
        raise ValidationError({"interviewer": "The interviewer must be an active member of staff."})


@transaction.atomic
def testimony_create(*, actor: AbstractBaseUser, data: Mapping[str, Any]) -> Testimony:
    _require(actor, "sources.add_testimony", "add testimonies")
    _require_identity(actor, {k: v for k, v in data.items() if v}, STATEMENT_FIELDS)

    def check(testimony: Testimony) -> None:
        _check_interviewer(testimony)
        if testimony.summary_is_public:
            _check_summary_mark(actor, testimony, testimony.witness)

    return _created(Testimony(created_by=actor), data, check)


@transaction.atomic
def testimony_update(
    *, testimony: Testimony, actor: AbstractBaseUser, data: Mapping[str, Any]
) -> Testimony:
    """Change a testimony. Unpublishing its summary takes effect at once and is recorded on the
    published incidents that showed it; any other change to a shown summary takes a correction."""
    _require(actor, "sources.change_testimony", "change testimonies")
    testimony = (
        Testimony.objects.select_for_update(of=("self",))
        .select_related("witness")
        .get(pk=testimony.pk)
    )
    if "statement" in data and data["statement"] != testimony.statement:
        _require_identity(actor, {"statement": True}, STATEMENT_FIELDS)
    before = incident_services.testimony_view(
        testimony, consent=testimony.witness.consent_publish_anonymised
    )
    marked = testimony.summary_is_public
    changed = _apply(testimony, data)
    testimony.full_clean()
    if "interviewer" in changed:
        _check_interviewer(testimony)
    witness = Witness.objects.get(pk=testimony.witness_id)
    if testimony.summary_is_public and not marked:
        _check_summary_mark(actor, testimony, witness)
    after = incident_services.testimony_view(testimony, consent=witness.consent_publish_anonymised)
    linking = incident_services.published_linking([testimony.pk]) if before != after else []
    if linking and after is not None:
        raise _cited_refusal(f"The summary of {testimony.public_id}", linking)
    testimony.save(update_fields=[*changed, "updated_at"])
    if linking:
        incident_services.record_public_change(
            incident_ids=linking,
            kind=CorrectionNoteKind.REMOVAL,
            text=incident_services.SUMMARY_REMOVED,
        )
    return testimony


# Claims (reported figures) have a module of their own; callers reach them here like the rest.
from sources.claim_services import (  # noqa: E402, F401
    CLAIM_CONTENT_FIELDS,
    CLAIM_FIELDS,
    PUBLISH_CLAIM_PERMISSION,
    REVIEW_CLAIM_PERMISSION,
    ClaimRefused,
    claim_create,
    claim_editing_refusal,
    claim_incident_link,
    claim_incident_unlink,
    claim_incident_update,
    claim_linking_refusal,
    claim_missing_for_submission,
    claim_publish,
    claim_return_to_draft,
    claim_submit_for_review,
    claim_update,
    claim_withdraw,
)
