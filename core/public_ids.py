"""Public identifiers: random, non-sequential, never reused.

The integer primary key never leaves the system; records are cited by ids like `INC-7K3Q9X2M`,
drawn from Crockford's base-32 alphabet (no I, L, O, U, so nobody misreads a 1 for an l when citing
one). Eight characters give 2^40 values. A database trigger (see `core.triggers`) writes every
id into `core_issuedpublicid` as it is first used, so an id stays taken after its record is deleted.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8


def new_public_id(prefix: str) -> str:
    return prefix + "-" + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def public_id_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{prefix}-[{ALPHABET}]{{{LENGTH}}}$")


def new_incident_id() -> str:
    return new_public_id("INC")


def new_source_id() -> str:
    return new_public_id("SRC")


def new_testimony_id() -> str:
    return new_public_id("TST")


def new_claim_id() -> str:
    return new_public_id("CLM")
