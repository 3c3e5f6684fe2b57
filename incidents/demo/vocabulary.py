"""What the demo plan draws from: where, which statuses and kinds, with what weights.

Also the demo logins and the three real documents. The markers by which every fictional record
says so are in `incidents.demo_markers`. The wording of the fictional texts is in `texts`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from incidents.models import PublicationStatus, SourceRole, VerificationStatus, VictimCategory
from sources.models import Directness, Reliability, SourceKind, WitnessRole

# Staff-only marker that finds a demo incident again even after its title or summary is edited
# (edit the marker itself and the next run creates the record anew).
INCIDENT_KEY_PREFIX = "Demo seed key: "

PUB = PublicationStatus
VER = VerificationStatus
# (low, best, high) estimate of the number killed; best may be unknown when a range is.
Killed = tuple[int | None, int | None, int | None]

# (username, role shown in the login list, role group, superuser). The groups come from the roles
# migration; a new demo user joins theirs, which is then the one place its role is defined.
DEMO_USERS: list[tuple[str, str, str, bool]] = [
    ("analyst", "Analyst", "Analyst", False),
    ("reviewer", "Reviewer", "Reviewer", False),
    ("officer", "Witness officer", "Witness officer", False),
    ("admin", "Administrator (superuser)", "Administrator", True),
]
WITNESS_CODE_PREFIX = "W-DEMO"

# (ISO code, weight): frontline oblasts, weighted towards the east.
OBLASTS: list[tuple[str, int]] = [
    ("UA-14", 36),  # Donetsk
    ("UA-23", 14),  # Zaporizhzhia
    ("UA-63", 16),  # Kharkiv
    ("UA-09", 8),  # Luhansk
    ("UA-65", 12),  # Kherson
    ("UA-59", 14),  # Sumy
]

# Plan-only status: published, withdrawn while its accounts were re-examined, then republished.
REPUBLISHED = "republished"

# Where the workflow leaves each fictional incident: publication and verification status. Every
# status of both kinds appears; published records are never unassessed, discounted ones never
# stay published.
STATUS_PLAN: list[tuple[str, str, int]] = [
    (PUB.PUBLISHED, VER.VERIFIED, 10),
    (PUB.PUBLISHED, VER.CREDIBLE, 7),
    (PUB.PUBLISHED, VER.ACKNOWLEDGED, 3),
    (PUB.PUBLISHED, VER.SINGLE_SOURCE, 3),
    (PUB.PUBLISHED, VER.CONTESTED, 2),
    (PUB.IN_REVIEW, VER.CREDIBLE, 3),
    (PUB.IN_REVIEW, VER.SINGLE_SOURCE, 3),
    (PUB.IN_REVIEW, VER.VERIFIED, 2),
    (PUB.IN_REVIEW, VER.UNASSESSED, 2),
    (PUB.DRAFT, VER.UNASSESSED, 16),
    (PUB.DRAFT, VER.SINGLE_SOURCE, 3),
    (PUB.DRAFT, VER.DISCOUNTED, 2),
    (PUB.WITHDRAWN, VER.DISCOUNTED, 2),
    (REPUBLISHED, VER.CONTESTED, 1),
]
# One more record, published and then merged into a published one: the same event entered twice.
DUPLICATE_STATUS = (PUB.WITHDRAWN, VER.CREDIBLE)

INCIDENT_TYPES: list[tuple[str, int]] = [
    ("pow-execution", 45),
    ("execution-surrendering", 20),
    ("execution-hors-de-combat", 10),
    ("death-in-custody", 7),
    ("torture-in-captivity", 8),
    ("enforced-disappearance", 5),
    ("mutilation-of-remains", 5),
]

# The largest number killed in a demo incident of each type; types not listed count no victims.
MOST_KILLED: dict[str, int] = {
    "pow-execution": 12,
    "execution-surrendering": 6,
    "execution-hors-de-combat": 3,
    "death-in-custody": 2,
    "mutilation-of-remains": 4,
}

# Who the victims were, by incident type.
VICTIM_CATEGORIES: dict[str, str] = {
    "pow-execution": VictimCategory.POW,
    "execution-surrendering": VictimCategory.SURRENDERING,
    "execution-hors-de-combat": VictimCategory.HORS_DE_COMBAT,
    "death-in-custody": VictimCategory.POW,
    "torture-in-captivity": VictimCategory.POW,
    "enforced-disappearance": VictimCategory.CIVILIAN_DETAINEE,
    "mutilation-of-remains": VictimCategory.UNKNOWN,
}

# What each verification status rests on: (source kind, role) pairs, then testimonies by directness.
EVIDENCE: dict[str, tuple[list[tuple[str, str]], list[str]]] = {
    VER.UNASSESSED: ([(SourceKind.SOCIAL_MEDIA_POST, SourceRole.PRIMARY)], []),
    VER.SINGLE_SOURCE: ([("single", SourceRole.PRIMARY)], []),
    VER.CREDIBLE: (
        [(SourceKind.VIDEO, SourceRole.PRIMARY), ("report", SourceRole.CORROBORATING)],
        [],
    ),
    VER.VERIFIED: (
        [(SourceKind.VIDEO, SourceRole.PRIMARY), ("imagery", SourceRole.CORROBORATING)],
        [Directness.DIRECT],
    ),
    VER.ACKNOWLEDGED: (
        [
            (SourceKind.OFFICIAL_STATEMENT, SourceRole.PRIMARY),
            (SourceKind.MEDIA_REPORT, SourceRole.CORROBORATING),
            (SourceKind.DOCUMENT, SourceRole.CORROBORATING),
        ],
        [],
    ),
    VER.CONTESTED: (
        [
            (SourceKind.VIDEO, SourceRole.PRIMARY),
            (SourceKind.SOCIAL_MEDIA_POST, SourceRole.MENTIONS),
        ],
        [],
    ),
    VER.DISCOUNTED: (
        [(SourceKind.VIDEO, SourceRole.PRIMARY), (SourceKind.OTHER, SourceRole.MENTIONS)],
        [],
    ),
}

# Evidence slots that may be filled by one of several kinds of source.
KIND_CHOICES: dict[str, list[str]] = {
    "single": [SourceKind.SOCIAL_MEDIA_POST, SourceKind.VIDEO, SourceKind.MEDIA_REPORT],
    "report": [SourceKind.MEDIA_REPORT, SourceKind.NGO_REPORT],
    "imagery": [SourceKind.SATELLITE_IMAGE, SourceKind.PHOTO],
}

# kind: (title pattern, publishers, reliabilities, languages, public?, days after the event)
SOURCE_STYLE: dict[str, tuple[str, list[str], str, list[str], bool, tuple[int, int]]] = {
    SourceKind.VIDEO: (
        "Video said to show the events {place}",
        ["Fictional channel 'Frontline Demo'", "Fictional channel 'Demo Z-Report'"],
        "DEF",
        ["ru"],
        False,
        (0, 5),
    ),
    SourceKind.SOCIAL_MEDIA_POST: (
        "Post reporting an incident {place}",
        ["Fictional account @demo_observer", "Fictional account @demo_volunteer"],
        "CDEF",
        ["uk", "ru"],
        False,
        (0, 3),
    ),
    SourceKind.MEDIA_REPORT: (
        "News report on the events {place}",
        ["Fictional Daily (demo)", "Demo News Agency (fictional)"],
        "BC",
        ["uk", "en"],
        True,
        (1, 20),
    ),
    SourceKind.NGO_REPORT: (
        "Monitoring note on the events {place}",
        ["Fictional Monitoring Network (demo)"],
        "AB",
        ["en"],
        True,
        (20, 90),
    ),
    SourceKind.OFFICIAL_STATEMENT: (
        "Statement on an investigation into the events {place}",
        ["Fictional Regional Prosecutor's Office (demo)"],
        "B",
        ["uk"],
        True,
        (10, 120),
    ),
    SourceKind.SATELLITE_IMAGE: (
        "Satellite image of the area {place}",
        ["Fictional Imagery Provider (demo)"],
        "AB",
        [""],
        False,
        (0, 2),
    ),
    SourceKind.PHOTO: (
        "Photographs from the area {place}",
        ["Fictional photographer (demo)"],
        "BC",
        [""],
        False,
        (0, 10),
    ),
    SourceKind.DOCUMENT: (
        "Internal document about the events {place}",
        ["Fictional military document (demo)"],
        "F",
        ["ru"],
        False,
        (5, 60),
    ),
    SourceKind.OTHER: (
        "Forwarded message about the events {place}",
        ["Fictional messenger group (demo)"],
        "EF",
        ["uk"],
        False,
        (0, 10),
    ),
}

# Direct witnesses saw it; the others heard of it. Roles cycle in this order over W-DEMO01...
WITNESS_ROLES = [
    WitnessRole.RELEASED_POW,
    WitnessRole.EYEWITNESS,
    WitnessRole.RELEASED_POW,
    WitnessRole.DESERTER,
    WitnessRole.RELATIVE,
    WitnessRole.RELEASED_POW,
    WitnessRole.EYEWITNESS,
    WitnessRole.OFFICIAL,
    WitnessRole.RELEASED_POW,
    WitnessRole.DESERTER,
    WitnessRole.OTHER,
    WitnessRole.RELEASED_POW,
    WitnessRole.EYEWITNESS,
    WitnessRole.RELATIVE,
]
DIRECT_ROLES = {WitnessRole.RELEASED_POW, WitnessRole.EYEWITNESS, WitnessRole.DESERTER}

# Real public documents: metadata only, no text from them, never linked to a fictional incident.
# Found again by (publisher, title). Links are to the publishers' own pages, not guessed deep links.
REAL_DOCUMENTS: list[dict[str, Any]] = [
    {
        "kind": SourceKind.UN_REPORT,
        "title": "Statement on reported executions of Ukrainian prisoners of war, February 2025",
        "publisher": "UN Human Rights Monitoring Mission in Ukraine (OHCHR)",
        "short_names": ["HRMMU", "OHCHR"],
        "url": "https://www.ohchr.org/en/countries/ukraine",
        # Issued on Monday 3 February 2025 (dated so by Politico Europe, the Kyiv Independent and
        # others reporting it that day).
        "published_on": dt.date(2025, 2, 3),
        "language": "en",
        "reliability": Reliability.B,
        "description": (
            "The Mission reported 79 executions of Ukrainian soldiers captured by Russian armed "
            "forces, in 24 separate incidents since late August 2024, based on published videos "
            "and photos and on interviews with witnesses. The link is OHCHR's Ukraine page, not "
            "the statement itself."
        ),
    },
    {
        "kind": SourceKind.UN_REPORT,
        "title": "Report of the Independent International Commission of Inquiry on Ukraine, "
        "March 2025",
        "publisher": "UN Independent International Commission of Inquiry on Ukraine",
        "short_names": ["COI", "IICIHR"],
        "url": "https://www.ohchr.org/en/hr-bodies/hrc/iicihr-ukraine/index",
        "published_on": dt.date(2025, 3, 19),
        "language": "en",
        "reliability": Reliability.B,
        "description": (
            "Report to the UN Human Rights Council of 19 March 2025. Among its findings: an "
            "increase in cases of Ukrainian soldiers deliberately killed or wounded by Russian "
            "armed forces after surrendering or while trying to surrender. The link is the "
            "Commission's page, not the report itself."
        ),
    },
    {
        "kind": SourceKind.OFFICIAL_STATEMENT,
        "title": "Statement on executions of Ukrainian prisoners of war, 24 May 2025",
        "publisher": "Defence Intelligence of Ukraine (HUR)",
        "short_names": ["HUR", "DIU", "ГУР"],
        "url": "https://gur.gov.ua/en",
        "published_on": dt.date(2025, 5, 24),
        "language": "",
        "reliability": Reliability.C,
        "origin_note": "An agency of a party to the conflict (Ukraine's Ministry of Defence).",
        "description": (
            "Ukraine's Defence Intelligence (Main Directorate of Intelligence of the Ministry of "
            "Defence) said it had recorded more than 150 cases of execution of captured Ukrainian "
            "soldiers. The link is the agency's site, not the statement itself."
        ),
    },
]
