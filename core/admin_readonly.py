"""Admin pages that only show: their rows are written by services or database triggers."""

from __future__ import annotations

from django.http import HttpRequest


class ReadOnlyMixin:
    """For a ModelAdmin or an inline: nobody adds, changes or deletes a row here by hand,
    superusers included. Put it before `admin.ModelAdmin` (or the inline class) in the bases."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
