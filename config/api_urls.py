"""The public API, /api/v1/: its index, each app's endpoints, and the schema and docs that
describe them."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from config.api_views import ApiDocs, ApiIndex

app_name = "api"

urlpatterns = [
    path("", ApiIndex.as_view(), name="index"),
    path("", include("incidents.api.urls")),
    path("", include("sources.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from our static files; the split view serves its start-up script from a URL of
    # ours, so the page needs no inline script (Content-Security-Policy: script-src 'self').
    path(
        "docs/",
        ApiDocs.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
]
