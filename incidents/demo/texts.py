"""The wording of the fictional records: invented places, titles, summaries and reviewers' notes.

Every text here describes no real event; the plan opens each with `FICTIONAL` where it is shown.
"""

from __future__ import annotations

from incidents.demo.vocabulary import VER, Killed

# Invented village names: the "-Demo" suffix keeps them from being mistaken for real places.
VILLAGE_PREFIXES = ["Stare", "Nove", "Verkhnie", "Nyzhnie", "Male", "Velyke"]
VILLAGE_ROOTS = [
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

EVENT_WORDS = {
    "pow-execution": "captured soldiers being shot after they had laid down their arms",
    "execution-surrendering": "soldiers being shot while trying to surrender",
    "execution-hors-de-combat": "wounded soldiers being killed where they lay",
    "death-in-custody": "a prisoner of war dying in custody after being denied care",
    "torture-in-captivity": "prisoners of war being beaten during interrogation",
    "enforced-disappearance": "detainees being taken away to an unknown place",
    "mutilation-of-remains": "the remains of killed soldiers being mutilated",
}


def number_word(n: int) -> str:
    return _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)


def with_article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _people(killed: Killed, singular: str, plural: str) -> str:
    """'a captured soldier', 'three captured soldiers' or, with no best estimate, 'two to four'."""
    low, best, high = killed
    if best is None:
        return f"{number_word(low or 0)} to {number_word(high or 0)} {plural}"
    if best == 1:
        return with_article(singular)
    return f"{number_word(best)} {plural}"


def place_phrases(
    region: str, oblast: str, village: str, *, at_oblast_level: bool
) -> tuple[str, str, str]:
    """Where it happened, as an incident's title, its summary and its sources' titles say it."""
    if at_oblast_level:
        return f"in an unspecified location of {region}", f"in {region}", f"in {region}"
    where = f"near the fictional village of {village} ({region}, {oblast})"
    return f"near {village}", where, f"near {village}"


def incident_title(type_slug: str, count: Killed, place: str) -> str:
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


def incident_summary(type_slug: str, count: Killed, where: str) -> str:
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
