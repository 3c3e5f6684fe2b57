"""Demo data for `manage.py seed_demo`: fictional incidents and evidence, and three real documents.

Everything fictional says so in its own text ("Fictional demo record." opens every summary,
description, statement and identity note; fictional source titles end in "(fictional)"; fictional
URLs use the reserved domain example.org; places are invented villages). A screenshot of a demo
record must never pass for documentation of a real event.

The three real documents are public reports on executions of Ukrainian prisoners of war, kept as
metadata only and never linked to a fictional incident, so the demo shows what real sources look
like without putting words in their authors' mouths.

The data is drawn from `random.Random(SEED)` in a fixed order, and every record has a natural key
(an incident's seed key in its internal notes, a fictional source's URL, a witness's code...),
read from the history of the record's creation, so that later edits never make it look missing.
`seed()` creates only the records that are missing, through the services and as the demo user who
would have done the work: the analyst writes incidents and sources and links the evidence, the
officer records witnesses and testimonies, the reviewer assesses, publishes, returns, withdraws,
republishes and merges. So the history reads like real work, and its times are those of the run
(the dates of the events are as planned). A record that exists is left exactly as it is, links
included, even where it differs from these definitions: it may be somebody's work. Only `reset()`
(`seed_demo --reset`) deletes anything, and only what the demo marks as its own.

The package: `vocabulary` and `texts` hold what the plan draws from, `plan` draws it (`specs` are
its parts), `writer` creates what is missing through the services, and `records` finds the demo's
records again and deletes them.
"""

from __future__ import annotations

from incidents.demo.plan import SEED, build_plan
from incidents.demo.records import (
    Deletion,
    DemoError,
    demo_incidents,
    demo_sources,
    demo_testimonies,
    demo_witnesses,
    planned_deletion,
    reset,
)
from incidents.demo.specs import DemoPlan
from incidents.demo.texts import REPUBLICATION_NOTE
from incidents.demo.vocabulary import DEMO_USERS, REAL_DOCUMENTS
from incidents.demo.writer import KINDS, SeedResult, seed
from incidents.demo_markers import FICTIONAL, FICTIONAL_URL

__all__ = [
    "DEMO_USERS",
    "FICTIONAL",
    "FICTIONAL_URL",
    "KINDS",
    "REAL_DOCUMENTS",
    "REPUBLICATION_NOTE",
    "SEED",
    "Deletion",
    "DemoError",
    "DemoPlan",
    "SeedResult",
    "build_plan",
    "demo_incidents",
    "demo_sources",
    "demo_testimonies",
    "demo_witnesses",
    "planned_deletion",
    "reset",
    "seed",
]
