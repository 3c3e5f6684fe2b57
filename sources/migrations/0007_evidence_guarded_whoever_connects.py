"""Evidence files, their chain of custody and the history of sources, witnesses and testimonies
are kept by triggers that no session setting switches off (core/triggers.py).

pgtrigger's triggers skipped themselves for any session that set `pgtrigger.ignore`, and refused
changes to some columns of an evidence file only; an evidence file now refuses every UPDATE,
whatever it changes (its uploader, upload time and original name included).
"""

import pgtrigger.migrations
from django.db import migrations

from core import triggers

HISTORY_TABLES = [
    "sources_sourcedocumentevent",
    "sources_witnessevent",
    "sources_testimonyevent",
]
# pgtrigger drops its triggers but leaves their functions behind.
PGTRIGGER_FUNCTIONS = [
    "pgtrigger_custody_event_append_only_9f285",
    "pgtrigger_evidence_file_immutable_3c718",
    "pgtrigger_evidence_file_never_deleted_80425",
]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_guards_and_issued_ids_append_only"),
        ("sources", "0006_summaries_need_consent"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="custodyevent",
            name="custody_event_append_only",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="evidencefile",
            name="evidence_file_immutable",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="evidencefile",
            name="evidence_file_never_deleted",
        ),
        migrations.RunSQL(
            sql="".join(f"DROP FUNCTION IF EXISTS {name}();" for name in PGTRIGGER_FUNCTIONS),
            reverse_sql=migrations.RunSQL.noop,
        ),
        triggers.guard(
            "sources_evidencefile",
            name="never_changes",
            refuses="UPDATE",
            guarantee="An evidence file and what was recorded of it at upload never change.",
        ),
        triggers.guard(
            "sources_evidencefile",
            name="never_deleted",
            refuses="DELETE",
            guarantee="Evidence files are never deleted.",
        ),
        triggers.never_emptied("sources_evidencefile", "Evidence files"),
        *triggers.append_only("sources_custodyevent", "Custody events"),
        *[
            operation
            for table in HISTORY_TABLES
            for operation in triggers.append_only(table, "History rows")
        ],
    ]
