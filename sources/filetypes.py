"""Which evidence files are accepted, judged by their bytes rather than their name or the browser.

A file named `report.pdf` that is really an HTML page or a script is refused: what is stored must
be what it claims to be, and must be safe for the staff who later open it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extension: str


PDF = FileType("PDF", "application/pdf", ".pdf")
JPEG = FileType("JPEG image", "image/jpeg", ".jpg")
PNG = FileType("PNG image", "image/png", ".png")
WEBP = FileType("WebP image", "image/webp", ".webp")
TIFF = FileType("TIFF image", "image/tiff", ".tif")
MP4 = FileType("MP4/MOV video", "video/mp4", ".mp4")
MATROSKA = FileType("WebM/MKV video", "video/webm", ".webm")
MP3 = FileType("MP3 audio", "audio/mpeg", ".mp3")
WAV = FileType("WAV audio", "audio/wav", ".wav")
OGG = FileType("Ogg audio", "audio/ogg", ".ogg")
TEXT = FileType("plain text", "text/plain", ".txt")

ACCEPTED = (PDF, JPEG, PNG, WEBP, TIFF, MP4, MATROSKA, MP3, WAV, OGG, TEXT)

# How many leading bytes `sniff` needs to see.
HEAD_SIZE = 4096


def accepted_labels() -> str:
    return ", ".join(file_type.label for file_type in ACCEPTED)


def sniff(head: bytes) -> FileType | None:
    """The accepted type whose signature `head` (the file's first bytes) carries, if any."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head[4:8] == b"ftyp":
        return MP4
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return MATROSKA
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return MP3
    if head.startswith(b"OggS"):
        return OGG
    if head and _is_plain_text(head):
        return TEXT
    return None


def _is_plain_text(head: bytes) -> bool:
    # UTF-8 without control characters other than whitespace; markup is not plain text, since a
    # browser would render it.
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # The sample may end in the middle of a multi-byte character.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    if any(ord(char) < 32 and char not in "\t\n\r\f" for char in text):
        return False
    lowered = text.lstrip().lower()
    return not lowered.startswith(("<!doctype", "<html", "<svg", "<?xml", "<script"))
