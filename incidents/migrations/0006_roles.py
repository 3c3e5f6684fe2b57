"""The four staff roles as groups, with the permissions each needs and no more."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = [
    "incidents.incident",
    "incidents.incidentsource",
    "incidents.incidenttestimony",
    "sources.sourcedocument",
    "sources.testimony",
    "sources.witness",
]
REFERENCE = ["incidents.region", "incidents.incidenttype", "sources.evidencefile"]


def _model_perms(models, actions):
    """["incidents.incident"], ["view"] -> ["incidents.view_incident"]"""
    return [
        f"{app}.{action}_{model}"
        for app, model in (dotted.split(".") for dotted in models)
        for action in actions
    ]


ANALYST = [
    *_model_perms(CONTENT, ["add", "change", "view"]),
    # Removing a wrong evidence link from an incident is part of editing a draft.
    *_model_perms(["incidents.incidentsource", "incidents.incidenttestimony"], ["delete"]),
    *_model_perms(REFERENCE, ["view"]),
    "sources.view_custodyevent",
]
REVIEWER = [*ANALYST, "incidents.review_incident", "incidents.publish_incident"]
WITNESS_OFFICER = [*ANALYST, "sources.view_witness_identity"]
ADMINISTRATOR = [
    *REVIEWER,
    "sources.view_witness_identity",
    *_model_perms(["incidents.incidenttype"], ["add", "change", "delete"]),
    *_model_perms(["auth.user", "auth.group"], ["add", "change", "view"]),
    "core.view_issuedpublicid",
]

ROLES = {
    "Analyst": ANALYST,
    "Reviewer": REVIEWER,
    "Witness officer": WITNESS_OFFICER,
    "Administrator": ADMINISTRATOR,
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for dotted in sorted(set(wanted)):
            app_label, codename = dotted.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0005_history_and_review_fields"),
        ("sources", "0003_history_and_review_fields"),
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
