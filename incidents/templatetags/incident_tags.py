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


# Each filter shows the label of a stored value of one choice: {{ status|verification_label }}.
LABELLED = {
    "verification_label": VerificationStatus,
    "source_kind_label": SourceKind,
    "source_role_label": SourceRole,
    "directness_label": Directness,
    "geo_precision_label": GeoPrecision,
    "victim_category_label": VictimCategory,
    "correction_kind_label": CorrectionNoteKind,
}


def _labeller(choices: type[TextChoices]):
    def label(value: str) -> str:
        return choices(value).label if value in choices.values else value

    return label


for _name, _choices in LABELLED.items():
    register.filter(_name, _labeller(_choices))
