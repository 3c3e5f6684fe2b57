"""Evidence links in the admin: the incident page's inlines and the links' own pages.

An evidence link (an incident citing a source, or resting on a testimony) is part of its
incident: it may be added, changed or removed exactly when the incident's content may be, and
only through the link services, which enforce that rule too.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin_history import HistoryAdminMixin
from core.admin_services import AutocompletePickers, ServiceAdminMixin
from incidents import services
from incidents.models import Incident, IncidentSource, IncidentTestimony, PublicationStatus
from incidents.workflow_admin import status_allows_editing
from sources.models import Testimony


class FollowsIncidentInline(AutocompletePickers, InlineModelAdmin):
    """An evidence link is part of its incident: it may be changed exactly when the incident may.

    `obj` is the parent incident (None on the add page, where the model permissions decide).
    """

    def _incident_allows(self, request: HttpRequest, incident: Incident | None) -> bool:
        return incident is None or status_allows_editing(request.user, incident)

    def has_add_permission(self, request: HttpRequest, obj: Incident | None) -> bool:
        return super().has_add_permission(request, obj) and self._incident_allows(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Incident | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._incident_allows(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Incident | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._incident_allows(request, obj)


class IncidentSourceInline(FollowsIncidentInline, admin.TabularInline):
    model = IncidentSource
    fields = ("source", "role", "note")
    autocomplete_fields = ("source",)
    extra = 0


class IncidentTestimonyInline(FollowsIncidentInline, admin.TabularInline):
    model = IncidentTestimony
    fields = ("testimony", "note")
    autocomplete_fields = ("testimony",)
    extra = 0

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "testimony":
            # A testimony's label includes its witness's code; fetch both in one query.
            kwargs["queryset"] = Testimony.objects.select_related("witness")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LinkFollowsIncidentMixin(ServiceAdminMixin):
    """The separate admin of evidence links obeys the incident's editing rule too (the link
    services enforce it), so a link of a published record cannot be added, changed or removed by
    the back door. An existing link keeps its two ends; only its role and note change."""

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or status_allows_editing(request.user, obj.incident))

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or status_allows_editing(request.user, obj.incident))

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if obj is None else (*readonly, "incident", self.other_end)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "incident":
            editable = [PublicationStatus.DRAFT]
            if request.user.has_perm(services.REVIEW_PERMISSION):
                editable.append(PublicationStatus.IN_REVIEW)
            kwargs["queryset"] = Incident.objects.filter(publication_status__in=editable)
            kwargs["error_messages"] = {
                "invalid_choice": "Evidence can be linked only to a draft, or by a reviewer to an "
                "incident in review: a published record changes through a correction."
            }
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(IncidentSource)
class IncidentSourceAdmin(HistoryAdminMixin, LinkFollowsIncidentMixin, admin.ModelAdmin):
    list_display = ("incident", "source", "role")
    list_filter = ("role",)
    search_fields = ("incident__public_id", "incident__title", "source__public_id", "source__title")
    ordering = ("-id",)
    list_select_related = ("incident", "source")
    autocomplete_fields = ("incident", "source")
    other_end = "source"

    def write(self, request: HttpRequest, form, change: bool) -> IncidentSource:
        data = form.cleaned_data
        if change:
            return services.incident_source_change(
                link=form.instance, actor=request.user, role=data["role"], note=data["note"]
            )
        return services.incident_source_add(
            incident=data["incident"],
            actor=request.user,
            source=data["source"],
            role=data["role"],
            note=data["note"],
        )

    def erase(self, request: HttpRequest, obj: IncidentSource) -> None:
        services.incident_source_remove(link=obj, actor=request.user)


@admin.register(IncidentTestimony)
class IncidentTestimonyAdmin(HistoryAdminMixin, LinkFollowsIncidentMixin, admin.ModelAdmin):
    list_display = ("incident", "testimony")
    search_fields = ("incident__public_id", "incident__title", "testimony__public_id")
    ordering = ("-id",)
    # A testimony's label includes its witness's code.
    list_select_related = ("incident", "testimony__witness")
    autocomplete_fields = ("incident", "testimony")
    other_end = "testimony"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # __str__ of a link names both ends; the change and delete pages print it too.
        return super().get_queryset(request).select_related("incident", "testimony__witness")

    def write(self, request: HttpRequest, form, change: bool) -> IncidentTestimony:
        data = form.cleaned_data
        if change:
            return services.incident_testimony_change(
                link=form.instance, actor=request.user, note=data["note"]
            )
        return services.incident_testimony_add(
            incident=data["incident"],
            actor=request.user,
            testimony=data["testimony"],
            note=data["note"],
        )

    def erase(self, request: HttpRequest, obj: IncidentTestimony) -> None:
        services.incident_testimony_remove(link=obj, actor=request.user)
