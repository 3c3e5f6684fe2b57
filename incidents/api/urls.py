from django.urls import path

from incidents.api import views

urlpatterns = [
    path("incidents/", views.IncidentList.as_view(), name="incident-list"),
    path("incidents/<str:public_id>/", views.IncidentDetail.as_view(), name="incident-detail"),
    path("regions/", views.RegionList.as_view(), name="region-list"),
    path("regions/<str:code>/", views.RegionDetail.as_view(), name="region-detail"),
    path("incident-types/", views.IncidentTypeList.as_view(), name="incident-type-list"),
    path("stats/", views.IncidentStats.as_view(), name="stats"),
    path("withdrawn/", views.WithdrawnList.as_view(), name="withdrawn-list"),
]
