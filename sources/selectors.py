"""Reads of sources that the public site and the API share, built on the publication gate."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import CharField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat

from incidents.models import Incident, IncidentSource
from sources.models import SourceDocument


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
