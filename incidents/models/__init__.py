"""The incidents app's models: what the register records about each incident, the reference data
it points at, and its corrections. Each module holds one part; import them from here."""

from incidents.models.correction import (
    OPEN_CORRECTION_STATUSES,
    Correction,
    CorrectionNote,
    CorrectionNoteKind,
    CorrectionStatus,
)
from incidents.models.incident import (
    FIGURES,
    AttributionConfidence,
    DatePrecision,
    GeoPrecision,
    Incident,
    IncidentQuerySet,
    IncidentSource,
    IncidentTestimony,
    PublicationStatus,
    SourceRole,
    VerificationStatus,
    VictimCategory,
)
from incidents.models.reference import IncidentType, Region, RegionLevel

__all__ = [
    "FIGURES",
    "OPEN_CORRECTION_STATUSES",
    "AttributionConfidence",
    "Correction",
    "CorrectionNote",
    "CorrectionNoteKind",
    "CorrectionStatus",
    "DatePrecision",
    "GeoPrecision",
    "Incident",
    "IncidentQuerySet",
    "IncidentSource",
    "IncidentTestimony",
    "IncidentType",
    "PublicationStatus",
    "Region",
    "RegionLevel",
    "SourceRole",
    "VerificationStatus",
    "VictimCategory",
]
