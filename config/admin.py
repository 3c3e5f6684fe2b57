"""The staff admin site: Django's admin with each person's work queue on its landing page, and
a second factor (TOTP) required of every staff member when STAFF_2FA_REQUIRED is on.

The site knows nothing about incidents. A registered ModelAdmin that has a
`work_queues(request) -> list[WorkQueue]` method contributes tables to the index page; the
incident admin uses it for "Assigned to me", "Awaiting review" and "Returned to me". The apps
build those tables from `core.admin_queues`, as apps do not import config.
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.lockout import sign_in_rules
from core.admin_history import RightBeforeRecordMixin
from core.admin_queues import WorkQueue
from core.enrolment import (
    ENROLMENT_CODE_LIFETIME,
    authenticator_confirm,
    enrolment_code_redeem,
)

TWO_FACTOR_URL_NAME = "two_factor"
ENROLLING_DEVICE_SESSION_KEY = "enrolling_authenticator_id"


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="Six-digit code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Enter the six digits your authenticator app shows."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class EnrolmentCodeForm(forms.Form):
    enrolment_code = forms.CharField(
        label="Set-up code from your administrator",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


# Foreign keys to a staff member that the people who fill them in may search, although they may
# not browse the user accounts: (app label, model, field).
STAFF_PICKERS = {("incidents", "incident", "assigned_to"), ("sources", "testimony", "interviewer")}


class StaffPickerView(AutocompleteJsonView):
    """The admin's autocomplete, which for a staff picker answers whoever may edit the record
    that has the field (not only those who may view user accounts), and lists active staff only,
    by name and username: never e-mail addresses or anything else of an account."""

    def _is_staff_picker(self) -> bool:
        field = self.source_field
        return (
            field.remote_field.model is get_user_model()
            and (field.model._meta.app_label, field.model._meta.model_name, field.name)
            in STAFF_PICKERS
        )

    def has_perm(self, request: HttpRequest, obj=None) -> bool:
        if not self._is_staff_picker():
            return super().has_perm(request, obj)
        opts = self.source_field.model._meta
        return any(
            request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
            for action in ("add", "change")
        )

    def get_queryset(self):
        if not self._is_staff_picker():
            return super().get_queryset()
        # Searched by name and username only: an e-mail address is not for every colleague.
        users = get_user_model().objects.filter(is_staff=True, is_active=True)
        for word in self.term.split():
            users = users.filter(
                Q(username__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
            )
        return users.order_by("first_name", "last_name", "username")

    def serialize_result(self, obj, to_field_name: str) -> dict[str, str]:
        if not self._is_staff_picker():
            return super().serialize_result(obj, to_field_name)
        name = obj.get_full_name()
        label = f"{name} ({obj.get_username()})" if name else obj.get_username()
        return {"id": str(getattr(obj, to_field_name)), "text": label}


class StaffAdminSite(admin.AdminSite):
    site_header = "Incident Register — staff"
    site_title = "Incident Register staff"
    index_title = "Your work and the records"

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        # Every model admin, the apps' and those of the packages, checks the right to records of
        # its kind before it looks an id up (core.admin_history.RightBeforeRecordMixin).
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, RightBeforeRecordMixin):
            admin_class = type(
                admin_class.__name__,
                (RightBeforeRecordMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def work_queues(self, request: HttpRequest) -> list[WorkQueue]:
        queues: list[WorkQueue] = []
        for model_admin in self._registry.values():
            contribute = getattr(model_admin, "work_queues", None)
            if contribute is not None:
                queues.extend(contribute(request))
        return queues

    def autocomplete_view(self, request: HttpRequest) -> HttpResponse:
        return StaffPickerView.as_view(admin_site=self)(request)

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        context = {"work_queues": self.work_queues(request), **(extra_context or {})}
        return super().index(request, context)

    # Second factor

    def _second_factor_missing(self, request: HttpRequest) -> bool:
        user = request.user
        # OTPMiddleware adds is_verified(); a user who signed in during this very request does
        # not have it yet, and has certainly not given a code.
        is_verified = getattr(user, "is_verified", None)
        verified = bool(is_verified and is_verified())
        return settings.STAFF_2FA_REQUIRED and user.is_active and user.is_staff and not verified

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not self._second_factor_missing(request)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # Past the password but not the code: go on to the code, not back to the password.
        if request.method == "GET" and self._second_factor_missing(request):
            return self._to_two_factor(request)
        extra_context = {"sign_in_rules": sign_in_rules(), **(extra_context or {})}
        response = super().login(request, extra_context)
        if request.method == "POST" and self._second_factor_missing(request):
            return self._to_two_factor(request)
        return response

    def _to_two_factor(self, request: HttpRequest) -> HttpResponseRedirect:
        target = reverse(f"{self.name}:{TWO_FACTOR_URL_NAME}")
        next_url = request.GET.get("next") or request.POST.get("next")
        if next_url:
            target += "?" + urlencode({"next": next_url})
        return HttpResponseRedirect(target)

    def get_urls(self):
        return [
            path("two-factor/", self.two_factor, name=TWO_FACTOR_URL_NAME),
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            ),
            *(url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site"),
        ]

    def view_on_site(
        self, request: HttpRequest, content_type_id: str, object_id: str
    ) -> HttpResponse:
        """Django's redirect from a record to its public page (contenttypes' shortcut), for whoever
        may see records of its kind in the admin. Django's own looks the record up for any staff
        member, so its answers told anyone which ids exist; here the right comes first, and only
        a user who holds it learns that an id does not exist (404)."""
        model_admin = self._admin_of_content_type(content_type_id)
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            raise PermissionDenied
        record = model_admin.get_object(request, unquote(object_id))
        if record is None:
            raise Http404("No record of this kind has this id.")
        if not model_admin.has_view_or_change_permission(request, record):
            raise PermissionDenied
        return contenttype_views.shortcut(request, content_type_id, object_id)

    def _admin_of_content_type(self, content_type_id: str) -> admin.ModelAdmin | None:
        """The admin of the model a content type id names; None for an id that names no model
        this admin shows (none is followed to a record)."""
        try:
            content_type = ContentType.objects.get_for_id(int(content_type_id))
        except (ValueError, ContentType.DoesNotExist):
            return None
        return self._registry.get(content_type.model_class())

    def two_factor(self, request: HttpRequest) -> HttpResponse:
        """Ask for the code of the user's authenticator app. Someone who has none yet first
        enters the set-up code an administrator gave them, then scans the new app's key."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return HttpResponseRedirect(reverse(f"{self.name}:login"))
        next_url = request.GET.get("next") or request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
            next_url = ""
        next_url = next_url or reverse(f"{self.name}:index")
        context = {**self.each_context(request), "next": next_url}

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        enrolling = device is None
        if enrolling:
            # Only the session that entered the set-up code may see the new app's key.
            device = TOTPDevice.objects.filter(
                pk=request.session.get(ENROLLING_DEVICE_SESSION_KEY), user=user, confirmed=False
            ).first()
            if device is None:
                return self._enrolment_code_step(request, context)

        form = TokenForm(request.POST if "token" in request.POST else None)
        allowed, _ = device.verify_is_allowed()
        if form.is_valid() and not allowed:
            # Each wrong code doubles the wait before the next try (django-otp's throttling).
            form.add_error("token", "Too many wrong codes. Wait a few seconds and try again.")
        elif form.is_valid():
            if not device.verify_token(form.cleaned_data["token"].strip()):
                form.add_error(
                    "token",
                    "That code is not right. Check the time on your phone and try the newest code.",
                )
            else:
                if enrolling:
                    device = authenticator_confirm(device=device)
                    request.session.pop(ENROLLING_DEVICE_SESSION_KEY, None)
                otp_login(request, device)
                return HttpResponseRedirect(next_url)
        context.update(
            title="Set up your second factor" if enrolling else "Enter your code",
            form=form,
            step="scan" if enrolling else "code",
        )
        if enrolling:
            context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=5)
            context["secret"] = base64.b32encode(device.bin_key).decode()
        return TemplateResponse(request, "admin/two_factor.html", context)

    def _enrolment_code_step(self, request: HttpRequest, context: dict) -> HttpResponse:
        form = EnrolmentCodeForm(request.POST if "enrolment_code" in request.POST else None)
        if form.is_valid():
            try:
                device = enrolment_code_redeem(
                    user=request.user, code=form.cleaned_data["enrolment_code"]
                )
            except ValidationError as error:
                form.add_error("enrolment_code", error)
            else:
                request.session[ENROLLING_DEVICE_SESSION_KEY] = device.pk
                # A fresh GET, so that reloading the page shows the key instead of posting again.
                return HttpResponseRedirect(
                    request.path + "?" + urlencode({"next": context["next"]})
                )
        context.update(
            title="Set up your second factor",
            form=form,
            step="enrolment code",
            code_lifetime_hours=round(ENROLMENT_CODE_LIFETIME.total_seconds() / 3600),
        )
        return TemplateResponse(request, "admin/two_factor.html", context)
