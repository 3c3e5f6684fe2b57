"""Uploads stream into private storage, never into the system's temporary directory.

Django's own handlers keep a small upload in memory and write a large one to the system's
temporary directory, where a crashed process leaves a cleartext copy of the evidence behind. The
handler here writes every upload into the incoming area of private storage (`MEDIA_ROOT/incoming/`)
under a random name, hashing it as it arrives, and holds a lock on it for as long as the process
receiving it lives. A file there becomes evidence only when its record commits: the service then
moves it to its final name (`move_into_place`). What a crash leaves behind is unlocked, and
`leftovers()` hands it to whoever cleans up.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.files.utils import validate_file_name

INCOMING = "incoming"
CHUNK_SIZE = 1024 * 1024


def incoming_root() -> Path:
    return Path(settings.MEDIA_ROOT) / INCOMING


class IncomingFile(UploadedFile):
    """An upload in the incoming area: its bytes, SHA-256 and size, locked while it is open.

    Closing it removes it unless it was claimed for a record (`claim`): the move to its final
    name then happens when that record commits.
    """

    def __init__(self, name: str, content_type: str = "", charset: str | None = None) -> None:
        root = incoming_root()
        root.mkdir(mode=0o750, parents=True, exist_ok=True)
        while True:
            self.token = secrets.token_hex(16)
            self.path = root / self.token
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
            # A clean-up may have taken the file between its creation and the lock (it removes
            # only unlocked files); start again with another name if so.
            with contextlib.suppress(FileNotFoundError):
                if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                    break
            os.close(fd)
        super().__init__(os.fdopen(fd, "w+b"), name, content_type, 0, charset)
        self.digest = hashlib.sha256()
        self.claimed = False

    def _set_name(self, name: str | None) -> None:
        # In full: Django's uploaded files cut a name to 255 characters, so a service could not
        # tell the uploader that theirs was too long to keep.
        self._name = None if name is None else validate_file_name(os.path.basename(name))

    name = property(UploadedFile._get_name, _set_name)

    def open(self, mode: str | None = None) -> IncomingFile:
        # Never reopened by its name, which is the uploader's filename rather than a path.
        self.file.seek(0)
        return self

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()

    def append(self, data: bytes) -> None:
        # Flushed at once (the parser hands over 64 KB at a time): what arrived is in the file.
        self.file.write(data)
        self.file.flush()
        self.digest.update(data)
        self.size += len(data)

    def head(self, size: int) -> bytes:
        self.file.seek(0)
        return self.file.read(size)

    def claim(self) -> None:
        """Keep the file when it is closed: a record that is being saved names it. The bytes are
        on disk (not only in the operating system's cache) before that record can commit."""
        os.fsync(self.file.fileno())
        self.claimed = True

    def close(self) -> None:
        if not self.file.closed and not self.claimed:
            self.path.unlink(missing_ok=True)
        self.file.close()

    def discard(self) -> None:
        self.claimed = False
        self.close()


class PrivateUploadHandler(FileUploadHandler):
    """Streams each uploaded file into the incoming area of private storage.

    Past the evidence size limit it stops writing and only counts, so an oversized upload is
    refused by its size without filling the disk first.
    """

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.file = IncomingFile(self.file_name, self.content_type, self.charset)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.file.size + len(raw_data) <= settings.EVIDENCE_MAX_UPLOAD_BYTES:
            self.file.append(raw_data)
        else:
            self.file.size += len(raw_data)

    def file_complete(self, file_size: int) -> IncomingFile:
        self.file.seek(0)
        return self.file

    def upload_interrupted(self) -> None:
        if hasattr(self, "file"):
            self.file.discard()


def copy_into_incoming(upload: UploadedFile) -> IncomingFile:
    """An incoming copy of an upload that did not come through `PrivateUploadHandler` (a file a
    command or a test hands to the service)."""
    incoming = IncomingFile(upload.name or "", upload.content_type or "", upload.charset)
    try:
        upload.seek(0)
        for chunk in upload.chunks(CHUNK_SIZE):
            incoming.append(chunk)
    except BaseException:
        incoming.discard()
        raise
    incoming.seek(0)
    return incoming


def move_into_place(source: Path, destination: Path) -> None:
    """Give a file in the incoming area its final name, read-only, never replacing a file."""
    destination.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    os.chmod(source, 0o440)
    # A hard link fails if the destination exists, where a rename would silently replace it.
    os.link(source, destination)
    source.unlink()
    for directory in (destination.parent, source.parent):
        _fsync_directory(directory)


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Leftover:
    """A file in the incoming area that no living process holds: a crash left it behind. It
    stays locked by whoever took it until `release`."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.token = path.name
        self.size = os.fstat(fd).st_size
        self._fd = fd

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)

    def release(self) -> None:
        os.close(self._fd)


def leftovers() -> Iterator[Leftover]:
    """Each file in the incoming area whose upload is over, locked while the caller decides.

    Files still being received are locked by their process and skipped; a crashed process no
    longer holds its lock.
    """
    root = incoming_root()
    if not root.is_dir():
        return
    for path in sorted(root.iterdir()):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
        except OSError:  # gone meanwhile, or a link: nothing an upload leaves
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # still being received, or its record is being saved
            os.close(fd)
            continue
        leftover = Leftover(path, fd)
        try:
            yield leftover
        finally:
            leftover.release()
