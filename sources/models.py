from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.db import one_of
from core.fields import EncryptedTextField
from core.history import track_changes
from core.public_ids import ALPHABET, new_claim_id, new_source_id, new_testimony_id
from core.storage import private_evidence_storage
from incidents.models.incident import DatePrecision, PublicationStatus, VictimCategory


class SourceKind(models.TextChoices):
    OFFICIAL_STATEMENT = "official-statement", _("Official statement")
    UN_REPORT = "un-report", _("UN report")
    NGO_REPORT = "ngo-report", _("NGO report")
    MEDIA_REPORT = "media-report", _("Media report")
    SOCIAL_MEDIA_POST = "social-media-post", _("Social media post")
    VIDEO = "video", _("Video")
    PHOTO = "photo", _("Photo")
    SATELLITE_IMAGE = "satellite-image", _("Satellite image")
    DOCUMENT = "document", _("Document")
    OTHER = "other", _("Other")


class Reliability(models.TextChoices):
    """The Admiralty (NATO) grading of a source's reliability."""

    A = "A", "A: completely reliable"
    B = "B", "B: usually reliable"
    C = "C", "C: fairly reliable"
    D = "D", "D: not usually reliable"
    E = "E", "E: unreliable"
    F = "F", "F: reliability cannot be judged"


# Letters (any alphabet: ГУР is HUR) and digits, with single hyphens between them.
SHORT_NAME = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
SHORT_NAME_LENGTH = (2, 20)


def checked_short_names(names: Iterable[str]) -> list[str]:
    """`names` with the spaces around each trimmed and empty ones left out, as stored; a
    ValidationError listing every name that is not a short name or is given twice (in any case)."""
    kept: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()
    low, high = SHORT_NAME_LENGTH
    for name in (name.strip() for name in names):
        if not name:
            continue
        if not low <= len(name) <= high:
            size = "short" if len(name) < low else "long"
            problems.append(f"“{name}” is too {size}: a short name has {low} to {high} characters.")
        elif not SHORT_NAME.fullmatch(name):
            problems.append(
                f"“{name}” is not a short name: use letters and digits, with hyphens between them "
                "(no spaces or other signs)."
            )
        elif name.casefold() in seen:
            problems.append(f"“{name}” is listed twice.")
        else:
            kept.append(name)
        seen.add(name.casefold())
    if problems:
        raise ValidationError(problems)
    return kept


@track_changes(exclude=("url_normalised",))
class SourceDocument(models.Model):
    """A document, statement, report or piece of media that speaks to one or more incidents."""

    public_id = models.CharField(max_length=12, unique=True, editable=False, default=new_source_id)
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    title = models.CharField(max_length=300)
    publisher = models.CharField(
        max_length=200, blank=True, help_text="Who issued it, e.g. 'UN HRMMU' or a channel's name."
    )
    short_names = ArrayField(
        models.CharField(max_length=SHORT_NAME_LENGTH[1]),
        verbose_name="short names",
        default=list,
        db_default=[],
        blank=True,
        help_text="Acronyms and short names of the publisher that people search for, separated "
        "by commas, e.g. HRMMU, OHCHR.",
    )
    url = models.URLField("URL", max_length=2000, blank=True)
    # Derived from `url` by the services (sources/source_urls.py); unique, so the database refuses
    # a second source at the same address. Empty when there is no URL, and for sources
    # that were duplicates before the rule (migration 0009).
    url_normalised = models.CharField(
        "normalised URL", max_length=2000, blank=True, default="", db_default="", editable=False
    )
    archive_url = models.URLField(
        "archive URL",
        max_length=2000,
        blank=True,
        help_text="A preserved copy, in case the original is taken down.",
    )
    published_on = models.DateField(null=True, blank=True)
    accessed_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(
        max_length=12, blank=True, help_text="Language code, e.g. uk, ru, en."
    )
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default="F")
    origin_note = models.TextField(
        blank=True,
        help_text="Where it comes from, e.g. posted by a channel affiliated with the perpetrator.",
    )
    is_public = models.BooleanField(
        default=False, help_text="May be cited on the public site and in the API."
    )
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources_created",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [
            # The public source list: public sources, newest first.
            models.Index(fields=["is_public", "published_on"], name="source_public_date_idx"),
        ]
        constraints = [
            one_of("source", "kind", SourceKind),
            one_of("source", "reliability", Reliability),
            # Also the index that finds the source already at an address.
            models.UniqueConstraint(
                fields=["url_normalised"],
                condition=~Q(url_normalised=""),
                name="source_url_normalised_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.title}"


class WitnessRole(models.TextChoices):
    RELEASED_POW = "released-pow", "Released prisoner of war"
    EYEWITNESS = "eyewitness", "Eyewitness"
    DESERTER = "deserter", "Deserter"
    RELATIVE = "relative", "Relative"
    OFFICIAL = "official", "Official"
    OTHER = "other", "Other"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    SEVERE = "severe", "Severe"


def _new_witness_code() -> str:
    return "W-" + "".join(secrets.choice(ALPHABET) for _ in range(6))


@track_changes
class Witness(models.Model):
    """A person who gave testimony, known to most staff only by a pseudonym code."""

    Role = WitnessRole

    RiskLevel = RiskLevel

    code = models.CharField(
        "pseudonym code",
        max_length=12,
        unique=True,
        default=_new_witness_code,
        validators=[
            RegexValidator(r"^W-[0-9A-Z]{4,9}$", "Use W- followed by 4 to 9 letters or digits.")
        ],
        help_text="The only name most staff ever see.",
    )
    role = models.CharField(max_length=15, choices=WitnessRole.choices, default=WitnessRole.OTHER)
    full_name = EncryptedTextField(blank=True, help_text="Encrypted. Witness officers only.")
    contact = EncryptedTextField(blank=True, help_text="Encrypted. Witness officers only.")
    identity_notes = EncryptedTextField(blank=True, help_text="Encrypted. Witness officers only.")
    consent_internal_use = models.BooleanField(default=False)
    consent_share_with_partners = models.BooleanField(default=False)
    consent_publish_anonymised = models.BooleanField(
        default=False, help_text="May an anonymised summary of the testimony be published?"
    )
    willing_to_testify = models.BooleanField(
        default=False, help_text="Willing to testify before a court or inquiry."
    )
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, default=RiskLevel.HIGH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="witnesses_created",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "witnesses"
        ordering = ["code"]
        permissions = [("view_witness_identity", "Can see witness identities")]
        constraints = [
            one_of("witness", "role", WitnessRole),
            one_of("witness", "risk_level", RiskLevel),
        ]

    def __str__(self) -> str:
        return self.code


class TestimonyMode(models.TextChoices):
    IN_PERSON = "in-person", "In person"
    PHONE = "phone", "Phone"
    VIDEO_CALL = "video-call", "Video call"
    WRITTEN = "written", "Written"
    OTHER = "other", "Other"


class Directness(models.TextChoices):
    DIRECT = "direct", _("Direct (saw or experienced it)")
    HEARSAY = "hearsay", _("Hearsay (heard from others)")


@track_changes
class Testimony(models.Model):
    """What a witness told an interviewer on a given day; the statement itself is encrypted."""

    Mode = TestimonyMode

    Directness = Directness

    public_id = models.CharField(
        max_length=12, unique=True, editable=False, default=new_testimony_id
    )
    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="testimonies")
    taken_on = models.DateField()
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="testimonies_taken",
    )
    mode = models.CharField(
        max_length=12, choices=TestimonyMode.choices, default=TestimonyMode.IN_PERSON
    )
    language = models.CharField(max_length=12, blank=True)
    directness = models.CharField(max_length=8, choices=Directness.choices)
    statement = EncryptedTextField(blank=True, help_text="Encrypted. The full statement.")
    public_summary = models.TextField(
        blank=True,
        help_text="Anonymised; published only if the witness consented and a reviewer marks it "
        "public. No names, units, places or dates that could identify the witness.",
    )
    summary_is_public = models.BooleanField(
        "summary may be published",
        default=False,
        help_text="Set by a reviewer after checking the summary cannot identify the witness.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="testimonies_created",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "testimonies"
        ordering = ["-taken_on", "-id"]
        constraints = [
            one_of("testimony", "mode", TestimonyMode),
            one_of("testimony", "directness", Directness),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.witness.code}, {self.taken_on:%Y-%m-%d})"


def evidence_name(token: str) -> str:
    """Where the file received under `token` is kept: never the uploader's filename, which can
    name a witness or a place, but the upload's random token, sharded by its first characters."""
    return f"evidence/{token[:2]}/{token}"


def _evidence_name(instance: EvidenceFile, filename: str) -> str:
    return evidence_name(secrets.token_hex(16))


class EvidenceFile(models.Model):
    """A file attached to a source or a testimony, kept privately and provably unaltered."""

    source = models.ForeignKey(
        SourceDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    testimony = models.ForeignKey(
        Testimony, on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    file = models.FileField(
        upload_to=_evidence_name, storage=private_evidence_storage, max_length=200
    )
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    original_name = models.CharField(max_length=255, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(source__isnull=False, testimony__isnull=True)
                | Q(source__isnull=True, testimony__isnull=False),
                name="evidence_file_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="evidence_file_sha256_hex"
            ),
        ]
        # Database triggers (sources/migrations/0007) refuse every UPDATE and DELETE of a row,
        # and TRUNCATE of the table: the stored original and what is known of it are fixed at
        # upload, whoever connects.

    def __str__(self) -> str:
        return f"Evidence file {self.sha256[:12]}"


class CustodyAction(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    DOWNLOADED = "downloaded", "Downloaded"
    HASH_VERIFIED = "hash-verified", "Hash verified"
    HASH_MISMATCH = "hash-mismatch", "Hash mismatch"
    MISSING = "missing", "File missing"
    EXPORTED = "exported", "Exported"


class CustodyEvent(models.Model):
    """One link in an evidence file's chain of custody: who did what to it, when, with what hash."""

    Action = CustodyAction

    evidence_file = models.ForeignKey(
        EvidenceFile, on_delete=models.PROTECT, related_name="custody_events"
    )
    action = models.CharField(max_length=15, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set by the database as the row is written (sources/custody_chain.py), whatever the client
    # sends, like the id and the two hashes.
    at = models.DateTimeField(db_default=Now(), editable=False)
    observed_sha256 = models.CharField("observed SHA-256", max_length=64, blank=True)
    note = models.CharField(max_length=255, blank=True)
    previous_hash = models.CharField(
        "previous event's hash",
        max_length=64,
        db_default="",
        editable=False,
        help_text="The hash of the event written before this one, in the whole log.",
    )
    row_hash = models.CharField(
        "hash",
        max_length=64,
        db_default="",
        editable=False,
        help_text="SHA-256 of this event and the previous event's hash.",
    )

    class Meta:
        ordering = ["evidence_file", "at", "id"]
        constraints = [
            one_of("custody_event", "action", CustodyAction),
            models.CheckConstraint(
                condition=Q(observed_sha256="") | Q(observed_sha256__regex=r"^[0-9a-f]{64}$"),
                name="custody_event_observed_sha256_hex",
            ),
            models.CheckConstraint(
                condition=Q(previous_hash__regex=r"^[0-9a-f]{64}$"),
                name="custody_event_previous_hash_hex",
            ),
            models.CheckConstraint(
                condition=Q(row_hash__regex=r"^[0-9a-f]{64}$"), name="custody_event_row_hash_hex"
            ),
        ]
        # The chain of custody is append-only: database triggers (sources/migrations/0007) refuse
        # every UPDATE, DELETE and TRUNCATE.

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"


# --- Reported figures ----------------------------------------------------------------------------


class Counted(models.TextChoices):
    KILLED = "killed", _("People killed")
    INCIDENTS = "incidents", _("Incidents")
    CASES = "cases", _("Cases")


class Qualifier(models.TextChoices):
    EXACTLY = "exactly", _("Exactly")
    AT_LEAST = "at_least", _("At least / more than")
    ABOUT = "about", _("About")
    UP_TO = "up_to", _("Up to")


class QuotationLanguage(models.TextChoices):
    UK = "uk", _("Ukrainian")
    EN = "en", _("English")
    RU = "ru", _("Russian")
    OTHER = "other", _("Other")


# The figures of a claim, low to high; also the order of the words that name them.
CLAIM_FIGURES = ("figure_low", "figure_best", "figure_high")
CLAIM_FIGURE_WORDS = {"figure_low": "low", "figure_best": "best", "figure_high": "high"}


def _claim_figures_ordered() -> list[models.CheckConstraint]:
    """low <= best <= high, each comparison applying only where both figures are given."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{a}__isnull": True})
            | Q(**{f"{b}__isnull": True})
            | Q(**{f"{a}__lte": models.F(b)}),
            name=f"claim_{CLAIM_FIGURE_WORDS[a]}_le_{CLAIM_FIGURE_WORDS[b]}",
        )
        for a, b in (
            ("figure_low", "figure_best"),
            ("figure_best", "figure_high"),
            ("figure_low", "figure_high"),
        )
    ]


_NO_FIGURE = Q(figure_low__isnull=True, figure_best__isnull=True, figure_high__isnull=True)


@track_changes
class Claim(models.Model):
    """An organisation's aggregate statement in a source: what it counted, where, over which
    period, with which figure (or none, for a qualitative finding) and how it knows."""

    public_id = models.CharField(max_length=12, unique=True, editable=False, default=new_claim_id)
    source = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        related_name="claims",
        help_text="The document in which the organisation makes the claim.",
    )

    period_start = models.DateField(
        null=True, blank=True, help_text="First day of the period the claim covers."
    )
    period_start_precision = models.CharField(
        "precision of the start",
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="E.g. month for “from late August 2024”: enter 1 August 2024.",
    )
    period_end = models.DateField(
        null=True, blank=True, help_text="Last day of the period; empty when the source gives none."
    )
    period_end_precision = models.CharField(
        "precision of the end",
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="E.g. month for “to February 2025”: enter 28 February 2025.",
    )
    region = models.ForeignKey(
        "incidents.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        help_text="The area the claim covers, at any level. Empty: the whole country.",
    )
    incident_types = models.ManyToManyField(
        "incidents.IncidentType",
        through="ClaimIncidentType",
        related_name="claims",
        blank=True,
        help_text="The kinds of incident the claim counts.",
    )
    victim_category = models.CharField(
        max_length=20,
        choices=VictimCategory.choices,
        default=VictimCategory.UNKNOWN,
        help_text="Whom the claim counts, as the incident records them.",
    )
    counted = models.CharField(
        "what is counted",
        max_length=10,
        choices=Counted.choices,
        help_text="What the figure counts: people killed, incidents, or cases as the source "
        "defines them.",
    )
    qualifier = models.CharField(
        max_length=10,
        choices=Qualifier.choices,
        blank=True,
        help_text="How the source qualifies its figure. Empty for a finding without a figure.",
    )
    figure_low = models.PositiveIntegerField(
        "low figure",
        null=True,
        blank=True,
        help_text="Only when the source itself gives a range (“between 70 and 80”).",
    )
    figure_best = models.PositiveIntegerField(
        "best figure",
        null=True,
        blank=True,
        help_text="The figure the source states (“more than 150”: 150, with “at least”).",
    )
    figure_high = models.PositiveIntegerField(
        "high figure",
        null=True,
        blank=True,
        help_text="Only when the source itself gives a range.",
    )
    as_of = models.DateField(
        "as of",
        null=True,
        blank=True,
        help_text="The date the source gives its figure as of (often the date it was published).",
    )
    method = models.TextField(
        blank=True,
        help_text="How the organisation knows, in the source's words (e.g. interviews with "
        "released prisoners, verified video).",
    )
    quotation = models.TextField(
        blank=True, help_text="A short quotation of the claim, as the source words it."
    )
    quotation_language = models.CharField(
        max_length=5, choices=QuotationLanguage.choices, blank=True
    )
    is_public = models.BooleanField(
        default=False,
        help_text="May be shown on the public site and in the API once published.",
    )
    internal_notes = models.TextField(
        blank=True, help_text="Staff only; never shown publicly. Doubts, follow-ups."
    )

    publication_status = models.CharField(
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        editable=False,
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(blank=True, editable=False, help_text="Public.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_created",
        editable=False,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_reviewed",
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
    # Raised by every save and transition; a form opened at an older number is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-as_of", "-id"]
        permissions = [
            ("review_claim", "Can review claims (return to draft)"),
            ("publish_claim", "Can publish and withdraw claims"),
        ]
        indexes = [
            # The claims of a source, newest figure first (the source's page in the admin).
            models.Index(fields=["source", "as_of"], name="claim_source_idx"),
            # The reviewers' queue: claims in review, oldest submission first.
            models.Index(fields=["publication_status", "submitted_at"], name="claim_status_idx"),
        ]
        constraints = [
            *_claim_figures_ordered(),
            # A figure comes with the qualifier the source gives it; a qualitative finding has
            # neither.
            models.CheckConstraint(
                condition=(_NO_FIGURE & Q(qualifier="")) | (~_NO_FIGURE & ~Q(qualifier="")),
                name="claim_figure_has_qualifier",
            ),
            # "Exactly 79" is one number: the best figure, with no range around it.
            models.CheckConstraint(
                condition=~Q(qualifier=Qualifier.EXACTLY)
                | Q(figure_best__isnull=False, figure_low__isnull=True, figure_high__isnull=True),
                name="claim_exact_figure_has_no_range",
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="claim_period_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(quotation="") | ~Q(quotation_language=""),
                name="claim_quotation_has_language",
            ),
            models.CheckConstraint(
                condition=Q(public_id__regex=rf"^CLM-[{ALPHABET}]{{8}}$"),
                name="claim_public_id_format",
            ),
            models.CheckConstraint(
                condition=~Q(publication_status=PublicationStatus.PUBLISHED)
                | Q(published_at__isnull=False),
                name="claim_published_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(publication_status=PublicationStatus.WITHDRAWN)
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawal_reason="")),
                name="claim_withdrawn_has_reason",
            ),
            one_of("claim", "period_start_precision", DatePrecision),
            one_of("claim", "period_end_precision", DatePrecision),
            one_of("claim", "victim_category", VictimCategory),
            one_of("claim", "counted", Counted),
            one_of("claim", "qualifier", Qualifier, blank=True),
            one_of("claim", "quotation_language", QuotationLanguage, blank=True),
            one_of("claim", "publication_status", PublicationStatus),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.source.public_id})"

    @property
    def has_figure(self) -> bool:
        return any(getattr(self, name) is not None for name in CLAIM_FIGURES)

    def clean(self) -> None:
        # The database constraints hold these rules; this says them in words, on the field,
        # before a form reaches them.
        errors: dict[str, str] = {}
        figures = {name: getattr(self, name) for name in CLAIM_FIGURES}
        for a, b in (
            ("figure_low", "figure_best"),
            ("figure_best", "figure_high"),
            ("figure_low", "figure_high"),
        ):
            if figures[a] is not None and figures[b] is not None and figures[a] > figures[b]:
                errors.setdefault(
                    a,
                    f"The {CLAIM_FIGURE_WORDS[a]} figure cannot exceed the "
                    f"{CLAIM_FIGURE_WORDS[b]} figure.",
                )
        if self.has_figure and not self.qualifier:
            errors["qualifier"] = (
                "Say how the source qualifies its figure: exactly, at least, about or up to."
            )
        elif self.qualifier and not self.has_figure:
            errors["qualifier"] = (
                "A qualifier goes with a figure: enter the figure, or leave the qualifier empty "
                "for a finding without one."
            )
        elif self.qualifier == Qualifier.EXACTLY:
            if figures["figure_best"] is None:
                errors["figure_best"] = "An exact figure is entered as the best figure."
            for name in ("figure_low", "figure_high"):
                if figures[name] is not None:
                    errors.setdefault(
                        name,
                        "An exact figure has no range: leave the low and high figures empty, "
                        "or choose another qualifier.",
                    )
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = "The period cannot end before it starts."
        if self.quotation.strip() and not self.quotation_language:
            errors["quotation_language"] = "Say which language the quotation is in."
        if errors:
            raise ValidationError(errors)


@track_changes
class ClaimIncidentType(models.Model):
    """One kind of incident that a claim counts."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="type_links")
    incident_type = models.ForeignKey(
        "incidents.IncidentType", on_delete=models.PROTECT, related_name="claim_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "incident_type"], name="claim_incident_type_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim.public_id}: {self.incident_type}"


class ClaimRelation(models.TextChoices):
    COUNTED = "counted", _("Counted in the claim")
    CONSISTENT = "consistent", _("Consistent with the claim")
    CONTRADICTS = "contradicts", _("Contradicts the claim")


@track_changes
class ClaimIncident(models.Model):
    """An incident of the register that an analyst links to a claim, and how the two relate."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="incident_links")
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="claim_links"
    )
    relation = models.CharField(
        max_length=12,
        choices=ClaimRelation.choices,
        default=ClaimRelation.COUNTED,
        help_text="Counted: the claim's figure includes this incident. Consistent: it fits the "
        "claim without being shown to be counted. Contradicts: it disagrees with the claim.",
    )
    note = models.TextField(blank=True, help_text="Staff only: why the two are linked so.")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    linked_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["claim", "incident"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "incident"], name="claim_incident_once"),
            one_of("claim_incident", "relation", ClaimRelation),
        ]

    def __str__(self) -> str:
        return f"{self.claim.public_id} – {self.incident.public_id}"
