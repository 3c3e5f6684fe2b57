"""Labels of stored choice values, in the reader's language (the labels are translatable)."""

from __future__ import annotations

from django import template
from django.db.models import TextChoices

from incidents.models import (
    CorrectionNoteKind,
    GeoPrecision,
    SourceRole,
    VerificationStatus,
    VictimCategory,
)
from sources.models import Directness, SourceKind

register = template.Library()


def _label(choices: type[TextChoices], value: str) -> str:
    return choices(value).label if value in choices.values else value


@register.filter
def verification_label(status: str) -> str:
    return _label(VerificationStatus, status)


@register.filter
def source_kind_label(kind: str) -> str:
    return _label(SourceKind, kind)


@register.filter
def source_role_label(role: str) -> str:
    return _label(SourceRole, role)


@register.filter
def directness_label(value: str) -> str:
    return _label(Directness, value)


@register.filter
def geo_precision_label(value: str) -> str:
    return _label(GeoPrecision, value)


@register.filter
def victim_category_label(value: str) -> str:
    return _label(VictimCategory, value)


@register.filter
def correction_kind_label(value: str) -> str:
    return _label(CorrectionNoteKind, value)
