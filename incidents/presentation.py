"""How incident facts read on the public site: dates at their precision, victims as a range."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from incidents.models import DatePrecision

# The Ukrainian alphabet in its order: Python's code-point order would put і, ї and є after я.
_UK_ALPHABET = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
_UK_ORDER = {letter: f"{index:02d}" for index, letter in enumerate(_UK_ALPHABET)}


def localized_name(item: dict | None) -> str:
    """`name_uk` on Ukrainian pages, `name_en` elsewhere."""
    if not item:
        return ""
    return item.get("name_uk") if get_language() == "uk" else item.get("name_en")


def by_name(name: str) -> str:
    """A sort key that puts English and Ukrainian names in dictionary order."""
    return "".join(_UK_ORDER.get(letter, letter) for letter in name.lower())


def month_label(month: dt.date, *, short: bool = False) -> str:
    """'December 2024', or 'Dec 2024' for a chart's axis."""
    if short:
        # Translators: a Django date format for a month on a chart's axis, e.g. "Dec 2024".
        return date_format(month, pgettext("chart axis month", "M Y"))
    return date_format(month, "F Y")


def incident_date(start: dt.date | None, end: dt.date | None, precision: str) -> str:
    """'2 December 2024', 'week of 2 December 2024', 'December 2024', '2024' or a range."""
    if start is None or precision == DatePrecision.UNKNOWN:
        return _("Date unknown")
    if precision == DatePrecision.YEAR:
        text = str(start.year)
    elif precision == DatePrecision.MONTH:
        text = month_label(start)
    elif precision == DatePrecision.WEEK:
        text = _("week of %(day)s") % {"day": date_format(start, "j E Y")}
    else:
        text = date_format(start, "j E Y")
    if end and end != start and precision == DatePrecision.DAY:
        text = _("between %(start)s and %(end)s") % {
            "start": text,
            "end": date_format(end, "j E Y"),
        }
    return text


def victims_range(low: int | None, best: int | None, high: int | None) -> str:
    """'4 killed', '3–5 killed (best estimate 4)', 'at least 3 killed' or 'Number unknown'."""
    if low is None and best is None and high is None:
        return _("Number of victims unknown")
    if low is None and high is None:
        return _("%(best)s killed (best estimate)") % {"best": best}
    if low is not None and high is not None and low == high:
        return _("%(count)s killed") % {"count": low}
    if low is not None and high is not None:
        text = _("%(low)s–%(high)s killed") % {"low": low, "high": high}
    elif low is not None:
        text = _("at least %(low)s killed") % {"low": low}
    else:
        text = _("up to %(high)s killed") % {"high": high}
    if best is not None and best not in (low, high):
        text += " " + _("(best estimate %(best)s)") % {"best": best}
    return text
