from django.urls import path

from incidents import views

urlpatterns = [
    path("", views.home, name="home"),
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/<str:public_id>/", views.incident_detail, name="incident-detail"),
    path("methodology/", views.methodology, name="methodology"),
]
