"""Uploading and downloading evidence files in the admin.

Alice is an analyst, Olga a witness officer, Dave staff without a role.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sources.models import CustodyAction, EvidenceFile, SourceDocument, Testimony, Witness
from tests.admin_browser import Page
from tests.factories import committed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(2048)


@pytest.fixture
def source():
    return SourceDocument.objects.create(kind="photo", title="Photo of the site")


@pytest.fixture
def testimony():
    return Testimony.objects.create(
        witness=Witness.objects.create(), taken_on="2025-03-01", directness="direct"
    )


def _upload(client, owner: str, pk: int, data: bytes = PNG, name: str = "site.png"):
    with committed():
        return client.post(
            f"/admin/sources/evidencefile/upload/?{owner}={pk}",
            {"file": SimpleUploadedFile(name, data)},
        )


def test_an_analyst_uploads_a_file_to_a_source(client, source, alice):
    client.force_login(alice)
    form = client.get(f"/admin/sources/sourcedocument/{source.pk}/change/").content.decode()
    assert f"/admin/sources/evidencefile/upload/?source={source.pk}" in form
    response = _upload(client, "source", source.pk)
    evidence = EvidenceFile.objects.get(source=source)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/sources/evidencefile/{evidence.pk}/change/"
    assert evidence.sha256 == hashlib.sha256(PNG).hexdigest()
    page = client.get(response["Location"]).content.decode()
    assert evidence.sha256 in page
    assert "Uploaded" in page  # the custody inline


def test_a_refused_file_is_a_form_error_and_nothing_is_stored(client, source, alice, settings):
    client.force_login(alice)
    response = _upload(client, "source", source.pk, data=b"<html><script></script>", name="a.pdf")
    assert response.status_code == 200
    assert "not accepted" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()] == []


def test_staff_without_a_role_cannot_upload(client, source, dave):
    client.force_login(dave)
    assert _upload(client, "source", source.pk).status_code == 403


def test_without_the_right_every_upload_or_download_address_looks_the_same(client, source, dave):
    # Whether a source, a testimony or a file exists is not revealed to staff without a role.
    client.force_login(dave)
    for url in (
        f"/admin/sources/evidencefile/upload/?source={source.pk}",
        "/admin/sources/evidencefile/upload/?source=999999",
        "/admin/sources/evidencefile/upload/?testimony=999999",
        "/admin/sources/evidencefile/upload/",
        "/admin/sources/evidencefile/999999/download/",
    ):
        assert client.get(url).status_code == 403, url


def test_an_upload_needs_a_known_owner(client, alice):
    client.force_login(alice)
    assert client.get("/admin/sources/evidencefile/upload/").status_code == 404
    assert client.get("/admin/sources/evidencefile/upload/?source=999999").status_code == 404


def test_a_download_is_an_attachment_named_by_hash_and_recorded(client, source, alice):
    client.force_login(alice)
    _upload(client, "source", source.pk, name="Petrenko at the checkpoint.png")
    evidence = EvidenceFile.objects.get()
    response = client.get(f"/admin/sources/evidencefile/{evidence.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert evidence.sha256[:16] in disposition
    assert "Petrenko" not in disposition
    assert evidence.custody_events.filter(action=CustodyAction.DOWNLOADED).exists()


def test_files_of_testimonies_download_only_for_witness_officers(client, testimony, alice, olga):
    client.force_login(olga)
    _upload(client, "testimony", testimony.pk)
    evidence = EvidenceFile.objects.get()
    url = f"/admin/sources/evidencefile/{evidence.pk}/download/"
    assert client.get(url).status_code == 200
    client.force_login(alice)
    assert client.get(url).status_code == 403
    assert (
        "witness officers only"
        in client.get(f"/admin/sources/evidencefile/{evidence.pk}/change/").content.decode()
    )


def test_an_altered_file_is_not_served(client, source, alice):
    client.force_login(alice)
    _upload(client, "source", source.pk)
    evidence = EvidenceFile.objects.get()
    os.remove(evidence.file.storage.path(evidence.file.name))
    response = client.get(f"/admin/sources/evidencefile/{evidence.pk}/download/", follow=True)
    assert "failed its integrity check" in response.content.decode()
    assert evidence.custody_events.filter(action=CustodyAction.MISSING).exists()
    assert not evidence.custody_events.filter(action=CustodyAction.DOWNLOADED).exists()


def test_the_download_link_shows_only_to_whoever_may_download(client, testimony, olga, alice):
    # One admin instance serves both: what Alice sees must not depend on Olga's request.
    client.force_login(olga)
    _upload(client, "testimony", testimony.pk)
    evidence = EvidenceFile.objects.get()
    page = f"/admin/sources/evidencefile/{evidence.pk}/change/"
    download = f"/admin/sources/evidencefile/{evidence.pk}/download/"
    assert download in client.get(page).content.decode()
    client.force_login(alice)
    shown = client.get(page).content.decode()
    assert download not in shown
    assert "files of testimonies are for witness officers only" in shown


# --- File names too long to keep or to read ------------------------------------------------------
# Browsers send the name the file has on disk; scripts and other clients may send any name. The
# page is read and posted back with CSRF checks on, as a browser meets them.


@pytest.fixture
def photo(tmp_path) -> Path:
    path = tmp_path / "checkpoint.png"
    path.write_bytes(PNG)
    return path


def _upload_page(user, source) -> tuple[Client, dict]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = Page("upload", client.get(f"/admin/sources/evidencefile/upload/?source={source.pk}"))
    return client, page.form(button="Upload").data({}, None)


def _post_named(client: Client, source, fields: dict, path: Path, name: str) -> Page:
    sent = io.BytesIO(path.read_bytes())
    sent.name = name  # what the client says the file is called
    url = f"/admin/sources/evidencefile/upload/?source={source.pk}"
    return Page(url, client.post(url, {**fields, "file": sent}))


@pytest.mark.parametrize(
    ("name", "error"),
    [
        pytest.param(
            "Checkpoint " + "x" * 300 + ".png",
            "The file's name is 315 characters long; at most 255 are kept with the evidence. "
            "Rename the file and upload it again.",
            id="too-long-to-keep",
        ),
        pytest.param(
            # 600 Cyrillic letters: 1,200 bytes, more than Django reads of a part's headers (1 KB).
            "Блокпост" * 75 + ".png",
            "The upload could not be read, most likely because the file's name is too long. "
            "Rename the file (at most 255 characters) and upload it again.",
            id="too-long-to-read",
        ),
    ],
)
def test_a_very_long_file_name_is_a_form_error_not_a_bare_400(alice, source, photo, name, error):
    client, fields = _upload_page(alice, source)

    page = _post_named(client, source, fields, photo, name)

    assert page.status_code == 200
    assert page.field_errors("file") == [error]
    assert not EvidenceFile.objects.exists()


def test_what_arrived_before_an_unreadable_part_is_not_kept(alice, source, settings):
    client, _ = _upload_page(alice, source)
    boundary = "boundary-of-a-crafted-request"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
        f"Content-Type: image/png\r\n\r\n".encode()
        + PNG
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="{"n" * 2000}"\r\n\r\n'
        f"x\r\n--{boundary}--\r\n".encode()
    )

    response = client.post(
        f"/admin/sources/evidencefile/upload/?source={source.pk}",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    assert response.status_code == 200
    assert [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()] == []


def test_an_upload_without_the_forms_csrf_token_is_refused(alice, source, photo):
    client, fields = _upload_page(alice, source)
    del fields["csrfmiddlewaretoken"]

    page = _post_named(client, source, fields, photo, "checkpoint.png")

    assert page.status_code == 403
    assert not EvidenceFile.objects.exists()
