"""The public site in Ukrainian: a complete, compiled catalogue, and pages that switch language.

Olena reads the site in Ukrainian; Tom, her editor, opens the same links in English.
"""

from __future__ import annotations

import ast
import datetime as dt
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from incidents.models import DatePrecision, IncidentType
from tests.factories import make_published_incident, raion_of

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "uk" / "LC_MESSAGES"
PO, MO = CATALOGUE / "django.po", CATALOGUE / "django.mo"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def _po_entries(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header included (its msgid is empty)."""
    entries: list[Entry] = []
    entry, key = Entry(), None

    def finish():
        nonlocal entry
        if entry.msgstr:
            entries.append(entry)
        entry = Entry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            key = None
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, int):
                entry.msgstr[key] += value
            else:
                setattr(entry, key, getattr(entry, key) + value)
        else:
            keyword, _, value = line.partition(" ")
            value = ast.literal_eval(value)
            indexed = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if indexed:
                key = int(indexed.group(1))
                entry.msgstr[key] = value
            elif keyword == "msgstr":
                key = 0
                entry.msgstr[0] = value
            else:
                key = keyword
                setattr(entry, keyword, value)
                entry.line = entry.line or number
    finish()
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return _po_entries(PO)


def test_every_message_is_translated_and_none_is_fuzzy(entries):
    header, *messages = entries
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert "Language: uk" in header.msgstr[0]
    assert len(messages) > 100
    untranslated = [e.msgid for e in messages if not all(e.msgstr.values())]
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_plural_messages_have_every_form_the_header_asks_for(entries):
    header, *messages = entries
    plurals = int(re.search(r"nplurals=(\d+)", header.msgstr[0]).group(1))
    for entry in messages:
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstr) == list(range(plurals)), entry.msgid


def test_translations_are_in_ukrainian_not_copies_of_the_english(entries):
    _, *messages = entries
    copied = [e.msgid for e in messages if e.msgstr[0] == e.msgid]
    assert copied == []
    # Words with an agreed translation in this project.
    translations = {e.msgid: e.msgstr[0] for e in messages}
    assert translations["Other persons hors de combat"] == "Інші особи, які вибули зі строю"
    assert translations["Prisoners of war"] == "Військовополонені"
    assert translations["Oblast"] == "Область"
    assert translations["Raion"] == "Район"


def test_the_compiled_catalogue_matches_the_po_file(entries):
    """The committed .mo holds exactly what the .po says: nobody forgot compilemessages."""
    with MO.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    expected = {}
    for entry in entries[1:]:
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[msgid] = entry.msgstr[0]
        else:
            expected.update({(msgid, index): text for index, text in entry.msgstr.items()})
    compiled_messages = {key: value for key, value in catalogue.items() if key != ""}
    assert compiled_messages == expected


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_the_po_file_passes_msgfmts_checks(tmp_path):
    # Placeholders the same in both languages, a header msgfmt accepts, plural forms that fit it.
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# Pages in Ukrainian -----------------------------------------------------------------------------


@pytest.fixture
def incident(db):
    cache.clear()
    return make_published_incident(
        title="Execution near Alpha",
        region=raion_of("UA-14"),
        incident_type=IncidentType.objects.get(slug="pow-execution"),
        date_start=dt.date(2024, 12, 1),
        date_precision=DatePrecision.MONTH,
        killed_low=3,
        killed_best=4,
        killed_high=5,
        victim_category="pow",
        verification_status="verified",
    )


def test_ukrainian_pages_speak_ukrainian(client, incident):
    home = client.get("/uk/").content.decode()
    assert '<html lang="uk">' in home
    assert ">Інциденти</a>" in home
    assert ">Методологія</a>" in home
    assert "Основні показники" in home
    assert "Донецька область" in home

    listing = client.get("/uk/incidents/").content.decode()
    assert "1 інцидент" in listing
    assert "Донецька область" in listing
    assert "Страта військовополоненого" in listing
    assert "загиблих: 3–5 (найімовірніше — 4)" in listing
    assert '<span class="badge badge-verified">Підтверджено</span>' in listing

    record = client.get(f"/uk/incidents/{incident.public_id}/").content.decode()
    assert "Грудень 2024" in record
    assert "Військовополонені" in record
    assert "Як цитувати цей запис" in record
    assert f"http://testserver/uk/incidents/{incident.public_id}/" in record

    methodology = client.get("/uk/methodology/").content.decode()
    assert "Стандарт доказування" in methodology


def test_ukrainian_counts_take_the_right_plural_form(client, db):
    cache.clear()
    for _ in range(2):
        make_published_incident()
    assert "2 інциденти" in client.get("/uk/incidents/").content.decode()
    for _ in range(3):
        make_published_incident()
    assert "5 інцидентів" in client.get("/uk/incidents/").content.decode()


def test_filter_errors_are_explained_in_ukrainian(client, db):
    response = client.get("/uk/incidents/?region=UA-99&date_from=31.12.2024")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Невідомий регіон" in html
    assert "Введіть дату у форматі РРРР-ММ-ДД." in html


def _switcher_link(html: str, language: str) -> str:
    match = re.search(rf'<a href="([^"]+)" lang="{language}" hreflang="{language}">', html)
    assert match, f"no link to the {language} page"
    return match.group(1).replace("&amp;", "&")


def test_the_language_switcher_keeps_the_page_and_its_filters(client, incident):
    english = client.get("/incidents/?region=UA-14").content.decode()
    assert _switcher_link(english, "uk") == "/uk/incidents/?region=UA-14"
    ukrainian = client.get("/uk/incidents/?region=UA-14").content.decode()
    assert _switcher_link(ukrainian, "en") == "/incidents/?region=UA-14"

    several = "/incidents/?verification_status=verified,credible&q=Alpha"
    assert _switcher_link(client.get(several).content.decode(), "uk") == "/uk" + several

    record = f"/incidents/{incident.public_id}/"
    assert _switcher_link(client.get(record).content.decode(), "uk") == "/uk" + record
    assert _switcher_link(client.get("/uk" + record).content.decode(), "en") == record
