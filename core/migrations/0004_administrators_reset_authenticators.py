"""Administrators can remove a staff member's lost authenticator, so that they enrol a new one."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("otp_totp")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrators, _ = Group.objects.get_or_create(name="Administrator")
    administrators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="otp_totp",
            codename__in=["view_totpdevice", "delete_totpdevice"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_partner_token_permissions"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
