"""Which evidence files are accepted, judged by their bytes rather than their name or the browser.

A file named `report.pdf` that is really an HTML page or a script is refused: what is stored must
be what it claims to be, and must be safe for the staff who later open it.
"""

from __future__ import annotations

import re
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

# How many leading bytes `sniff` judges a file by. Text is searched for markup in all of them.
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
    text = _text(head)
    if text and not _MARKUP.search(text):
        return TEXT
    return None


def refusal(head: bytes) -> str:
    """Why a file whose first bytes are `head` is refused, in words for the person uploading it."""
    if _MARKUP.search(_text(head) or ""):
        return (
            "Text that contains markup (HTML, SVG or XML tags, or comments) is not accepted, "
            "because a browser would run it. Save the page as PDF, or remove the markup."
        )
    return (
        "This kind of file is not accepted (judged by its content, not its name). "
        f"Accepted: {accepted_labels()}."
    )


# A start or end tag, a comment, a doctype or CDATA section, or a processing instruction such as
# <?xml: what makes a browser or an XML viewer treat text as markup. It is sought in the whole
# head, not only at its start: a byte-order mark, blank lines, a comment or a line of prose before
# the first tag does not stop a browser from rendering it. `<https://...>` and `<name@host>` (how
# plain-text mail writes links and addresses) are not tags.
_MARKUP = re.compile(
    r"<(?:[a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)?(?:[\s/>]|\Z)|/[a-z]|!(?:--|\[|[a-z])|\?[a-z])",
    re.IGNORECASE | re.ASCII,
)


def _text(head: bytes) -> str | None:
    """`head` as text: UTF-8 (with or without a byte-order mark) without control characters
    other than whitespace; None when it is not."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # The sample may end in the middle of a multi-byte character.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return None
    if any(ord(char) < 32 and char not in "\t\n\r\f" for char in text):
        return None
    return text
