"""Staff admin for regions, incident types, incidents and their evidence links.

Step 1 of the intake workflow: plain registration. Status changes (submit, assess, publish,
withdraw) come later as actions that call `incidents.services`, which is why every publication
field is read-only here.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from incidents.models import (
    Incident,
    IncidentSource,
    IncidentTestimony,
    IncidentType,
    Region,
)
from sources.models import Testimony

admin.site.site_header = "Incident Register — staff"
admin.site.site_title = "Incident Register staff"
admin.site.index_title = "Records"


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
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

    def save_model(self, request: HttpRequest, obj: Region, form, change: bool) -> None:
        if not change:
            obj.path = Region.path_for(obj.code, obj.parent)
        super().save_model(request, obj, form, change)


@admin.register(IncidentType)
class IncidentTypeAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_en", "name_uk", "legal_reference")
    search_fields = ("slug", "name_en", "name_uk", "legal_reference")
    ordering = ("name_en",)
    prepopulated_fields = {"slug": ("name_en",)}


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


class IncidentSourceInline(admin.TabularInline):
    model = IncidentSource
    fields = ("source", "role", "note")
    autocomplete_fields = ("source",)
    extra = 0


class IncidentTestimonyInline(admin.TabularInline):
    model = IncidentTestimony
    fields = ("testimony", "note")
    autocomplete_fields = ("testimony",)
    extra = 0

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "testimony":
            # A testimony's label includes its witness's code; fetch both in one query.
            kwargs["queryset"] = Testimony.objects.select_related("witness")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
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
        ("Verification", {"fields": ("verification_status", "verification_rationale")}),
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

    def save_model(self, request: HttpRequest, obj: Incident, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(IncidentSource)
class IncidentSourceAdmin(admin.ModelAdmin):
    list_display = ("incident", "source", "role")
    list_filter = ("role",)
    search_fields = ("incident__public_id", "incident__title", "source__public_id", "source__title")
    ordering = ("-id",)
    list_select_related = ("incident", "source")
    autocomplete_fields = ("incident", "source")


@admin.register(IncidentTestimony)
class IncidentTestimonyAdmin(admin.ModelAdmin):
    list_display = ("incident", "testimony")
    search_fields = ("incident__public_id", "incident__title", "testimony__public_id")
    ordering = ("-id",)
    # A testimony's label includes its witness's code.
    list_select_related = ("incident", "testimony__witness")
    autocomplete_fields = ("incident", "testimony")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # __str__ of a link names both ends; the change and delete pages print it too.
        return super().get_queryset(request).select_related("incident", "testimony__witness")
