"""Private storage for evidence files: a directory outside every URL the site serves."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_evidence_storage() -> FileSystemStorage:
    # base_url=None: the storage can build no URL, so no template can link to a file by mistake.
    # Files are written read-only: the original is never rewritten in place.
    return FileSystemStorage(
        location=settings.MEDIA_ROOT,
        base_url=None,
        file_permissions_mode=0o440,
        directory_permissions_mode=0o750,
    )
