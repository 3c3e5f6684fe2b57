from __future__ import annotations

from django import template

from incidents.models import GeoPrecision, SourceRole, VerificationStatus
from sources.models import Directness, SourceKind

register = template.Library()


@register.filter
def verification_label(status: str) -> str:
    return VerificationStatus(status).label if status in VerificationStatus.values else status


@register.filter
def source_kind_label(kind: str) -> str:
    return SourceKind(kind).label if kind in SourceKind.values else kind


@register.filter
def source_role_label(role: str) -> str:
    return SourceRole(role).label if role in SourceRole.values else role


@register.filter
def directness_label(value: str) -> str:
    return Directness(value).label if value in Directness.values else value


@register.filter
def geo_precision_label(value: str) -> str:
    return GeoPrecision(value).label if value in GeoPrecision.values else value
