"""Staff admin for evidence files and their chain of custody.

Evidence files are private and immutable: these pages show their metadata, never the stored path,
and nobody adds, changes or deletes a file or a custody event by hand. A file arrives through the
upload page (hashed as it streams in, with a custody record) and leaves only through the download
view, which checks its hash first and records the download. Files of testimonies identify their
witness: only witness officers download them or see their original names.
"""

from __future__ import annotations

import mimetypes

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core.admin_pages import admin_page
from core.admin_readonly import ReadOnlyMixin
from sources import filetypes, services
from sources.admin import IdentityRestrictedMixin, ReadOnlyInline, may_see_identities
from sources.models import CustodyEvent, EvidenceFile, SourceDocument, Testimony


def may_download(request: HttpRequest, evidence: EvidenceFile) -> bool:
    """Files of sources: anyone who may view evidence files. Files of testimonies (recordings,
    scans of statements) identify their witness: witness officers only."""
    if not request.user.has_perm("sources.view_evidencefile"):
        return False
    return evidence.testimony_id is None or may_see_identities(request)


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text=(
            f"Accepted: {filetypes.accepted_labels()}, judged by the file's content. "
            "The file is hashed as it arrives and can never be changed afterwards."
        ),
    )

    @classmethod
    def unreadable(cls) -> EvidenceUploadForm:
        """The form shown again when the request that carried the file could not be read."""
        form = cls(data={}, files={})
        form.full_clean()
        del form.errors["file"]  # not "required": a file was sent
        form.add_error(
            "file",
            "The upload could not be read, most likely because the file's name is too long. "
            f"Rename the file (at most {services.ORIGINAL_NAME_LIMIT} characters) and upload it "
            "again.",
        )
        return form


def _request_readable(request: HttpRequest) -> bool:
    """Whether Django can parse the request's form data. It cannot when a part's headers exceed
    1 KB, which a file name of several hundred characters does."""
    try:
        request.POST  # noqa: B018 (parses the body)
    except MultiPartParserError:
        # Nothing of a file received before the unreadable part is kept.
        for handler in request.upload_handlers:
            if hasattr(handler, "file"):
                handler.file.close()
        return False
    return True


class CustodyEventInline(ReadOnlyInline):
    model = CustodyEvent
    fields = ("at", "action", "actor", "observed_sha256", "note")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("actor")


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyMixin, IdentityRestrictedMixin, admin.ModelAdmin):
    """Read-only: a file's metadata and its chain of custody, never the file or where it is kept.

    Uploads have a page of their own. The stored original is evidence: removing one is a decision
    for a service that records it in the chain of custody, not for a delete button.
    """

    list_display = (
        "short_sha256",
        "size_display",
        "content_type",
        "source",
        "testimony",
        "uploaded_at",
        "uploaded_by",
    )
    list_filter = ("content_type", "uploaded_at")
    # `^`: analysts paste the start of a hash they were given; the column holds lower-case hex.
    search_fields = ("^sha256", "source__public_id", "testimony__public_id")
    ordering = ("-uploaded_at", "-id")
    list_select_related = ("source", "testimony__witness", "uploaded_by")
    date_hierarchy = "uploaded_at"
    # An uploader's filename can name a witness or a place.
    restricted_fields = ("original_name",)
    restricted_placeholder = "original_name_restricted"
    readonly_fields = (
        "source",
        "testimony",
        "sha256",
        "size",
        "content_type",
        "original_name",
        "uploaded_by",
        "uploaded_at",
        "download",
        "download_restricted",
    )
    fieldsets = (
        (None, {"fields": ("source", "testimony")}),
        ("File", {"fields": ("sha256", "size", "content_type", "original_name", "download")}),
        ("Record", {"fields": ("uploaded_by", "uploaded_at")}),
    )
    inlines = (CustodyEventInline,)

    @admin.display(description="SHA-256", ordering="sha256")
    def short_sha256(self, obj: EvidenceFile) -> str:
        return obj.sha256[:12]

    @admin.display(description="size", ordering="size")
    def size_display(self, obj: EvidenceFile) -> str:
        return filesizeformat(obj.size)

    @admin.display(description="original name")
    def original_name_restricted(self, obj: EvidenceFile) -> str:
        return "Restricted: visible to witness officers only."

    @admin.display(description="download")
    def download(self, obj: EvidenceFile) -> str:
        url = reverse("admin:sources_evidencefile_download", args=[obj.pk])
        return format_html(
            '<a href="{}">Download</a> (the file is re-hashed first; the download is recorded '
            "in its chain of custody)",
            url,
        )

    @admin.display(description="download")
    def download_restricted(self, obj: EvidenceFile) -> str:
        return "Restricted: files of testimonies are for witness officers only."

    def get_fieldsets(self, request: HttpRequest, obj: EvidenceFile | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or may_download(request, obj):
            return fieldsets
        # Who may not download the file sees why instead of the link. Decided here, from this
        # request: one admin instance serves every request, so it must not hold the user.
        swap = {"download": "download_restricted"}
        return [
            (name, {**options, "fields": [swap.get(field, field) for field in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="sources_evidencefile_upload",
            ),
            path(
                "<path:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="sources_evidencefile_download",
            ),
            *super().get_urls(),
        ]

    # The body is read here, after the permission check, rather than by the CSRF middleware: a
    # body Django cannot parse is then a form error instead of a bare 400 page. `_upload` checks
    # the CSRF token of every body it can read.
    @method_decorator(csrf_exempt)
    def upload_view(self, request: HttpRequest) -> HttpResponse:
        owner_kind, owner = self._upload_owner(request)
        if request.method == "POST" and not _request_readable(request):
            return self._upload_page(request, owner, EvidenceUploadForm.unreadable())
        return self._upload(request, owner_kind, owner)

    @method_decorator(csrf_protect)
    def _upload(
        self, request: HttpRequest, owner_kind: str, owner: SourceDocument | Testimony
    ) -> HttpResponse:
        form = EvidenceUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                evidence = services.evidence_file_upload(
                    upload=form.cleaned_data["file"], actor=request.user, **{owner_kind: owner}
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                self.message_user(
                    request,
                    f"File stored; SHA-256 {evidence.sha256}. Its chain of custody has begun.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:sources_evidencefile_change", args=[evidence.pk])
                )
        return self._upload_page(request, owner, form)

    def _upload_page(
        self, request: HttpRequest, owner: SourceDocument | Testimony, form: EvidenceUploadForm
    ) -> HttpResponse:
        context = {"title": f"Upload an evidence file for {owner}", "form": form, "owner": owner}
        return admin_page(self, request, "admin/sources/evidencefile/upload.html", context)

    def _upload_owner(self, request: HttpRequest) -> tuple[str, SourceDocument | Testimony]:
        for kind, model in (("source", SourceDocument), ("testimony", Testimony)):
            raw = request.GET.get(kind)
            if raw is None:
                continue
            # The right first, so that nobody without it learns which ids exist.
            allowed = request.user.has_perm("sources.add_evidencefile") and request.user.has_perm(
                f"sources.change_{model._meta.model_name}"
            )
            if not allowed:
                raise PermissionDenied
            owner = model.objects.filter(pk=raw).first() if raw.isdigit() else None
            if owner is None:
                raise Http404(f"No {kind} with this id.")
            return kind, owner
        if not request.user.has_perm("sources.add_evidencefile"):
            raise PermissionDenied
        raise Http404("Say which source or testimony the file belongs to.")

    def download_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        # The right to evidence files first, so that nobody without it learns which ids exist.
        if not request.user.has_perm("sources.view_evidencefile"):
            raise PermissionDenied
        evidence = self.get_object(request, unquote(object_id))
        if evidence is None:
            raise Http404("No evidence file with this id.")
        if not may_download(request, evidence):
            raise PermissionDenied
        try:
            handle = services.evidence_file_open_for_download(evidence=evidence, actor=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:sources_evidencefile_change", args=[evidence.pk])
            )
        extension = mimetypes.guess_extension(evidence.content_type) or ""
        # Named by its hash, never by the uploader's filename, and never shown inline.
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"evidence-{evidence.sha256[:16]}{extension}",
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("source", "testimony__witness")


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The chain of custody is append-only: nobody adds, edits or deletes an event by hand."""

    list_display = ("at", "action", "evidence_file", "actor", "short_observed_sha256")
    list_filter = ("action", "at")
    search_fields = ("^evidence_file__sha256", "^observed_sha256")
    ordering = ("-at", "-id")
    list_select_related = ("evidence_file", "actor")
    date_hierarchy = "at"
    fields = (
        "evidence_file",
        "action",
        "actor",
        "at",
        "observed_sha256",
        "note",
        "previous_hash",
        "row_hash",
    )
    readonly_fields = fields

    @admin.display(description="observed SHA-256", ordering="observed_sha256")
    def short_observed_sha256(self, obj: CustodyEvent) -> str:
        return obj.observed_sha256[:12]
