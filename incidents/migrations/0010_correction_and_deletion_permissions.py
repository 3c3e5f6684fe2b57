"""Roles gain corrections, and the deletions the services allow.

Every role that edits incidents may propose and edit corrections; approving one needs
`incidents.publish_incident`, which reviewers already hold. Analysts may delete incidents and
sources: the services allow only their own drafts that never went to review, and sources that
nothing cites, that hold no file and are not public.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CORRECTIONS = [
    "incidents.add_correction",
    "incidents.change_correction",
    "incidents.view_correction",
    "incidents.view_correctionnote",
]
DELETIONS = ["incidents.delete_incident", "sources.delete_sourcedocument"]
GRANTS = {
    "Analyst": [*CORRECTIONS, *DELETIONS],
    "Reviewer": [*CORRECTIONS, *DELETIONS],
    "Witness officer": [*CORRECTIONS, *DELETIONS],
    "Administrator": [*CORRECTIONS, *DELETIONS],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for dotted in wanted:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0009_corrections_and_public_change_time"),
        ("sources", "0005_evidence_upload_permission"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
