"""The documented incident, its controlled values and its evidence links."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.db import one_of
from core.history import track_changes
from core.public_ids import new_incident_id
from incidents.models.reference import IncidentType, Region


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    UNKNOWN = "unknown", _("Unknown")


class GeoPrecision(models.TextChoices):
    EXACT = "exact", _("Exact")
    SETTLEMENT = "settlement", _("Settlement")
    HROMADA = "hromada", _("Hromada")
    RAION = "raion", _("Raion")
    OBLAST = "oblast", _("Oblast")
    UNKNOWN = "unknown", _("Unknown")


class VictimCategory(models.TextChoices):
    POW = "pow", _("Prisoners of war")
    SURRENDERING = "surrendering", _("Soldiers trying to surrender")
    HORS_DE_COMBAT = "hors-de-combat", _("Other persons hors de combat")
    CIVILIAN_DETAINEE = "civilian-detainee", _("Civilian detainees")
    UNKNOWN = "unknown", _("Unknown")


class AttributionConfidence(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class VerificationStatus(models.TextChoices):
    UNASSESSED = "unassessed", _("Unassessed")
    SINGLE_SOURCE = "single_source", _("Single source")
    CREDIBLE = "credible", _("Credible")
    VERIFIED = "verified", _("Verified")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CONTESTED = "contested", _("Contested")
    DISCOUNTED = "discounted", _("Discounted")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


def _ordered(low: str, best: str, high: str, prefix: str) -> list[models.CheckConstraint]:
    """low <= best <= high, each comparison applying only where both figures are known."""
    pairs = [(low, best), (best, high), (low, high)]
    return [
        models.CheckConstraint(
            condition=Q(**{f"{a}__isnull": True})
            | Q(**{f"{b}__isnull": True})
            | Q(**{f"{a}__lte": F(b)}),
            name=f"incident_{prefix}_{a.rsplit('_', 1)[1]}_le_{b.rsplit('_', 1)[1]}",
        )
        for a, b in pairs
    ]


# English stemming for English text; 'simple' (lower-cased, unaccented words) for Ukrainian and
# for names, which PostgreSQL has no dictionary for. Public fields only.
SEARCH_VECTOR_FUNC = """
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('simple', unaccent(coalesce(NEW.title, ''))), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.summary, '') || ' '
            || coalesce(NEW.location_name, '')), 'B')
        || setweight(to_tsvector('simple', unaccent(coalesce(NEW.summary, '') || ' '
            || coalesce(NEW.location_name, ''))), 'B')
        || setweight(to_tsvector('english', coalesce(NEW.verification_rationale, '')), 'C');
    RETURN NEW;
"""


class IncidentQuerySet(models.QuerySet):
    def published(self) -> IncidentQuerySet:
        """The one gate for every public page and API response."""
        return self.filter(publication_status=PublicationStatus.PUBLISHED)

    def in_region(self, region: Region) -> IncidentQuerySet:
        """Incidents in `region` or any unit beneath it (one indexed prefix match)."""
        return self.filter(region__path__startswith=region.path)


@track_changes(exclude=("search_vector",))
class Incident(models.Model):
    """One documented event: what happened, when, where, to whom, by whom, and how sure we are."""

    public_id = models.CharField(
        max_length=12, unique=True, editable=False, default=new_incident_id
    )
    title = models.CharField(
        max_length=200, help_text="A short factual headline, e.g. 'Execution of three POWs near X'."
    )
    summary = models.TextField(
        blank=True,
        help_text="Public. What happened, in neutral words. Never name or hint at a witness.",
    )
    internal_notes = models.TextField(
        blank=True, help_text="Staff only; never shown publicly. Leads, doubts, follow-ups."
    )
    incident_type = models.ForeignKey(
        IncidentType, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )

    date_start = models.DateField(
        null=True, blank=True, help_text="First day the incident may have happened."
    )
    date_end = models.DateField(
        null=True, blank=True, help_text="Last possible day, when only a range is known."
    )
    date_precision = models.CharField(
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How precisely the date is known; the public site shows the date this precisely.",
    )

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        db_index=False,
        help_text="The smallest administrative unit that is known.",
    )
    location_name = models.CharField(max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    geo_precision = models.CharField(
        max_length=12, choices=GeoPrecision.choices, default=GeoPrecision.UNKNOWN
    )
    coordinates_public = models.BooleanField(
        default=False,
        help_text="A reviewer may publish exact coordinates; otherwise the public sees them "
        "rounded to about 1 km or coarser.",
    )

    killed_low = models.PositiveIntegerField(null=True, blank=True)
    killed_best = models.PositiveIntegerField(null=True, blank=True)
    killed_high = models.PositiveIntegerField(null=True, blank=True)
    wounded_low = models.PositiveIntegerField(null=True, blank=True)
    wounded_best = models.PositiveIntegerField(null=True, blank=True)
    wounded_high = models.PositiveIntegerField(null=True, blank=True)
    victim_category = models.CharField(
        max_length=20, choices=VictimCategory.choices, default=VictimCategory.UNKNOWN
    )

    perpetrator_force = models.CharField(max_length=200, blank=True)
    perpetrator_unit = models.CharField(max_length=200, blank=True)
    attribution_confidence = models.CharField(
        max_length=10, choices=AttributionConfidence.choices, blank=True
    )

    verification_status = models.CharField(
        max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.UNASSESSED
    )
    verification_rationale = models.TextField(
        blank=True, help_text="Public. Why this status: which sources, what was checked."
    )

    publication_status = models.CharField(
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        editable=False,
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(blank=True, help_text="Public.")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_created",
        editable=False,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_assigned",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_reviewed",
        editable=False,
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="Who last changed the content; may not be the one who publishes it.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    returned_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_comment = models.TextField(
        blank=True,
        editable=False,
        help_text="Staff only: what the reviewer asked to change when returning it to draft.",
    )
    # Raised by every save and transition; a form that read an older number is refused, so two
    # people editing at once cannot overwrite each other unnoticed.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Any save: what staff see as "last touched".
    updated_at = models.DateTimeField(auto_now=True)
    # Only when what the public sees of the incident changes (publication, correction, a safety
    # removal, a change to a source or testimony it shows, withdrawal): partners sync on it, and
    # the public record says "last updated" by it. Staff-only edits leave it alone.
    public_updated_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When what the public sees of this incident last changed.",
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        editable=False,
    )

    # Kept by a database trigger from public fields only (never witness data), for ?q= searches.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-date_start", "-id"]
        permissions = [
            ("review_incident", "Can review incidents (assess, return to draft)"),
            ("publish_incident", "Can publish and withdraw incidents"),
        ]
        indexes = [
            # Public lists and API pages: published incidents in date order, id as tie-breaker.
            models.Index(
                fields=["publication_status", "date_start", "id"], name="incident_pub_date_idx"
            ),
            # Partners' incremental sync: ?updated_since= ordered by the public change time.
            models.Index(
                fields=["publication_status", "public_updated_at", "id"],
                name="incident_pub_updated_idx",
            ),
            # ?verification_status= and the headline counts by status.
            models.Index(
                fields=["verification_status", "date_start"], name="incident_verification_idx"
            ),
            # ?region=: joined with region_path_prefix_idx to take in every sub-unit.
            models.Index(fields=["region", "date_start"], name="incident_region_idx"),
            # ?date_to= on ranges: incidents whose end (or start) falls on or after a date.
            models.Index(fields=["date_end"], name="incident_date_end_idx"),
            # ?q= full-text search.
            GinIndex(fields=["search_vector"], name="incident_search_idx"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="incident_search_vector",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=SEARCH_VECTOR_FUNC,
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_end__isnull=True)
                | Q(date_start__isnull=True)
                | Q(date_end__gte=F("date_start")),
                name="incident_date_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="incident_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="incident_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="incident_coordinates_pair",
            ),
            *_ordered("killed_low", "killed_best", "killed_high", "killed"),
            *_ordered("wounded_low", "wounded_best", "wounded_high", "wounded"),
            models.CheckConstraint(
                condition=~Q(publication_status=PublicationStatus.PUBLISHED)
                | Q(published_at__isnull=False),
                name="incident_published_has_time",
            ),
            # Sync pages by the public change time: a published record without one would be
            # invisible to ?updated_since=.
            models.CheckConstraint(
                condition=~Q(publication_status=PublicationStatus.PUBLISHED)
                | Q(public_updated_at__isnull=False),
                name="incident_published_has_public_time",
            ),
            # Public lists page by date: an undated published record would break the cursor.
            models.CheckConstraint(
                condition=~Q(publication_status=PublicationStatus.PUBLISHED)
                | Q(date_start__isnull=False),
                name="incident_published_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(publication_status=PublicationStatus.WITHDRAWN)
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawal_reason="")),
                name="incident_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | ~Q(duplicate_of=F("id")),
                name="incident_not_duplicate_of_itself",
            ),
            one_of("incident", "date_precision", DatePrecision),
            one_of("incident", "geo_precision", GeoPrecision),
            one_of("incident", "victim_category", VictimCategory),
            one_of("incident", "attribution_confidence", AttributionConfidence, blank=True),
            one_of("incident", "verification_status", VerificationStatus),
            one_of("incident", "publication_status", PublicationStatus),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.title}"

    def clean(self) -> None:
        # The database constraints hold the order of the figures; this says it in words, on the
        # field, before a form reaches them.
        errors = {}
        for what, (low, best, high) in FIGURES.items():
            values = [getattr(self, name) for name in (low, best, high)]
            words = ("lowest figure", "best estimate", "highest figure")
            for a, b in ((0, 1), (1, 2), (0, 2)):
                if values[a] is not None and values[b] is not None and values[a] > values[b]:
                    name = (low, best, high)[a]
                    errors.setdefault(
                        name,
                        f"The {words[a]} {what} ({values[a]}) is above the {words[b]} "
                        f"({values[b]}).",
                    )
        if errors:
            raise ValidationError(errors)


# (low, best, high) fields of each estimated figure, by what they count.
FIGURES = {
    "killed": ("killed_low", "killed_best", "killed_high"),
    "wounded": ("wounded_low", "wounded_best", "wounded_high"),
}


class SourceRole(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    CORROBORATING = "corroborating", _("Corroborating")
    MENTIONS = "mentions", _("Mentions")


@track_changes
class IncidentSource(models.Model):
    """A source document offered as evidence for an incident, and how it bears on it."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="source_links")
    source = models.ForeignKey(
        "sources.SourceDocument", on_delete=models.PROTECT, related_name="incident_links"
    )
    role = models.CharField(max_length=15, choices=SourceRole.choices, default=SourceRole.PRIMARY)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "source"], name="incident_source_once"),
            one_of("incidentsource", "role", SourceRole),
        ]

    def __str__(self) -> str:
        return f"{self.incident.public_id} ← {self.source.public_id} ({self.role})"


@track_changes
class IncidentTestimony(models.Model):
    """A witness testimony offered as evidence for an incident."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="testimony_links")
    testimony = models.ForeignKey(
        "sources.Testimony", on_delete=models.PROTECT, related_name="incident_links"
    )
    note = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "incident testimonies"
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "testimony"], name="incident_testimony_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident.public_id} ← {self.testimony.public_id}"
