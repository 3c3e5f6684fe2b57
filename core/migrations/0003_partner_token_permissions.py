"""Administrators issue and revoke partner API tokens."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("core")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrators, _ = Group.objects.get_or_create(name="Administrator")
    administrators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="core",
            codename__in=["add_partnertoken", "change_partnertoken", "view_partnertoken"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_partner_tokens"),
        ("incidents", "0006_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
