"""Staff admin for regions, incident types and incidents.

Every save and deletion here is a service call (`core.admin_services`): the services hold the
rules (who may edit what in which status, the version check that refuses lost updates, four
eyes, reviewer-only fields); this module only shows their answers, and greys out what they would
refuse anyway.

The incident's change page has pages of its own around it: the Workflow box, its steps and the
landing page's work queues (`incidents.workflow_admin`), the evidence links
(`incidents.link_admin`), and corrections of published incidents (`incidents.correction_admin`).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from core.admin_history import HistoryAdminMixin
from core.admin_services import RefusedOnSave, ServiceAdminMixin
from core.errors import Refused
from incidents import services
from incidents.corrections import CONTENT_FIELDS
from incidents.forms import IncidentAdminForm
from incidents.link_admin import IncidentSourceInline, IncidentTestimonyInline
from incidents.models import Incident, IncidentSource, IncidentType, Region
from incidents.services import editing_refusal
from incidents.workflow_admin import (
    IncidentWorkflowMixin,
    WorkQueueFilter,
    status_allows_editing,
    why_read_only,
)


@admin.register(Region)
class RegionAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("code", "iso_code", "level", "name_en", "name_uk", "parent")
    list_filter = ("level",)
    search_fields = ("code", "iso_code", "name_en", "name_uk")
    ordering = ("path",)
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)
    fields = (
        "code",
        "iso_code",
        "level",
        "parent",
        "path",
        ("name_en", "name_uk"),
        ("latitude", "longitude"),
    )

    # Regions are reference data from a migration; incidents and partners' filters point at them,
    # so only a superuser may correct one.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Region | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Region | None = None) -> bool:
        return request.user.is_superuser

    def get_readonly_fields(self, request: HttpRequest, obj: Region | None = None) -> tuple:
        if obj is None:
            return self.readonly_fields
        # The path of every unit beneath this one is built from its code and parent; changing
        # them here would leave those paths stale and region filters silently wrong.
        return (*self.readonly_fields, "code", "level", "parent")

    def write(self, request: HttpRequest, form, change: bool) -> Model:
        return services.region_save(
            actor=request.user,
            data={name: form.cleaned_data[name] for name in form.changed_data},
            region=form.instance if change else None,
        )


@admin.register(IncidentType)
class IncidentTypeAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("slug", "name_en", "name_uk", "legal_reference")
    search_fields = ("slug", "name_en", "name_uk", "legal_reference")
    ordering = ("name_en",)
    prepopulated_fields = {"slug": ("name_en",)}

    def has_delete_permission(self, request: HttpRequest, obj: IncidentType | None = None):
        # Incidents point at their type (PROTECT); an unused type is simply left alone.
        return False

    def write(self, request: HttpRequest, form, change: bool) -> Model:
        return services.incident_type_save(
            actor=request.user,
            data={name: form.cleaned_data[name] for name in form.changed_data},
            incident_type=form.instance if change else None,
        )


class OblastListFilter(admin.SimpleListFilter):
    """Incidents in an oblast-level unit or anywhere beneath it (raion, hromada, settlement)."""

    title = "oblast"
    parameter_name = "oblast"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        oblasts = Region.objects.filter(level=Region.Level.OBLAST).order_by("name_en")
        return [(code, name) for code, name in oblasts.values_list("code", "name_en")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        if not self.value():
            return None
        oblast = Region.objects.filter(level=Region.Level.OBLAST, code=self.value()).first()
        if oblast is None:
            # An unknown code must not fall back to "all incidents": that would look like a result.
            return queryset.none()
        return queryset.in_region(oblast)


@admin.register(Incident)
class IncidentAdmin(HistoryAdminMixin, IncidentWorkflowMixin, ServiceAdminMixin, admin.ModelAdmin):
    form = IncidentAdminForm
    list_display = (
        "public_id",
        "title",
        "incident_type",
        "date_start",
        "region",
        "verification_status",
        "publication_status",
        "assigned_to",
        "updated_at",
    )
    list_display_links = ("public_id", "title")
    list_filter = (
        WorkQueueFilter,
        "publication_status",
        "verification_status",
        "incident_type",
        "victim_category",
        OblastListFilter,
        "date_start",
    )
    search_fields = ("public_id", "title", "summary", "location_name")
    # Staff come back to what was touched last; the date of the event is one click away.
    ordering = ("-updated_at", "-id")
    list_select_related = ("incident_type", "region", "assigned_to")
    date_hierarchy = "date_start"
    # A filtered list would otherwise count the whole table again just to print "of N total".
    show_full_result_count = False
    autocomplete_fields = ("region", "assigned_to")
    readonly_fields = (
        # Set by a reviewer through "Assess", never typed into the form.
        "verification_status",
        "verification_rationale",
        "publication_status",
        "published_at",
        "withdrawn_at",
        "withdrawal_reason",
        "reviewed_by",
        "duplicate_of",
        "public_id",
        "created_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        ("What", {"fields": ("title", "incident_type", "summary", "internal_notes")}),
        ("When", {"fields": (("date_start", "date_end"), "date_precision")}),
        (
            "Where",
            {
                "fields": (
                    "region",
                    "location_name",
                    ("latitude", "longitude"),
                    "geo_precision",
                    "coordinates_public",
                )
            },
        ),
        (
            "Victims",
            {
                "fields": (
                    ("killed_low", "killed_best", "killed_high"),
                    ("wounded_low", "wounded_best", "wounded_high"),
                    "victim_category",
                )
            },
        ),
        (
            "Attribution",
            {"fields": ("perpetrator_force", "perpetrator_unit", "attribution_confidence")},
        ),
        (
            "Verification",
            {
                "description": "Set by a reviewer with “Assess” while the incident is in review.",
                "fields": ("verification_status", "verification_rationale"),
            },
        ),
        (
            "Publication",
            {
                "description": "Changed only by the review workflow.",
                "fields": (
                    "publication_status",
                    ("published_at", "withdrawn_at"),
                    "withdrawal_reason",
                    "reviewed_by",
                    "duplicate_of",
                ),
            },
        ),
        (
            "Record",
            {"fields": ("public_id", "created_by", "assigned_to", ("created_at", "updated_at"))},
        ),
    )
    inlines = (IncidentSourceInline, IncidentTestimonyInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The search column is for the public ?q= filter; no admin page shows it.
        return super().get_queryset(request).defer("search_vector")

    # -- Editing rules (the services decide; these only grey out what they would refuse)

    def has_change_permission(self, request: HttpRequest, obj: Incident | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return (
            obj is None or editing_refusal(incident=obj, actor=request.user, content=False) is None
        )

    def has_delete_permission(self, request: HttpRequest, obj: Incident | None = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or services.deletion_refusal(incident=obj, actor=request.user) is None

    def get_readonly_fields(self, request: HttpRequest, obj: Incident | None = None) -> tuple:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and not status_allows_editing(request.user, obj):
            # A published or withdrawn record keeps its content; its staff fields stay open.
            return (*readonly, *(f for f in CONTENT_FIELDS if f not in readonly))
        if not services.is_reviewer(request.user):
            # Publishing exact coordinates can endanger people there: a reviewer's decision.
            readonly += ("coordinates_public",)
        return readonly

    # -- Writes: every one a service call

    def lock(self, request: HttpRequest, obj: Incident) -> None:
        Incident.objects.select_for_update().filter(pk=obj.pk).exists()

    def write(self, request: HttpRequest, form, change: bool) -> Incident:
        fields = [name for name in form.cleaned_data if name in services.EDITABLE_FIELDS]
        if not change:
            return services.incident_create(
                actor=request.user, data={name: form.cleaned_data[name] for name in fields}
            )
        return services.incident_update(
            incident=form.instance,
            actor=request.user,
            version=form.cleaned_data.get("version"),
            data={name: form.cleaned_data[name] for name in fields if name in form.changed_data},
        )

    def erase(self, request: HttpRequest, obj: Incident) -> None:
        services.incident_delete(incident=obj, actor=request.user)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        """Evidence links are added, changed and removed by the link services, one by one."""
        is_sources = formset.model is IncidentSource
        formset.save(commit=False)
        try:
            for link in formset.deleted_objects:
                if is_sources:
                    services.incident_source_remove(link=link, actor=request.user)
                else:
                    services.incident_testimony_remove(link=link, actor=request.user)
            replaced = []
            for link, changed in formset.changed_objects:
                if {"source", "testimony"} & set(changed):
                    # Another source or testimony picked on an existing row: the old link goes,
                    # a new one comes (a link's two ends never change in place).
                    replaced.append(link)
                elif is_sources:
                    services.incident_source_change(
                        link=link, actor=request.user, role=link.role, note=link.note
                    )
                else:
                    services.incident_testimony_change(
                        link=link, actor=request.user, note=link.note
                    )
            for link in replaced:
                if is_sources:
                    services.incident_source_remove(link=link, actor=request.user)
                else:
                    services.incident_testimony_remove(link=link, actor=request.user)
            for link in [*replaced, *formset.new_objects]:
                if is_sources:
                    services.incident_source_add(
                        incident=form.instance,
                        actor=request.user,
                        source=link.source,
                        role=link.role,
                        note=link.note,
                    )
                else:
                    services.incident_testimony_add(
                        incident=form.instance,
                        actor=request.user,
                        testimony=link.testimony,
                        note=link.note,
                    )
        except (ValidationError, Refused) as error:
            raise RefusedOnSave(
                " ".join(error.messages if isinstance(error, ValidationError) else [str(error)])
            ) from error

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            refused = self._refuse_save_after_lock(request, object_id)
            if refused is not None:
                return refused
        return super().change_view(request, object_id, form_url, extra_context)

    def _refuse_save_after_lock(self, request: HttpRequest, object_id: str) -> HttpResponse | None:
        """Explain, instead of a bare 403, why a form opened on an editable incident cannot be
        saved now that someone submitted, published or withdrew it in the meantime."""
        incident = self.get_object(request, unquote(object_id))
        if incident is None or self.has_change_permission(request, incident):
            return None
        if not super().has_change_permission(request, incident):
            return None
        if request.POST.get("version") in (None, "", str(incident.version)):
            # Not a stale form: an attempt to edit a read-only record, which gets the plain 403.
            return None
        messages.error(
            request,
            f"{services.changed_after_you_opened(incident)}: it is now "
            f"{incident.get_publication_status_display().lower()}. "
            f"{why_read_only(incident, request.user)} Your changes were not saved.",
        )
        return HttpResponseRedirect(request.path)


# Corrections have pages of their own; importing the module registers them.
from incidents import correction_admin  # noqa: E402, F401
