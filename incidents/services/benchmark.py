"""Generated records for `manage.py benchmark_api`, on a throwaway database only."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import connection, transaction

from core.errors import Refused
from incidents.models import (
    Incident,
    IncidentSource,
    PublicationStatus,
)
from sources.models import SourceDocument


@transaction.atomic
def benchmark_records_load(
    *, incidents: Sequence[Incident], sources: Sequence[SourceDocument]
) -> None:
    """Bulk-load fictional published incidents, each citing the source at the same position.

    The one write that skips review, for `manage.py benchmark_api` on a throwaway database: it
    refuses in production, and every record it takes must already say that it is a benchmark
    record.
    """
    if settings.PRODUCTION:
        raise Refused("Benchmark records are never loaded with DJANGO_ENV=production.")
    if len(incidents) != len(sources):
        raise ValueError("One source per incident.")
    for incident in incidents:
        if not incident.title.startswith("Benchmark record"):
            raise ValueError("Only benchmark records are loaded this way.")
        incident.publication_status = PublicationStatus.PUBLISHED
        incident.public_updated_at = incident.published_at
    Incident.objects.bulk_create(incidents)
    SourceDocument.objects.bulk_create(sources)
    IncidentSource.objects.bulk_create(
        IncidentSource(incident=incident, source=source)
        for incident, source in zip(incidents, sources, strict=True)
    )


@transaction.atomic
def benchmark_records_delete(*, note: str) -> tuple[int, int]:
    """Delete what `benchmark_records_load` loaded, found by the staff note the benchmark gives
    its rows. Plain DELETEs: the ORM's collector would load every row first; the history
    triggers still record each deletion. Returns the numbers of incidents and sources deleted."""
    if settings.PRODUCTION:
        raise Refused("Benchmark records are never deleted with DJANGO_ENV=production.")
    ours = (
        "SELECT id FROM incidents_incident "
        "WHERE internal_notes = %s AND title LIKE 'Benchmark record%%'"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM incidents_incidentsource WHERE incident_id IN ({ours})", [note]
        )
        cursor.execute(
            f"DELETE FROM incidents_incidenttestimony WHERE incident_id IN ({ours})", [note]
        )
        cursor.execute(
            f"DELETE FROM incidents_correctionnote WHERE incident_id IN ({ours})", [note]
        )
        cursor.execute(f"DELETE FROM incidents_correction WHERE incident_id IN ({ours})", [note])
        cursor.execute(f"DELETE FROM incidents_incident WHERE id IN ({ours})", [note])
        incidents = cursor.rowcount
        cursor.execute("DELETE FROM sources_sourcedocument WHERE origin_note = %s", [note])
        sources = cursor.rowcount
    return incidents, sources
