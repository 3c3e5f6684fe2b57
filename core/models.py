from __future__ import annotations

from django.db import models


class IssuedPublicId(models.Model):
    """A public identifier that has been given to a record once and may never be given again."""

    value = models.CharField(max_length=32, unique=True)
    issued_at = models.DateTimeField(db_default=models.functions.Now())

    class Meta:
        verbose_name = "issued public id"

    def __str__(self) -> str:
        return self.value
