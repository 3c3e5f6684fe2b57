"""A testimony summary is marked publishable only while its witness consents to publication.

The services keep this so from now on (withdrawing consent clears the mark); this clears marks
left on summaries of witnesses who have not consented. Nothing public changes: such a summary
was never shown.
"""

from django.db import migrations


def clear_marks_without_consent(apps, schema_editor):
    Testimony = apps.get_model("sources", "Testimony")
    Testimony.objects.filter(
        summary_is_public=True, witness__consent_publish_anonymised=False
    ).update(summary_is_public=False)


class Migration(migrations.Migration):
    dependencies = [("sources", "0005_evidence_upload_permission")]

    operations = [migrations.RunPython(clear_marks_without_consent, migrations.RunPython.noop)]
