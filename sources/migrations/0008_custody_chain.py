"""The chain of custody becomes a hash chain that the database computes (sources/custody_chain.py).

The events already written are linked in the order of their ids, keeping their times; the
trigger that keeps custody events append-only is lifted for that, in this migration's
transaction only.
"""

import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models

from sources import custody_chain


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0007_evidence_guarded_whoever_connects"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="custodyevent",
            name="previous_hash",
            field=models.CharField(
                db_default="",
                editable=False,
                help_text="The hash of the event written before this one, in the whole log.",
                max_length=64,
                verbose_name="previous event's hash",
            ),
        ),
        migrations.AddField(
            model_name="custodyevent",
            name="row_hash",
            field=models.CharField(
                db_default="",
                editable=False,
                help_text="SHA-256 of this event and the previous event's hash.",
                max_length=64,
                verbose_name="hash",
            ),
        ),
        migrations.AlterField(
            model_name="custodyevent",
            name="at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(), editable=False
            ),
        ),
        migrations.RunSQL(
            sql=custody_chain.ROW_HASH_FUNCTION_SQL,
            reverse_sql="DROP FUNCTION IF EXISTS sources_custody_row_hash(text, bigint, bigint, text, bigint, timestamptz, text, text);",
        ),
        migrations.RunSQL(
            sql=[
                "ALTER TABLE sources_custodyevent DISABLE TRIGGER append_only;",
                custody_chain.FILL_SQL,
                "ALTER TABLE sources_custodyevent ENABLE TRIGGER append_only;",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddConstraint(
            model_name="custodyevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("observed_sha256", ""),
                    ("observed_sha256__regex", "^[0-9a-f]{64}$"),
                    _connector="OR",
                ),
                name="custody_event_observed_sha256_hex",
            ),
        ),
        migrations.AddConstraint(
            model_name="custodyevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("previous_hash__regex", "^[0-9a-f]{64}$")),
                name="custody_event_previous_hash_hex",
            ),
        ),
        migrations.AddConstraint(
            model_name="custodyevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("row_hash__regex", "^[0-9a-f]{64}$")),
                name="custody_event_row_hash_hex",
            ),
        ),
        migrations.RunSQL(
            sql=[custody_chain.CHAIN_FUNCTION_SQL, custody_chain.CHAIN_TRIGGER_SQL],
            reverse_sql=[
                "DROP TRIGGER IF EXISTS chained ON sources_custodyevent;",
                "DROP FUNCTION IF EXISTS sources_custody_chain();",
            ],
        ),
    ]
