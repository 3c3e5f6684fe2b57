from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from core.languages import language_links
from incidents.demo_markers import FICTIONAL_URL
from sources.models import SourceDocument

DEMO_FLAG_SECONDS = 60


def demo_data_loaded() -> bool:
    """Whether the fictional demo data is in the database (its sources use a reserved domain)."""
    return cache.get_or_set(
        "site:demo-data-loaded",
        lambda: SourceDocument.objects.filter(url__startswith=FICTIONAL_URL).exists(),
        DEMO_FLAG_SECONDS,
    )


def site(request: HttpRequest) -> dict:
    """The language switcher's links (same page, same filters) and the demo banner flag."""
    if request.path.startswith("/admin/"):
        return {}
    return {"site_languages": language_links(request), "demo_data_loaded": demo_data_loaded()}
