"""The public site for journalists. Every view starts from `public_incidents()`."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from incidents.api.serializers import incident_documents
from incidents.charts import bar_chart
from incidents.filters import IncidentFilterSet, one_value_each
from incidents.models import IncidentType, Region, RegionLevel, VerificationStatus
from incidents.presentation import (
    by_name,
    incident_date,
    localized_name,
    month_label,
    victims_range,
)
from incidents.selectors import (
    incident_stats,
    public_incident_rows,
    public_incidents,
    withdrawn_incident,
)

PAGE_SIZE = 25
COUNT_LIMIT = 5000
MAX_OFFSET = 2**63  # PostgreSQL's OFFSET is a bigint.
STATS_SECONDS = 300
HEADLINE_STATUSES = (VerificationStatus.VERIFIED, VerificationStatus.ACKNOWLEDGED)
# The filters the list page offers, in the order its form and its removable chips show them.
SITE_FILTERS = ("q", "region", "date_from", "date_to", "verification_status", "incident_type")
MULTIPLE = ("verification_status", "incident_type")
# Strongest first, as the methodology explains them. Publishing needs an assessment, so no
# published incident is unassessed: the form does not offer it.
SITE_STATUSES = [
    (status.value, status.label)
    for status in (
        VerificationStatus.VERIFIED,
        VerificationStatus.ACKNOWLEDGED,
        VerificationStatus.CREDIBLE,
        VerificationStatus.SINGLE_SOURCE,
        VerificationStatus.CONTESTED,
        VerificationStatus.DISCOUNTED,
    )
]
# Public pages may be cached briefly by browsers and proxies; they hold published data only.
public_page = cache_control(public=True, max_age=120)


def _decorate(document: dict) -> dict:
    """Add the reader-facing phrases a template needs to a public incident document."""
    return {
        **document,
        "date_text": incident_date(
            document["date_start"], document["date_end"], document["date_precision"]
        ),
        "victims_text": victims_range(
            document["killed_low"], document["killed_best"], document["killed_high"]
        ),
        "region_name": localized_name(document["region"]),
        "oblast_name": localized_name((document["region"] or {}).get("oblast")),
        "type_name": localized_name(document["incident_type"]),
    }


def _documents(queryset, request: HttpRequest) -> list[dict]:
    site_url = request.build_absolute_uri("/").rstrip("/")
    rows = list(public_incident_rows(queryset))
    return [_decorate(document) for document in incident_documents(rows, site_url=site_url)]


def _stats() -> dict:
    # The whole published set is aggregated; a few minutes' delay is fine for headline figures.
    return cache.get_or_set("site:stats", lambda: incident_stats(public_incidents()), STATS_SECONDS)


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    stats = _stats()
    by_status = {row["verification_status"]: row for row in stats["by_verification_status"]}
    headline = {
        "verified": sum(by_status.get(s, {}).get("incidents", 0) for s in HEADLINE_STATUSES),
        "killed": sum(by_status.get(s, {}).get("killed_best", 0) for s in HEADLINE_STATUSES),
        "credible": by_status.get(VerificationStatus.CREDIBLE, {}).get("incidents", 0),
        "credible_killed": by_status.get(VerificationStatus.CREDIBLE, {}).get("killed_best", 0),
        "published": stats["total"]["incidents"],
    }
    months = bar_chart(
        id="chart-months",
        title=_("Published incidents per month"),
        x_label=_("Month the incident began"),
        y_label=_("Incidents"),
        data=[
            (month_label(month, short=True), count, month_label(month))
            for month, count in _every_month(stats["by_month"])
        ],
    )
    oblasts = bar_chart(
        id="chart-oblasts",
        title=_("Published incidents per oblast"),
        x_label=_("Incidents"),
        y_label=_("Oblast"),
        data=sorted(
            (
                (localized_name(row["oblast"]) or _("Place unknown"), row["incidents"])
                for row in stats["by_oblast"]
            ),
            key=lambda item: (-item[1], by_name(item[0])),
        ),
        horizontal=True,
    )
    latest = _documents(public_incidents().order_by("-published_at", "-id")[:5], request)
    return render(
        request,
        "incidents/home.html",
        {"headline": headline, "charts": [months, oblasts], "latest": latest},
    )


def _every_month(by_month: list[dict]) -> list[tuple[dt.date, int]]:
    """Counts for every month from the first to the last, empty months included: a gap in a
    trend chart must show as a zero, not vanish."""
    counts = {row["month"]: row["incidents"] for row in by_month if row["month"]}
    if not counts:
        return []
    first, last = min(counts), max(counts)
    year, month = int(first[:4]), int(first[5:])
    series = []
    while f"{year:04d}-{month:02d}" <= last:
        series.append((dt.date(year, month, 1), counts.get(f"{year:04d}-{month:02d}", 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return series


def _ignored_params(query: QueryDict) -> list[str]:
    """The parameters of a list URL that are not the page's: a misspelt filter (`regoin`) would
    otherwise be dropped without a word, and the reader would take the list for filtered."""
    return sorted(set(query) - {*SITE_FILTERS, "page"})


def _site_query(query: QueryDict) -> QueryDict:
    """The filters and page of a list URL. Repeated parameters (checkboxes) become one comma
    list, as the API takes them; anything else in the URL is left out, so that the CSV link
    and the language switcher never carry a parameter the API would refuse."""
    kept = QueryDict(mutable=True)
    for key in (*SITE_FILTERS, "page"):
        values = [value.strip() for value in query.getlist(key) if value.strip()]
        if values:
            kept.setlist(key, values)
    return one_value_each(kept)


def _chip_value(key: str, value: str, form, type_names: dict[str, str]) -> str:
    """The filter value as a reader knows it: a region's name, not its code."""
    if key == "region":
        region = form.cleaned_data.get("region")
        return _region_name(region) if region else value
    if key in ("date_from", "date_to"):
        return date_format(form.cleaned_data[key], "j E Y")
    if key == "verification_status":
        return VerificationStatus(value).label
    if key == "incident_type":
        return type_names.get(value, value)
    return value


def _active_filters(query: QueryDict, form, type_names: dict[str, str]) -> list[dict]:
    """One removable chip per active filter value, each linking to the list without it."""
    chips = []
    for key in SITE_FILTERS:
        if key not in query:
            continue
        values = query[key].split(",") if key in MULTIPLE else [query[key]]
        for value in values:
            rest = query.copy()
            remaining = [v for v in values if v != value]
            if remaining:
                rest[key] = ",".join(remaining)
            else:
                del rest[key]
            rest.pop("page", None)
            chips.append(
                {
                    "label": form.fields[key].label,
                    "value": _chip_value(key, value, form, type_names),
                    "remove": "?" + rest.urlencode(safe=","),
                }
            )
    return chips


def _region_options(selected: Region | None) -> list[dict]:
    """Every oblast by name, and the chosen unit too when it is smaller than an oblast (a link
    can filter by a raion), so that the form shows the filter that is in force."""
    oblasts = [
        {"code": region["iso_code"], "name": localized_name(region), "selected": False}
        for region in Region.objects.filter(level=RegionLevel.OBLAST).values(
            "iso_code", "name_en", "name_uk"
        )
    ]
    oblasts.sort(key=lambda option: by_name(option["name"]))
    if selected is None:
        return oblasts
    for option in oblasts:
        if option["code"] == selected.iso_code:
            option["selected"] = True
            return oblasts
    return [{"code": selected.code, "name": _region_name(selected), "selected": True}, *oblasts]


def _region_name(region: Region) -> str:
    """'Donetska oblast', or 'Bakhmutskyi raion, Donetska oblast' for a unit within one."""
    name = localized_name({"name_en": region.name_en, "name_uk": region.name_uk})
    if region.level == RegionLevel.OBLAST:
        return name
    oblast = Region.objects.filter(code=region.oblast_code).values("name_en", "name_uk").first()
    return f"{name}, {localized_name(oblast)}" if oblast else name


def _page_number(raw: str) -> int:
    """The page asked for. As with Django's paginated list views, the first page always exists
    (if empty), and a page that is not a whole number from 1, or lies past the end, is a 404."""
    try:
        page = int(raw)
    except ValueError:
        page = 0
    if page < 1:
        raise Http404("A page number is a whole number from 1.")
    return page


@require_safe
@public_page
def incident_list(request: HttpRequest) -> HttpResponse:
    query = _site_query(request.GET)
    page = _page_number(query.pop("page", ["1"])[0])
    filterset = IncidentFilterSet(query, queryset=public_incidents())
    valid = filterset.is_valid()
    incidents, total, has_next = [], 0, False
    if valid:
        filtered = filterset.qs
        # Count at most COUNT_LIMIT rows: the reader learns how many match without every request
        # counting a table of a million.
        total = filtered[: COUNT_LIMIT + 1].count()
        offset = (page - 1) * PAGE_SIZE
        incidents = (
            _documents(filtered[offset : offset + PAGE_SIZE + 1], request)
            if offset < MAX_OFFSET  # Past any end, and more than PostgreSQL's OFFSET takes.
            else []
        )
        if page > 1 and not incidents:
            raise Http404("This list has no such page.")
        has_next, incidents = len(incidents) > PAGE_SIZE, incidents[:PAGE_SIZE]
    more_than_limit = total > COUNT_LIMIT
    pages = max(1, -(-min(total, COUNT_LIMIT) // PAGE_SIZE))

    def page_link(number: int) -> str:
        target = query.copy()
        target["page"] = str(number)
        return "?" + target.urlencode(safe=",")

    types = [
        (slug, localized_name({"name_en": name_en, "name_uk": name_uk}))
        for slug, name_en, name_uk in IncidentType.objects.values_list("slug", "name_en", "name_uk")
    ]
    types.sort(key=lambda item: by_name(item[1]))
    context = {
        "form": filterset.form,
        "ignored_params": _ignored_params(request.GET),
        "incidents": incidents,
        "total": total,
        "active_filters": _active_filters(query, filterset.form, dict(types)) if valid else [],
        "regions": _region_options(filterset.form.cleaned_data.get("region")),
        "verification_statuses": SITE_STATUSES,
        "selected_statuses": query.get("verification_status", "").split(","),
        "selected_types": query.get("incident_type", "").split(","),
        "incident_types": types,
        "page": page,
        "pages": pages,
        "more_than_limit": more_than_limit,
        "count_limit": COUNT_LIMIT,
        "previous_link": page_link(page - 1) if page > 1 else "",
        "next_link": page_link(page + 1) if has_next else "",
        "csv_link": reverse("api:incident-list") + "?" + _csv_query(query),
    }
    return render(request, "incidents/incident_list.html", context, status=200 if valid else 400)


def _csv_query(query: QueryDict) -> str:
    export = query.copy()
    export.pop("page", None)
    export["format"] = "csv"
    return export.urlencode(safe=",")


@require_safe
@public_page
def incident_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    documents = _documents(public_incidents().filter(public_id=public_id), request)
    if documents:
        return render(
            request,
            "incidents/incident_detail.html",
            {
                "incident": documents[0],
                # The address of this page in the reader's language, for citing.
                "page_url": request.build_absolute_uri(
                    reverse("incident-detail", args=[public_id])
                ),
                "accessed_on": timezone.localdate(),
                "json_url": reverse("api:incident-detail", args=[public_id]),
            },
        )
    gone = withdrawn_incident(public_id)
    if gone is None:
        # Drafts, records in review and unknown ids look the same from outside.
        raise Http404(_("No published incident has this id."))
    if gone["replaced_by"]:
        return redirect("incident-detail", public_id=gone["replaced_by"], permanent=True)
    return render(request, "incidents/incident_gone.html", {"incident": gone}, status=410)


@require_safe
@public_page
def methodology(request: HttpRequest) -> HttpResponse:
    return render(request, "incidents/methodology.html")
