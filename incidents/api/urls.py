from django.urls import path

from incidents.api import views

app_name = "api"

urlpatterns = [
    path("incidents/", views.IncidentList.as_view(), name="incident-list"),
]
