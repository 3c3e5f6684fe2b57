from django.contrib import admin
from django.urls import include, path

from incidents import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("incidents.api.urls")),
]
