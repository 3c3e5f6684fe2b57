"""The demo plan: which fictional records the demo holds, drawn from one seeded generator.

`build_plan()` returns the same plan on every call; it reads the regions and writes nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from incidents.demo.specs import (
    CorrectionSpec,
    DemoPlan,
    IncidentSpec,
    SourceSpec,
    TestimonySpec,
    WitnessSpec,
)
from incidents.demo.texts import (
    EVENT_WORDS,
    REPUBLICATION_NOTE,
    REVIEW_COMMENTS,
    VILLAGE_PREFIXES,
    VILLAGE_ROOTS,
    WITHDRAWAL_REASONS,
    incident_summary,
    incident_title,
    number_word,
    place_phrases,
    with_article,
)
from incidents.demo.vocabulary import (
    DIRECT_ROLES,
    DUPLICATE_STATUS,
    EVIDENCE,
    INCIDENT_KEY_PREFIX,
    INCIDENT_TYPES,
    KIND_CHOICES,
    MOST_KILLED,
    OBLASTS,
    PUB,
    REPUBLISHED,
    SOURCE_STYLE,
    STATUS_PLAN,
    VER,
    VICTIM_CATEGORIES,
    WITNESS_CODE_PREFIX,
    WITNESS_ROLES,
    Killed,
)
from incidents.demo_markers import FICTIONAL, FICTIONAL_URL
from incidents.models import (
    AttributionConfidence,
    DatePrecision,
    GeoPrecision,
    Region,
    RegionLevel,
    SourceRole,
)
from sources.models import (
    Directness,
    Reliability,
    RiskLevel,
    SourceKind,
    TestimonyMode,
    WitnessRole,
)

# Changing the seed reshuffles every fictional record; fixed, so each run gives the same data.
SEED = 20240824


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
        villages = [f"{p} {r}-Demo" for p in VILLAGE_PREFIXES for r in VILLAGE_ROOTS]
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

        place, where, source_place = place_phrases(
            region.name_en, oblast.oblast.name_en, village, at_oblast_level=at_oblast_level
        )
        killed = self._killed(type_slug)
        fields: dict[str, Any] = {
            "title": incident_title(type_slug, killed, place),
            "summary": f"{FICTIONAL} {incident_summary(type_slug, killed, where)} "
            "It describes no real event; it exists to demonstrate the register.",
            "internal_notes": f"{INCIDENT_KEY_PREFIX}demo-incident-{number:02d}. "
            f"{FICTIONAL} Safe to delete.",
            "date_start": date_start,
            "date_end": date_end,
            "date_precision": precision,
            "killed_low": killed[0],
            "killed_best": killed[1],
            "killed_high": killed[2],
            "victim_category": VICTIM_CATEGORIES[type_slug],
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
        top = MOST_KILLED.get(type_slug)
        if top is None:
            return None, None, None
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
            concrete = rng.choice(KIND_CHOICES[kind]) if kind in KIND_CHOICES else kind
            source = self._source(concrete, place, last_day)
            spec.sources.append((source.url, role))
        for kind in directness:
            testimony = self._testimony(kind, last_day, spec.type_slug)
            spec.testimonies.append((testimony.witness_code, testimony.taken_on))

    def _source(self, kind: str, place: str, last_day: dt.date) -> SourceSpec:
        rng = self.rng
        title, publishers, grades, languages, public, delay = SOURCE_STYLE[kind]
        published_on = last_day + dt.timedelta(days=rng.randint(*delay))
        public = public or rng.random() < 0.3
        label = SourceKind(kind).label.lower()
        return self._add_source(
            public=public,
            kind=kind,
            title=title.format(place=place) + " (fictional)",
            publisher=rng.choice(publishers),
            published_on=published_on,
            language=rng.choice(languages),
            reliability=rng.choice(grades),
            origin_note=(
                "Fictional: presented as posted by a channel affiliated with the perpetrator."
                if kind == SourceKind.VIDEO
                else ""
            ),
            description=f"{FICTIONAL} {with_article(label).capitalize()} about fictional "
            f"events {place}. No such document exists.",
        )

    def _add_source(self, *, public: bool, published_on: dt.date, **fields: Any) -> SourceSpec:
        """The next fictional source: numbered in plan order, archived when it is public."""
        number = len(self.sources) + 1
        url = f"{FICTIONAL_URL}/sources/{number:03d}"
        spec = SourceSpec(
            url=url,
            fields={
                **fields,
                "url": url,
                "archive_url": f"{FICTIONAL_URL}/archive/{number:03d}" if public else "",
                "published_on": published_on,
                "accessed_at": _at(published_on + dt.timedelta(days=1), 9 * 60),
                "is_public": public,
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
                report = self._add_source(
                    public=True,
                    kind=SourceKind.NGO_REPORT,
                    title=f"Half-year monitoring report, H{half} {year} (fictional)",
                    publisher="Fictional Monitoring Network (demo)",
                    published_on=end + dt.timedelta(days=45),
                    language="en",
                    reliability=Reliability.B,
                    origin_note="",
                    description=f"{FICTIONAL} An invented half-year report that lists "
                    "fictional incidents of its period. No such report exists.",
                )
                for spec in incidents:
                    if (
                        spec.duplicate_of is None
                        and start <= spec.fields["date_start"] <= end
                        and spec.verification in (VER.CREDIBLE, VER.VERIFIED, VER.ACKNOWLEDGED)
                    ):
                        spec.sources.append((report.url, SourceRole.MENTIONS))

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
            note=f"The upper estimate of the number killed was raised from {number_word(high)} to "
            f"{number_word(high + 1)} after a further fictional video was reviewed.",
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
            if (w.fields["role"] in DIRECT_ROLES) == (directness == Directness.DIRECT)
        ]
        witness = candidates[self._next_witness[directness] % len(candidates)]
        self._next_witness[directness] += 1
        # Released prisoners can speak only after an exchange, often months later.
        taken_on = last_day + dt.timedelta(days=rng.randint(20, 200))
        taken = {t.taken_on for t in self.testimonies if t.witness_code == witness.code}
        while taken_on in taken:
            taken_on += dt.timedelta(days=1)
        role = WitnessRole(witness.fields["role"]).label.lower()
        event = EVENT_WORDS[type_slug]
        spec = TestimonySpec(
            witness_code=witness.code,
            taken_on=taken_on,
            fields={
                "mode": rng.choice(list(TestimonyMode.values)),
                "language": rng.choice(["uk", "ru"]),
                "directness": directness,
                "statement": f"{FICTIONAL} Invented statement of a fictional {role} about "
                f"{event}. No real person gave it.",
                "public_summary": f"{FICTIONAL} {with_article(role).capitalize()} "
                + ("described " if directness == Directness.DIRECT else "heard of ")
                + f"{event}.",
            },
            summary_is_public=witness.fields["consent_publish_anonymised"] and rng.random() < 0.7,
        )
        self.testimonies.append(spec)
        return spec


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
