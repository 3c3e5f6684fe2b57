"""Rows written with plain SQL, for tests that hold connections of their own (tests/database.py)
and so cannot use the factories, which write through Django's connection."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

HASH = "ab" * 32


@dataclass
class Rows:
    """One of each protected row, written in the connection's transaction."""

    source: int
    evidence_file: int
    custody_event: int
    witness: int
    witness_history: int
    issued_id: int


def insert(connection: psycopg.Connection, table: str, **values) -> int:
    columns = ", ".join(values)
    placeholders = ", ".join(["%s"] * len(values))
    return connection.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING id",
        list(values.values()),
    ).fetchone()[0]


def insert_protected_rows(connection: psycopg.Connection) -> Rows:
    """A source with an evidence file and its upload's custody event, a witness (and so a
    history row), and the source's issued public id."""
    blank = dict.fromkeys(["publisher", "url", "archive_url", "language", "origin_note"], "")
    source = insert(
        connection,
        "sources_sourcedocument",
        public_id="SRC-0TEST0D8",
        kind="video",
        title="A clip of the shooting",
        reliability="F",
        is_public=False,
        description="",
        created_at="2025-01-02T10:00:00Z",
        updated_at="2025-01-02T10:00:00Z",
        **blank,
    )
    evidence_file = insert(
        connection,
        "sources_evidencefile",
        source_id=source,
        file="evidence/ab/abtest",
        sha256=HASH,
        size=1024,
        content_type="video/mp4",
        original_name="clip.mp4",
        uploaded_at="2025-01-02T10:00:00Z",
    )
    custody_event = insert(
        connection,
        "sources_custodyevent",
        evidence_file_id=evidence_file,
        action="uploaded",
        at="2025-01-02T10:00:00Z",
        observed_sha256=HASH,
        note="",
    )
    witness = insert(
        connection,
        "sources_witness",
        code="W-TEST01",
        role="other",
        full_name="",
        contact="",
        identity_notes="",
        consent_internal_use=False,
        consent_share_with_partners=False,
        consent_publish_anonymised=False,
        willing_to_testify=False,
        risk_level="high",
        created_at="2025-01-02T10:00:00Z",
        updated_at="2025-01-02T10:00:00Z",
    )
    (witness_history,) = connection.execute(
        "SELECT pgh_id FROM sources_witnessevent WHERE pgh_obj_id = %s", [witness]
    ).fetchone()
    (issued_id,) = connection.execute(
        "SELECT id FROM core_issuedpublicid WHERE value = 'SRC-0TEST0D8'"
    ).fetchone()
    return Rows(source, evidence_file, custody_event, witness, witness_history, issued_id)
