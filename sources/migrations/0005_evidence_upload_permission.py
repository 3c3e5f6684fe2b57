"""Every role that documents cases may upload evidence files."""

from django.db import migrations

ROLES = ["Analyst", "Reviewer", "Witness officer", "Administrator"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    upload = Permission.objects.get(content_type__app_label="sources", codename="add_evidencefile")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(upload)


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0004_evidence_immutable_custody_append_only"),
        ("incidents", "0006_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
