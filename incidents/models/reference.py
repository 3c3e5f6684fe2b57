"""The reference data incidents point at: the administrative units of Ukraine and the
vocabulary of incident types."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.db import one_of


class RegionLevel(models.TextChoices):
    OBLAST = "oblast", "Oblast"
    RAION = "raion", "Raion"
    HROMADA = "hromada", "Hromada"
    SETTLEMENT = "settlement", "Settlement"


class Region(models.Model):
    """An administrative unit of Ukraine (KATOTTH), placed in the tree by a materialised path."""

    Level = RegionLevel

    code = models.CharField("KATOTTH code", max_length=19, unique=True)
    iso_code = models.CharField(
        "ISO 3166-2 code",
        max_length=5,
        unique=True,
        null=True,
        blank=True,
        help_text="Oblast-level units only, e.g. UA-14.",
    )
    level = models.CharField(max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Codes of the unit and its ancestors, broadest first, each followed by "/": a prefix match on
    # this column finds a unit and everything beneath it.
    path = models.CharField(max_length=255, editable=False)
    name_en = models.CharField("name (English)", max_length=120)
    name_uk = models.CharField("name (Ukrainian)", max_length=120)
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        ordering = ["path"]
        indexes = [
            # Serves "this region and everything beneath it": WHERE path LIKE 'UA14.../%'.
            models.Index(
                fields=["path"], name="region_path_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="region_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="region_longitude_range",
            ),
            # A plain unique constraint: `unique=True` would add a second LIKE index beside ours.
            models.UniqueConstraint(fields=["path"], name="region_path_unique"),
            one_of("region", "level", RegionLevel),
            models.CheckConstraint(
                condition=Q(level="oblast") | Q(iso_code__isnull=True),
                name="region_iso_code_oblast_only",
            ),
            models.CheckConstraint(
                condition=Q(level="oblast", parent__isnull=True)
                | (~Q(level="oblast") & Q(parent__isnull=False)),
                name="region_only_oblasts_are_roots",
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    @staticmethod
    def path_for(code: str, parent: Region | None) -> str:
        return (parent.path if parent else "") + code + "/"

    @property
    def oblast_code(self) -> str:
        return self.path.split("/", 1)[0]


class IncidentType(models.Model):
    """A kind of violation in the controlled vocabulary, e.g. execution of a prisoner of war."""

    slug = models.SlugField(max_length=60, unique=True)
    name_en = models.CharField("name (English)", max_length=120)
    name_uk = models.CharField("name (Ukrainian)", max_length=120)
    description = models.TextField(blank=True)
    legal_reference = models.CharField(
        max_length=255, blank=True, help_text="e.g. Geneva Convention III, art. 13."
    )

    class Meta:
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name_en
