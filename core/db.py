"""Helpers for declaring database constraints."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def one_of(prefix: str, field: str, choices: type[models.Choices], *, blank: bool = False):
    """A CHECK that `field` holds one of the controlled values, so no writer can invent another."""
    values = [*choices.values, *([""] if blank else [])]
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": values}), name=f"{prefix}_{field}_valid"
    )
