"""Admin pages for staff accounts and their second factor: users and roles (no right handed out
beyond one's own), and authenticator apps (never their keys)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import AbstractBaseUser, Group, User
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.staff_access import groups_grantable_by, may_manage_account, permissions_grantable_by

BEYOND_OWN_RIGHTS = "You may only give roles and permissions that you hold yourself."


def within_own_rights(
    form_class: type[forms.ModelForm],
    actor: AbstractBaseUser,
    grantable: dict[str, Callable[[AbstractBaseUser], QuerySet]],
) -> type[forms.ModelForm]:
    """`form_class` whose many-to-many fields named in `grantable` offer what the actor may grant
    and what the record has already; anything else posted is refused on its field."""

    class WithinOwnRightsForm(form_class):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            for name, allowed in grantable.items():
                field = self.fields.get(name)
                if field is None or field.disabled:
                    continue
                kept = (
                    getattr(self.instance, name).values("pk")
                    if self.instance.pk is not None
                    else field.queryset.none().values("pk")
                )
                field.queryset = field.queryset.filter(
                    Q(pk__in=allowed(actor).values("pk")) | Q(pk__in=kept)
                )
                field.error_messages["invalid_choice"] = BEYOND_OWN_RIGHTS

    WithinOwnRightsForm.__name__ = form_class.__name__
    return WithinOwnRightsForm


admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.unregister(TOTPDevice)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin, in which only a superuser makes someone a superuser or changes a
    superuser's account, and roles and permissions go no further than the giver's own."""

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        return within_own_rights(
            super().get_form(request, obj, **kwargs),
            request.user,
            {"groups": groups_grantable_by, "user_permissions": permissions_grantable_by},
        )

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and not may_manage_account(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and not may_manage_account(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Group)
class StaffGroupAdmin(GroupAdmin):
    """Roles, whose permissions a non-superuser may only extend with permissions of their own."""

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        return within_own_rights(
            super().get_form(request, obj, **kwargs),
            request.user,
            {"permissions": permissions_grantable_by},
        )


@admin.register(TOTPDevice)
class AuthenticatorAdmin(TOTPDeviceAdmin):
    """Who has an authenticator app; an administrator removes a lost one here. Nobody adds or
    edits one by hand (each person sets up their own when signing in), and its key is never
    shown (OTP_ADMIN_HIDE_SENSITIVE_DATA)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Removing a superuser's authenticator is the first step to replacing it.
        if obj is not None and not may_manage_account(request.user, obj.user):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict:
        # "Delete selected" would not ask about each device's owner.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
