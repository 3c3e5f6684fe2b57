"""Staff admin for sources, witnesses and testimonies.

Witness identities and statements are shown only to holders of `sources.view_witness_identity`:
for everybody else they are left out of the form class itself, so they are neither rendered nor
writable, and they are never listed, searched or filtered on. Every save and deletion is a call to
`sources.services`, which also keeps what published incidents show of a source or testimony from
changing without a correction. Evidence files show here as metadata with a link to the upload
page; their own pages are in `sources.evidence_admin`.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.admin.widgets import AdminTextInputWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html

from core.admin_history import HistoryAdminMixin
from core.admin_readonly import ReadOnlyMixin
from core.admin_services import ServiceAdminMixin
from sources import services
from sources.claim_admin import SourceClaimsMixin
from sources.models import EvidenceFile, SourceDocument, Testimony, Witness

IDENTITY_PERMISSION = "sources.view_witness_identity"


def may_see_identities(request: HttpRequest) -> bool:
    return request.user.has_perm(IDENTITY_PERMISSION)


class IdentityRestrictedMixin(BaseModelAdmin):
    """Hides `restricted_fields` from users without the witness-identity permission.

    Subclasses list the fields in `fieldsets` as usual; for a user without the permission each
    restricted field is replaced by `restricted_placeholder`, a read-only note, and is dropped from
    the form class, so a crafted POST cannot write it either.
    """

    restricted_fields: tuple[str, ...] = ()
    restricted_placeholder = "identity_restricted"

    @admin.display(description="Identity")
    def identity_restricted(self, obj: object) -> str:
        return "Identity restricted: visible to witness officers only."

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if may_see_identities(request):
            return fieldsets
        return [
            (name, {**options, "fields": self._without_restricted(options["fields"])})
            for name, options in fieldsets
        ]

    def _without_restricted(self, fields) -> list:
        kept: list = []
        for field in fields:
            if isinstance(field, (list, tuple)):
                row = [f for f in field if f not in self.restricted_fields]
                if row:
                    kept.append(tuple(row))
            elif field not in self.restricted_fields:
                kept.append(field)
            elif self.restricted_placeholder not in kept:
                kept.append(self.restricted_placeholder)
        return kept

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if may_see_identities(request):
            return readonly
        return (*readonly, self.restricted_placeholder)

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not may_see_identities(request):
            # The fieldsets already leave these out; removing them from the form class as well
            # means that no request can write them, whatever a later edit does to the fieldsets.
            for name in self.restricted_fields:
                form.base_fields.pop(name, None)
        return form

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # The admin accepts ?field__isnull= on any local field; for an encrypted field even that
        # says whether somebody recorded a name or a statement, so refuse it outright.
        if lookup.split("__", 1)[0] in self.restricted_fields:
            return False
        return super().lookup_allowed(lookup, value, request)


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    """An inline that only shows: evidence and custody rows are written by services, never here."""

    extra = 0
    max_num = 0
    can_delete = False


class EvidenceFileInline(ReadOnlyInline):
    """Metadata of the files attached to a source or testimony; uploads have a page of their own."""

    model = EvidenceFile
    # Neither `file` (its stored path) nor `original_name` (it can name a witness) is shown here.
    fields = ("short_sha256", "size_display", "content_type", "uploaded_at", "uploaded_by")
    readonly_fields = fields
    show_change_link = True

    @admin.display(description="SHA-256")
    def short_sha256(self, obj: EvidenceFile) -> str:
        return obj.sha256[:12]

    @admin.display(description="size")
    def size_display(self, obj: EvidenceFile) -> str:
        return filesizeformat(obj.size)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("uploaded_by")


class EvidenceFilesMixin:
    """For the admin of a record that evidence files are attached to (a source, a testimony): the
    files' metadata below the form, and `evidence_upload`, a link to the upload page, which
    names the record as `?<evidence_owner>=<pk>`."""

    evidence_owner = ""
    inlines = (EvidenceFileInline,)

    @admin.display(description="Add a file")
    def evidence_upload(self, obj: SourceDocument | Testimony | None) -> str:
        if obj is None or obj.pk is None:
            return "Save first; files are attached to a saved record."
        url = reverse("admin:sources_evidencefile_upload") + f"?{self.evidence_owner}={obj.pk}"
        return format_html('<a class="button" href="{}">Upload an evidence file</a>', url)


def _form_data(form, change: bool) -> dict:
    """What the form sets: on a change page only the fields the user changed."""
    names = form.changed_data if change else form.cleaned_data
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


class SavedByUserMixin(ServiceAdminMixin):
    """Adds a record through `create_service` and changes it through `update_service`, with the
    user who saves as the actor: the create service records them as `created_by` (the admin never
    sets it). `update_service` takes the record as its `record_argument` keyword."""

    create_service: Callable[..., models.Model]
    update_service: Callable[..., models.Model]
    record_argument: str

    def write(self, request: HttpRequest, form, change: bool) -> models.Model:
        data = _form_data(form, change)
        if change:
            record = {self.record_argument: form.instance}
            return self.update_service(**record, actor=request.user, data=data)
        return self.create_service(actor=request.user, data=data)


class ShortNamesField(forms.CharField):
    """A list of short names typed on one line, separated by commas. What each may be is the
    service's rule (`sources.models.checked_short_names`); its refusal shows on this field."""

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(value)
        return value

    def to_python(self, value) -> list[str]:
        value = super().to_python(value)
        return [name.strip() for name in value.split(",") if name.strip()]


def _linked_duplicate(error: ValidationError) -> ValidationError:
    """The service's refusal of a URL another source has, with a link to that source."""
    if not hasattr(error, "error_dict") or "url" not in error.error_dict:
        return error
    url_errors = []
    for item in error.error_dict["url"]:
        existing = None
        if item.code == "duplicate_url":
            existing = SourceDocument.objects.filter(public_id=item.params["public_id"]).first()
        if existing is None:
            url_errors.append(item)
            continue
        link = reverse("admin:sources_sourcedocument_change", args=[existing.pk])
        url_errors.append(
            ValidationError(
                format_html(
                    'This address is already recorded as <a href="{}">{} “{}”</a>: cite that '
                    "source rather than adding it again.",
                    link,
                    existing.public_id,
                    existing.title,
                ),
                code="duplicate_url",
            )
        )
    return ValidationError({**error.error_dict, "url": url_errors})


class UncheckedAddressFilter(admin.SimpleListFilter):
    """Sources whose URL was never checked against the others': those at an address an older
    source already had when the rule came (migration sources.0009 lists them), to be merged."""

    title = "address"
    parameter_name = "address"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("unchecked", "Not checked for duplicates")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "unchecked":
            return queryset.exclude(url="").filter(url_normalised="")
        return queryset


@admin.register(SourceDocument)
class SourceDocumentAdmin(
    HistoryAdminMixin, SourceClaimsMixin, EvidenceFilesMixin, SavedByUserMixin, admin.ModelAdmin
):
    list_display = (
        "public_id",
        "title",
        "kind",
        "publisher",
        "short_names_display",
        "published_on",
        "reliability",
        "is_public",
    )
    list_display_links = ("public_id", "title")
    list_filter = ("kind", "reliability", "is_public", "language", UncheckedAddressFilter)
    # An array's text form is "{HRMMU,OHCHR}", so `short_names` matches any of them, in any case.
    search_fields = ("public_id", "title", "publisher", "short_names", "url")
    ordering = ("-published_on", "-id")
    date_hierarchy = "published_on"
    readonly_fields = ("public_id", "created_by", "created_at", "updated_at", "evidence_upload")
    fieldsets = (
        (None, {"fields": ("title", "kind", "publisher", "short_names", "description")}),
        ("Where to find it", {"fields": ("url", "archive_url", ("published_on", "accessed_at"))}),
        ("Assessment", {"fields": ("language", "reliability", "origin_note", "is_public")}),
        ("Record", {"fields": ("public_id", "created_by", ("created_at", "updated_at"))}),
        ("Evidence files", {"fields": ("evidence_upload",)}),
    )
    evidence_owner = "source"
    # Sources are cited by URL; a pasted "example.org/x" should become a secure link.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    create_service = staticmethod(services.source_create)
    update_service = staticmethod(services.source_update)
    record_argument = "source"

    @admin.display(description="short names")
    def short_names_display(self, obj: SourceDocument) -> str:
        return ", ".join(obj.short_names)

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "short_names":
            return ShortNamesField(
                label="Short names",
                required=False,
                help_text=db_field.help_text,
                widget=AdminTextInputWidget,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def write(self, request: HttpRequest, form, change: bool) -> models.Model:
        try:
            return super().write(request, form, change)
        except ValidationError as error:
            raise _linked_duplicate(error) from None

    def has_delete_permission(self, request: HttpRequest, obj: SourceDocument | None = None):
        if not super().has_delete_permission(request, obj):
            return False
        return (
            obj is None or services.source_deletion_refusal(source=obj, actor=request.user) is None
        )

    def erase(self, request: HttpRequest, obj: SourceDocument) -> None:
        services.source_delete(source=obj, actor=request.user)


# What a witness agreed to, listed and filtered together.
CONSENTS = (
    "consent_internal_use",
    "consent_share_with_partners",
    "consent_publish_anonymised",
    "willing_to_testify",
)


@admin.register(Witness)
class WitnessAdmin(HistoryAdminMixin, IdentityRestrictedMixin, SavedByUserMixin, admin.ModelAdmin):
    # Nothing that could identify the person: no identity field is listed, searched or filtered.
    list_display = ("code", "role", "risk_level", *CONSENTS, "created_at")
    list_filter = ("role", "risk_level", *CONSENTS)
    # Also what the testimony form's witness autocomplete searches: codes only.
    search_fields = ("code",)
    ordering = ("code",)
    readonly_fields = ("created_by", "created_at", "updated_at")
    restricted_fields = ("full_name", "contact", "identity_notes")
    fieldsets = (
        (None, {"fields": ("code", "role", "risk_level")}),
        ("Identity", {"fields": ("full_name", "contact", "identity_notes")}),
        (
            "Consent",
            {
                "fields": (
                    "consent_internal_use",
                    "consent_share_with_partners",
                    "consent_publish_anonymised",
                    "willing_to_testify",
                )
            },
        ),
        ("Record", {"fields": ("created_by", ("created_at", "updated_at"))}),
    )
    create_service = staticmethod(services.witness_create)
    update_service = staticmethod(services.witness_update)
    record_argument = "witness"

    def get_readonly_fields(self, request: HttpRequest, obj: Witness | None = None) -> tuple:
        readonly = super().get_readonly_fields(request, obj)
        # Testimonies, notes and partners cite the pseudonym; renaming it would orphan those.
        return readonly if obj is None else ("code", *readonly)

    def has_delete_permission(self, request: HttpRequest, obj: Witness | None = None) -> bool:
        # Testimonies and partners cite the pseudonym; a witness record is never deleted here.
        return False


@admin.register(Testimony)
class TestimonyAdmin(
    HistoryAdminMixin,
    IdentityRestrictedMixin,
    EvidenceFilesMixin,
    SavedByUserMixin,
    admin.ModelAdmin,
):
    list_display = ("public_id", "witness", "taken_on", "mode", "directness", "summary_is_public")
    list_filter = ("mode", "directness", "language", "summary_is_public")
    search_fields = ("public_id", "witness__code")
    ordering = ("-taken_on", "-id")
    list_select_related = ("witness",)
    date_hierarchy = "taken_on"
    autocomplete_fields = ("witness", "interviewer")
    readonly_fields = ("public_id", "created_by", "created_at", "updated_at", "evidence_upload")
    # Decision for step 1: a full statement identifies its witness as surely as a name does
    # (units, places, fellow prisoners), so it is restricted like the identity fields.
    restricted_fields = ("statement",)
    restricted_placeholder = "statement_restricted"
    fieldsets = (
        (None, {"fields": ("witness", "taken_on", "interviewer", "mode", "language")}),
        ("Content", {"fields": ("directness", "statement")}),
        ("Public summary", {"fields": ("public_summary", "summary_is_public")}),
        ("Record", {"fields": ("public_id", "created_by", ("created_at", "updated_at"))}),
        ("Evidence files", {"fields": ("evidence_upload",)}),
    )
    evidence_owner = "testimony"
    create_service = staticmethod(services.testimony_create)
    update_service = staticmethod(services.testimony_update)
    record_argument = "testimony"

    @admin.display(description="Statement")
    def statement_restricted(self, obj: Testimony | None) -> str:
        return "Statement restricted: visible to witness officers only."

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # __str__ shows the witness's code: the autocomplete on incidents lists many at once.
        return super().get_queryset(request).select_related("witness")

    def has_delete_permission(self, request: HttpRequest, obj: Testimony | None = None) -> bool:
        # Incidents rest on testimonies and their files are evidence: never deleted here.
        return False


# Evidence files and their custody have pages of their own; importing the module registers them.
from sources import evidence_admin  # noqa: E402, F401
