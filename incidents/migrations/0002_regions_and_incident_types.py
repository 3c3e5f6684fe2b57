"""Load Ukraine's oblast-level units and raions, and the vocabulary of incident types."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

REGIONS_CSV = Path(__file__).resolve().parent.parent / "data" / "regions.csv"

INCIDENT_TYPES = [
    (
        "pow-execution",
        "Execution of a prisoner of war",
        "Страта військовополоненого",
        "Killing of a person in the power of the enemy after capture, without trial.",
        "Geneva Convention III, arts. 13 and 130; Rome Statute, art. 8(2)(a)(i)",
    ),
    (
        "execution-surrendering",
        "Killing of soldiers trying to surrender",
        "Вбивство військових, які намагалися здатися в полон",
        "Killing of combatants who clearly expressed an intention to surrender.",
        "Additional Protocol I, arts. 40 and 41; Rome Statute, art. 8(2)(b)(vi)",
    ),
    (
        "execution-hors-de-combat",
        "Killing of a person hors de combat",
        "Вбивство особи, яка вибула зі строю",
        "Killing of a wounded, sick or otherwise defenceless combatant who took no further part in "
        "hostilities.",
        "Additional Protocol I, art. 41; Geneva Conventions, common art. 3",
    ),
    (
        "death-in-custody",
        "Death in custody",
        "Смерть під вартою",
        "Death of a prisoner of war or detainee in the custody of a party to the conflict, "
        "including from ill-treatment or neglect.",
        "Geneva Convention III, arts. 13 and 121",
    ),
    (
        "torture-in-captivity",
        "Torture in captivity",
        "Катування в полоні",
        "Torture or cruel treatment of prisoners of war or detainees.",
        "Geneva Convention III, arts. 17 and 130; Convention against Torture",
    ),
    (
        "enforced-disappearance",
        "Enforced disappearance",
        "Насильницьке зникнення",
        "Detention followed by refusal to acknowledge it or to disclose the person's fate.",
        "Geneva Convention III, art. 122; International Convention for the Protection of All "
        "Persons from Enforced Disappearance",
    ),
    (
        "mutilation-of-remains",
        "Mutilation of remains",
        "Наруга над тілами загиблих",
        "Mutilation or desecration of the bodies of the dead.",
        "Geneva Convention I, art. 15; Rome Statute, art. 8(2)(b)(xxi)",
    ),
    ("other", "Other violation", "Інше порушення", "Anything that fits none of the above.", ""),
]


def load(apps, schema_editor):
    Region = apps.get_model("incidents", "Region")
    IncidentType = apps.get_model("incidents", "IncidentType")

    with REGIONS_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_code = {}
    # The CSV lists every oblast before its raions, so each parent is known when its child comes.
    for row in rows:
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        region = Region.objects.create(
            code=row["code"],
            iso_code=row["iso_code"] or None,
            level=row["level"],
            parent=parent,
            path=(parent.path if parent else "") + row["code"] + "/",
            name_en=row["name_en"],
            name_uk=row["name_uk"],
            latitude=Decimal(row["latitude"]) if row["latitude"] else None,
            longitude=Decimal(row["longitude"]) if row["longitude"] else None,
        )
        by_code[region.code] = region

    IncidentType.objects.bulk_create(
        IncidentType(
            slug=slug,
            name_en=name_en,
            name_uk=name_uk,
            description=description,
            legal_reference=legal_reference,
        )
        for slug, name_en, name_uk, description, legal_reference in INCIDENT_TYPES
    )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
