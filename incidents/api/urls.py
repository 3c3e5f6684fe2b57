from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from incidents.api import views

app_name = "api"

urlpatterns = [
    path("incidents/", views.IncidentList.as_view(), name="incident-list"),
    path("incidents/<str:public_id>/", views.IncidentDetail.as_view(), name="incident-detail"),
    path("sources/", views.SourceList.as_view(), name="source-list"),
    path("sources/<str:public_id>/", views.SourceDetail.as_view(), name="source-detail"),
    path("regions/", views.RegionList.as_view(), name="region-list"),
    path("regions/<str:code>/", views.RegionDetail.as_view(), name="region-detail"),
    path("incident-types/", views.IncidentTypeList.as_view(), name="incident-type-list"),
    path("stats/", views.IncidentStats.as_view(), name="stats"),
    path("withdrawn/", views.WithdrawnList.as_view(), name="withdrawn-list"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from our static files; the split view serves its start-up script from a URL of
    # ours, so the page needs no inline script (Content-Security-Policy: script-src 'self').
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
]
