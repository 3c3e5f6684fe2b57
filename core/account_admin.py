"""Admin pages for staff accounts and their second factor: users and roles (no right handed out
beyond one's own), authenticator apps (never their keys), and the one-time codes that let
someone set up an authenticator app."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import AbstractBaseUser, Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin_pages import admin_page
from core.admin_services import add_refusal
from core.enrolment import ENROLMENT_CODE_LIFETIME, enrolment_code_issue
from core.errors import Refused
from core.models import EnrolmentCode
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
    edits one by hand (each person sets up their own with a set-up code), and its key is never
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

    # django-otp's pages of a device's key (its settings and its QR code) look the device up
    # before asking whether the user may see it, so that a missing id was a server error. Here
    # the right comes first, so that whoever lacks it is refused alike whatever the id; then a
    # missing device is a 404; the key itself stays hidden (OTP_ADMIN_HIDE_SENSITIVE_DATA).

    def config_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._device_or_refusal(request, pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._device_or_refusal(request, pk)
        return super().qrcode_view(request, pk)

    def _device_or_refusal(self, request: HttpRequest, pk: int) -> TOTPDevice:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        device = self.get_object(request, str(pk))
        if device is None:
            raise Http404("No authenticator app has this id.")
        return device


class IssueEnrolmentCodeForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Staff member",
        queryset=User.objects.filter(is_staff=True, is_active=True).order_by("username"),
        help_text="Who will set up an authenticator app with this code.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].label_from_instance = _name_and_username


def _name_and_username(user: User) -> str:
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


@admin.register(EnrolmentCode)
class EnrolmentCodeAdmin(admin.ModelAdmin):
    """Issues the one-time codes with which staff set up an authenticator app. A code is shown
    once, when it is issued; the list says whether each was used."""

    list_display = ("user", "state", "issued_by", "issued_at", "expires_at", "used_at")
    list_select_related = ("user", "issued_by")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    fields = ("user", "state", "issued_by", "issued_at", "expires_at", "used_at", "revoked_at")
    readonly_fields = fields

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = IssueEnrolmentCodeForm(
            request.POST if request.method == "POST" else None,
            initial={"user": request.GET.get("user")},
        )
        if form.is_valid():
            try:
                record, code = enrolment_code_issue(
                    user=form.cleaned_data["user"], actor=request.user
                )
            except (ValidationError, Refused) as refusal:
                add_refusal(form, refusal)
            else:
                self.log_addition(request, record, [{"added": {}}])
                return self._issued_page(request, record, code)
        return admin_page(
            self,
            request,
            "admin/core/enrolmentcode/issue.html",
            {
                "title": "Issue a set-up code",
                "form": form,
                "lifetime_hours": round(ENROLMENT_CODE_LIFETIME.total_seconds() / 3600),
                **(extra_context or {}),
            },
        )

    def _issued_page(self, request: HttpRequest, record: EnrolmentCode, code: str) -> HttpResponse:
        return admin_page(
            self,
            request,
            "admin/core/enrolmentcode/issued.html",
            {
                "title": f"Set-up code for {_name_and_username(record.user)}",
                "record": record,
                "code": code,
            },
        )
