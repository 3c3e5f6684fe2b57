"""History and the public correction log are kept by triggers that no session setting switches off.

pgtrigger's trigger on correction notes skipped itself for any session that set
`pgtrigger.ignore`; a plain trigger (core/triggers.py) replaces it. The history tables become
append-only.
"""

import pgtrigger.migrations
from django.db import migrations

from core import triggers

HISTORY_TABLES = [
    "incidents_incidentevent",
    "incidents_incidentsourceevent",
    "incidents_incidenttestimonyevent",
    "incidents_correctionevent",
]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_guards_and_issued_ids_append_only"),
        ("incidents", "0010_correction_and_deletion_permissions"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="correctionnote",
            name="correction_note_never_rewritten",
        ),
        # pgtrigger drops its trigger but leaves the trigger's function behind.
        migrations.RunSQL(
            sql="DROP FUNCTION IF EXISTS pgtrigger_correction_note_never_rewritten_000f3();",
            reverse_sql=migrations.RunSQL.noop,
        ),
        triggers.guard(
            "incidents_correctionnote",
            name="never_rewritten",
            refuses="UPDATE",
            guarantee="Correction notes say what the public was told, and are never rewritten.",
        ),
        triggers.never_emptied("incidents_correctionnote", "Correction notes"),
        *[
            operation
            for table in HISTORY_TABLES
            for operation in triggers.append_only(table, "History rows")
        ],
    ]
