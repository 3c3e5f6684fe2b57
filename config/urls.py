from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    # English pages are unprefixed and Ukrainian ones live under /uk/, so each page has a stable
    # address in each language.
    *i18n_patterns(path("", include("incidents.urls")), prefix_default_language=False),
]
