"""Views of /api/v1/ that belong to no app: the docs page."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.request import Request


class ApiDocs(SpectacularSwaggerSplitView):
    """Swagger UI, from our static files. Its page is the only HTML of the API."""

    def options(self, request: Request, *args, **kwargs) -> HttpResponse:
        # DRF would describe the view by rendering its description through the page's template,
        # which has no schema address to show; the Allow header (added by DRF) says it all.
        return HttpResponse(status=200)
