"""Admin pages whose saves and deletions are service calls.

A service holds every rule of a write; the admin only shows its answer. So that a refusal lands
on the form, in words, on the field it concerns (and not as an error page after the form was
accepted), the service runs once while the form is validated, inside a savepoint that is always
rolled back, and then for real when the admin saves. The record is locked before that first run,
so nobody can change it between the two.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import widgets
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from core.errors import Refused


class _RolledBack(Exception):
    pass


class RefusedOnSave(Exception):
    """A service refused a save the form had accepted; the admin says so and saves nothing."""


def dry_run(call: Callable[[], Any]) -> None:
    """Run `call` and undo whatever it wrote; its exceptions reach the caller."""
    try:
        with transaction.atomic():
            call()
            raise _RolledBack
    except _RolledBack:
        pass


def add_refusal(form: forms.BaseForm, error: ValidationError | Refused) -> None:
    """Put a service's refusal on the form: field errors on their field, the rest on top."""
    if isinstance(error, Refused):
        form.add_error(None, str(error))
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = form.fields.get(name)
        if field is not None and not field.disabled:
            form.add_error(name, errors)
        else:
            label = _label(form, name)
            for message in ValidationError(errors).messages:
                form.add_error(None, f"{label}: {message}" if label else message)


def _label(form: forms.BaseForm, name: str) -> str:
    if name in form.fields:
        return str(form.fields[name].label or name)
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name).capitalize()
        except FieldDoesNotExist:
            return ""
    return ""


class AutocompleteSelect(widgets.AutocompleteSelect):
    """The admin's autocomplete picker, which shows a form again with its error when a request
    carries something that is not an id at all (a crafted POST: `region=abc`). Django's own
    would look the value up to show it as selected, and fail."""

    def optgroups(self, name: str, value: list[str], attrs=None):
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        ids = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            ids.append(item)
        return super().optgroups(name, ids, attrs)


class AutocompletePickers:
    """For a ModelAdmin or an inline: its autocomplete fields use the picker above."""

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ServiceAdminMixin(AutocompletePickers):
    """A ModelAdmin whose writes go through services.

    Subclasses implement `write(request, form, change)` (create or update through a service and
    return the saved record) and may implement `lock(request, obj)` (lock the row before the
    form's trial run) and `erase(request, obj)` (delete through a service).
    """

    def write(self, request: HttpRequest, form: forms.ModelForm, change: bool) -> models.Model:
        raise NotImplementedError

    def lock(self, request: HttpRequest, obj: models.Model) -> None:
        """Lock `obj`'s row until the request's transaction ends (optional)."""

    def erase(self, request: HttpRequest, obj: models.Model) -> None:
        raise PermissionDenied

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        model_admin = self

        class ServiceForm(form_class):
            def _post_clean(self) -> None:
                super()._post_clean()
                if self._errors:
                    return
                if change and self.instance.pk is not None:
                    model_admin.lock(request, self.instance)
                try:
                    dry_run(lambda: model_admin.write(request, self, change))
                except (ValidationError, Refused) as error:
                    add_refusal(self, error)

        ServiceForm.__name__ = form_class.__name__
        return ServiceForm

    def save_model(self, request: HttpRequest, obj: models.Model, form, change: bool) -> None:
        try:
            saved = self.write(request, form, change)
        except (ValidationError, Refused) as error:
            raise RefusedOnSave(" ".join(_messages(error))) from error
        # The admin goes on with `obj` (its inlines, its log entry, the redirect): make it the
        # record the service saved.
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        try:
            self.erase(request, obj)
        except Refused as error:
            raise RefusedOnSave(str(error)) from error

    def get_actions(self, request: HttpRequest) -> dict:
        # "Delete selected" would delete without asking the service about each record.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def changeform_view(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except RefusedOnSave as refused:
            messages.error(request, f"{refused} Nothing was saved.")
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except RefusedOnSave as refused:
            messages.error(request, f"{refused} Nothing was deleted.")
            return HttpResponseRedirect(request.get_full_path())


def _messages(error: ValidationError | Refused) -> list[str]:
    return [str(error)] if isinstance(error, Refused) else error.messages
