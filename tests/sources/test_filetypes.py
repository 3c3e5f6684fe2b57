"""Which files the upload page accepts as what, judged by their bytes: real files from disk, sent
through the admin's upload form.

Alice is an analyst. Markup passed off as plain text is what a browser would run when a colleague
opens it, so it is refused wherever it starts in the head of the file.
"""

from __future__ import annotations

import pytest

from sources.models import EvidenceFile, SourceDocument
from tests.admin_browser import Browser

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("private_storage", "password_only_sign_in"),
]

MARKUP_REFUSED = (
    "Text that contains markup (HTML, SVG or XML tags, or comments) is not accepted, because a "
    "browser would run it. Save the page as PDF, or remove the markup."
)


@pytest.fixture
def source():
    return SourceDocument.objects.create(kind="document", title="Notes from the crossing")


def _upload(user, source, path):
    browser = Browser(user)
    page = browser.get(f"/admin/sources/evidencefile/upload/?source={source.pk}")
    return browser.submit(page.form(button="Upload"), files={"file": path})


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"<!-- exported -->\n<html><body><script>alert(1)</script>", id="comment"),
        pytest.param(b"\xef\xbb\xbf<html><script>alert(1)</script></html>", id="byte-order-mark"),
        pytest.param(b"\n\n   \t<html><script>alert(1)</script>", id="whitespace"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', id="svg"),
        pytest.param(b"<script>fetch('/admin/')</script>", id="script"),
        pytest.param(b"<!DOCTYPE html>\n<title>Report</title>", id="doctype"),
        pytest.param(b'<?xml version="1.0"?>\n<svg:svg xmlns:svg="x"/>', id="xml"),
        pytest.param(b"<IMG SRC=x ONERROR=alert(1)>", id="upper-case-tag"),
        pytest.param(
            b"Interview notes, 3 March.\n" * 100 + b"<iframe src=//example.org>",
            id="prose-before-a-tag",
        ),
    ],
)
def test_markup_is_refused_as_plain_text_wherever_it_starts(alice, source, tmp_path, content):
    path = tmp_path / "interview notes.txt"
    path.write_bytes(content)

    page = _upload(alice, source, path)

    assert page.status_code == 200
    assert page.field_errors("file") == [MARKUP_REFUSED]
    assert not EvidenceFile.objects.exists()


def test_plain_text_with_angle_brackets_in_prose_is_accepted(alice, source, tmp_path):
    # A byte-order mark, Cyrillic, a comparison, and a link and an address written as plain-text
    # mail writes them: none of it is markup.
    notes = (
        "\ufeffПротокол опитування, 3 березня.\n"
        "The column stopped < 2 km from the bridge; 3 > 2 vehicles were seen.\n"
        "See <https://example.org/report> or write to <desk@monitors.example>.\n"
    )
    path = tmp_path / "notes.txt"
    path.write_text(notes, encoding="utf-8")

    page = _upload(alice, source, path)

    assert page.status_code == 200
    assert page.field_errors("file") == []
    evidence = EvidenceFile.objects.get(source=source)
    assert (evidence.content_type, evidence.size) == ("text/plain", len(notes.encode()))


def test_an_unknown_binary_file_is_refused_with_the_accepted_types(alice, source, tmp_path):
    path = tmp_path / "archive.zip"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)))

    page = _upload(alice, source, path)

    (error,) = page.field_errors("file")
    assert error.startswith("This kind of file is not accepted (judged by its content")
    assert "PDF, JPEG image, PNG image" in error
    assert not EvidenceFile.objects.exists()
