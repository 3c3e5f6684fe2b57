"""Demo data for `manage.py seed_demo`: fictional incidents and evidence, and three real documents.

Everything fictional says so in its own text ("Fictional demo record." opens every summary,
description, statement and identity note; fictional source titles end in "(fictional)"; fictional
URLs use the reserved domain example.org; places are invented villages). A screenshot of a demo
record must never pass for documentation of a real event.

The three real documents are public reports on executions of Ukrainian prisoners of war, kept as
metadata only and never linked to a fictional incident, so the demo shows what real sources look
like without putting words in their authors' mouths.

The data is drawn from `random.Random(SEED)` in a fixed order, and every record is found again by a
natural key (an incident's seed key in its internal notes, a fictional source's URL, a witness's
code...), so running the seed again updates the same rows instead of adding new ones.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.db import models, transaction

from incidents.models import (
    AttributionConfidence,
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
from sources.models import (
    Directness,
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

# (username, role shown in the login list, group added to if it exists, superuser)
DEMO_USERS: list[tuple[str, str, str, bool]] = [
    ("analyst", "Analyst", "Analyst", False),
    ("reviewer", "Reviewer", "Reviewer", False),
    ("officer", "Witness officer", "Witness officer", False),
    ("admin", "Administrator (superuser)", "Administrator", True),
]
# Used only where the role groups (created by the roles migration) are missing: staff then get
# what they need on the user itself, so that the admin is usable from the first `make run`.
_MODEL_PERMISSIONS = [
    *(
        f"{app}.{action}_{model}"
        for app, model in [
            ("incidents", "incident"),
            ("incidents", "incidentsource"),
            ("incidents", "incidenttestimony"),
            ("sources", "sourcedocument"),
            ("sources", "witness"),
            ("sources", "testimony"),
        ]
        for action in ("add", "change", "view")
    ),
    "incidents.view_region",
    "incidents.view_incidenttype",
]
USER_PERMISSIONS: dict[str, list[str]] = {
    "analyst": _MODEL_PERMISSIONS,
    "reviewer": [
        *_MODEL_PERMISSIONS,
        "incidents.review_incident",
        "incidents.publish_incident",
    ],
    "officer": [*_MODEL_PERMISSIONS, "sources.view_witness_identity"],
    "admin": [],
}

# (ISO code, weight): frontline oblasts, weighted towards the east.
OBLASTS: list[tuple[str, int]] = [
    ("UA-14", 36),  # Donetsk
    ("UA-23", 14),  # Zaporizhzhia
    ("UA-63", 16),  # Kharkiv
    ("UA-09", 8),  # Luhansk
    ("UA-65", 12),  # Kherson
    ("UA-59", 14),  # Sumy
]

# Publication and verification status of each fictional incident. Every status of both kinds
# appears; published records are never unassessed, discounted ones never stay published.
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
    (PUB.WITHDRAWN, VER.CONTESTED, 1),
]
# One more withdrawn record, merged into a published one: the same event entered twice.
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
        "if they can be reconciled."
    ),
}

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


@dataclass
class IncidentSpec:
    key: str
    fields: dict[str, Any]  # region, incident type and users are resolved by the writer
    region_code: str
    type_slug: str
    sources: list[tuple[str, str]] = field(default_factory=list)  # (source URL, role)
    testimonies: list[tuple[str, dt.date]] = field(default_factory=list)
    duplicate_of: str | None = None


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
        return DemoPlan(incidents, self.sources, self.witnesses, self.testimonies)

    # Incidents

    def _incident(self, number: int, publication: str, verification: str) -> IncidentSpec:
        rng = self.rng
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
            "verification_status": verification,
            "verification_rationale": RATIONALES[verification],
            "publication_status": publication,
            "coordinates_public": False,
            **self._place(oblast, village, at_oblast_level),
            **self._wounded(type_slug),
            **self._attribution(),
        }
        if fields["geo_precision"] == GeoPrecision.EXACT and publication == PUB.PUBLISHED:
            fields["coordinates_public"] = rng.random() < 0.5
        fields.update(self._workflow(publication, verification, date_end or date_start))

        spec = IncidentSpec(
            key=f"demo-incident-{number:02d}",
            fields=fields,
            region_code=region.code,
            type_slug=type_slug,
        )
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

    def _workflow(self, publication: str, verification: str, last_day: dt.date) -> dict[str, Any]:
        """The review history the record would have had, had it gone through the workflow."""
        rng = self.rng
        values: dict[str, Any] = {
            "submitted_at": None,
            "returned_at": None,
            "review_comment": "",
            "published_at": None,
            "withdrawn_at": None,
            "withdrawal_reason": "",
        }
        submitted = last_day + dt.timedelta(days=rng.randint(5, 40))
        if publication in (PUB.PUBLISHED, PUB.WITHDRAWN):
            values["submitted_at"] = _at(submitted, rng.randint(8 * 60, 18 * 60))
            published = submitted + dt.timedelta(days=rng.randint(2, 60))
            values["published_at"] = _at(published, rng.randint(8 * 60, 18 * 60))
        if publication == PUB.WITHDRAWN:
            withdrawn = values["published_at"].date() + dt.timedelta(days=rng.randint(10, 90))
            values["withdrawn_at"] = _at(withdrawn, rng.randint(8 * 60, 18 * 60))
            # A merged duplicate has none here: the writer words it with the survivor's id.
            values["withdrawal_reason"] = WITHDRAWAL_REASONS.get(verification, "")
        if publication == PUB.IN_REVIEW:
            values["submitted_at"] = _at(submitted, rng.randint(8 * 60, 18 * 60))
        # Only a reviewer sets a verification status, so an assessed draft went to review and
        # was sent back with a comment.
        if publication == PUB.DRAFT and verification != VER.UNASSESSED:
            values["submitted_at"] = _at(submitted, rng.randint(8 * 60, 18 * 60))
            returned = submitted + dt.timedelta(days=rng.randint(1, 14))
            values["returned_at"] = _at(returned, rng.randint(8 * 60, 18 * 60))
            values["review_comment"] = REVIEW_COMMENTS[verification]
        return values

    def _duplicate(self, number: int, incidents: list[IncidentSpec]) -> IncidentSpec:
        """The same event entered twice: a withdrawn copy of a published, verified record."""
        original = next(
            spec
            for spec in incidents
            if spec.fields["publication_status"] == PUB.PUBLISHED
            and spec.fields["verification_status"] == VER.VERIFIED
        )
        publication, verification = DUPLICATE_STATUS
        fields = dict(original.fields)
        fields.update(
            internal_notes=f"{INCIDENT_KEY_PREFIX}demo-incident-{number:02d}. {FICTIONAL} "
            f"Duplicate of demo-incident-{original.key[-2:]}; safe to delete.",
            verification_status=verification,
            verification_rationale=RATIONALES[verification],
            publication_status=publication,
            coordinates_public=False,
        )
        last_day = fields["date_end"] or fields["date_start"]
        fields.update(self._workflow(publication, verification, last_day))
        spec = IncidentSpec(
            key=f"demo-incident-{number:02d}",
            fields=fields,
            region_code=original.region_code,
            type_slug=original.type_slug,
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
                        and spec.fields["verification_status"]
                        in (VER.CREDIBLE, VER.VERIFIED, VER.ACKNOWLEDGED)
                    ):
                        spec.sources.append((url, SourceRole.MENTIONS))

    # Witnesses and testimonies

    def _witnesses(self) -> list[WitnessSpec]:
        rng = self.rng
        witnesses = []
        for number, role in enumerate(WITNESS_ROLES, start=1):
            consent_publish = rng.random() < 0.6
            witnesses.append(
                WitnessSpec(
                    code=f"W-DEMO{number:02d}",
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
                "summary_is_public": witness.fields["consent_publish_anonymised"]
                and rng.random() < 0.7,
            },
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


# Writing


@dataclass
class Tally:
    """How many records of one kind the seed holds, and what this run did to them."""

    total: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0

    def add(self, created: bool, updated: bool) -> None:
        self.total += 1
        self.created += created
        self.updated += updated


@dataclass
class SeedResult:
    tallies: dict[str, Tally]
    published: int
    real_documents: int


def _upsert(
    model: type[models.Model], find: dict[str, Any], values: dict[str, Any], *, clean: bool = True
) -> tuple[Any, bool, bool]:
    """Find a record by its natural key and bring it in line with `values`, writing only changes.

    Returns (record, created, updated). Unchanged records are not saved at all: a second run must
    not bump `updated_at`, which partners use to sync incrementally, nor add history events or
    re-encrypt witness fields for nothing. Field validation catches a mistake in the demo
    definitions early; the database checks uniqueness and its constraints itself.
    """
    record = model.objects.filter(**find).order_by("pk").first()
    if record is None:
        record = model(**values)
        if clean:
            _validate(record)
        record.save()
        return record, True, False
    changed = []
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        if model_field.many_to_one:
            current = getattr(record, model_field.attname)
            wanted = value.pk if value is not None else None
        else:
            current = getattr(record, name)
            wanted = value
        if current != wanted:
            setattr(record, name, value)
            changed.append(name)
    if changed:
        if clean:
            _validate(record)
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            changed.append("updated_at")
        record.save(update_fields=changed)
    return record, False, bool(changed)


def _validate(record: models.Model) -> None:
    # Related records were just read or written by the seed, so checking that they exist would
    # only cost a query per key.
    relations = [f.name for f in record._meta.concrete_fields if f.many_to_one]
    record.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def _permissions(names: Iterable[str]) -> list[Permission]:
    names = list(names)
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.extend(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    if len(found) != len(names):
        missing = sorted(set(names) - {f"{p.content_type.app_label}.{p.codename}" for p in found})
        raise LookupError(f"Permissions missing (run migrate first?): {', '.join(missing)}")
    return found


def seed_users(password: str, tally: Tally) -> dict[str, AbstractUser]:
    user_model = get_user_model()
    users: dict[str, AbstractUser] = {}
    for username, role, group_name, superuser in DEMO_USERS:
        user, created, updated = _upsert(
            user_model,
            {"username": username},
            {
                "username": username,
                "first_name": "Demo",
                "last_name": role.split(" (")[0],
                "email": f"{username}@example.org",
                "is_staff": True,
                "is_superuser": superuser,
                "is_active": True,
            },
            # The password is set below; a new user has none yet, which full_clean would refuse.
            clean=False,
        )
        # Checking first avoids a new hash (and a write) on every run; a changed DEMO_PASSWORD
        # still takes effect.
        if not user.has_usable_password() or not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            updated = updated or not created
        # A role is defined in one place: its group once the roles migration has created it,
        # otherwise (before it) permissions on the user, so the admin is usable either way.
        group = Group.objects.filter(name=group_name).first()
        granted = _permissions(USER_PERMISSIONS[username])
        if group is not None:
            user.groups.add(group)
            user.user_permissions.remove(*granted)
        else:
            user.user_permissions.add(*granted)
        tally.add(created, updated)
        users[username] = user
    return users


def _prune(
    plan: DemoPlan,
    incidents: dict[str, Incident],
    sources: dict[str, SourceDocument],
    testimonies: dict[tuple[str, dt.date], Testimony],
    tallies: dict[str, Tally],
) -> None:
    """Delete demo records and links that the current definitions no longer contain.

    Only records the seed itself marks (an incident's seed key, a URL under the fictional
    domain, a W-DEMO witness) are touched, and sources or testimonies only once nothing links
    to them, so that editing the definitions never leaves stale demo evidence behind.
    """
    wanted_sources = {
        (incidents[spec.key].pk, sources[url].pk)
        for spec in plan.incidents
        for url, _ in spec.sources
    }
    wanted_testimonies = {
        (incidents[spec.key].pk, testimonies[key].pk)
        for spec in plan.incidents
        for key in spec.testimonies
    }
    demo_incidents = [incident.pk for incident in incidents.values()]
    for link_model, other, wanted, tally in (
        (IncidentSource, "source_id", wanted_sources, "incident-source links"),
        (IncidentTestimony, "testimony_id", wanted_testimonies, "incident-testimony links"),
    ):
        links = link_model.objects.filter(incident__in=demo_incidents)
        stale = [
            pk
            for pk, incident_id, other_id in links.values_list("pk", "incident_id", other)
            if (incident_id, other_id) not in wanted
        ]
        if stale:
            link_model.objects.filter(pk__in=stale).delete()
            tallies[tally].deleted += len(stale)

    stale_incidents = Incident.objects.filter(
        internal_notes__startswith=f"{INCIDENT_KEY_PREFIX}demo-incident-"
    ).exclude(pk__in=[i.pk for i in incidents.values()])
    # Duplicates point at the record they copy (PROTECT), so they go first.
    for incident in [
        *stale_incidents.filter(duplicate_of__isnull=False),
        *stale_incidents.filter(duplicate_of__isnull=True),
    ]:
        incident.delete()
        tallies["incidents"].deleted += 1

    planned_urls = [spec.url for spec in plan.sources]
    deleted = (
        SourceDocument.objects.filter(url__startswith=f"{FICTIONAL_URL}/")
        .exclude(url__in=planned_urls)
        .filter(incident_links__isnull=True, files__isnull=True)
        .delete()[1]
    )
    tallies["sources"].deleted += deleted.get(SourceDocument._meta.label, 0)
    planned_testimonies = {(spec.witness_code, spec.taken_on) for spec in plan.testimonies}
    demo_testimonies = Testimony.objects.filter(
        witness__code__startswith="W-DEMO", incident_links__isnull=True, files__isnull=True
    ).select_related("witness")
    for testimony in demo_testimonies:
        if (testimony.witness.code, testimony.taken_on) not in planned_testimonies:
            testimony.delete()
            tallies["testimonies"].deleted += 1
    deleted = (
        Witness.objects.filter(code__startswith="W-DEMO", testimonies__isnull=True)
        .exclude(code__in=[spec.code for spec in plan.witnesses])
        .delete()[1]
    )
    tallies["witnesses"].deleted += deleted.get(Witness._meta.label, 0)


@transaction.atomic
def seed(*, password: str) -> SeedResult:
    """Create or refresh the demo users, the fictional records and the three real documents."""
    tallies = {
        name: Tally()
        for name in (
            "users",
            "incidents",
            "sources",
            "witnesses",
            "testimonies",
            "incident-source links",
            "incident-testimony links",
        )
    }
    users = seed_users(password, tallies["users"])
    analyst, reviewer, officer = users["analyst"], users["reviewer"], users["officer"]
    plan = build_plan()

    sources: dict[str, SourceDocument] = {}
    for spec in plan.sources:
        source, created, updated = _upsert(
            SourceDocument, {"url": spec.url}, {**spec.fields, "created_by": analyst}
        )
        sources[spec.url] = source
        tallies["sources"].add(created, updated)
    for document in REAL_DOCUMENTS:
        values = {
            "archive_url": "",
            "accessed_at": None,
            "origin_note": "",
            "is_public": True,
            "created_by": analyst,
            **document,
        }
        _, created, updated = _upsert(
            SourceDocument,
            {"publisher": document["publisher"], "title": document["title"]},
            values,
        )
        tallies["sources"].add(created, updated)

    witnesses: dict[str, Witness] = {}
    for spec in plan.witnesses:
        witness, created, updated = _upsert(
            Witness,
            {"code": spec.code},
            {"code": spec.code, **spec.fields, "created_by": officer},
        )
        witnesses[spec.code] = witness
        tallies["witnesses"].add(created, updated)

    testimonies: dict[tuple[str, dt.date], Testimony] = {}
    for spec in plan.testimonies:
        witness = witnesses[spec.witness_code]
        testimony, created, updated = _upsert(
            Testimony,
            {"witness": witness, "taken_on": spec.taken_on},
            {
                "witness": witness,
                "taken_on": spec.taken_on,
                "interviewer": officer,
                "created_by": officer,
                **spec.fields,
            },
        )
        testimonies[(spec.witness_code, spec.taken_on)] = testimony
        tallies["testimonies"].add(created, updated)

    regions = {
        r.code: r for r in Region.objects.filter(code__in={s.region_code for s in plan.incidents})
    }
    types = {t.slug: t for t in IncidentType.objects.all()}
    incidents: dict[str, Incident] = {}
    for spec in plan.incidents:
        status = spec.fields["publication_status"]
        values = {
            **spec.fields,
            "region": regions[spec.region_code],
            "incident_type": types[spec.type_slug],
            # The analyst wrote every record and the reviewer assessed every one that has a
            # status, so the four-eyes rule holds if the reviewer publishes one in review.
            "created_by": analyst,
            "last_edited_by": analyst,
            "assigned_to": {PUB.DRAFT: analyst, PUB.IN_REVIEW: reviewer}.get(status),
            "reviewed_by": (
                None if spec.fields["verification_status"] == VER.UNASSESSED else reviewer
            ),
            "duplicate_of": None,
        }
        if spec.duplicate_of:
            survivor = incidents[spec.duplicate_of]
            values["duplicate_of"] = survivor
            # Worded as incident_merge words it, with the id the survivor got in this database.
            values["withdrawal_reason"] = (
                f"Merged into {survivor.public_id}, which records the same fictional event."
            )
        incident, created, updated = _upsert(
            Incident, {"internal_notes__startswith": f"{INCIDENT_KEY_PREFIX}{spec.key}."}, values
        )
        incidents[spec.key] = incident
        tallies["incidents"].add(created, updated)

        for url, role in spec.sources:
            source = sources[url]
            _, created, updated = _upsert(
                IncidentSource,
                {"incident": incident, "source": source},
                {"incident": incident, "source": source, "role": role},
            )
            tallies["incident-source links"].add(created, updated)
        for key in spec.testimonies:
            testimony = testimonies[key]
            _, created, updated = _upsert(
                IncidentTestimony,
                {"incident": incident, "testimony": testimony},
                {"incident": incident, "testimony": testimony},
            )
            tallies["incident-testimony links"].add(created, updated)

    _prune(plan, incidents, sources, testimonies, tallies)
    published = sum(s.fields["publication_status"] == PUB.PUBLISHED for s in plan.incidents)
    return SeedResult(tallies=tallies, published=published, real_documents=len(REAL_DOCUMENTS))
