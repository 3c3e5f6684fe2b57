"""Demo data for `manage.py seed_demo`: fictional incidents and evidence, and three real documents.

Everything fictional says so in its own text ("Fictional demo record." opens every summary,
description, statement and identity note; fictional source titles end in "(fictional)"; fictional
URLs use the reserved domain example.org; places are invented villages). A screenshot of a demo
record must never pass for documentation of a real event.

The three real documents are public reports on executions of Ukrainian prisoners of war, kept as
metadata only and never linked to a fictional incident, so the demo shows what real sources look
like without putting words in their authors' mouths.

The data is drawn from `random.Random(SEED)` in a fixed order, and every record has a natural key
(an incident's seed key in its internal notes, a fictional source's URL, a witness's code...).
`seed()` creates only the records that are missing, through the services and as the demo user who
would have done the work: the analyst writes incidents and sources and links the evidence, the
officer records witnesses and testimonies, the reviewer assesses, publishes, returns, withdraws,
republishes and merges. So the history reads like real work, and its times are those of the run
(the dates of the events are as planned). A record that exists is left exactly as it is, links
included, even where it differs from these definitions: it may be somebody's work. Only `reset()`
(`seed_demo --reset`) deletes anything, and only what the demo marks as its own.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

import pghistory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import models, transaction

from core.errors import Refused
from incidents import services
from incidents.corrections import Proposal
from incidents.models import (
    AttributionConfidence,
    Correction,
    CorrectionNote,
    DatePrecision,
    GeoPrecision,
    Incident,
    IncidentSource,
    IncidentTestimony,
    IncidentType,
    PublicationStatus,
    Region,
    RegionLevel,
    SourceRole,
    VerificationStatus,
    VictimCategory,
)
from sources import services as source_services
from sources.models import (
    Directness,
    EvidenceFile,
    Reliability,
    RiskLevel,
    SourceDocument,
    SourceKind,
    Testimony,
    TestimonyMode,
    Witness,
    WitnessRole,
)

# Changing the seed reshuffles every fictional record; fixed, so each run gives the same data.
SEED = 20240824
FICTIONAL = "Fictional demo record."
FICTIONAL_URL = "https://example.org/fictional-demo"
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

# Invented village names: the "-Demo" suffix keeps them from being mistaken for real places.
_VILLAGE_PREFIXES = ["Stare", "Nove", "Verkhnie", "Nyzhnie", "Male", "Velyke"]
_VILLAGE_ROOTS = [
    "Pryvitne",
    "Lypove",
    "Sosnove",
    "Kalynove",
    "Vyshneve",
    "Berezove",
    "Dubove",
    "Yasne",
    "Tykhe",
    "Zoriane",
    "Klenove",
]

_NUMBER_WORDS = [
    *("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen"),
    *("nineteen", "twenty"),
]

RATIONALES: dict[str, str] = {
    VER.UNASSESSED: "",
    VER.SINGLE_SOURCE: (
        "Reported by one fictional source only; no independent corroboration has been found yet."
    ),
    VER.CREDIBLE: (
        "Two independent fictional sources describe the event consistently. The footage has not "
        "been geolocated, so the record is credible but not verified."
    ),
    VER.VERIFIED: (
        "Fictional footage was geolocated to the stated area and chronolocated to the stated "
        "dates, and a direct witness interviewed by the demo team describes the same event."
    ),
    VER.ACKNOWLEDGED: (
        "A fictional official investigation has acknowledged the event; independent fictional "
        "sources are consistent with it."
    ),
    VER.CONTESTED: (
        "Fictional sources disagree: a video presents it as a crime against captured soldiers, "
        "while another account describes fighting. Both versions are recorded."
    ),
    VER.DISCOUNTED: (
        "On review, the fictional footage was found to show an earlier, unrelated event; the "
        "allegation is not supported."
    ),
}
WITHDRAWAL_REASONS: dict[str, str] = {
    VER.DISCOUNTED: (
        "Withdrawn after further review: the fictional footage was found to predate the event "
        "it was said to show."
    ),
    VER.CONTESTED: (
        "Withdrawn while conflicting fictional accounts are re-examined; it will be republished "
        "once both have been checked again."
    ),
}
# The public note of the reviewer who put the contested record back, keeping the reason's promise.
REPUBLICATION_NOTE = (
    "Republished: both fictional accounts were checked again and are recorded side by side; the "
    "record remains contested."
)

# Staff-only notes of a reviewer who sent an assessed record back to draft.
REVIEW_COMMENTS: dict[str, str] = {
    VER.SINGLE_SOURCE: (
        "Fictional demo comment: one source is not enough to publish. Look for an independent "
        "second source or a witness, then submit again."
    ),
    VER.DISCOUNTED: (
        "Fictional demo comment: the footage predates the event. Keep the record as discounted "
        "for reference; it should not be published."
    ),
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
_KIND_CHOICES: dict[str, list[str]] = {
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
_DIRECT_ROLES = {WitnessRole.RELEASED_POW, WitnessRole.EYEWITNESS, WitnessRole.DESERTER}

# Real public documents: metadata only, no text from them, never linked to a fictional incident.
# Found again by (publisher, title). Links are to the publishers' own pages, not guessed deep links.
REAL_DOCUMENTS: list[dict[str, Any]] = [
    {
        "kind": SourceKind.UN_REPORT,
        "title": "Statement on reported executions of Ukrainian prisoners of war, February 2025",
        "publisher": "UN Human Rights Monitoring Mission in Ukraine (OHCHR)",
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


@dataclass
class SourceSpec:
    url: str  # natural key: unique per fictional source
    fields: dict[str, Any]


@dataclass
class WitnessSpec:
    code: str
    fields: dict[str, Any]


@dataclass
class TestimonySpec:
    witness_code: str
    taken_on: dt.date  # with the witness, the natural key
    fields: dict[str, Any]
    # A reviewer marks the summary publishable (only ever for a consenting witness).
    summary_is_public: bool = False


@dataclass
class CorrectionSpec:
    """A correction the analyst proposes to a published incident, approved or left in review."""

    changes: dict[str, Any]  # incident fields and their corrected values
    note: str  # public once approved
    approved: bool


@dataclass
class IncidentSpec:
    """One fictional incident: what the analyst writes, and how far the workflow takes it."""

    key: str
    fields: dict[str, Any]  # content and staff notes; region and incident type come apart
    region_code: str
    type_slug: str
    publication: str  # where the workflow leaves it
    verification: str  # the reviewer's assessment; unassessed ones were never assessed
    sources: list[tuple[str, str]] = field(default_factory=list)  # (source URL, role)
    testimonies: list[tuple[str, dt.date]] = field(default_factory=list)
    coordinates_public: bool = False  # marked in review by a second reviewer
    review_comment: str = ""  # returned to draft with it
    withdrawal_reason: str = ""
    republication_note: str = ""  # withdrawn, then republished with it
    duplicate_of: str | None = None  # published, then merged into this one
    correction: CorrectionSpec | None = None


@dataclass
class DemoPlan:
    incidents: list[IncidentSpec]
    sources: list[SourceSpec]
    witnesses: list[WitnessSpec]
    testimonies: list[TestimonySpec]


@dataclass(frozen=True)
class _Oblast:
    oblast: Region
    raions: list[Region]


class _PlanBuilder:
    """Draws the fictional data from one seeded generator, always in the same order."""

    def __init__(self, oblasts: dict[str, _Oblast]) -> None:
        self.rng = random.Random(SEED)
        self.oblasts = oblasts
        self.sources: list[SourceSpec] = []
        self.witnesses = self._witnesses()
        self.testimonies: list[TestimonySpec] = []
        self._next_witness = {Directness.DIRECT: 0, Directness.HEARSAY: 0}
        villages = [f"{p} {r}-Demo" for p in _VILLAGE_PREFIXES for r in _VILLAGE_ROOTS]
        self.villages = self.rng.sample(villages, len(villages))

    def build(self) -> DemoPlan:
        statuses = [(pub, ver) for pub, ver, count in STATUS_PLAN for _ in range(count)]
        self.rng.shuffle(statuses)
        incidents = [
            self._incident(number, pub, ver) for number, (pub, ver) in enumerate(statuses, start=1)
        ]
        incidents.append(self._duplicate(len(incidents) + 1, incidents))
        self._roundup_reports(incidents)
        self._exact_place(incidents)
        self._corrections(incidents)
        return DemoPlan(incidents, self.sources, self.witnesses, self.testimonies)

    # Incidents

    def _incident(self, number: int, route: str, verification: str) -> IncidentSpec:
        rng = self.rng
        publication = PUB.PUBLISHED if route == REPUBLISHED else route
        iso = rng.choices([iso for iso, _ in OBLASTS], [w for _, w in OBLASTS])[0]
        oblast = self.oblasts[iso]
        at_oblast_level = rng.random() < 0.15
        region = oblast.oblast if at_oblast_level else rng.choice(oblast.raions)
        village = self.villages[(number - 1) % len(self.villages)]
        type_slug = rng.choices([s for s, _ in INCIDENT_TYPES], [w for _, w in INCIDENT_TYPES])[0]

        # Older records have had time to be verified and published; drafts are mostly recent.
        settled = publication in (PUB.PUBLISHED, PUB.WITHDRAWN)
        first, last = (
            (dt.date(2024, 1, 1), dt.date(2025, 10, 31))
            if settled
            else (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        )
        date_start, date_end, precision = self._dates(first, last)

        place = (
            f"in an unspecified location of {region.name_en}"
            if at_oblast_level
            else f"near {village}"
        )
        where = (
            f"in {region.name_en}"
            if at_oblast_level
            else f"near the fictional village of {village} ({region.name_en}, "
            f"{oblast.oblast.name_en})"
        )
        killed = self._killed(type_slug)
        source_place = f"in {region.name_en}" if at_oblast_level else f"near {village}"
        fields: dict[str, Any] = {
            "title": _title(type_slug, killed, place),
            "summary": f"{FICTIONAL} {_summary(type_slug, killed, where)} "
            "It describes no real event; it exists to demonstrate the register.",
            "internal_notes": f"{INCIDENT_KEY_PREFIX}demo-incident-{number:02d}. "
            f"{FICTIONAL} Safe to delete.",
            "date_start": date_start,
            "date_end": date_end,
            "date_precision": precision,
            "killed_low": killed[0],
            "killed_best": killed[1],
            "killed_high": killed[2],
            "victim_category": _victim_category(type_slug),
            **self._place(oblast, village, at_oblast_level),
            **self._wounded(type_slug),
            **self._attribution(),
        }
        spec = IncidentSpec(
            key=f"demo-incident-{number:02d}",
            fields=fields,
            region_code=region.code,
            type_slug=type_slug,
            publication=publication,
            verification=verification,
        )
        if fields["geo_precision"] == GeoPrecision.EXACT and publication == PUB.PUBLISHED:
            spec.coordinates_public = rng.random() < 0.5
        # Only a reviewer sets a verification status, so an assessed draft went to review and
        # was sent back with a comment.
        if publication == PUB.DRAFT and verification != VER.UNASSESSED:
            spec.review_comment = REVIEW_COMMENTS[verification]
        if route in (PUB.WITHDRAWN, REPUBLISHED):
            spec.withdrawal_reason = WITHDRAWAL_REASONS[verification]
        if route == REPUBLISHED:
            spec.republication_note = REPUBLICATION_NOTE
        self._evidence(spec, verification, source_place, date_end or date_start, publication)
        return spec

    def _dates(self, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date | None, str]:
        rng = self.rng
        day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
        precision = rng.choices(
            [DatePrecision.DAY, DatePrecision.WEEK, DatePrecision.MONTH], [60, 20, 20]
        )[0]
        if precision == DatePrecision.WEEK:
            monday = day - dt.timedelta(days=day.weekday())
            return monday, monday + dt.timedelta(days=6), precision
        if precision == DatePrecision.MONTH:
            last_day = calendar.monthrange(day.year, day.month)[1]
            return day.replace(day=1), day.replace(day=last_day), precision
        # Some events are known only to fall within a few days ("between 3 and 6 May").
        if rng.random() < 0.25:
            return day, day + dt.timedelta(days=rng.randint(1, 4)), precision
        return day, None, precision

    def _place(self, oblast: _Oblast, village: str, at_oblast_level: bool) -> dict[str, Any]:
        if at_oblast_level:
            return {
                "location_name": "",
                "latitude": None,
                "longitude": None,
                "geo_precision": GeoPrecision.OBLAST,
            }
        # Raions have no centroid in the data, so the point is a random one near the oblast's:
        # an invented village gets invented coordinates, never a real village's.
        centre = oblast.oblast
        latitude = Decimal(centre.latitude) + Decimal(str(round(self.rng.uniform(-0.25, 0.25), 6)))
        longitude = Decimal(centre.longitude) + Decimal(
            str(round(self.rng.uniform(-0.35, 0.35), 6))
        )
        precision = self.rng.choices(
            [GeoPrecision.SETTLEMENT, GeoPrecision.EXACT, GeoPrecision.HROMADA, GeoPrecision.RAION],
            [60, 15, 15, 10],
        )[0]
        return {
            "location_name": f"Fictional village of {village}",
            "latitude": latitude.quantize(Decimal("0.000001")),
            "longitude": longitude.quantize(Decimal("0.000001")),
            "geo_precision": precision,
        }

    def _killed(self, type_slug: str) -> Killed:
        rng = self.rng
        if type_slug in ("torture-in-captivity", "enforced-disappearance"):
            return None, None, None
        top = {
            "pow-execution": 12,
            "execution-surrendering": 6,
            "execution-hors-de-combat": 3,
            "death-in-custody": 2,
            "mutilation-of-remains": 4,
        }[type_slug]
        # Small groups are far more common than large ones.
        best = min(top, 1 + int(rng.expovariate(0.45)))
        low = best - rng.randint(0, best // 2)
        high = best + rng.randint(0, max(1, best // 2))
        if rng.random() < 0.1:
            return low, None, max(high, low + 1)  # only a range is known
        return low, best, high

    def _wounded(self, type_slug: str) -> dict[str, int | None]:
        if type_slug in ("pow-execution", "execution-surrendering") and self.rng.random() < 0.15:
            best = self.rng.randint(1, 2)
            return {"wounded_low": best, "wounded_best": best, "wounded_high": best + 1}
        return {"wounded_low": None, "wounded_best": None, "wounded_high": None}

    def _attribution(self) -> dict[str, str]:
        rng = self.rng
        if rng.random() < 0.1:
            return {"perpetrator_force": "", "perpetrator_unit": "", "attribution_confidence": ""}
        unit = f"Fictional unit Demo-{rng.randint(1, 40)}" if rng.random() < 0.5 else ""
        confidence = rng.choices(
            [AttributionConfidence.HIGH, AttributionConfidence.MEDIUM, AttributionConfidence.LOW],
            [40, 40, 20],
        )[0]
        return {
            # Invented: fictional records must not put invented allegations on a real force.
            "perpetrator_force": "Fictional armed force (demo)",
            "perpetrator_unit": unit,
            "attribution_confidence": confidence,
        }

    def _duplicate(self, number: int, incidents: list[IncidentSpec]) -> IncidentSpec:
        """The same event entered twice: a withdrawn copy of a published, verified record."""
        original = next(
            spec
            for spec in incidents
            if spec.publication == PUB.PUBLISHED
            and spec.verification == VER.VERIFIED
            and not spec.republication_note
        )
        publication, verification = DUPLICATE_STATUS
        fields = dict(original.fields)
        fields["internal_notes"] = (
            f"{INCIDENT_KEY_PREFIX}demo-incident-{number:02d}. {FICTIONAL} "
            f"Duplicate of demo-incident-{original.key[-2:]}; safe to delete."
        )
        spec = IncidentSpec(
            key=f"demo-incident-{number:02d}",
            fields=fields,
            region_code=original.region_code,
            type_slug=original.type_slug,
            publication=publication,
            verification=verification,
            duplicate_of=original.key,
        )
        # The copy cites the same first source as the original, as duplicates usually do.
        spec.sources.append((original.sources[0][0], SourceRole.PRIMARY))
        return spec

    # Evidence

    def _evidence(
        self,
        spec: IncidentSpec,
        verification: str,
        place: str,
        last_day: dt.date,
        publication: str,
    ) -> None:
        rng = self.rng
        kinds, directness = EVIDENCE[verification]
        kinds = list(kinds)
        directness = list(directness)
        if verification == VER.UNASSESSED and publication == PUB.DRAFT and rng.random() < 0.4:
            kinds = []  # a bare lead, entered before any source was attached
        if verification == VER.CREDIBLE and rng.random() < 0.4:
            directness.append(Directness.HEARSAY)
        if verification == VER.ACKNOWLEDGED and rng.random() < 0.5:
            directness.append(Directness.DIRECT)
        if verification == VER.VERIFIED and rng.random() < 0.4:
            kinds.append((SourceKind.MEDIA_REPORT, SourceRole.MENTIONS))
        for kind, role in kinds:
            concrete = rng.choice(_KIND_CHOICES[kind]) if kind in _KIND_CHOICES else kind
            source = self._source(concrete, place, last_day)
            spec.sources.append((source.url, role))
        for kind in directness:
            testimony = self._testimony(kind, last_day, spec.type_slug)
            spec.testimonies.append((testimony.witness_code, testimony.taken_on))

    def _source(self, kind: str, place: str, last_day: dt.date) -> SourceSpec:
        rng = self.rng
        title, publishers, grades, languages, public, delay = SOURCE_STYLE[kind]
        number = len(self.sources) + 1
        published_on = last_day + dt.timedelta(days=rng.randint(*delay))
        public = public or rng.random() < 0.3
        url = f"{FICTIONAL_URL}/sources/{number:03d}"
        label = SourceKind(kind).label.lower()
        spec = SourceSpec(
            url=url,
            fields={
                "kind": kind,
                "title": title.format(place=place) + " (fictional)",
                "publisher": rng.choice(publishers),
                "url": url,
                "archive_url": f"{FICTIONAL_URL}/archive/{number:03d}" if public else "",
                "published_on": published_on,
                "accessed_at": _at(published_on + dt.timedelta(days=1), 9 * 60),
                "language": rng.choice(languages),
                "reliability": rng.choice(grades),
                "origin_note": (
                    "Fictional: presented as posted by a channel affiliated with the perpetrator."
                    if kind == SourceKind.VIDEO
                    else ""
                ),
                "is_public": public,
                "description": f"{FICTIONAL} {_a(label).capitalize()} about fictional "
                f"events {place}. No such document exists.",
            },
        )
        self.sources.append(spec)
        return spec

    def _roundup_reports(self, incidents: list[IncidentSpec]) -> None:
        """Half-yearly fictional reports mentioning every well-supported incident of their half."""
        for year in (2024, 2025):
            for half, months in ((1, (1, 6)), (2, (7, 12))):
                start = dt.date(year, months[0], 1)
                end = dt.date(year, months[1], calendar.monthrange(year, months[1])[1])
                number = len(self.sources) + 1
                url = f"{FICTIONAL_URL}/sources/{number:03d}"
                self.sources.append(
                    SourceSpec(
                        url=url,
                        fields={
                            "kind": SourceKind.NGO_REPORT,
                            "title": f"Half-year monitoring report, H{half} {year} (fictional)",
                            "publisher": "Fictional Monitoring Network (demo)",
                            "url": url,
                            "archive_url": f"{FICTIONAL_URL}/archive/{number:03d}",
                            "published_on": end + dt.timedelta(days=45),
                            "accessed_at": _at(end + dt.timedelta(days=46), 9 * 60),
                            "language": "en",
                            "reliability": Reliability.B,
                            "origin_note": "",
                            "is_public": True,
                            "description": f"{FICTIONAL} An invented half-year report that lists "
                            "fictional incidents of its period. No such report exists.",
                        },
                    )
                )
                for spec in incidents:
                    if (
                        spec.duplicate_of is None
                        and start <= spec.fields["date_start"] <= end
                        and spec.verification in (VER.CREDIBLE, VER.VERIFIED, VER.ACKNOWLEDGED)
                    ):
                        spec.sources.append((url, SourceRole.MENTIONS))

    # One example each of public coordinates and of corrections

    @staticmethod
    def _examples(incidents: list[IncidentSpec]) -> list[IncidentSpec]:
        """Published records that serve no other example yet (republication, merge, public
        coordinates), so that each example shows one thing."""
        survivors = {spec.duplicate_of for spec in incidents}
        return [
            spec
            for spec in incidents
            if spec.publication == PUB.PUBLISHED
            and not spec.republication_note
            and not spec.coordinates_public
            and spec.key not in survivors
        ]

    def _exact_place(self, incidents: list[IncidentSpec]) -> None:
        """One published record is placed exactly, and shows its coordinates to the public."""
        spec = next(
            s for s in self._examples(incidents) if s.fields["geo_precision"] != GeoPrecision.OBLAST
        )
        spec.fields["geo_precision"] = GeoPrecision.EXACT
        spec.coordinates_public = True

    def _corrections(self, incidents: list[IncidentSpec]) -> None:
        """One published record gets an approved correction, another one waiting in review."""
        candidates = self._examples(incidents)
        counted = next(s for s in candidates if s.fields["killed_best"] is not None)
        high = counted.fields["killed_high"]
        counted.correction = CorrectionSpec(
            changes={"killed_high": high + 1},
            note=f"The upper estimate of the number killed was raised from {_number(high)} to "
            f"{_number(high + 1)} after a further fictional video was reviewed.",
            approved=True,
        )
        dated = next(
            s
            for s in candidates
            if s is not counted
            and s.fields["date_precision"] == DatePrecision.DAY
            and s.fields["date_end"] is None
        )
        dated.correction = CorrectionSpec(
            changes={"date_end": dated.fields["date_start"] + dt.timedelta(days=1)},
            note="The date was widened to two days: a second fictional account places the event "
            "on the following day.",
            approved=False,
        )

    # Witnesses and testimonies

    def _witnesses(self) -> list[WitnessSpec]:
        rng = self.rng
        witnesses = []
        for number, role in enumerate(WITNESS_ROLES, start=1):
            consent_publish = rng.random() < 0.6
            witnesses.append(
                WitnessSpec(
                    code=f"{WITNESS_CODE_PREFIX}{number:02d}",
                    fields={
                        "role": role,
                        "full_name": f"Fictional Person {number:02d}",
                        "contact": f"fictional.person{number:02d}@example.org",
                        "identity_notes": f"{FICTIONAL} Not a real person; invented to show how "
                        "witness identities are kept encrypted.",
                        "consent_internal_use": True,
                        "consent_share_with_partners": rng.random() < 0.5,
                        "consent_publish_anonymised": consent_publish,
                        "willing_to_testify": rng.random() < 0.4,
                        "risk_level": rng.choices(
                            [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.SEVERE],
                            [10, 30, 40, 20],
                        )[0],
                    },
                )
            )
        return witnesses

    def _testimony(self, directness: str, last_day: dt.date, type_slug: str) -> TestimonySpec:
        rng = self.rng
        candidates = [
            w
            for w in self.witnesses
            if (w.fields["role"] in _DIRECT_ROLES) == (directness == Directness.DIRECT)
        ]
        witness = candidates[self._next_witness[directness] % len(candidates)]
        self._next_witness[directness] += 1
        # Released prisoners can speak only after an exchange, often months later.
        taken_on = last_day + dt.timedelta(days=rng.randint(20, 200))
        taken = {t.taken_on for t in self.testimonies if t.witness_code == witness.code}
        while taken_on in taken:
            taken_on += dt.timedelta(days=1)
        role = WitnessRole(witness.fields["role"]).label.lower()
        event = _EVENT_WORDS[type_slug]
        spec = TestimonySpec(
            witness_code=witness.code,
            taken_on=taken_on,
            fields={
                "mode": rng.choice(list(TestimonyMode.values)),
                "language": rng.choice(["uk", "ru"]),
                "directness": directness,
                "statement": f"{FICTIONAL} Invented statement of a fictional {role} about "
                f"{event}. No real person gave it.",
                "public_summary": f"{FICTIONAL} {_a(role).capitalize()} "
                + ("described " if directness == Directness.DIRECT else "heard of ")
                + f"{event}.",
            },
            summary_is_public=witness.fields["consent_publish_anonymised"] and rng.random() < 0.7,
        )
        self.testimonies.append(spec)
        return spec


_EVENT_WORDS = {
    "pow-execution": "captured soldiers being shot after they had laid down their arms",
    "execution-surrendering": "soldiers being shot while trying to surrender",
    "execution-hors-de-combat": "wounded soldiers being killed where they lay",
    "death-in-custody": "a prisoner of war dying in custody after being denied care",
    "torture-in-captivity": "prisoners of war being beaten during interrogation",
    "enforced-disappearance": "detainees being taken away to an unknown place",
    "mutilation-of-remains": "the remains of killed soldiers being mutilated",
}


def _number(n: int) -> str:
    return _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _people(killed: Killed, singular: str, plural: str) -> str:
    """'a captured soldier', 'three captured soldiers' or, with no best estimate, 'two to four'."""
    low, best, high = killed
    if best is None:
        return f"{_number(low or 0)} to {_number(high or 0)} {plural}"
    if best == 1:
        return _a(singular)
    return f"{_number(best)} {plural}"


def _title(type_slug: str, count: Killed, place: str) -> str:
    people = {
        "pow-execution": lambda: _people(count, "captured soldier", "captured soldiers"),
        "execution-surrendering": lambda: _people(count, "soldier", "soldiers"),
        "execution-hors-de-combat": lambda: _people(count, "wounded soldier", "wounded soldiers"),
        "death-in-custody": lambda: _people(count, "prisoner of war", "prisoners of war"),
        "mutilation-of-remains": lambda: _people(count, "killed soldier", "killed soldiers"),
    }
    templates = {
        "pow-execution": "Execution of {people} {place}",
        "execution-surrendering": "Killing of {people} trying to surrender {place}",
        "execution-hors-de-combat": "Killing of {people} {place}",
        "death-in-custody": "Death in custody of {people} captured {place}",
        "torture-in-captivity": "Torture of prisoners of war captured {place}",
        "enforced-disappearance": "Disappearance of detainees taken {place}",
        "mutilation-of-remains": "Mutilation of the remains of {people} {place}",
    }
    text = templates[type_slug].format(
        people=people[type_slug]() if type_slug in people else "", place=place
    )
    return text[0].upper() + text[1:]


def _summary(type_slug: str, count: Killed, where: str) -> str:
    victims = _people(count, "person", "people")
    return {
        "pow-execution": f"Fictional sources report that {victims} who had surrendered and "
        f"been disarmed were shot {where}.",
        "execution-surrendering": f"Fictional sources report that {victims} were shot {where} "
        "while trying to surrender.",
        "execution-hors-de-combat": f"Fictional sources report that {victims}, wounded and no "
        f"longer fighting, were killed {where}.",
        "death-in-custody": f"Fictional sources report that {victims} captured {where} died in "
        "custody after being denied medical care.",
        "torture-in-captivity": f"Fictional sources report that prisoners of war captured {where} "
        "were beaten and tortured during interrogation.",
        "enforced-disappearance": f"Fictional sources report that detainees taken {where} have "
        "not been heard of since, and their detention has not been acknowledged.",
        "mutilation-of-remains": f"Fictional sources report that the remains of {victims} "
        f"killed {where} were mutilated.",
    }[type_slug]


def _victim_category(type_slug: str) -> str:
    return {
        "pow-execution": VictimCategory.POW,
        "execution-surrendering": VictimCategory.SURRENDERING,
        "execution-hors-de-combat": VictimCategory.HORS_DE_COMBAT,
        "death-in-custody": VictimCategory.POW,
        "torture-in-captivity": VictimCategory.POW,
        "enforced-disappearance": VictimCategory.CIVILIAN_DETAINEE,
        "mutilation-of-remains": VictimCategory.UNKNOWN,
    }[type_slug]


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=dt.UTC)


def build_plan() -> DemoPlan:
    """The fictional data, the same on every call (it depends only on SEED and the regions)."""
    oblasts: dict[str, _Oblast] = {}
    for iso, _ in OBLASTS:
        oblast = Region.objects.get(iso_code=iso)
        raions = list(
            Region.objects.filter(parent=oblast, level=RegionLevel.RAION).order_by("code")
        )
        oblasts[iso] = _Oblast(oblast, raions)
    return _PlanBuilder(oblasts).build()


# Finding the demo's records again


class DemoError(Exception):
    """The demo cannot be written or reset now; the message says which step failed and why."""


# Each record is found by how the demo created it, which nobody can edit: the history keeps, for
# every record, the row as it was inserted and the command that inserted it. So a user may change
# anything of a demo record (its internal notes, a URL, a date) and it is still the same demo
# record, never written a second time; and a record a user made is never taken for the demo's,
# however much it looks like one.
SEED_COMMAND = "seed_demo"


def _as_created(model: type[models.Model], *fields: str) -> list[dict[str, Any]]:
    """The demo's records of `model` that still exist, with `fields` as the demo wrote them."""
    return list(
        model.pgh_event_model.objects.filter(
            pgh_label="insert",
            pgh_context__metadata__command=SEED_COMMAND,
            pgh_obj_id__in=model.objects.values("pk"),
        )
        .order_by("pgh_id")
        .values("pgh_obj_id", *fields)
    )


def _keyed(rows: list[tuple[Any, int]]) -> dict[Any, int]:
    """Key -> pk; should a key appear twice, the older record is the demo's."""
    found: dict[Any, int] = {}
    for key, pk in rows:
        if key is not None:
            found.setdefault(key, pk)
    return found


def _incident_keys() -> dict[str, int]:
    """'demo-incident-07' -> pk, from the seed key the demo wrote into the internal notes."""
    prefix = f"{INCIDENT_KEY_PREFIX}demo-incident-"
    return _keyed(
        [
            (_seed_key(row["internal_notes"]), row["pgh_obj_id"])
            for row in _as_created(Incident, "internal_notes")
            if row["internal_notes"].startswith(prefix)
        ]
    )


def _real_key(publisher: str, title: str) -> str | None:
    for document in REAL_DOCUMENTS:
        if (document["publisher"], document["title"]) == (publisher, title):
            return f"{publisher}: {title}"
    return None


def _source_keys() -> dict[str, int]:
    """A fictional source's URL, or a real document's publisher and title -> pk."""
    return _keyed(
        [
            (
                row["url"]
                if row["url"].startswith(f"{FICTIONAL_URL}/")
                else _real_key(row["publisher"], row["title"]),
                row["pgh_obj_id"],
            )
            for row in _as_created(SourceDocument, "url", "publisher", "title")
        ]
    )


def _witness_keys() -> dict[str, int]:
    return _keyed([(row["code"], row["pgh_obj_id"]) for row in _as_created(Witness, "code")])


def _testimony_keys() -> dict[tuple[str, dt.date], int]:
    """(witness code, day taken) -> pk."""
    codes = dict(Witness.objects.values_list("pk", "code"))
    return _keyed(
        [
            ((codes.get(row["witness"]), row["taken_on"]), row["pgh_obj_id"])
            for row in _as_created(Testimony, "witness", "taken_on")
        ]
    )


def demo_incidents() -> models.QuerySet[Incident]:
    """The incidents the demo created (see above)."""
    return Incident.objects.filter(pk__in=list(_incident_keys().values()))


def demo_sources() -> models.QuerySet[SourceDocument]:
    """The fictional sources and the real documents the demo created."""
    return SourceDocument.objects.filter(pk__in=list(_source_keys().values()))


def demo_witnesses() -> models.QuerySet[Witness]:
    return Witness.objects.filter(pk__in=list(_witness_keys().values()))


def demo_testimonies() -> models.QuerySet[Testimony]:
    return Testimony.objects.filter(pk__in=list(_testimony_keys().values()))


def _seed_key(internal_notes: str) -> str:
    """'demo-incident-07' from 'Demo seed key: demo-incident-07. Fictional demo record...'"""
    return internal_notes.removeprefix(INCIDENT_KEY_PREFIX).split(".", 1)[0]


# Writing: only what is missing, through the services

KINDS = (
    "users",
    "incidents",
    "sources",
    "witnesses",
    "testimonies",
    "incident-source links",
    "incident-testimony links",
    "corrections",
)


@dataclass
class SeedResult:
    """How many records of each kind the demo holds now, and how many this run created."""

    existing: dict[str, int]
    created: dict[str, int]
    published: int
    real_documents: int


def seed_users(password: str, created: dict[str, int]) -> dict[str, AbstractUser]:
    """The demo logins. A missing one is created in its role group; each gets `password`."""
    user_model = get_user_model()
    users: dict[str, AbstractUser] = {}
    for username, role, group_name, superuser in DEMO_USERS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            group = Group.objects.filter(name=group_name).first()
            if group is None:
                raise DemoError(
                    f"The role group {group_name!r} is missing: run `manage.py migrate` first."
                )
            user = user_model.objects.create_user(
                username=username,
                password=password,
                email=f"{username}@example.org",
                first_name="Demo",
                last_name=role.split(" (")[0],
                is_staff=True,
                is_superuser=superuser,
            )
            user.groups.add(group)
            created["users"] += 1
        # Checking first avoids a new hash (and a write) on every run; a changed DEMO_PASSWORD
        # still takes effect.
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        users[username] = user
    return users


T = TypeVar("T")


class _Writer:
    """Creates the missing demo records one service call at a time, each as the demo user who
    would have made it, and counts what it created."""

    def __init__(self, users: dict[str, AbstractUser], created: dict[str, int]) -> None:
        self.analyst = users["analyst"]
        self.reviewer = users["reviewer"]
        self.officer = users["officer"]
        self.admin = users["admin"]
        self.created = created

    def _do(self, actor: AbstractUser, what: str, service: Callable[..., T], **arguments) -> T:
        # A history context of its own for every step: pghistory keeps one set of metadata per
        # context, so only then does the history say who took each step.
        with pghistory.context(command="seed_demo", user=actor.pk):
            try:
                return service(actor=actor, **arguments)
            except (Refused, ValidationError) as error:
                reason = str(error) if isinstance(error, Refused) else " ".join(error.messages)
                raise DemoError(
                    f"The demo could not {what} as {actor.get_username()}: {reason} "
                    "(`seed_demo --reset` rebuilds the demo from scratch)"
                ) from error

    def sources(self, plan: DemoPlan) -> dict[str, SourceDocument]:
        keys = _source_keys()
        existing = SourceDocument.objects.in_bulk(list(keys.values()))
        found = {key: existing[pk] for key, pk in keys.items()}
        for spec in plan.sources:
            if spec.url not in found:
                found[spec.url] = self._do(
                    self.analyst,
                    f"add the source {spec.url}",
                    source_services.source_create,
                    data=spec.fields,
                )
                self.created["sources"] += 1
        for document in REAL_DOCUMENTS:
            if _real_key(document["publisher"], document["title"]) not in found:
                self._do(
                    self.analyst,
                    f"add the document {document['title']!r}",
                    source_services.source_create,
                    data={"is_public": True, **document},
                )
                self.created["sources"] += 1
        return found

    def witnesses(self, plan: DemoPlan) -> dict[str, Witness]:
        keys = _witness_keys()
        existing = Witness.objects.in_bulk(list(keys.values()))
        found = {code: existing[pk] for code, pk in keys.items()}
        for spec in plan.witnesses:
            if spec.code not in found:
                found[spec.code] = self._do(
                    self.officer,
                    f"record the witness {spec.code}",
                    source_services.witness_create,
                    data={"code": spec.code, **spec.fields},
                )
                self.created["witnesses"] += 1
        return found

    def testimonies(
        self, plan: DemoPlan, witnesses: dict[str, Witness]
    ) -> dict[tuple[str, dt.date], Testimony]:
        keys = _testimony_keys()
        existing = Testimony.objects.in_bulk(list(keys.values()))
        found = {key: existing[pk] for key, pk in keys.items()}
        for spec in plan.testimonies:
            key = (spec.witness_code, spec.taken_on)
            if key in found:
                continue
            witness = witnesses[spec.witness_code]
            testimony = self._do(
                self.officer,
                f"record a testimony of {spec.witness_code}",
                source_services.testimony_create,
                data={
                    "witness": witness,
                    "taken_on": spec.taken_on,
                    "interviewer": self.officer,
                    **spec.fields,
                },
            )
            # Marked before any published incident rests on it: afterwards the mark would change
            # a public record, which takes a correction. Consent as the witness gives it now.
            if spec.summary_is_public and witness.consent_publish_anonymised:
                testimony = self._do(
                    self.reviewer,
                    f"mark the summary of {testimony.public_id} publishable",
                    source_services.testimony_update,
                    testimony=testimony,
                    data={"summary_is_public": True},
                )
            found[key] = testimony
            self.created["testimonies"] += 1
        return found

    def incidents(
        self,
        plan: DemoPlan,
        sources: dict[str, SourceDocument],
        testimonies: dict[tuple[str, dt.date], Testimony],
    ) -> None:
        keys = _incident_keys()
        existing = Incident.objects.in_bulk(list(keys.values()))
        found = {key: existing[pk] for key, pk in keys.items()}
        missing = [spec for spec in plan.incidents if spec.key not in found]
        regions = Region.objects.in_bulk([spec.region_code for spec in missing], field_name="code")
        types = IncidentType.objects.in_bulk(field_name="slug")
        # In plan order, so that a duplicate's survivor is there before it.
        for spec in missing:
            found[spec.key] = self.incident(
                spec,
                region=regions[spec.region_code],
                incident_type=types[spec.type_slug],
                sources=sources,
                testimonies=testimonies,
                survivor=found.get(spec.duplicate_of or ""),
            )

    def incident(
        self,
        spec: IncidentSpec,
        *,
        region: Region,
        incident_type: IncidentType,
        sources: dict[str, SourceDocument],
        testimonies: dict[tuple[str, dt.date], Testimony],
        survivor: Incident | None,
    ) -> Incident:
        """Write one incident and take it as far through the workflow as the plan says."""
        analyst, reviewer, key = self.analyst, self.reviewer, spec.key
        incident = self._do(
            analyst,
            f"write {key}",
            services.incident_create,
            data={
                **spec.fields,
                "region": region,
                "incident_type": incident_type,
                "assigned_to": {PUB.DRAFT: analyst, PUB.IN_REVIEW: reviewer}.get(spec.publication),
            },
        )
        self.created["incidents"] += 1
        for url, role in spec.sources:
            self._do(
                analyst,
                f"cite {url} in {key}",
                services.incident_source_add,
                incident=incident,
                source=sources[url],
                role=role,
                note="",
            )
            self.created["incident-source links"] += 1
        for testimony_key in spec.testimonies:
            self._do(
                analyst,
                f"link a testimony of {testimony_key[0]} to {key}",
                services.incident_testimony_add,
                incident=incident,
                testimony=testimonies[testimony_key],
                note="",
            )
            self.created["incident-testimony links"] += 1
        if spec.publication == PUB.DRAFT and not spec.review_comment:
            return incident

        incident = self._do(analyst, f"submit {key}", services.incident_submit, incident=incident)
        if spec.verification != VER.UNASSESSED:
            incident = self._do(
                reviewer,
                f"assess {key}",
                services.incident_assess,
                incident=incident,
                verification_status=spec.verification,
                rationale=RATIONALES[spec.verification],
            )
        if spec.review_comment:
            return self._do(
                reviewer,
                f"return {key} to draft",
                services.incident_return_to_draft,
                incident=incident,
                comment=spec.review_comment,
            )
        if spec.publication == PUB.IN_REVIEW:
            return incident

        if spec.coordinates_public:
            # Showing exact coordinates is a reviewer's decision. A second one (the admin) takes
            # it, so that the reviewer who publishes is not the record's last editor.
            incident = self._do(
                self.admin,
                f"mark the coordinates of {key} public",
                services.incident_update,
                incident=incident,
                version=incident.version,
                data={"coordinates_public": True},
            )
        incident = self._do(
            reviewer, f"publish {key}", services.incident_publish, incident=incident
        )
        if spec.correction is not None:
            self.correction(incident, spec.key, spec.correction)
        if spec.withdrawal_reason:
            incident = self._do(
                reviewer,
                f"withdraw {key}",
                services.incident_withdraw,
                incident=incident,
                reason=spec.withdrawal_reason,
            )
        if spec.republication_note:
            incident = self._do(
                reviewer,
                f"republish {key}",
                services.incident_republish,
                incident=incident,
                note=spec.republication_note,
            )
        if survivor is not None:
            self._do(
                reviewer,
                f"merge {key} into {spec.duplicate_of}",
                services.incident_merge,
                duplicate=incident,
                survivor=survivor,
            )
        return incident

    def correction(self, incident: Incident, key: str, spec: CorrectionSpec) -> None:
        """The analyst proposes a correction; the reviewer approves it, or it waits in review."""
        correction = self._do(
            self.analyst,
            f"propose a correction of {key}",
            services.correction_start,
            incident=incident,
        )
        correction = self._do(
            self.analyst,
            f"write the correction of {key}",
            services.correction_save,
            correction=correction,
            version=correction.version,
            proposal=Proposal(incident=dict(spec.changes)),
            note=spec.note,
        )
        correction = self._do(
            self.analyst,
            f"submit the correction of {key}",
            services.correction_submit,
            correction=correction,
        )
        if spec.approved:
            self._do(
                self.reviewer,
                f"approve the correction of {key}",
                services.correction_approve,
                correction=correction,
            )
        self.created["corrections"] += 1


@transaction.atomic
def seed(*, password: str) -> SeedResult:
    """Create the demo users and whichever demo records are missing; change no record that exists.

    Call it outside any `pghistory.context`: each step opens its own, naming the demo user who
    takes it (nested contexts would merge into one).
    """
    created = dict.fromkeys(KINDS, 0)
    writer = _Writer(seed_users(password, created), created)
    plan = build_plan()
    sources = writer.sources(plan)
    testimonies = writer.testimonies(plan, writer.witnesses(plan))
    writer.incidents(plan, sources, testimonies)

    incidents = demo_incidents()
    existing = {
        "users": get_user_model()
        .objects.filter(username__in=[username for username, *_ in DEMO_USERS])
        .count(),
        "incidents": incidents.count(),
        "sources": demo_sources().count(),
        "witnesses": demo_witnesses().count(),
        "testimonies": demo_testimonies().count(),
        "incident-source links": IncidentSource.objects.filter(incident__in=incidents).count(),
        "incident-testimony links": IncidentTestimony.objects.filter(
            incident__in=incidents
        ).count(),
        "corrections": Correction.objects.filter(incident__in=incidents).count(),
    }
    return SeedResult(
        existing=existing,
        created=created,
        published=incidents.published().count(),
        real_documents=sum(1 for key in _source_keys() if not key.startswith(f"{FICTIONAL_URL}/")),
    )


# Reset: the one place the demo deletes


@dataclass(frozen=True)
class Deletion:
    """What `seed_demo --reset` would delete now, and the demo records it has to leave, with why."""

    counts: dict[str, int]
    incident_ids: tuple[str, ...]  # public ids of the incidents it deletes
    kept: tuple[str, ...]  # "SRC-…: an evidence file is attached, …"
    pks: dict[str, frozenset[int]]

    @property
    def is_empty(self) -> bool:
        return not any(self.counts.values())


def planned_deletion() -> Deletion:
    """The demo's own records (see the finders above), less those something else still needs:
    a record with an evidence file (files are never deleted: a trigger refuses it), and one that
    a record staying behind points at. Keeping one record can keep those it points at, so the
    rules are applied until nothing more changes."""
    incidents = dict(demo_incidents().values_list("pk", "public_id"))
    sources = dict(demo_sources().values_list("pk", "public_id"))
    testimonies = dict(demo_testimonies().values_list("pk", "public_id"))
    witnesses = dict(demo_witnesses().values_list("pk", "code"))
    demo = set(incidents)
    kept: dict[str, str] = {}

    for records, column in ((sources, "source"), (testimonies, "testimony")):
        filed = EvidenceFile.objects.filter(**{f"{column}__in": list(records)})
        for pk in filed.values_list(column, flat=True):
            if pk in records:
                kept[records.pop(pk)] = "an evidence file is attached, and files are never deleted"

    merged = list(
        Incident.objects.filter(duplicate_of__in=list(incidents)).values_list(
            "pk", "public_id", "duplicate_of"
        )
    )
    cited = list(
        IncidentSource.objects.filter(source__in=list(sources)).values_list(
            "incident", "incident__public_id", "source"
        )
    )
    linked = list(
        IncidentTestimony.objects.filter(testimony__in=list(testimonies)).values_list(
            "incident", "incident__public_id", "testimony"
        )
    )
    noted = list(
        CorrectionNote.objects.filter(correction__incident__in=list(incidents))
        .exclude(incident=models.F("correction__incident"))
        .values_list("incident", "incident__public_id", "correction__incident")
    )
    owned = list(
        Testimony.objects.filter(witness__in=list(witnesses)).values_list(
            "public_id", "pk", "witness"
        )
    )

    def staying(incident: int, public_id: str) -> str | None:
        """'INC-…, which is not demo data' when that incident stays, else None."""
        if incident in incidents:
            return None
        return f"{public_id}, which {'is kept' if incident in demo else 'is not demo data'}"

    changed = True
    while changed:
        changed = False
        for records, references, why in (
            (incidents, merged, "{}, was merged into it"),
            (incidents, noted, "the public correction log of {}, cites its correction"),
            (sources, cited, "{}, cites it"),
            (testimonies, linked, "{}, rests on it"),
        ):
            for incident, public_id, target in references:
                who = staying(incident, public_id)
                if who and target in records:
                    kept[records.pop(target)] = why.format(who)
                    changed = True
        for public_id, testimony, witness in owned:
            if witness in witnesses and testimony not in testimonies:
                kept[witnesses.pop(witness)] = f"its testimony {public_id} is kept"
                changed = True

    counts = {
        "incidents": len(incidents),
        "incident-source links": IncidentSource.objects.filter(
            incident__in=list(incidents)
        ).count(),
        "incident-testimony links": IncidentTestimony.objects.filter(
            incident__in=list(incidents)
        ).count(),
        "corrections": Correction.objects.filter(incident__in=list(incidents)).count(),
        "correction notes": CorrectionNote.objects.filter(incident__in=list(incidents)).count(),
        "sources": len(sources),
        "witnesses": len(witnesses),
        "testimonies": len(testimonies),
    }
    return Deletion(
        counts=counts,
        incident_ids=tuple(sorted(incidents.values())),
        kept=tuple(f"{label}: {why}" for label, why in sorted(kept.items())),
        pks={
            "incidents": frozenset(incidents),
            "sources": frozenset(sources),
            "testimonies": frozenset(testimonies),
            "witnesses": frozenset(witnesses),
        },
    )


@transaction.atomic
def reset(*, listed: Deletion) -> None:
    """Delete what `planned_deletion()` listed, provided that is still what it would delete.

    With the ORM, on purpose outside the services: no service deletes what was public, and none
    should. This is the one exception, for fictional records on a development machine (the
    command refuses to run in production); the history triggers still record every deletion.
    """
    if planned_deletion() != listed:
        raise DemoError(
            "The demo data changed after it was listed, so nothing was deleted; run "
            "`seed_demo --reset` again to see the new list."
        )
    incidents = listed.pks["incidents"]
    with pghistory.context(command="seed_demo --reset"):
        # Notes point at their corrections and duplicates at their survivors (both PROTECT), so
        # they go first; evidence links go with their incident.
        CorrectionNote.objects.filter(incident__in=incidents).delete()
        Correction.objects.filter(incident__in=incidents).delete()
        Incident.objects.filter(pk__in=incidents, duplicate_of__isnull=False).delete()
        Incident.objects.filter(pk__in=incidents).delete()
        SourceDocument.objects.filter(pk__in=listed.pks["sources"]).delete()
        Testimony.objects.filter(pk__in=listed.pks["testimonies"]).delete()
        Witness.objects.filter(pk__in=listed.pks["witnesses"]).delete()
