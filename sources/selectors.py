"""Reads of sources: those the public site and the API share, built on the publication gate,
and the staff's reads of claims (the incidents in a claim's scope)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import CharField, Exists, F, Func, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat

from incidents.models import Incident, IncidentSource, Region
from sources.models import Claim, ClaimIncidentType, SourceDocument


def public_sources() -> QuerySet[SourceDocument]:
    """Sources that may be cited publicly: marked public, and cited by a published incident or
    by none at all. A public source cited only by drafts would tell the world what is being
    investigated."""
    links = IncidentSource.objects.filter(source=OuterRef("pk"))
    cited_publicly = links.filter(incident__in=Incident.objects.published())
    return SourceDocument.objects.filter(
        Q(Exists(cited_publicly)) | ~Q(Exists(links)), is_public=True
    )


def published_incidents_citing(source_ids: Iterable[int]) -> dict[int, list[str]]:
    """Public ids of the published incidents citing each source, in id order."""
    citing: dict[int, list[str]] = {source_id: [] for source_id in source_ids}
    links = (
        IncidentSource.objects.filter(
            source_id__in=list(citing), incident__in=Incident.objects.published()
        )
        .order_by("incident__public_id")
        .values_list("source_id", "incident__public_id")
    )
    for source_id, public_id in links:
        citing[source_id].append(public_id)
    return citing


def _unaccent(expression) -> Func:
    return Func(expression, function="unaccent", output_field=CharField())


def sources_matching(sources: QuerySet[SourceDocument], text: str) -> QuerySet[SourceDocument]:
    """The sources among `sources` whose title, publisher or short names hold the words of
    `text`, in the web-search syntax of the incidents' `q` ("quoted phrase", or, -excluded).

    Short names make an acronym find its sources: `HRMMU` or `coi` matches a source listing
    HRMMU or COI, in any case; English words of titles also match by their stem. The words are
    read from the rows as they are asked for: sources are few beside incidents, and the query is
    always narrowed to `public_sources()` first.
    """
    words = Concat(
        F("title"),
        Value(" "),
        F("publisher"),
        Value(" "),
        Func(F("short_names"), Value(" "), function="array_to_string", output_field=CharField()),
        output_field=CharField(),
    )
    english = SearchQuery(text, config="english", search_type="websearch")
    plain = SearchQuery(_unaccent(Value(text)), config="simple", search_type="websearch")
    return sources.annotate(
        english_words=SearchVector(words, config="english"),
        plain_words=SearchVector(_unaccent(words), config="simple"),
    ).filter(Q(english_words=english) | Q(plain_words=plain))


def claim_period_end(claim: Claim):
    """The last day a claim can count: its period's end, or, when the source gives none, the
    day its figure is as of (a figure cannot count what happened after it was given); None
    when it has neither, and the period is open."""
    return claim.period_end or claim.as_of


def incidents_in_claim_scope(claim: Claim) -> QuerySet[Incident]:
    """The register's published incidents that the claim may count, in one query.

    - Period: the incident's days overlap the claim's. An incident runs from `date_start` to
      `date_end`, or is the one day `date_start` without an end; dates are stored as the first
      and last day of their precision's unit, so the overlap is read from them as the
      incidents' `date_from`/`date_to` filters read it. The claim runs from `period_start`
      (open when empty) to `claim_period_end`.
    - Region: the claim's region and every unit beneath it; no region is the whole country.
      An incident of no known region is in the scope only of a claim on the whole country.
    - Types: one of the claim's incident types; no types is any type.
    """
    incidents = Incident.objects.published()
    if claim.period_start is not None:
        incidents = incidents.annotate(last_possible_day=Coalesce("date_end", "date_start")).filter(
            last_possible_day__gte=claim.period_start
        )
    end = claim_period_end(claim)
    if end is not None:
        incidents = incidents.filter(date_start__lte=end)
    if claim.region_id is not None:
        # A subquery rather than `claim.region`: the caller's claim need not have it loaded.
        path = Region.objects.filter(pk=claim.region_id).values("path")[:1]
        incidents = incidents.filter(region__path__startswith=Subquery(path))
    types = ClaimIncidentType.objects.filter(claim_id=claim.pk)
    incidents = incidents.filter(
        ~Exists(types) | Q(incident_type__in=types.values("incident_type_id"))
    )
    return incidents.select_related("incident_type", "region").order_by("date_start", "id")
