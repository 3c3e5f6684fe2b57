"""Giving a role permissions, as a migration operation."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_permissions(role: str, app_label: str, codenames: list[str]) -> migrations.RunPython:
    """Add `app_label`'s permissions named `codenames` to the group `role` (created if missing).

    Django creates a new model's permissions only after every migration has run; the grant needs
    them now, so it creates them first from the migration's own state of the app."""

    def grant(apps, schema_editor) -> None:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )

    return migrations.RunPython(grant, migrations.RunPython.noop)
