"""Claims: organisations' reported figures, with their history kept append-only and their
public ids registered like those of incidents, sources and testimonies."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

import core.public_ids
from core import triggers


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0011_correction_notes_guarded"),
        ("pghistory", "0007_auto_20250421_0444"),
        ("sources", "0008_custody_chain"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Claim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "public_id",
                    models.CharField(
                        default=core.public_ids.new_claim_id,
                        editable=False,
                        max_length=12,
                        unique=True,
                    ),
                ),
                (
                    "period_start",
                    models.DateField(
                        blank=True, help_text="First day of the period the claim covers.", null=True
                    ),
                ),
                (
                    "period_start_precision",
                    models.CharField(
                        choices=[
                            ("day", "Day"),
                            ("week", "Week"),
                            ("month", "Month"),
                            ("year", "Year"),
                            ("unknown", "Unknown"),
                        ],
                        default="day",
                        help_text="E.g. month for “from late August 2024”: enter 1 August 2024.",
                        max_length=10,
                        verbose_name="precision of the start",
                    ),
                ),
                (
                    "period_end",
                    models.DateField(
                        blank=True,
                        help_text="Last day of the period; empty when the source gives none.",
                        null=True,
                    ),
                ),
                (
                    "period_end_precision",
                    models.CharField(
                        choices=[
                            ("day", "Day"),
                            ("week", "Week"),
                            ("month", "Month"),
                            ("year", "Year"),
                            ("unknown", "Unknown"),
                        ],
                        default="day",
                        help_text="E.g. month for “to February 2025”: enter 28 February 2025.",
                        max_length=10,
                        verbose_name="precision of the end",
                    ),
                ),
                (
                    "victim_category",
                    models.CharField(
                        choices=[
                            ("pow", "Prisoners of war"),
                            ("surrendering", "Soldiers trying to surrender"),
                            ("hors-de-combat", "Other persons hors de combat"),
                            ("civilian-detainee", "Civilian detainees"),
                            ("unknown", "Unknown"),
                        ],
                        default="unknown",
                        help_text="Whom the claim counts, as the incident records them.",
                        max_length=20,
                    ),
                ),
                (
                    "counted",
                    models.CharField(
                        choices=[
                            ("killed", "People killed"),
                            ("incidents", "Incidents"),
                            ("cases", "Cases"),
                        ],
                        help_text="What the figure counts: people killed, incidents, or cases as the source defines them.",
                        max_length=10,
                        verbose_name="what is counted",
                    ),
                ),
                (
                    "qualifier",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("exactly", "Exactly"),
                            ("at_least", "At least / more than"),
                            ("about", "About"),
                            ("up_to", "Up to"),
                        ],
                        help_text="How the source qualifies its figure. Empty for a finding without a figure.",
                        max_length=10,
                    ),
                ),
                (
                    "figure_low",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Only when the source itself gives a range (“between 70 and 80”).",
                        null=True,
                        verbose_name="low figure",
                    ),
                ),
                (
                    "figure_best",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="The figure the source states (“more than 150”: 150, with “at least”).",
                        null=True,
                        verbose_name="best figure",
                    ),
                ),
                (
                    "figure_high",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Only when the source itself gives a range.",
                        null=True,
                        verbose_name="high figure",
                    ),
                ),
                (
                    "as_of",
                    models.DateField(
                        blank=True,
                        help_text="The date the source gives its figure as of (often the date it was published).",
                        null=True,
                        verbose_name="as of",
                    ),
                ),
                (
                    "method",
                    models.TextField(
                        blank=True,
                        help_text="How the organisation knows, in the source's words (e.g. interviews with released prisoners, verified video).",
                    ),
                ),
                (
                    "quotation",
                    models.TextField(
                        blank=True,
                        help_text="A short quotation of the claim, as the source words it.",
                    ),
                ),
                (
                    "quotation_language",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("uk", "Ukrainian"),
                            ("en", "English"),
                            ("ru", "Russian"),
                            ("other", "Other"),
                        ],
                        max_length=5,
                    ),
                ),
                (
                    "is_public",
                    models.BooleanField(
                        default=False,
                        help_text="May be shown on the public site and in the API once published.",
                    ),
                ),
                (
                    "internal_notes",
                    models.TextField(
                        blank=True,
                        help_text="Staff only; never shown publicly. Doubts, follow-ups.",
                    ),
                ),
                (
                    "publication_status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("in_review", "In review"),
                            ("published", "Published"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="draft",
                        editable=False,
                        max_length=12,
                    ),
                ),
                ("published_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("withdrawn_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "withdrawal_reason",
                    models.TextField(blank=True, editable=False, help_text="Public."),
                ),
                ("submitted_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("returned_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "review_comment",
                    models.TextField(
                        blank=True,
                        editable=False,
                        help_text="Staff only: what the reviewer asked to change when returning it to draft.",
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claims_created",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "last_edited_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        help_text="Who last changed the content; may not be the one who publishes it.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        help_text="The area the claim covers, at any level. Empty: the whole country.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claims",
                        to="incidents.region",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claims_reviewed",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        help_text="The document in which the organisation makes the claim.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claims",
                        to="sources.sourcedocument",
                    ),
                ),
            ],
            options={
                "ordering": ["-as_of", "-id"],
                "permissions": [
                    ("review_claim", "Can review claims (return to draft)"),
                    ("publish_claim", "Can publish and withdraw claims"),
                ],
            },
        ),
        migrations.CreateModel(
            name="ClaimEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "public_id",
                    models.CharField(
                        default=core.public_ids.new_claim_id, editable=False, max_length=12
                    ),
                ),
                (
                    "period_start",
                    models.DateField(
                        blank=True, help_text="First day of the period the claim covers.", null=True
                    ),
                ),
                (
                    "period_start_precision",
                    models.CharField(
                        choices=[
                            ("day", "Day"),
                            ("week", "Week"),
                            ("month", "Month"),
                            ("year", "Year"),
                            ("unknown", "Unknown"),
                        ],
                        default="day",
                        help_text="E.g. month for “from late August 2024”: enter 1 August 2024.",
                        max_length=10,
                        verbose_name="precision of the start",
                    ),
                ),
                (
                    "period_end",
                    models.DateField(
                        blank=True,
                        help_text="Last day of the period; empty when the source gives none.",
                        null=True,
                    ),
                ),
                (
                    "period_end_precision",
                    models.CharField(
                        choices=[
                            ("day", "Day"),
                            ("week", "Week"),
                            ("month", "Month"),
                            ("year", "Year"),
                            ("unknown", "Unknown"),
                        ],
                        default="day",
                        help_text="E.g. month for “to February 2025”: enter 28 February 2025.",
                        max_length=10,
                        verbose_name="precision of the end",
                    ),
                ),
                (
                    "victim_category",
                    models.CharField(
                        choices=[
                            ("pow", "Prisoners of war"),
                            ("surrendering", "Soldiers trying to surrender"),
                            ("hors-de-combat", "Other persons hors de combat"),
                            ("civilian-detainee", "Civilian detainees"),
                            ("unknown", "Unknown"),
                        ],
                        default="unknown",
                        help_text="Whom the claim counts, as the incident records them.",
                        max_length=20,
                    ),
                ),
                (
                    "counted",
                    models.CharField(
                        choices=[
                            ("killed", "People killed"),
                            ("incidents", "Incidents"),
                            ("cases", "Cases"),
                        ],
                        help_text="What the figure counts: people killed, incidents, or cases as the source defines them.",
                        max_length=10,
                        verbose_name="what is counted",
                    ),
                ),
                (
                    "qualifier",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("exactly", "Exactly"),
                            ("at_least", "At least / more than"),
                            ("about", "About"),
                            ("up_to", "Up to"),
                        ],
                        help_text="How the source qualifies its figure. Empty for a finding without a figure.",
                        max_length=10,
                    ),
                ),
                (
                    "figure_low",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Only when the source itself gives a range (“between 70 and 80”).",
                        null=True,
                        verbose_name="low figure",
                    ),
                ),
                (
                    "figure_best",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="The figure the source states (“more than 150”: 150, with “at least”).",
                        null=True,
                        verbose_name="best figure",
                    ),
                ),
                (
                    "figure_high",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Only when the source itself gives a range.",
                        null=True,
                        verbose_name="high figure",
                    ),
                ),
                (
                    "as_of",
                    models.DateField(
                        blank=True,
                        help_text="The date the source gives its figure as of (often the date it was published).",
                        null=True,
                        verbose_name="as of",
                    ),
                ),
                (
                    "method",
                    models.TextField(
                        blank=True,
                        help_text="How the organisation knows, in the source's words (e.g. interviews with released prisoners, verified video).",
                    ),
                ),
                (
                    "quotation",
                    models.TextField(
                        blank=True,
                        help_text="A short quotation of the claim, as the source words it.",
                    ),
                ),
                (
                    "quotation_language",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("uk", "Ukrainian"),
                            ("en", "English"),
                            ("ru", "Russian"),
                            ("other", "Other"),
                        ],
                        max_length=5,
                    ),
                ),
                (
                    "is_public",
                    models.BooleanField(
                        default=False,
                        help_text="May be shown on the public site and in the API once published.",
                    ),
                ),
                (
                    "internal_notes",
                    models.TextField(
                        blank=True,
                        help_text="Staff only; never shown publicly. Doubts, follow-ups.",
                    ),
                ),
                (
                    "publication_status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("in_review", "In review"),
                            ("published", "Published"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="draft",
                        editable=False,
                        max_length=12,
                    ),
                ),
                ("published_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("withdrawn_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "withdrawal_reason",
                    models.TextField(blank=True, editable=False, help_text="Public."),
                ),
                ("submitted_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("returned_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "review_comment",
                    models.TextField(
                        blank=True,
                        editable=False,
                        help_text="Staff only: what the reviewer asked to change when returning it to draft.",
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "last_edited_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        help_text="Who last changed the content; may not be the one who publishes it.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "pgh_context",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="pghistory.context",
                    ),
                ),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="sources.claim",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The area the claim covers, at any level. Empty: the whole country.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="incidents.region",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        db_constraint=False,
                        help_text="The document in which the organisation makes the claim.",
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="sources.sourcedocument",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="ClaimIncidentType",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="type_links",
                        to="sources.claim",
                    ),
                ),
                (
                    "incident_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claim_links",
                        to="incidents.incidenttype",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="claim",
            name="incident_types",
            field=models.ManyToManyField(
                blank=True,
                help_text="The kinds of incident the claim counts.",
                related_name="claims",
                through="sources.ClaimIncidentType",
                to="incidents.incidenttype",
            ),
        ),
        migrations.CreateModel(
            name="ClaimIncidentTypeEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "claim",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="sources.claim",
                    ),
                ),
                (
                    "incident_type",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="incidents.incidenttype",
                    ),
                ),
                (
                    "pgh_context",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="pghistory.context",
                    ),
                ),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="sources.claimincidenttype",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.AddConstraint(
            model_name="claimincidenttype",
            constraint=models.UniqueConstraint(
                fields=("claim", "incident_type"), name="claim_incident_type_once"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claimincidenttype",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "sources_claimincidenttypeevent" ("claim_id", "id", "incident_type_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."claim_id", NEW."id", NEW."incident_type_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id"); RETURN NULL;',
                    hash="a4648f157961accd51fb02b7d4dc95e2140b9b12",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_d7639",
                    table="sources_claimincidenttype",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claimincidenttype",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "sources_claimincidenttypeevent" ("claim_id", "id", "incident_type_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."claim_id", NEW."id", NEW."incident_type_id", _pgh_attach_context(), NOW(), \'update\', NEW."id"); RETURN NULL;',
                    hash="200337b1c13059d150d2d29f197b8cf2d2916118",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_9035a",
                    table="sources_claimincidenttype",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claimincidenttype",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "sources_claimincidenttypeevent" ("claim_id", "id", "incident_type_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (OLD."claim_id", OLD."id", OLD."incident_type_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id"); RETURN NULL;',
                    hash="c4b2553debc5b385cd6da38b3f4e1d4fa6dd4166",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_3a9eb",
                    table="sources_claimincidenttype",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["source", "as_of"], name="claim_source_idx"),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                fields=["publication_status", "submitted_at"], name="claim_status_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("figure_low__isnull", True),
                    ("figure_best__isnull", True),
                    ("figure_low__lte", models.F("figure_best")),
                    _connector="OR",
                ),
                name="claim_low_le_best",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("figure_best__isnull", True),
                    ("figure_high__isnull", True),
                    ("figure_best__lte", models.F("figure_high")),
                    _connector="OR",
                ),
                name="claim_best_le_high",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("figure_low__isnull", True),
                    ("figure_high__isnull", True),
                    ("figure_low__lte", models.F("figure_high")),
                    _connector="OR",
                ),
                name="claim_low_le_high",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("figure_best__isnull", True),
                        ("figure_high__isnull", True),
                        ("figure_low__isnull", True),
                        ("qualifier", ""),
                    ),
                    models.Q(
                        models.Q(
                            ("figure_best__isnull", True),
                            ("figure_high__isnull", True),
                            ("figure_low__isnull", True),
                            _negated=True,
                        ),
                        models.Q(("qualifier", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="claim_figure_has_qualifier",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("qualifier", "exactly"), _negated=True),
                    models.Q(
                        ("figure_best__isnull", False),
                        ("figure_high__isnull", True),
                        ("figure_low__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="claim_exact_figure_has_no_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("period_end__isnull", True),
                    ("period_start__isnull", True),
                    ("period_end__gte", models.F("period_start")),
                    _connector="OR",
                ),
                name="claim_period_end_after_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("quotation", ""),
                    models.Q(("quotation_language", ""), _negated=True),
                    _connector="OR",
                ),
                name="claim_quotation_has_language",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("public_id__regex", "^CLM-[0123456789ABCDEFGHJKMNPQRSTVWXYZ]{8}$")
                ),
                name="claim_public_id_format",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("publication_status", "published"), _negated=True),
                    ("published_at__isnull", False),
                    _connector="OR",
                ),
                name="claim_published_has_time",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("publication_status", "withdrawn"), _negated=True),
                    models.Q(
                        ("withdrawn_at__isnull", False),
                        models.Q(("withdrawal_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="claim_withdrawn_has_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("period_start_precision__in", ["day", "week", "month", "year", "unknown"])
                ),
                name="claim_period_start_precision_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("period_end_precision__in", ["day", "week", "month", "year", "unknown"])
                ),
                name="claim_period_end_precision_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "victim_category__in",
                        ["pow", "surrendering", "hors-de-combat", "civilian-detainee", "unknown"],
                    )
                ),
                name="claim_victim_category_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(("counted__in", ["killed", "incidents", "cases"])),
                name="claim_counted_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("qualifier__in", ["exactly", "at_least", "about", "up_to", ""])
                ),
                name="claim_qualifier_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(("quotation_language__in", ["uk", "en", "ru", "other", ""])),
                name="claim_quotation_language_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("publication_status__in", ["draft", "in_review", "published", "withdrawn"])
                ),
                name="claim_publication_status_valid",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claim",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "sources_claimevent" ("as_of", "counted", "created_at", "created_by_id", "figure_best", "figure_high", "figure_low", "id", "internal_notes", "is_public", "last_edited_by_id", "method", "period_end", "period_end_precision", "period_start", "period_start_precision", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "public_id", "publication_status", "published_at", "qualifier", "quotation", "quotation_language", "region_id", "returned_at", "review_comment", "reviewed_by_id", "source_id", "submitted_at", "updated_at", "version", "victim_category", "withdrawal_reason", "withdrawn_at") VALUES (NEW."as_of", NEW."counted", NEW."created_at", NEW."created_by_id", NEW."figure_best", NEW."figure_high", NEW."figure_low", NEW."id", NEW."internal_notes", NEW."is_public", NEW."last_edited_by_id", NEW."method", NEW."period_end", NEW."period_end_precision", NEW."period_start", NEW."period_start_precision", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."public_id", NEW."publication_status", NEW."published_at", NEW."qualifier", NEW."quotation", NEW."quotation_language", NEW."region_id", NEW."returned_at", NEW."review_comment", NEW."reviewed_by_id", NEW."source_id", NEW."submitted_at", NEW."updated_at", NEW."version", NEW."victim_category", NEW."withdrawal_reason", NEW."withdrawn_at"); RETURN NULL;',
                    hash="be620a0721e5a8a0637671887624ef266b13bb39",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_8c0a8",
                    table="sources_claim",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claim",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "sources_claimevent" ("as_of", "counted", "created_at", "created_by_id", "figure_best", "figure_high", "figure_low", "id", "internal_notes", "is_public", "last_edited_by_id", "method", "period_end", "period_end_precision", "period_start", "period_start_precision", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "public_id", "publication_status", "published_at", "qualifier", "quotation", "quotation_language", "region_id", "returned_at", "review_comment", "reviewed_by_id", "source_id", "submitted_at", "updated_at", "version", "victim_category", "withdrawal_reason", "withdrawn_at") VALUES (NEW."as_of", NEW."counted", NEW."created_at", NEW."created_by_id", NEW."figure_best", NEW."figure_high", NEW."figure_low", NEW."id", NEW."internal_notes", NEW."is_public", NEW."last_edited_by_id", NEW."method", NEW."period_end", NEW."period_end_precision", NEW."period_start", NEW."period_start_precision", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."public_id", NEW."publication_status", NEW."published_at", NEW."qualifier", NEW."quotation", NEW."quotation_language", NEW."region_id", NEW."returned_at", NEW."review_comment", NEW."reviewed_by_id", NEW."source_id", NEW."submitted_at", NEW."updated_at", NEW."version", NEW."victim_category", NEW."withdrawal_reason", NEW."withdrawn_at"); RETURN NULL;',
                    hash="b2b0e4d4bbdb645765cfe6aa45a4920f7a2d098d",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_5fd97",
                    table="sources_claim",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claim",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "sources_claimevent" ("as_of", "counted", "created_at", "created_by_id", "figure_best", "figure_high", "figure_low", "id", "internal_notes", "is_public", "last_edited_by_id", "method", "period_end", "period_end_precision", "period_start", "period_start_precision", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "public_id", "publication_status", "published_at", "qualifier", "quotation", "quotation_language", "region_id", "returned_at", "review_comment", "reviewed_by_id", "source_id", "submitted_at", "updated_at", "version", "victim_category", "withdrawal_reason", "withdrawn_at") VALUES (OLD."as_of", OLD."counted", OLD."created_at", OLD."created_by_id", OLD."figure_best", OLD."figure_high", OLD."figure_low", OLD."id", OLD."internal_notes", OLD."is_public", OLD."last_edited_by_id", OLD."method", OLD."period_end", OLD."period_end_precision", OLD."period_start", OLD."period_start_precision", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."public_id", OLD."publication_status", OLD."published_at", OLD."qualifier", OLD."quotation", OLD."quotation_language", OLD."region_id", OLD."returned_at", OLD."review_comment", OLD."reviewed_by_id", OLD."source_id", OLD."submitted_at", OLD."updated_at", OLD."version", OLD."victim_category", OLD."withdrawal_reason", OLD."withdrawn_at"); RETURN NULL;',
                    hash="add4262a72c7241597a2bc0cd92ea37b0130f712",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_de12c",
                    table="sources_claim",
                    when="AFTER",
                ),
            ),
        ),
        triggers.register_public_ids("sources_claim"),
        *triggers.append_only("sources_claimevent", "History rows"),
        *triggers.append_only("sources_claimincidenttypeevent", "History rows"),
    ]
