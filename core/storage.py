"""Private storage for evidence files: a directory outside every URL the site serves."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage


def private_evidence_storage() -> FileSystemStorage:
    # base_url=None: the storage can build no URL, so no template can link to a file by mistake.
    # Files are written read-only: the original is never rewritten in place. No location: the
    # storage reads MEDIA_ROOT when it is first used and again whenever the setting changes, as
    # the upload area and the checks do (a location given here would be fixed at start-up).
    return FileSystemStorage(
        base_url=None,
        file_permissions_mode=0o440,
        directory_permissions_mode=0o750,
    )
