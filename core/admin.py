"""The registry of public ids ever issued, for looking up where an id came from."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from core.models import IssuedPublicId


@admin.register(IssuedPublicId)
class IssuedPublicIdAdmin(admin.ModelAdmin):
    """Read-only: rows are written by a database trigger and must outlive the records they name."""

    list_display = ("value", "issued_at")
    search_fields = ("value",)
    ordering = ("-issued_at", "-id")
    date_hierarchy = "issued_at"
    fields = ("value", "issued_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: IssuedPublicId | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: IssuedPublicId | None = None
    ) -> bool:
        # Deleting a row would let the id be issued again, to a different record.
        return False
