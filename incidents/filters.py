"""The incident filters shared by the public site and the API.

Every parameter is validated: an unknown value, a malformed date or an unknown region is an error
naming the parameter, never a filter silently dropped (a partner's typo must not return everything).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db.models import Func, Q, QuerySet, Value
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.api import ISO_DATE, parse_sync_time
from incidents.models import Incident, IncidentType, Region, VerificationStatus
from incidents.selectors import region_by_code

ORDERINGS = {
    "-date": ("-date_start", "-id"),
    "date": ("date_start", "id"),
    "updated_at": ("public_updated_at", "id"),
}
DEFAULT_ORDERING = "-date"


def one_value_each(data: QueryDict) -> QueryDict:
    """A copy of `data` with each repeated parameter as one comma list:
    ?verification_status=a&verification_status=b (as checkboxes send it) means both, as
    verification_status=a,b does, not just the last one."""
    merged = data.copy()
    for key in data:
        values = data.getlist(key)
        if len(values) > 1:
            merged[key] = ",".join(value for value in values if value)
    return merged


class CommaSeparatedChoiceField(forms.CharField):
    """`a,b,c` where each item must be one of the allowed values."""

    def __init__(self, *, allowed: Callable[[], list[str]], **kwargs):
        self.allowed = allowed
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return []
        items = [item.strip() for item in value.split(",") if item.strip()]
        allowed = self.allowed()
        unknown = [item for item in items if item not in allowed]
        if unknown:
            # The values go in as params, never into the message itself: django-filter formats
            # the message with them, and a "%" typed by a client must not be read as a format.
            raise forms.ValidationError(
                gettext(
                    "Unknown value %(unknown)s. Use one or more of %(allowed)s, separated by "
                    "commas."
                ),
                params={
                    "unknown": ", ".join(repr(item) for item in unknown),
                    "allowed": ", ".join(allowed),
                },
            )
        return items


class CommaSeparatedChoiceFilter(django_filters.Filter):
    field_class = CommaSeparatedChoiceField

    def filter(self, queryset: QuerySet, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(**{f"{self.field_name}__in": value})


class RegionField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        region = region_by_code(value)
        if region is None:
            raise forms.ValidationError(
                gettext(
                    "Unknown region %(region)s. Use a KATOTTH code (e.g. UA14000000000091971) or "
                    "an ISO 3166-2 code (e.g. UA-14); /api/v1/regions/ lists them."
                ),
                params={"region": repr(value)},
            )
        return region


class RegionFilter(django_filters.Filter):
    field_class = RegionField

    def filter(self, queryset: QuerySet, value: Region | None) -> QuerySet:
        return queryset if value is None else queryset.in_region(value)


class IsoDateField(forms.DateField):
    """A day written YYYY-MM-DD and nothing looser (2024-1-1 is refused, not guessed at)."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter a date as YYYY-MM-DD.")}

    def to_python(self, value):
        if value not in self.empty_values and not ISO_DATE.fullmatch(str(value).strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IsoDateFilter(django_filters.DateFilter):
    field_class = IsoDateField


class SyncTimeField(forms.CharField):
    """A time for incremental sync, read by the parser `withdrawn/?since=` uses too."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_sync_time(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class SyncTimeFilter(django_filters.Filter):
    field_class = SyncTimeField


def _verification_statuses() -> list[str]:
    return list(VerificationStatus.values)


def _incident_type_slugs() -> list[str]:
    return list(IncidentType.objects.order_by("slug").values_list("slug", flat=True))


class IncidentFilterSet(django_filters.FilterSet):
    date_from = IsoDateFilter(
        label=_("From"),
        method="filter_date_from",
        help_text="Incidents that may have happened on or after this day (YYYY-MM-DD).",
    )
    date_to = IsoDateFilter(
        label=_("To"),
        method="filter_date_to",
        help_text="Incidents that may have happened on or before this day (YYYY-MM-DD).",
    )
    region = RegionFilter(
        label=_("Region"),
        help_text="A KATOTTH or ISO 3166-2 code; includes every unit beneath it.",
    )
    verification_status = CommaSeparatedChoiceFilter(
        label=_("Verification status"),
        field_name="verification_status",
        allowed=_verification_statuses,
        help_text="One or more verification statuses, comma-separated.",
    )
    incident_type = CommaSeparatedChoiceFilter(
        label=_("Type of incident"),
        field_name="incident_type__slug",
        allowed=_incident_type_slugs,
        help_text="One or more incident type slugs, comma-separated.",
    )
    q = django_filters.CharFilter(
        label=_("Words"),
        method="filter_text",
        help_text="Words to find in the public text (English or Ukrainian).",
    )
    updated_since = SyncTimeFilter(
        label=_("Updated since"),
        method="filter_updated_since",
        help_text="Only incidents changed at or after this time, for incremental sync: an ISO "
        "8601 date and time with its zone (Z or an offset), or a date alone for 00:00 UTC.",
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Order"),
        choices=[(key, key) for key in ORDERINGS],
        method="filter_ordering",
        empty_label=None,
        help_text="-date (newest first, the default), date, or updated_at (for sync).",
    )

    class Meta:
        model = Incident
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and hasattr(data, "getlist"):
            data = one_value_each(data)
        super().__init__(data, *args, **kwargs)

    def filter_date_from(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # Overlap: the incident's last possible day is on or after date_from.
        return queryset.filter(
            Q(date_end__gte=value) | Q(date_end__isnull=True, date_start__gte=value)
        )

    def filter_date_to(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(date_start__lte=value)

    def filter_updated_since(self, queryset: QuerySet, name: str, value: dt.datetime) -> QuerySet:
        return queryset.filter(public_updated_at__gte=value)

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        english = SearchQuery(value, config="english", search_type="websearch")
        plain = SearchQuery(
            Func(Value(value), function="unaccent"), config="simple", search_type="websearch"
        )
        return queryset.filter(search_vector=english | plain)

    def filter_ordering(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*ORDERINGS[value or DEFAULT_ORDERING])
