from __future__ import annotations

from django.conf import settings
from django.db import models


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
