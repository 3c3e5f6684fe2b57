"""Corrections of published incidents and their public correction log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.db import one_of
from core.history import track_changes
from incidents.models.incident import Incident


class CorrectionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPLIED = "applied", "Applied"
    DISCARDED = "discarded", "Discarded"


OPEN_CORRECTION_STATUSES = (CorrectionStatus.DRAFT, CorrectionStatus.IN_REVIEW)


@track_changes
class Correction(models.Model):
    """A proposed change to a published incident, applied only once a second person approves it.

    `changes` holds what the proposal changes, each value with the one it replaces, in the shape
    `incidents.services.Proposal` reads and writes; only public and evidence fields, never
    witness data.
    """

    Status = CorrectionStatus

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="corrections")
    status = models.CharField(
        max_length=10,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.DRAFT,
        editable=False,
    )
    changes = models.JSONField(default=dict, blank=True, editable=False)
    note = models.TextField(
        "public note",
        blank=True,
        help_text="Public, once approved: one sentence a reader understands, e.g. “The number "
        "killed was corrected from three to four after a second video was geolocated.”",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    review_comment = models.TextField(
        blank=True, editable=False, help_text="Staff only: what the reviewer asked to change."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    returned_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            one_of("correction", "status", CorrectionStatus),
            # Two open proposals for one record would each be checked against a record the other
            # is about to change.
            models.UniqueConstraint(
                fields=["incident"],
                condition=Q(status__in=OPEN_CORRECTION_STATUSES),
                name="correction_one_open_per_incident",
            ),
        ]
        indexes = [
            # The reviewers' queue: corrections in review, oldest first.
            models.Index(fields=["status", "submitted_at"], name="correction_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Correction of {self.incident.public_id} ({self.get_status_display().lower()})"


class CorrectionNoteKind(models.TextChoices):
    CORRECTION = "correction", _("Correction")
    REMOVAL = "removal", _("Removal")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    REPUBLICATION = "republication", _("Republication")


class CorrectionNote(models.Model):
    """One line of an incident's public correction log: when its public record changed, and why.

    Written by the services only: an approved correction, a safety removal (a neutral sentence,
    never the removed text), a withdrawal or a republication. A note is never rewritten.
    """

    Kind = CorrectionNoteKind

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=15, choices=CorrectionNoteKind.choices)
    text = models.TextField()
    noted_at = models.DateTimeField()
    # RESTRICT, not PROTECT: deleting an incident (a demo reset) takes its notes and its
    # corrections with it, but a correction alone cannot vanish from under a note.
    correction = models.ForeignKey(
        Correction, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["incident", "noted_at", "id"]
        indexes = [
            # The notes of a page of incidents, in order: WHERE incident_id IN (...).
            models.Index(fields=["incident", "noted_at"], name="correction_note_incident_idx"),
        ]
        constraints = [
            one_of("correction_note", "kind", CorrectionNoteKind),
            models.CheckConstraint(condition=~Q(text=""), name="correction_note_has_text"),
        ]
        # What the public was told stays as it was told: a database trigger
        # (incidents/migrations/0011) refuses every UPDATE, and TRUNCATE.

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.incident_id} at {self.noted_at:%Y-%m-%d}"
