"""The chain of custody as a hash chain: the database links each event to the one before it, and
`verify_evidence` checks every link from the first event on.

Every custody event carries `previous_hash`, the `row_hash` of the event written before it in the
whole log (all files together, so that removing any event, of any file, breaks a link), and its
own `row_hash`: the SHA-256, in hex, of this text in UTF-8, eight lines joined by a line feed:

    previous_hash
    id
    evidence_file_id
    action
    actor_id (empty when the system acted)
    at, in UTC: 2025-01-02T10:00:00.123456Z
    observed_sha256 (empty when the file was missing)
    note (last, as the only line that may itself hold line feeds)

The first event's `previous_hash` is 64 zeros. A trigger (`chained`, below) computes all of it
when a row is inserted, whatever the client sent: it takes the log's lock, so that events are
written one at a time, each until it commits; gives the row the next id, so that ids follow the
chain; sets `at` to the database's clock, so that no client can backdate an event; and links the
row to the last one. Rows can be neither changed nor removed (core/triggers.py).

The check is computed here again, in Python, from the rows alone, never by the database's
functions, which the owner of the tables could replace. An altered, removed or inserted row shows
as a hash that does not match or a link that does not join; rewriting every row from some point
to the end leaves a chain that is whole again, but whose head is not the head an operator wrote
down after an earlier check (`verify_evidence --known-head`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

GENESIS = "0" * 64
# Any fixed number: the lock that lets one custody event be written at a time ("custody").
LOCK_KEY = 27995161429501049

ROW_HASH_FUNCTION_SQL = r"""
CREATE OR REPLACE FUNCTION sources_custody_row_hash(
    text, bigint, bigint, text, bigint, timestamptz, text, text
) RETURNS text AS $$
    -- previous_hash, id, evidence_file_id, action, actor_id, at, observed_sha256, note
    SELECT encode(sha256(convert_to(
        $1 || E'\n' || $2::text || E'\n' || $3::text || E'\n' || $4 || E'\n'
        || coalesce($5::text, '') || E'\n'
        || to_char($6 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || E'\n'
        || $7 || E'\n' || $8,
        'UTF8'
    )), 'hex')
$$ LANGUAGE sql STABLE;
"""

CHAIN_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION sources_custody_chain() RETURNS trigger AS $$
DECLARE
    head text;
BEGIN
    -- One writer at a time, each until it commits: every event then links to the last one
    -- committed before it, and ids follow the order of the chain.
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'Custody events are written in READ COMMITTED transactions only, so '
            'that each one sees the last event committed before it.';
    END IF;
    EXECUTE format('SELECT row_hash FROM %I.%I ORDER BY id DESC LIMIT 1',
        TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO head;
    NEW.id := nextval(pg_get_serial_sequence(
        format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME), 'id'));
    NEW.at := clock_timestamp();
    NEW.previous_hash := coalesce(head, '{GENESIS}');
    NEW.row_hash := sources_custody_row_hash(NEW.previous_hash, NEW.id, NEW.evidence_file_id,
        NEW.action, NEW.actor_id, NEW.at, NEW.observed_sha256, NEW.note);
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""

CHAIN_TRIGGER_SQL = """
CREATE TRIGGER chained BEFORE INSERT ON sources_custodyevent
    FOR EACH ROW EXECUTE FUNCTION sources_custody_chain();
COMMENT ON TRIGGER chained ON sources_custodyevent IS
    'Each custody event is stamped with the database''s clock and linked by hash to the event '
    'before it; no client chooses its time, id or hashes.';
"""

# Links the events that were written before the chain existed, in the order of their ids; the
# migration that adds the chain runs it once.
FILL_SQL = f"""
DO $$
DECLARE
    event record;
    previous text := '{GENESIS}';
BEGIN
    FOR event IN SELECT * FROM sources_custodyevent ORDER BY id LOOP
        UPDATE sources_custodyevent SET
            previous_hash = previous,
            row_hash = sources_custody_row_hash(previous, event.id, event.evidence_file_id,
                event.action, event.actor_id, event.at, event.observed_sha256, event.note)
        WHERE id = event.id
        RETURNING row_hash INTO previous;
    END LOOP;
END
$$;
"""

# What the check reads of each event, in this order.
COLUMNS = (
    "id",
    "previous_hash",
    "row_hash",
    "evidence_file_id",
    "action",
    "actor_id",
    "at",
    "observed_sha256",
    "note",
)


def row_hash(
    *,
    previous_hash: str,
    id: int,
    evidence_file_id: int,
    action: str,
    actor_id: int | None,
    at: datetime,
    observed_sha256: str,
    note: str,
) -> str:
    """The hash the event's row must carry (the module's docstring gives the text hashed)."""
    text = "\n".join(
        [
            previous_hash,
            str(id),
            str(evidence_file_id),
            action,
            "" if actor_id is None else str(actor_id),
            at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            observed_sha256,
            note,
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class ChainCheck:
    """What checking the chain found."""

    events: int = 0
    head: str = GENESIS
    head_id: int | None = None
    # One sentence per event that breaks the chain.
    problems: list[str] = field(default_factory=list)


def check(rows: Iterable[tuple], *, known_head: str | None = None) -> ChainCheck:
    """Check `rows` (tuples of COLUMNS, in the order of their ids) link by link.

    `known_head` is a head recorded after an earlier check; it must still be in the chain, or
    events were removed from its end (or the chain was rewritten up to its end).
    """
    result = ChainCheck()
    previous_id = None
    seen_known_head = known_head is None or known_head == GENESIS
    for row in rows:
        event = dict(zip(COLUMNS, row, strict=True))
        result.events += 1
        if event["previous_hash"] != result.head:
            before = f"custody event {previous_id}" if previous_id else "the start of the chain"
            result.problems.append(
                f"  custody event {event['id']} does not link to {before}: an event between "
                "them was removed or inserted, or the chain was rewritten from here."
            )
        expected = row_hash(**{name: event[name] for name in COLUMNS if name != "row_hash"})
        if event["row_hash"] != expected:
            result.problems.append(
                f"  custody event {event['id']} (evidence file {event['evidence_file_id']}, "
                f"{event['action']} at {event['at']:%Y-%m-%d %H:%M:%S} UTC) does not match its "
                "hash: it was altered after it was written."
            )
        result.head, result.head_id = event["row_hash"], event["id"]
        previous_id = event["id"]
        seen_known_head = seen_known_head or event["row_hash"] == known_head
    if not seen_known_head:
        result.problems.append(
            f"  the head recorded earlier ({known_head}) is not in the chain: events were removed "
            "from its end, or the chain was rewritten."
        )
    return result
