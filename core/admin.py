"""The registry of issued public ids, and the partner API tokens. Staff accounts, their roles and
their second factor have their pages in `core.account_admin`."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest

from core.admin_readonly import ReadOnlyMixin
from core.models import IssuedPublicId, PartnerToken
from core.tokens import partner_token_issue


@admin.register(IssuedPublicId)
class IssuedPublicIdAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: rows are written by a database trigger and must outlive the records they name
    (deleting one would let the id be issued again, to a different record)."""

    list_display = ("value", "issued_at")
    search_fields = ("value",)
    ordering = ("-issued_at", "-id")
    date_hierarchy = "issued_at"
    fields = ("value", "issued_at")
    readonly_fields = fields


@admin.register(PartnerToken)
class PartnerTokenAdmin(admin.ModelAdmin):
    """Administrators issue and revoke partners' API keys. A key is shown once, when issued."""

    list_display = ("name", "key_prefix", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "contact", "key_prefix")
    fields = ("name", "contact", "is_active", "key_prefix", "created_by", "created_at")
    readonly_fields = ("key_prefix", "created_by", "created_at")

    def save_model(self, request: HttpRequest, obj: PartnerToken, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = partner_token_issue(name=obj.name, contact=obj.contact, actor=request.user)
        obj.pk, obj.key_prefix = token.pk, token.key_prefix
        messages.warning(
            request,
            f"The key for {token.name} is {key} — copy it now and hand it over securely; "
            "it is not stored and cannot be shown again.",
        )

    def has_delete_permission(self, request: HttpRequest, obj: PartnerToken | None = None) -> bool:
        # Revoke (untick "active") instead: the record of who held a key stays.
        return False


from core import account_admin  # noqa: E402, F401
