"""Running `manage.py seed_demo` in the tests of tests/incidents/seed_demo/, and taking stock of
the database before and after a run."""

from __future__ import annotations

from io import StringIO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from incidents.models import Correction, Incident
from sources.models import SourceDocument, Testimony, Witness

PASSWORD = "demo-password-for-tests"


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every table, history events and contexts included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def change_times() -> dict[str, list]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list("pk", "updated_at"))
        for model in (Incident, SourceDocument, Witness, Testimony, Correction)
    }


def user(username: str):
    return get_user_model().objects.get(username=username)


def by(event) -> str:
    """The user a history event names (the admin's History page shows the same)."""
    return get_user_model().objects.get(pk=event.pgh_context.metadata["user"]).username
