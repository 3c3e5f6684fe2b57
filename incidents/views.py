"""The public site for journalists. Every view starts from `public_incidents()`."""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from incidents.charts import bar_chart
from incidents.filters import IncidentFilterSet
from incidents.models import Incident, IncidentType, Region, RegionLevel, VerificationStatus
from incidents.presentation import incident_date, localized_name, victims_range
from incidents.selectors import (
    incident_stats,
    public_incident_documents,
    public_incident_rows,
    public_incidents,
    withdrawn_incidents,
)

PAGE_SIZE = 25
STATS_SECONDS = 300
HEADLINE_STATUSES = (VerificationStatus.VERIFIED, VerificationStatus.ACKNOWLEDGED)
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
    return [_decorate(document) for document in public_incident_documents(rows, site_url=site_url)]


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
        data=_every_month(stats["by_month"]),
    )
    oblasts = bar_chart(
        id="chart-oblasts",
        title=_("Published incidents per oblast"),
        x_label=_("Incidents"),
        y_label=_("Oblast"),
        data=sorted(
            (
                (localized_name(row["oblast"]) or _("Unknown"), row["incidents"])
                for row in stats["by_oblast"]
            ),
            key=lambda item: -item[1],
        ),
        horizontal=True,
    )
    latest = _documents(public_incidents().order_by("-published_at", "-id")[:5], request)
    return render(
        request,
        "incidents/home.html",
        {"headline": headline, "charts": [months, oblasts], "latest": latest},
    )


def _every_month(by_month: list[dict]) -> list[tuple[str, int]]:
    """Counts for every month from the first to the last, empty months included: a gap in a
    trend chart must show as a zero, not vanish."""
    counts = {row["month"]: row["incidents"] for row in by_month if row["month"]}
    if not counts:
        return []
    first, last = min(counts), max(counts)
    year, month = int(first[:4]), int(first[5:])
    series = []
    while f"{year:04d}-{month:02d}" <= last:
        key = f"{year:04d}-{month:02d}"
        series.append((key, counts.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return series


def _single_values(query: QueryDict) -> QueryDict:
    """Repeated parameters (checkboxes) become one comma list, as the API takes them."""
    merged = QueryDict(mutable=True)
    for key in query:
        values = [value for value in query.getlist(key) if value != ""]
        if values:
            merged[key] = ",".join(values)
    return merged


def _active_filters(query: QueryDict, form) -> list[dict]:
    """One removable chip per active filter value, each linking to the list without it."""
    chips = []
    for key in ("q", "region", "date_from", "date_to", "verification_status", "incident_type"):
        if key not in query:
            continue
        values = (
            query[key].split(",")
            if key in ("verification_status", "incident_type")
            else [query[key]]
        )
        for value in values:
            rest = query.copy()
            remaining = [v for v in values if v != value]
            if remaining:
                rest[key] = ",".join(remaining)
            else:
                del rest[key]
            rest.pop("page", None)
            chips.append(
                {"label": form.fields[key].label, "value": value, "remove": "?" + rest.urlencode()}
            )
    return chips


@require_safe
@public_page
def incident_list(request: HttpRequest) -> HttpResponse:
    query = _single_values(request.GET)
    try:
        page = max(int(query.pop("page", ["1"])[0]), 1)
    except ValueError:
        page = 1
    filterset = IncidentFilterSet(query, queryset=public_incidents())
    valid = filterset.is_valid()
    incidents, has_next = [], False
    if valid:
        offset = (page - 1) * PAGE_SIZE
        # One row more than a page tells whether there is a next page, without counting them all.
        rows = _documents(filterset.qs[offset : offset + PAGE_SIZE + 1], request)
        incidents, has_next = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE

    def page_link(number: int) -> str:
        target = query.copy()
        target["page"] = str(number)
        return "?" + target.urlencode()

    context = {
        "form": filterset.form,
        "incidents": incidents,
        "active_filters": _active_filters(query, filterset.form) if valid else [],
        "regions": Region.objects.filter(level__in=[RegionLevel.OBLAST]).order_by("name_en"),
        "verification_statuses": VerificationStatus.choices,
        "selected_statuses": query.get("verification_status", "").split(","),
        "selected_types": query.get("incident_type", "").split(","),
        "incident_types": [
            (slug, localized_name({"name_en": name_en, "name_uk": name_uk}))
            for slug, name_en, name_uk in IncidentType.objects.order_by("name_en").values_list(
                "slug", "name_en", "name_uk"
            )
        ],
        "page": page,
        "previous_link": page_link(page - 1) if page > 1 else "",
        "next_link": page_link(page + 1) if has_next else "",
        "csv_link": reverse("api:incident-list") + "?" + _csv_query(query),
    }
    return render(request, "incidents/incident_list.html", context, status=200 if valid else 400)


def _csv_query(query: QueryDict) -> str:
    export = query.copy()
    export.pop("page", None)
    export["format"] = "csv"
    return export.urlencode()


@require_safe
@public_page
def incident_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    documents = _documents(public_incidents().filter(public_id=public_id), request)
    if documents:
        document = documents[0]
        return render(
            request,
            "incidents/incident_detail.html",
            {
                "incident": document,
                "accessed_on": timezone.localdate(),
                "json_url": reverse("api:incident-detail", args=[public_id]),
            },
        )
    gone = withdrawn_incidents().filter(public_id=public_id).first()
    if gone is None:
        # Drafts, records in review and unknown ids look the same from outside.
        raise Http404(_("No published incident has this id."))
    if gone.duplicate_of_id:
        survivor = Incident.objects.published().filter(pk=gone.duplicate_of_id).first()
        if survivor is not None:
            return redirect("incident-detail", public_id=survivor.public_id, permanent=True)
    return render(request, "incidents/incident_gone.html", {"incident": gone}, status=410)


@require_safe
@public_page
def methodology(request: HttpRequest) -> HttpResponse:
    return render(request, "incidents/methodology.html", {"statuses": VerificationStatus})
