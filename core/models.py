from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class IssuedPublicId(models.Model):
    """A public identifier that has been given to a record once and may never be given again."""

    value = models.CharField(max_length=32, unique=True)
    issued_at = models.DateTimeField(db_default=models.functions.Now())

    class Meta:
        verbose_name = "issued public id"

    def __str__(self) -> str:
        return self.value


class PartnerToken(models.Model):
    """A key that lets a partner's system use the API at a higher rate limit."""

    name = models.CharField(max_length=120, help_text="Who holds it, e.g. 'Example NGO data team'.")
    contact = models.EmailField(blank=True, help_text="Whom to tell when it is revoked.")
    # Only the SHA-256 of the key is stored; the key itself is shown once, when it is issued.
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(
        max_length=8, editable=False, help_text="The first characters, to tell keys apart."
    )
    is_active = models.BooleanField(default=True, help_text="Untick to revoke the token.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class EnrolmentCode(models.Model):
    """A one-time code an administrator issued so that a staff member can set up their
    authenticator app; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolment_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Empty when issued at the server's command line (`manage.py issue_enrolment_code`).
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    issued_at = models.DateTimeField(editable=False)
    expires_at = models.DateTimeField(editable=False)
    used_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when a newer code for the same person replaced this one before it was used.
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "authenticator set-up code"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("issued_at")),
                name="enrolmentcode_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=models.Q(used_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="enrolmentcode_used_or_revoked_not_both",
            ),
        ]

    def __str__(self) -> str:
        return f"Set-up code for {self.user} issued {self.issued_at:%Y-%m-%d %H:%M} UTC"

    @property
    def state(self) -> str:
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "replaced"
        if self.expires_at <= timezone.now():
            return "expired"
        return "waiting"
